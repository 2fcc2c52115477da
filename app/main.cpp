// tsvfield: the command-line driver. Parses the command line, starts PETSc (and MPI)
// with the PETSc options given after "--", runs one command, and maps failures onto
// exit codes: 0 success, 2 bad input, 3 a solver did not converge, 1 internal error.
#include <petscsys.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "solver/huge_page_heap.hpp"
#include "tsvfield_version.hpp"

namespace {

using tsvfield::app::CommandLine;

// PetscInitialize / PetscFinalize around the run. PETSc reads its options from the
// argument vector it is given: the program name plus everything after "--".
class PetscSession {
 public:
  PetscSession(const char* program, const std::vector<std::string>& petsc_options)
      : storage_(petsc_options) {
    arguments_.push_back(const_cast<char*>(program));
    for (auto& option : storage_) arguments_.push_back(option.data());
    arguments_.push_back(nullptr);
    argc_ = static_cast<int>(arguments_.size()) - 1;
    argv_ = arguments_.data();
    ok_ = PetscInitialize(&argc_, &argv_, nullptr, nullptr) == 0;
  }
  ~PetscSession() {
    if (ok_) PetscFinalize();
  }
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;
  bool ok() const { return ok_; }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> arguments_;
  int argc_ = 0;
  char** argv_ = nullptr;
  bool ok_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // Before MPI starts: a page fault costs ~28 us on virtual machines (see the header).
  tsvfield::solver::restart_with_huge_page_heap(argv);
  namespace app = tsvfield::app;
  std::vector<std::string> args(argv + 1, argv + argc);
  CommandLine line;
  try {
    line = app::parse_command_line(args);
  } catch (const app::UsageError& error) {
    std::fprintf(stderr, "tsvfield: %s\n\n%s", error.message.c_str(),
                 app::usage_text(error.command).c_str());
    return app::kExitBadInput;
  }
  if (line.show_version) {
    std::printf("tsvfield %s\n", tsvfield::kVersion);
    return app::kExitSuccess;
  }
  if (line.show_help) {
    std::printf("%s", app::usage_text(line.command).c_str());
    return app::kExitSuccess;
  }
  PetscSession petsc(argv[0], line.petsc_options);
  if (!petsc.ok()) {
    std::fprintf(stderr, "tsvfield: PETSc failed to initialise\n");
    return app::kExitInternal;
  }
  return app::run_command(line, PETSC_COMM_WORLD);
}
