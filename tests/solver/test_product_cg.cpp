// The CG that takes A z from the preconditioner (solver/product_cg) against PETSc's
// KSPCG on an anisotropic Laplacian of vertical lines: with the column multigrid,
// whose post-smoother leaves A z, and with a preconditioner that leaves nothing
// (Jacobi: the method multiplies itself); its norm types, the iteration limit, a
// nonzero initial guess and an indefinite matrix. Both methods are the same
// arithmetic up to rounding, so iterations and solutions must agree. Runs on 1 and 2
// ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "solver/column_multigrid.hpp"
#include "solver/product_cg.hpp"
#include "tests/solver/line_grid.hpp"

namespace tsvfield::solver {
namespace {

using namespace test_grid;  // GridSpec, build_problem and the vector helpers

struct Outcome {
  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
  int iterations = 0;
  VecHandle x;
  ProductCgCounts counts;
};

struct Settings {
  KSPNormType norm = KSP_NORM_UNPRECONDITIONED;
  double relative_tolerance = 1e-10;
  PetscInt max_iterations = 1000;
  bool skip_convergence_test = false;
  Vec initial_guess = nullptr;  // zero when null
};

Outcome solve(Mat a, Vec b, KSPType type, const std::function<void(PC)>& configure_pc,
              const Settings& settings = {}) {
  register_product_cg();
  KspHandle ksp;
  TSV_CHECK(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
  TSV_CHECK(KSPSetOperators(ksp, a, a));
  TSV_CHECK(KSPSetType(ksp, type));
  TSV_CHECK(KSPSetNormType(ksp, settings.norm));
  TSV_CHECK(
      KSPSetTolerances(ksp, settings.relative_tolerance, 1e-50, 1e10, settings.max_iterations));
  if (settings.skip_convergence_test)
    TSV_CHECK(KSPSetConvergenceTest(ksp, KSPConvergedSkip, nullptr, nullptr));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp, &pc));
  configure_pc(pc);
  Outcome outcome;
  outcome.x = make_vector(a);
  if (settings.initial_guess) {
    TSV_CHECK(VecCopy(settings.initial_guess, outcome.x));
    TSV_CHECK(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  }
  TSV_CHECK(KSPSolve(ksp, b, outcome.x));
  TSV_CHECK(KSPGetConvergedReason(ksp, &outcome.reason));
  PetscInt its = 0;
  TSV_CHECK(KSPGetIterationNumber(ksp, &its));
  outcome.iterations = static_cast<int>(its);
  outcome.counts = product_cg_counts(ksp);
  return outcome;
}

// Vertical couplings 50 times the horizontal ones, some Dirichlet rows: a problem for
// line smoothing, as the thermal stacks are.
GridSpec anisotropic_grid() {
  return GridSpec{
      .nx = 16, .ny = 14, .nz = 12, .cx = 1, .cy = 2, .cz = 50, .dirichlet_bottoms = true};
}

std::function<void(PC)> column_multigrid(Mat a, const GridSpec& grid) {
  return [a, grid](PC pc) {
    ColumnMultigridOptions options;
    options.coarsest_footprint_nodes = 20;  // a few levels on this small footprint
    const ColumnMultigridSummary summary =
        setup_column_multigrid(pc, a, grid_lines(grid, PETSC_COMM_WORLD), options);
    EXPECT_GE(summary.levels, 2);
  };
}

void jacobi(PC pc) {
  TSV_CHECK(PCSetType(pc, PCJACOBI));
}

void no_preconditioner(PC pc) {
  TSV_CHECK(PCSetType(pc, PCNONE));
}

// Agreement of two solutions of the same system: relative to the solution's size.
double relative_difference(Vec x, Vec y) {
  return max_difference(x, y) / max_abs(y);
}

TEST(ProductCg, MatchesPetscCgWithTheColumnMultigridAndTakesEveryProductFromIt) {
  const GridSpec grid = anisotropic_grid();
  Problem p = build_problem(grid, PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.37);
  const Outcome plain = solve(p.a, b, KSPCG, column_multigrid(p.a, grid));
  const Outcome fused = solve(p.a, b, kProductCgType, column_multigrid(p.a, grid));
  ASSERT_EQ(fused.reason, KSP_CONVERGED_RTOL);
  EXPECT_EQ(plain.reason, KSP_CONVERGED_RTOL);
  EXPECT_LE(std::abs(fused.iterations - plain.iterations), 1);
  EXPECT_GT(fused.iterations, 3);  // a real iteration, not a direct solve
  EXPECT_EQ(fused.counts.from_preconditioner, fused.iterations);
  EXPECT_EQ(fused.counts.multiplied, 0);
  EXPECT_LT(relative_residual(p.a, b, fused.x), 2e-10);  // the true residual, not CG's
  EXPECT_LT(relative_difference(fused.x, plain.x), 1e-8);

  // From a nonzero guess: the first residual is multiplied, the rest come from the PC.
  VecHandle guess = pattern_vector(p.a, 2.1);
  const Outcome from_guess =
      solve(p.a, b, kProductCgType, column_multigrid(p.a, grid), Settings{.initial_guess = guess});
  EXPECT_EQ(from_guess.reason, KSP_CONVERGED_RTOL);
  EXPECT_EQ(from_guess.counts.from_preconditioner, from_guess.iterations);
  EXPECT_LT(relative_residual(p.a, b, from_guess.x), 2e-10);
  EXPECT_LT(relative_difference(from_guess.x, plain.x), 1e-8);
}

TEST(ProductCg, MultipliesItselfWhenThePreconditionerLeavesNoProduct) {
  Problem p = build_problem(anisotropic_grid(), PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.91);
  const Outcome plain = solve(p.a, b, KSPCG, jacobi);
  const Outcome fused = solve(p.a, b, kProductCgType, jacobi);
  ASSERT_EQ(fused.reason, KSP_CONVERGED_RTOL);
  EXPECT_LE(std::abs(fused.iterations - plain.iterations), 1);
  EXPECT_EQ(fused.counts.from_preconditioner, 0);
  EXPECT_EQ(fused.counts.multiplied, fused.iterations);
  EXPECT_LT(relative_residual(p.a, b, fused.x), 2e-10);
  EXPECT_LT(relative_difference(fused.x, plain.x), 1e-8);
}

TEST(ProductCg, PreconditionedAndNaturalNormsConvergeAsPetscCg) {
  Problem p = build_problem(anisotropic_grid(), PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.53);
  for (KSPNormType norm : {KSP_NORM_PRECONDITIONED, KSP_NORM_NATURAL}) {
    const Outcome plain = solve(p.a, b, KSPCG, jacobi, Settings{.norm = norm});
    const Outcome fused = solve(p.a, b, kProductCgType, jacobi, Settings{.norm = norm});
    EXPECT_EQ(fused.reason, KSP_CONVERGED_RTOL) << KSPNormTypes[norm];
    EXPECT_LE(std::abs(fused.iterations - plain.iterations), 1) << KSPNormTypes[norm];
    EXPECT_LT(relative_difference(fused.x, plain.x), 1e-7) << KSPNormTypes[norm];
  }
}

TEST(ProductCg, NoNormRunsExactlyItsIterationsAsPetscCg) {
  Problem p = build_problem(anisotropic_grid(), PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.29);
  const Settings seven{.norm = KSP_NORM_NONE, .max_iterations = 7, .skip_convergence_test = true};
  const Outcome plain = solve(p.a, b, KSPCG, jacobi, seven);
  const Outcome fused = solve(p.a, b, kProductCgType, jacobi, seven);
  EXPECT_EQ(fused.reason, KSP_CONVERGED_ITS);
  EXPECT_EQ(fused.iterations, 7);
  EXPECT_EQ(plain.iterations, 7);
  // Seven iterations are far from the solution: the iterates themselves must agree.
  EXPECT_GT(relative_residual(p.a, b, fused.x), 1e-3);
  EXPECT_LT(relative_difference(fused.x, plain.x), 1e-12);
}

TEST(ProductCg, StopsAtTheIterationLimitAsPetscCg) {
  Problem p = build_problem(anisotropic_grid(), PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.71);
  const Settings three{.max_iterations = 3};
  const Outcome plain = solve(p.a, b, KSPCG, jacobi, three);
  const Outcome fused = solve(p.a, b, kProductCgType, jacobi, three);
  EXPECT_EQ(plain.reason, KSP_DIVERGED_ITS);
  EXPECT_EQ(fused.reason, KSP_DIVERGED_ITS);
  EXPECT_EQ(fused.iterations, 3);
  EXPECT_LT(relative_difference(fused.x, plain.x), 1e-12);
}

// As KSPCG: a negative definite matrix is solved, a sign change of p . A p (one line's
// diagonal negated) is reported as an indefinite matrix.
TEST(ProductCg, SolvesNegativeDefiniteAndReportsIndefiniteMatrices) {
  GridSpec negative;
  negative.diagonal_shift = -20;
  Problem p = build_problem(negative, PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.44);
  const Outcome plain = solve(p.a, b, KSPCG, no_preconditioner);
  const Outcome fused = solve(p.a, b, kProductCgType, no_preconditioner);
  EXPECT_EQ(plain.reason, KSP_CONVERGED_RTOL);
  EXPECT_EQ(fused.reason, KSP_CONVERGED_RTOL);
  EXPECT_LT(relative_residual(p.a, b, fused.x), 2e-10);

  GridSpec indefinite;
  indefinite.nx = 6, indefinite.ny = 5, indefinite.nz = 10;
  indefinite.negative_line = 7;
  Problem q = build_problem(indefinite, PETSC_COMM_WORLD);
  VecHandle c = pattern_vector(q.a, 0.83);
  const Outcome plain_indefinite = solve(q.a, c, KSPCG, no_preconditioner);
  const Outcome fused_indefinite = solve(q.a, c, kProductCgType, no_preconditioner);
  EXPECT_EQ(plain_indefinite.reason, KSP_DIVERGED_INDEFINITE_MAT);
  EXPECT_EQ(fused_indefinite.reason, KSP_DIVERGED_INDEFINITE_MAT);
  EXPECT_EQ(fused_indefinite.iterations, plain_indefinite.iterations);
}

TEST(ProductCg, CountsAreEmptyForAnotherKrylovMethod) {
  Problem p = build_problem(GridSpec{}, PETSC_COMM_WORLD);
  VecHandle b = pattern_vector(p.a, 0.6);
  const Outcome plain = solve(p.a, b, KSPCG, jacobi);
  EXPECT_EQ(plain.counts.from_preconditioner, 0);
  EXPECT_EQ(plain.counts.multiplied, 0);
}

}  // namespace
}  // namespace tsvfield::solver
