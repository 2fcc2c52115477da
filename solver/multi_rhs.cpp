#include "solver/multi_rhs.hpp"

#include "mesh/input_error.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::solver {

MultiRhsSolver::MultiRhsSolver(Mat a, const std::string& prefix, double relative_tolerance)
    : prefix_(prefix) {
  MPI_Comm comm = PETSC_COMM_WORLD;
  TSV_CHECK(PetscObjectGetComm(reinterpret_cast<PetscObject>(a), &comm));
  TSV_CHECK(KSPCreate(comm, ksp_.out()));
  TSV_CHECK(KSPSetOperators(ksp_, a, a));
  TSV_CHECK(KSPSetOptionsPrefix(ksp_, prefix.c_str()));
  TSV_CHECK(KSPSetType(ksp_, KSPCG));  // set_elliptic_defaults no longer sets the Krylov method
  TSV_CHECK(KSPSetTolerances(ksp_, relative_tolerance, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  TSV_CHECK(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  PC default_pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp_, &default_pc));
  set_default_preconditioner(default_pc, prefix);
  TSV_CHECK(KSPSetFromOptions(ksp_));
  // As solve_linear_system: CG on the true residual norm unless the user chose.
  PetscBool is_cg = PETSC_FALSE, norm_set = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp_.get()), KSPCG, &is_cg));
  TSV_CHECK(PetscOptionsHasName(nullptr, prefix.c_str(), "-ksp_norm_type", &norm_set));
  if (is_cg && !norm_set) TSV_CHECK(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  PetscLogDouble start = 0, end = 0;
  TSV_CHECK(PetscTime(&start));
  {
    ScopedLogStage stage("setup");
    TSV_CHECK(KSPSetUp(ksp_));
  }
  TSV_CHECK(PetscTime(&end));
  setup_seconds_ = end - start;
  KSPType ksp_type = nullptr;
  PC pc = nullptr;
  PCType pc_type = nullptr;
  TSV_CHECK(KSPGetType(ksp_, &ksp_type));
  TSV_CHECK(KSPGetPC(ksp_, &pc));
  TSV_CHECK(PCGetType(pc, &pc_type));
  method_ = std::string(ksp_type ? ksp_type : "?") + "+" + (pc_type ? pc_type : "?");
}

SolveStats MultiRhsSolver::solve(Vec b, Vec x) const {
  SolveStats stats;
  stats.method = method_;
  stats.setup_seconds = setup_seconds_;
  PetscLogDouble start = 0, end = 0;
  TSV_CHECK(PetscTime(&start));
  {
    ScopedLogStage stage("solve");
    TSV_CHECK(KSPSolve(ksp_, b, x));
  }
  TSV_CHECK(PetscTime(&end));
  ++solve_count_;
  KSPConvergedReason reason;
  PetscInt iterations = 0;
  PetscReal norm = 0;
  TSV_CHECK(KSPGetConvergedReason(ksp_, &reason));
  TSV_CHECK(KSPGetIterationNumber(ksp_, &iterations));
  TSV_CHECK(KSPGetResidualNorm(ksp_, &norm));
  stats.iterations = static_cast<int>(iterations);
  stats.residual_norm = norm;
  stats.converged_reason = ksp_reason_name(reason);
  stats.solve_seconds = end - start;
  if (reason < 0) {
    throw SolverError("linear solver (" + method_ + ", options prefix -" + prefix_ +
                      ") did not converge: " + stats.converged_reason + " after " +
                      std::to_string(iterations) + " iterations, residual " + std::to_string(norm));
  }
  return stats;
}

}  // namespace tsvfield::solver
