#pragma once
// A linear solver for many right-hand sides with one matrix: the KSP and its
// preconditioner (e.g. the BoomerAMG hierarchy) are set up once and reused by
// every solve. Used for resistance and capacitance matrices (one solve per
// terminal). Options come from "-<prefix>..." as in solve_linear_system.
#include <petscksp.h>

#include <string>

#include "solver/linear_solve.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

class MultiRhsSolver {
 public:
  // Sets up KSP + PC on `a` (which must outlive the solver); `setup_seconds` of
  // every later SolveStats holds this one setup time.
  MultiRhsSolver(Mat a, const std::string& prefix, double relative_tolerance);

  // Solves A x = b (x: initial guess). Throws SolverError when the solver diverges.
  SolveStats solve(Vec b, Vec x) const;
  int solve_count() const { return solve_count_; }
  double setup_seconds() const { return setup_seconds_; }

 private:
  KspHandle ksp_;
  std::string prefix_;
  std::string method_;
  double setup_seconds_ = 0;
  mutable int solve_count_ = 0;
};

}  // namespace tsvfield::solver
