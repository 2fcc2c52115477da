#pragma once
// RAII ownership of PETSc objects and a check that turns a PetscErrorCode into
// an exception, so C++ code never leaks a Vec or ignores an error code.
#include <petscksp.h>
#include <petscsnes.h>
#include <petscts.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace tsvfield::solver {

// A PETSc call failed (out of memory, wrong sizes, ...): a bug or a system
// problem, not a convergence failure (that is tsvfield::SolverError).
class PetscError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void check(PetscErrorCode code, const char* call, const char* file, int line) {
  if (code == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw PetscError(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " +
                   (text ? text : "unknown PETSc error") + " (code " + std::to_string(code) + ")");
}

// TSV_CHECK(VecSet(v, 0.0)); throws PetscError naming the call on failure.
#define TSV_CHECK(call) ::tsvfield::solver::check((call), #call, __FILE__, __LINE__)

// Owns one PETSc object and destroys it with its XxxDestroy function.
template <typename Object, PetscErrorCode (*Destroy)(Object*)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(Object object) : object_(object) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }

  Object get() const { return object_; }
  operator Object() const { return object_; }  // NOLINT: pass straight to PETSc calls
  // For creation functions: VecCreate(comm, vec.out()).
  Object* out() {
    reset();
    return &object_;
  }
  Object release() { return std::exchange(object_, nullptr); }
  void reset() {
    if (object_) Destroy(&object_);  // a failing destroy cannot be reported from a destructor
    object_ = nullptr;
  }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  Object object_ = nullptr;
};

using VecHandle = Handle<Vec, VecDestroy>;
using MatHandle = Handle<Mat, MatDestroy>;
using KspHandle = Handle<KSP, KSPDestroy>;
using SnesHandle = Handle<SNES, SNESDestroy>;
using TsHandle = Handle<TS, TSDestroy>;
using IsHandle = Handle<IS, ISDestroy>;
using VecScatterHandle = Handle<VecScatter, VecScatterDestroy>;

// Read access to a Vec's local array for the lifetime of the object.
class ConstVecArray {
 public:
  explicit ConstVecArray(Vec vec) : vec_(vec) { TSV_CHECK(VecGetArrayRead(vec_, &data_)); }
  ~ConstVecArray() { VecRestoreArrayRead(vec_, &data_); }
  ConstVecArray(const ConstVecArray&) = delete;
  ConstVecArray& operator=(const ConstVecArray&) = delete;
  const PetscScalar& operator[](std::size_t i) const { return data_[i]; }
  const PetscScalar* data() const { return data_; }

 private:
  Vec vec_;
  const PetscScalar* data_ = nullptr;
};

// Write access to a Vec's local array for the lifetime of the object.
class VecArray {
 public:
  explicit VecArray(Vec vec) : vec_(vec) { TSV_CHECK(VecGetArray(vec_, &data_)); }
  ~VecArray() { VecRestoreArray(vec_, &data_); }
  VecArray(const VecArray&) = delete;
  VecArray& operator=(const VecArray&) = delete;
  PetscScalar& operator[](std::size_t i) { return data_[i]; }
  PetscScalar* data() { return data_; }

 private:
  Vec vec_;
  PetscScalar* data_ = nullptr;
};

// The local form (owned + ghost entries) of a ghosted Vec, for the object's lifetime.
class GhostLocalForm {
 public:
  explicit GhostLocalForm(Vec ghosted) : ghosted_(ghosted) {
    TSV_CHECK(VecGhostGetLocalForm(ghosted_, &local_));
  }
  ~GhostLocalForm() { VecGhostRestoreLocalForm(ghosted_, &local_); }
  GhostLocalForm(const GhostLocalForm&) = delete;
  GhostLocalForm& operator=(const GhostLocalForm&) = delete;
  Vec get() const { return local_; }

 private:
  Vec ghosted_;
  Vec local_ = nullptr;
};

// A named PETSc log stage, active for the lifetime of the object, so -log_view
// reports time per phase (assembly, setup, solve, output).
class ScopedLogStage {
 public:
  explicit ScopedLogStage(const char* name) {
    PetscLogStage stage = -1;
    TSV_CHECK(PetscLogStageGetId(name, &stage));
    if (stage < 0) TSV_CHECK(PetscLogStageRegister(name, &stage));
    TSV_CHECK(PetscLogStagePush(stage));
  }
  ~ScopedLogStage() { PetscLogStagePop(); }
  ScopedLogStage(const ScopedLogStage&) = delete;
  ScopedLogStage& operator=(const ScopedLogStage&) = delete;
};

// A named PETSc log event, active for the lifetime of the object, for work that
// PETSc's own events do not show (the column multigrid's line sweeps).
class ScopedLogEvent {
 public:
  explicit ScopedLogEvent(const char* name) {
    TSV_CHECK(PetscLogEventGetId(name, &event_));
    if (event_ < 0) TSV_CHECK(PetscLogEventRegister(name, PETSC_OBJECT_CLASSID, &event_));
    TSV_CHECK(PetscLogEventBegin(event_, nullptr, nullptr, nullptr, nullptr));
  }
  ~ScopedLogEvent() { PetscLogEventEnd(event_, nullptr, nullptr, nullptr, nullptr); }
  ScopedLogEvent(const ScopedLogEvent&) = delete;
  ScopedLogEvent& operator=(const ScopedLogEvent&) = delete;

 private:
  PetscLogEvent event_ = -1;
};

}  // namespace tsvfield::solver
