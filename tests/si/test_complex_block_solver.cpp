// solver::ComplexBlockSolver against a dense complex LU solve of (A + j w B) x = b:
// A a 1D Laplacian with a Dirichlet end (SPD), B a lumped mass that vanishes on half
// the nodes (SPSD), as the MQS cross-section's sigma mass vanishes outside the metals.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "solver/complex_block_solver.hpp"
#include "solver/dense_complex.hpp"

namespace {

namespace solver = tsvfield::solver;
using solver::Complex;

constexpr int kSize = 60;

solver::MatHandle tridiagonal(double diagonal, double off_diagonal) {
  solver::MatHandle matrix;
  EXPECT_EQ(MatCreateSeqAIJ(PETSC_COMM_SELF, kSize, kSize, 3, nullptr, matrix.out()), 0);
  for (PetscInt row = 0; row < kSize; ++row) {
    EXPECT_EQ(MatSetValue(matrix, row, row, diagonal, INSERT_VALUES), 0);
    if (row > 0) {
      EXPECT_EQ(MatSetValue(matrix, row, row - 1, off_diagonal, INSERT_VALUES), 0);
    }
    if (row + 1 < kSize) {
      EXPECT_EQ(MatSetValue(matrix, row, row + 1, off_diagonal, INSERT_VALUES), 0);
    }
  }
  EXPECT_EQ(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), 0);
  EXPECT_EQ(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), 0);
  return matrix;
}

// Lumped mass 1 on the second half of the nodes, 0 on the first.
solver::MatHandle half_mass() {
  solver::MatHandle matrix;
  EXPECT_EQ(MatCreateSeqAIJ(PETSC_COMM_SELF, kSize, kSize, 1, nullptr, matrix.out()), 0);
  for (PetscInt row = 0; row < kSize; ++row)
    EXPECT_EQ(MatSetValue(matrix, row, row, row >= kSize / 2 ? 1.0 : 0.0, INSERT_VALUES), 0);
  EXPECT_EQ(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), 0);
  EXPECT_EQ(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), 0);
  return matrix;
}

Complex load(int i) {
  return {std::sin(0.3 * i + 1), std::cos(0.7 * i)};
}

// The dense reference: A + j w B with A = tridiag(-1, 2, -1), B = half mass.
std::vector<Complex> dense_solution(double omega) {
  solver::ComplexMatrix system(kSize, kSize), rhs(kSize, 1);
  for (int i = 0; i < kSize; ++i) {
    system(i, i) = Complex(2, i >= kSize / 2 ? omega : 0.0);
    if (i > 0) system(i, i - 1) = -1;
    if (i + 1 < kSize) system(i, i + 1) = -1;
    rhs(i, 0) = load(i);
  }
  const solver::ComplexMatrix x = solver::solve(system, rhs);
  return {x.data().begin(), x.data().end()};
}

struct Result {
  int iterations = 0;
  double relative_error = 0;
};

Result solve_and_compare(double omega, const std::string& prefix) {
  const solver::MatHandle a = tridiagonal(2, -1), b = half_mass();
  solver::ComplexBlockSolver block_solver(a, b, omega, {prefix, 1e-12, "test solve"});
  solver::VecHandle rhs = block_solver.create_vector(), x = block_solver.create_vector();
  {
    solver::VecArray values(rhs);
    for (int i = 0; i < kSize; ++i) {
      values[static_cast<std::size_t>(i)] = load(i).real();
      values[static_cast<std::size_t>(i + kSize)] = load(i).imag();
    }
  }
  Result result;
  result.iterations = block_solver.solve(rhs, x);
  const std::vector<Complex> reference = dense_solution(omega);
  solver::ConstVecArray values(x);
  double error = 0, norm = 0;
  for (int i = 0; i < kSize; ++i) {
    const Complex computed(values[static_cast<std::size_t>(i)],
                           values[static_cast<std::size_t>(i + kSize)]);
    error += std::norm(computed - reference[static_cast<std::size_t>(i)]);
    norm += std::norm(reference[static_cast<std::size_t>(i)]);
  }
  result.relative_error = std::sqrt(error / norm);
  return result;
}

// PRESB: preconditioned spectrum in [1/2, 1] at every w, so GMRES reduces the residual
// by 1e-12 in at most 17 iterations (2 ((sqrt2 - 1) / (sqrt2 + 1))^k <= 1e-12).
TEST(ComplexBlockSolver, PresbMatchesDenseSolveWithBoundedIterations) {
  for (double omega : {0.0, 1e-3, 1.0, 1e2, 1e5}) {
    const Result result = solve_and_compare(omega, "cbs_presb_");
    EXPECT_LT(result.relative_error, 1e-9) << "w = " << omega;
    EXPECT_LE(result.iterations, 17) << "w = " << omega;
  }
  // w = 0: the preconditioner is the operator.
  EXPECT_EQ(solve_and_compare(0.0, "cbs_presb_").iterations, 1);
}

TEST(ComplexBlockSolver, DiagonalPreconditionerGivesTheSameSolution) {
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-cbs_diag_block_preconditioner", "diagonal"), 0);
  for (double omega : {1.0, 1e2}) {
    const Result result = solve_and_compare(omega, "cbs_diag_");
    EXPECT_LT(result.relative_error, 1e-9) << "w = " << omega;
  }
}

TEST(ComplexBlockSolver, UnknownPreconditionerIsAnInputError) {
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-cbs_bad_block_preconditioner", "blockdiag"), 0);
  EXPECT_THROW(solve_and_compare(1.0, "cbs_bad_"), tsvfield::InputError);
}

TEST(ComplexBlockSolver, NonConvergenceIsASolverError) {
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-cbs_fail_ksp_max_it", "1"), 0);
  EXPECT_THROW(solve_and_compare(1e2, "cbs_fail_"), tsvfield::SolverError);
}

TEST(ComplexBlockSolver, BlockMatrixHasTheRealBlockForm) {
  const solver::MatHandle a = tridiagonal(2, -1), b = half_mass();
  const solver::MatHandle block = solver::complex_block_matrix(a, b, 3.0);
  const PetscInt last = kSize - 1;
  PetscScalar value = 0;
  auto entry = [&](PetscInt row, PetscInt col) {
    EXPECT_EQ(MatGetValues(block, 1, &row, 1, &col, &value), 0);
    return value;
  };
  EXPECT_DOUBLE_EQ(entry(last, last), 2);                  // A
  EXPECT_DOUBLE_EQ(entry(last, last + kSize), -3);         // -w B
  EXPECT_DOUBLE_EQ(entry(last + kSize, last), 3);          // w B
  EXPECT_DOUBLE_EQ(entry(last + kSize, last + kSize), 2);  // A
  EXPECT_DOUBLE_EQ(entry(last + kSize, last - 1 + kSize), -1);
}

}  // namespace
