// Small dense complex matrices: the exponential against closed forms (nilpotent
// matrices, rotation generators, diagonal matrices), inverses, Hermitian
// eigenvalues and singular values of matrices whose spectra are known exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "solver/dense_complex.hpp"

namespace tsvfield::solver {
namespace {

const Complex j(0, 1);

double max_difference(const ComplexMatrix& a, const ComplexMatrix& b) {
  return max_abs(a - b);
}

// exp of a strictly upper-triangular 4x4 matrix N is I + N + N^2/2 + N^3/6 exactly.
void expect_nilpotent_exponential(double size) {
  ComplexMatrix n(4, 4);
  n(0, 1) = size * Complex(1.0, 0.5);
  n(0, 2) = size * Complex(-0.3, 2.0);
  n(0, 3) = size * Complex(0.7, -1.1);
  n(1, 2) = size * Complex(2.0, 0.0);
  n(1, 3) = size * Complex(0.0, -1.5);
  n(2, 3) = size * Complex(-1.2, 0.4);
  const ComplexMatrix n2 = n * n;
  const ComplexMatrix n3 = n2 * n;
  const ComplexMatrix expected =
      ComplexMatrix::identity(4) + n + Complex(0.5) * n2 + Complex(1.0 / 6.0) * n3;
  const double error = max_difference(exponential(n), expected) / max_abs(expected);
  std::printf("[ measured ] exp(nilpotent), entries ~%g: relative error %.2e\n", size, error);
  EXPECT_LT(error, 1e-13);
}

TEST(DenseComplex, ExponentialOfNilpotentMatrixIsItsFiniteSeries) {
  expect_nilpotent_exponential(0.1);
  expect_nilpotent_exponential(1.0);
  expect_nilpotent_exponential(50.0);  // norm >> theta_13: several squarings
}

TEST(DenseComplex, ExponentialOfRotationGeneratorIsRotation) {
  for (double angle : {1e-6, 0.3, 3.0, 40.0, 400.0}) {
    // Real generator: exp([[0, -t], [t, 0]]) = [[cos t, -sin t], [sin t, cos t]].
    ComplexMatrix real_generator(2, 2);
    real_generator(0, 1) = -angle;
    real_generator(1, 0) = angle;
    ComplexMatrix rotation(2, 2);
    rotation(0, 0) = std::cos(angle);
    rotation(0, 1) = -std::sin(angle);
    rotation(1, 0) = std::sin(angle);
    rotation(1, 1) = std::cos(angle);
    // Lossless-line generator: exp(j t [[0, 1], [1, 0]]) = [[cos t, j sin t], [j sin t, cos t]].
    ComplexMatrix line_generator(2, 2);
    line_generator(0, 1) = j * angle;
    line_generator(1, 0) = j * angle;
    ComplexMatrix line(2, 2);
    line(0, 0) = std::cos(angle);
    line(0, 1) = j * std::sin(angle);
    line(1, 0) = j * std::sin(angle);
    line(1, 1) = std::cos(angle);
    // Rounding of the angle itself is eps * angle; squaring amplifies it ~linearly.
    const double tolerance = 1e-14 * std::max(1.0, angle);
    const double real_error = max_difference(exponential(real_generator), rotation);
    const double line_error = max_difference(exponential(line_generator), line);
    std::printf("[ measured ] exp(rotation generator), angle %g: errors %.2e, %.2e\n", angle,
                real_error, line_error);
    EXPECT_LT(real_error, tolerance) << "angle " << angle;
    EXPECT_LT(line_error, tolerance) << "angle " << angle;
  }
}

TEST(DenseComplex, ExponentialOfDiagonalMatrixAndOfZero) {
  ComplexMatrix d(3, 3);
  d(0, 0) = Complex(-20.0, 3.0);
  d(1, 1) = Complex(0.5, -7.0);
  d(2, 2) = Complex(2.0, 0.0);
  const ComplexMatrix e = exponential(d);
  for (int i = 0; i < 3; ++i) {
    EXPECT_LT(std::abs(e(i, i) - std::exp(d(i, i))), 1e-13 * std::abs(std::exp(d(i, i))));
    for (int k = 0; k < 3; ++k) {
      if (k != i) {
        EXPECT_EQ(e(i, k), Complex(0));
      }
    }
  }
  EXPECT_EQ(max_difference(exponential(ComplexMatrix(3, 3)), ComplexMatrix::identity(3)), 0.0);
}

ComplexMatrix test_matrix(int n) {
  ComplexMatrix a(n, n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      a(r, c) = Complex(std::sin(1.0 + 3 * r + 7 * c), std::cos(2.0 + 5 * r - c)) +
                (r == c ? Complex(2.0) : Complex(0));
  return a;
}

TEST(DenseComplex, InverseTimesMatrixIsIdentity) {
  for (int n : {1, 2, 6, 12}) {
    const ComplexMatrix a = test_matrix(n);
    const double left = max_difference(inverse(a) * a, ComplexMatrix::identity(n));
    const double right = max_difference(a * inverse(a), ComplexMatrix::identity(n));
    std::printf("[ measured ] inverse, n = %d: |inv(a) a - I| = %.2e, |a inv(a) - I| = %.2e\n", n,
                left, right);
    EXPECT_LT(left, 1e-13);
    EXPECT_LT(right, 1e-13);
  }
  // solve(a, b) against a known solution.
  const ComplexMatrix a = test_matrix(5);
  ComplexMatrix x(5, 2);
  for (int r = 0; r < 5; ++r) x(r, 0) = Complex(r, -1), x(r, 1) = Complex(0.5, r * r);
  EXPECT_LT(max_difference(solve(a, a * x), x), 1e-13);
}

TEST(DenseComplex, SingularOrMisshapenInputThrows) {
  ComplexMatrix singular(2, 2);
  singular(0, 0) = 1.0;
  singular(0, 1) = 2.0;
  singular(1, 0) = Complex(0, 2.0);
  singular(1, 1) = Complex(0, 4.0);
  EXPECT_THROW(inverse(singular), std::runtime_error);
  EXPECT_THROW(inverse(ComplexMatrix(2, 3)), std::invalid_argument);
  EXPECT_THROW(ComplexMatrix(2, 2) * ComplexMatrix(3, 2), std::invalid_argument);
  EXPECT_THROW(ComplexMatrix(2, 2) + ComplexMatrix(2, 3), std::invalid_argument);
  ComplexMatrix not_finite = ComplexMatrix::identity(2);
  not_finite(1, 0) = std::nan("");
  EXPECT_THROW(exponential(not_finite), std::invalid_argument);
  ComplexMatrix not_hermitian = ComplexMatrix::identity(2);
  not_hermitian(0, 1) = 1.0;
  EXPECT_THROW(hermitian_eigenvalues(not_hermitian), std::invalid_argument);
  EXPECT_THROW(ComplexMatrix::from_real(2, 2, {1.0, 2.0, 3.0}), std::invalid_argument);
  EXPECT_THROW(ComplexMatrix(2, 2).block(1, 1, 2, 1), std::out_of_range);
}

TEST(DenseComplex, HermitianEigenvaluesOfKnownMatrices) {
  // [[2, 1 - j], [1 + j, 3]]: trace 5, determinant 4 -> eigenvalues 1 and 4.
  ComplexMatrix small(2, 2);
  small(0, 0) = 2.0;
  small(0, 1) = Complex(1, -1);
  small(1, 0) = Complex(1, 1);
  small(1, 1) = 3.0;
  const std::vector<double> small_values = hermitian_eigenvalues(small);
  ASSERT_EQ(small_values.size(), 2u);
  EXPECT_NEAR(small_values[0], 1.0, 1e-14);
  EXPECT_NEAR(small_values[1], 4.0, 1e-14);

  // Tridiagonal Toeplitz 2 on the diagonal, unit-modulus complex off-diagonals: the
  // phases are a diagonal unitary similarity, so the eigenvalues are
  // 2 - 2 cos(k pi / (n + 1)), k = 1..n.
  const int n = 9;
  ComplexMatrix toeplitz(n, n);
  for (int i = 0; i < n; ++i) {
    toeplitz(i, i) = 2.0;
    if (i + 1 < n) {
      const Complex phase = std::polar(1.0, 0.7 * i + 0.2);
      toeplitz(i, i + 1) = -phase;
      toeplitz(i + 1, i) = -std::conj(phase);
    }
  }
  const std::vector<double> values = hermitian_eigenvalues(toeplitz);
  ASSERT_EQ(values.size(), static_cast<std::size_t>(n));
  double error = 0;
  for (int k = 1; k <= n; ++k)
    error = std::max(error, std::abs(values[static_cast<std::size_t>(k - 1)] -
                                     (2 - 2 * std::cos(k * std::numbers::pi / (n + 1)))));
  std::printf("[ measured ] Jacobi eigenvalues of a 9x9 complex Toeplitz matrix: error %.2e\n",
              error);
  EXPECT_LT(error, 1e-14);
}

TEST(DenseComplex, SingularValuesOfKnownMatrices) {
  // [[3, 0], [4, 5]]: a^T a = [[25, 20], [20, 25]] -> sigma = sqrt(45), sqrt(5).
  const ComplexMatrix a = ComplexMatrix::from_real(2, 2, {3, 0, 4, 5});
  const std::vector<double> sigma = singular_values(a);
  ASSERT_EQ(sigma.size(), 2u);
  EXPECT_NEAR(sigma[0], std::sqrt(45.0), 1e-14);
  EXPECT_NEAR(sigma[1], std::sqrt(5.0), 1e-14);

  // A permutation with complex entries: singular values are the moduli, sorted.
  ComplexMatrix scaled_permutation(3, 3);
  scaled_permutation(0, 2) = Complex(0, -2.0);
  scaled_permutation(1, 0) = std::polar(0.5, 1.0);
  scaled_permutation(2, 1) = Complex(3.0, 4.0);
  const std::vector<double> moduli = singular_values(scaled_permutation);
  EXPECT_NEAR(moduli[0], 5.0, 1e-14);
  EXPECT_NEAR(moduli[1], 2.0, 1e-14);
  EXPECT_NEAR(moduli[2], 0.5, 1e-14);

  // A unitary matrix (a complex rotation): all singular values are 1.
  ComplexMatrix generator(2, 2);
  generator(0, 1) = Complex(0.4, 1.3);
  generator(1, 0) = -std::conj(generator(0, 1));
  for (double s : singular_values(exponential(generator))) EXPECT_NEAR(s, 1.0, 1e-14);

  // Rank one: [[1, 2], [2, 4]] -> 5 and 0.
  const std::vector<double> rank_one =
      singular_values(ComplexMatrix::from_real(2, 2, {1, 2, 2, 4}));
  EXPECT_NEAR(rank_one[0], 5.0, 1e-14);
  EXPECT_NEAR(rank_one[1], 0.0, 1e-7);  // sqrt of a rounded zero eigenvalue
}

TEST(DenseComplex, BlocksTransposesAndProducts) {
  const ComplexMatrix a = test_matrix(4);
  ComplexMatrix copy(4, 4);
  copy.set_block(0, 0, a.block(0, 0, 2, 4));
  copy.set_block(2, 0, a.block(2, 0, 2, 4));
  EXPECT_EQ(max_difference(copy, a), 0.0);
  const ComplexMatrix t = transpose(a), h = conjugate_transpose(a);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      EXPECT_EQ(t(r, c), a(c, r));
      EXPECT_EQ(h(r, c), std::conj(a(c, r)));
    }
  EXPECT_LT(max_difference(conjugate_transpose(a * copy), h * conjugate_transpose(copy)), 1e-14);
  EXPECT_EQ(max_difference(Complex(2.0) * a, a + a), 0.0);
}

}  // namespace
}  // namespace tsvfield::solver
