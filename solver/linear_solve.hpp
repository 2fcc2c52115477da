#pragma once
// A linear solve with PETSc's KSP under an options prefix, with statistics.
#include <petscksp.h>

#include <string>

#include "solver/column_multigrid.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

struct SolveStats {
  std::string method;          // e.g. "cg+hypre", "newtonls", "bdf"
  std::string preconditioner;  // a line on the preconditioner built (column multigrid levels)
  int iterations = 0;          // Krylov iterations (summed over Newton steps / time steps)
  int nonlinear_iterations = 0;
  int time_steps = 0;
  double residual_norm = 0;  // final (unpreconditioned where the method allows)
  std::string converged_reason;
  double setup_seconds = 0, solve_seconds = 0;
};

// Solves A x = b with CG (GMRES when symmetric is false) and the options
// "-<prefix>..." (any option overrides the defaults); x is the initial guess.
// The preconditioner is the column multigrid when `lines` is given (see
// column_multigrid_wanted), else BoomerAMG with set_elliptic_defaults' settings
// unless -<prefix>pc_type chooses another. Throws SolverError when the solver
// diverges.
SolveStats solve_linear_system(Mat a, Vec b, Vec x, const std::string& prefix,
                               double relative_tolerance, bool symmetric = true,
                               const LineStructure* lines = nullptr);

// Makes `pc` a PCSHELL that builds the column multigrid (setup_column_multigrid) from
// its current operator at every PCSetUp, for solvers PETSc drives (TS): KSP sets the
// PC up again whenever the matrix's values change (a time step with a new shift), and
// not while they stay the same. The operator must be assembled symmetric positive
// definite AIJ with the line structure `lines`; the column multigrid reads
// -<prefix>column_mg_* and -<prefix>mg_coarse_* (prefix: the PC's own).
void install_column_multigrid_shell(PC pc, const LineStructure& lines);

// The description of the column multigrid a shell of install_column_multigrid_shell
// last built ("" before its first setup, or when `pc` is not such a shell).
std::string column_multigrid_shell_description(PC pc);

// Whether to use the column multigrid: on an extruded mesh (`lines` not empty),
// unless -<prefix>column_mg false or -<prefix>pc_type chooses another preconditioner.
// The default because it solves the stacks of cases/ in 0.5-0.7x BoomerAMG's time at
// about its iteration count (docs/verification.md).
bool column_multigrid_wanted(const LineStructure& lines, const std::string& prefix);

// When the options under "-<prefix>" select BoomerAMG (pc_type hypre or unset,
// with pc_hypre_type boomeramg or unset), replaces the assembled AIJ matrix by a
// MATHYPRE copy and destroys the AIJ one, so that PCHYPRE uses the matrix as it
// is instead of keeping its own copy next to PETSc's: one fine-level matrix
// instead of two during the AMG setup and the solve (about 27 x 12 bytes per
// unknown on a hex mesh). The new matrix keeps MatMult (CG uses hypre's); call
// this only when no AIJ-specific operation follows. Returns whether it did.
bool share_matrix_with_hypre(MatHandle& a, const std::string& prefix);

// Name of a KSP / SNES / TS converged reason, e.g. "CONVERGED_RTOL".
std::string ksp_reason_name(KSPConvergedReason reason);

}  // namespace tsvfield::solver
