#pragma once
// A linear solve with PETSc's KSP under an options prefix, with statistics.
#include <petscksp.h>

#include <string>

namespace tsvfield::solver {

struct SolveStats {
  std::string method;  // e.g. "cg+hypre", "newtonls", "bdf"
  int iterations = 0;  // Krylov iterations (summed over Newton steps / time steps)
  int nonlinear_iterations = 0;
  int time_steps = 0;
  double residual_norm = 0;  // final (unpreconditioned where the method allows)
  std::string converged_reason;
  double setup_seconds = 0, solve_seconds = 0;
};

// Solves A x = b with CG (GMRES when symmetric is false) and the options
// "-<prefix>..." (preconditioner defaults from set_elliptic_defaults; any
// option overrides); x is the initial guess. Throws SolverError when the
// solver diverges.
SolveStats solve_linear_system(Mat a, Vec b, Vec x, const std::string& prefix,
                               double relative_tolerance, bool symmetric = true);

// Name of a KSP / SNES / TS converged reason, e.g. "CONVERGED_RTOL".
std::string ksp_reason_name(KSPConvergedReason reason);

}  // namespace tsvfield::solver
