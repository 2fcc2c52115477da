// Small dense complex matrices: arithmetic, LU solves, the matrix exponential
// (scaling and squaring, [13/13] Pade, Higham 2005) and Hermitian eigenvalues
// (cyclic Jacobi). Sizes are a few tens of rows, so plain O(n^3) loops suffice.
#include "solver/dense_complex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tsvfield::solver {
namespace {

void require_same_shape(const ComplexMatrix& a, const ComplexMatrix& b, const char* what) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument(std::string(what) + ": matrix shapes differ (" +
                                std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                                " and " + std::to_string(b.rows()) + "x" +
                                std::to_string(b.cols()) + ")");
}

void require_square(const ComplexMatrix& a, const char* what) {
  if (a.rows() != a.cols())
    throw std::invalid_argument(std::string(what) + ": matrix is not square (" +
                                std::to_string(a.rows()) + "x" + std::to_string(a.cols()) + ")");
}

void require_finite(const ComplexMatrix& a, const char* what) {
  for (const Complex& v : a.data())
    if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
      throw std::invalid_argument(std::string(what) + ": matrix has a non-finite entry");
}

// Maximum absolute column sum.
double norm_one(const ComplexMatrix& a) {
  double largest = 0;
  for (int col = 0; col < a.cols(); ++col) {
    double sum = 0;
    for (int row = 0; row < a.rows(); ++row) sum += std::abs(a(row, col));
    largest = std::max(largest, sum);
  }
  return largest;
}

// a + scale * b, in place on a.
void add_scaled(ComplexMatrix& a, double scale, const ComplexMatrix& b) {
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) a(row, col) += scale * b(row, col);
}

// LU factorisation with partial pivoting, in place; row permutation in `pivot`.
struct LuFactors {
  ComplexMatrix lu;
  std::vector<int> pivot;
};

LuFactors lu_factor(const ComplexMatrix& a) {
  require_square(a, "solve");
  require_finite(a, "solve");
  const int n = a.rows();
  LuFactors f{a, std::vector<int>(static_cast<std::size_t>(n))};
  // Singularity is judged against the size of each column (not the whole matrix:
  // scattering and chain matrices mix columns of very different sizes).
  std::vector<double> column_size(static_cast<std::size_t>(n), 0.0);
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col)
      column_size[static_cast<std::size_t>(col)] =
          std::max(column_size[static_cast<std::size_t>(col)], std::abs(a(row, col)));
  const double relative_tiny = std::numeric_limits<double>::epsilon() * 4 * n;
  for (int k = 0; k < n; ++k) {
    int best = k;
    for (int row = k + 1; row < n; ++row)
      if (std::abs(f.lu(row, k)) > std::abs(f.lu(best, k))) best = row;
    f.pivot[static_cast<std::size_t>(k)] = best;
    if (!(std::abs(f.lu(best, k)) > relative_tiny * column_size[static_cast<std::size_t>(k)]))
      throw std::runtime_error("solve: matrix is singular (pivot " + std::to_string(k) + " of " +
                               std::to_string(n) + ")");
    if (best != k)
      for (int col = 0; col < n; ++col) std::swap(f.lu(k, col), f.lu(best, col));
    const Complex inverse_pivot = 1.0 / f.lu(k, k);
    for (int row = k + 1; row < n; ++row) {
      const Complex factor = f.lu(row, k) * inverse_pivot;
      f.lu(row, k) = factor;
      if (factor == Complex(0)) continue;
      for (int col = k + 1; col < n; ++col) f.lu(row, col) -= factor * f.lu(k, col);
    }
  }
  return f;
}

ComplexMatrix lu_solve(const LuFactors& f, ComplexMatrix b) {
  const int n = f.lu.rows();
  if (b.rows() != n)
    throw std::invalid_argument("solve: right-hand side has " + std::to_string(b.rows()) +
                                " rows, matrix has " + std::to_string(n));
  for (int k = 0; k < n; ++k) {
    const int p = f.pivot[static_cast<std::size_t>(k)];
    if (p != k)
      for (int col = 0; col < b.cols(); ++col) std::swap(b(k, col), b(p, col));
  }
  for (int col = 0; col < b.cols(); ++col) {
    for (int row = 1; row < n; ++row) {
      Complex sum = b(row, col);
      for (int k = 0; k < row; ++k) sum -= f.lu(row, k) * b(k, col);
      b(row, col) = sum;
    }
    for (int row = n - 1; row >= 0; --row) {
      Complex sum = b(row, col);
      for (int k = row + 1; k < n; ++k) sum -= f.lu(row, k) * b(k, col);
      b(row, col) = sum / f.lu(row, row);
    }
  }
  return b;
}

// [13/13] Pade approximant r13(a) = (V - U)^-1 (U + V) (Higham 2005, Alg. 2.3).
ComplexMatrix pade13(const ComplexMatrix& a) {
  static constexpr double b[14] = {64764752532480000.0,
                                   32382376266240000.0,
                                   7771770303897600.0,
                                   1187353796428800.0,
                                   129060195264000.0,
                                   10559470521600.0,
                                   670442572800.0,
                                   33522128640.0,
                                   1323241920.0,
                                   40840800.0,
                                   960960.0,
                                   16380.0,
                                   182.0,
                                   1.0};
  const int n = a.rows();
  const ComplexMatrix ident = ComplexMatrix::identity(n);
  const ComplexMatrix a2 = a * a;
  const ComplexMatrix a4 = a2 * a2;
  const ComplexMatrix a6 = a4 * a2;

  ComplexMatrix u_inner(n, n);  // b13 A6 + b11 A4 + b9 A2
  add_scaled(u_inner, b[13], a6);
  add_scaled(u_inner, b[11], a4);
  add_scaled(u_inner, b[9], a2);
  ComplexMatrix u_sum = a6 * u_inner;
  add_scaled(u_sum, b[7], a6);
  add_scaled(u_sum, b[5], a4);
  add_scaled(u_sum, b[3], a2);
  add_scaled(u_sum, b[1], ident);
  const ComplexMatrix u = a * u_sum;

  ComplexMatrix v_inner(n, n);  // b12 A6 + b10 A4 + b8 A2
  add_scaled(v_inner, b[12], a6);
  add_scaled(v_inner, b[10], a4);
  add_scaled(v_inner, b[8], a2);
  ComplexMatrix v = a6 * v_inner;
  add_scaled(v, b[6], a6);
  add_scaled(v, b[4], a4);
  add_scaled(v, b[2], a2);
  add_scaled(v, b[0], ident);

  return solve(v - u, u + v);
}

// One cyclic-Jacobi rotation J^H A J that zeroes A(p, q) of a Hermitian A.
// J = diag-phase * real rotation: [[c, s], [-s conj(e), c conj(e)]] on (p, q),
// where A(p, q) = r e with r = |A(p, q)|.
void jacobi_rotate(ComplexMatrix& a, int p, int q) {
  const Complex apq = a(p, q);
  const double r = std::abs(apq);
  if (r == 0) return;
  const Complex phase = apq / r;
  const double app = a(p, p).real(), aqq = a(q, q).real();
  const double theta = (aqq - app) / (2 * r);
  const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
  const double c = 1 / std::sqrt(t * t + 1);
  const double s = t * c;
  const Complex jpp = c, jpq = s, jqp = -s * std::conj(phase), jqq = c * std::conj(phase);
  const int n = a.rows();
  for (int k = 0; k < n; ++k) {  // A <- A J
    const Complex akp = a(k, p), akq = a(k, q);
    a(k, p) = akp * jpp + akq * jqp;
    a(k, q) = akp * jpq + akq * jqq;
  }
  for (int k = 0; k < n; ++k) {  // A <- J^H A
    const Complex apk = a(p, k), aqk = a(q, k);
    a(p, k) = std::conj(jpp) * apk + std::conj(jqp) * aqk;
    a(q, k) = std::conj(jpq) * apk + std::conj(jqq) * aqk;
  }
  a(p, q) = 0;
  a(q, p) = 0;
  a(p, p) = a(p, p).real();
  a(q, q) = a(q, q).real();
}

}  // namespace

ComplexMatrix::ComplexMatrix(int rows, int cols) : rows_(rows), cols_(cols) {
  if (rows < 0 || cols < 0)
    throw std::invalid_argument("ComplexMatrix: negative size " + std::to_string(rows) + "x" +
                                std::to_string(cols));
  data_.assign(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols), Complex(0));
}

ComplexMatrix ComplexMatrix::identity(int size) {
  ComplexMatrix m(size, size);
  for (int i = 0; i < size; ++i) m(i, i) = 1;
  return m;
}

ComplexMatrix ComplexMatrix::from_real(int rows, int cols, const std::vector<double>& values) {
  ComplexMatrix m(rows, cols);
  if (values.size() != m.data_.size())
    throw std::invalid_argument("ComplexMatrix::from_real: " + std::to_string(values.size()) +
                                " values for a " + std::to_string(rows) + "x" +
                                std::to_string(cols) + " matrix");
  for (std::size_t i = 0; i < values.size(); ++i) m.data_[i] = values[i];
  return m;
}

ComplexMatrix ComplexMatrix::block(int row, int col, int rows, int cols) const {
  if (row < 0 || col < 0 || rows < 0 || cols < 0 || row + rows > rows_ || col + cols > cols_)
    throw std::out_of_range("ComplexMatrix::block: " + std::to_string(rows) + "x" +
                            std::to_string(cols) + " at (" + std::to_string(row) + ", " +
                            std::to_string(col) + ") outside a " + std::to_string(rows_) + "x" +
                            std::to_string(cols_) + " matrix");
  ComplexMatrix out(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) out(r, c) = (*this)(row + r, col + c);
  return out;
}

void ComplexMatrix::set_block(int row, int col, const ComplexMatrix& block) {
  if (row < 0 || col < 0 || row + block.rows() > rows_ || col + block.cols() > cols_)
    throw std::out_of_range("ComplexMatrix::set_block: " + std::to_string(block.rows()) + "x" +
                            std::to_string(block.cols()) + " at (" + std::to_string(row) + ", " +
                            std::to_string(col) + ") outside a " + std::to_string(rows_) + "x" +
                            std::to_string(cols_) + " matrix");
  for (int r = 0; r < block.rows(); ++r)
    for (int c = 0; c < block.cols(); ++c) (*this)(row + r, col + c) = block(r, c);
}

ComplexMatrix operator+(const ComplexMatrix& a, const ComplexMatrix& b) {
  require_same_shape(a, b, "operator+");
  ComplexMatrix out = a;
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) out(row, col) += b(row, col);
  return out;
}

ComplexMatrix operator-(const ComplexMatrix& a, const ComplexMatrix& b) {
  require_same_shape(a, b, "operator-");
  ComplexMatrix out = a;
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) out(row, col) -= b(row, col);
  return out;
}

ComplexMatrix operator*(const ComplexMatrix& a, const ComplexMatrix& b) {
  if (a.cols() != b.rows())
    throw std::invalid_argument("operator*: " + std::to_string(a.rows()) + "x" +
                                std::to_string(a.cols()) + " times " + std::to_string(b.rows()) +
                                "x" + std::to_string(b.cols()));
  ComplexMatrix out(a.rows(), b.cols());
  for (int row = 0; row < a.rows(); ++row)
    for (int k = 0; k < a.cols(); ++k) {
      const Complex aik = a(row, k);
      if (aik == Complex(0)) continue;
      for (int col = 0; col < b.cols(); ++col) out(row, col) += aik * b(k, col);
    }
  return out;
}

ComplexMatrix operator*(Complex scale, const ComplexMatrix& a) {
  ComplexMatrix out = a;
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) out(row, col) *= scale;
  return out;
}

ComplexMatrix conjugate_transpose(const ComplexMatrix& a) {
  ComplexMatrix out(a.cols(), a.rows());
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) out(col, row) = std::conj(a(row, col));
  return out;
}

ComplexMatrix transpose(const ComplexMatrix& a) {
  ComplexMatrix out(a.cols(), a.rows());
  for (int row = 0; row < a.rows(); ++row)
    for (int col = 0; col < a.cols(); ++col) out(col, row) = a(row, col);
  return out;
}

ComplexMatrix solve(const ComplexMatrix& a, const ComplexMatrix& b) {
  require_finite(b, "solve");
  return lu_solve(lu_factor(a), b);
}

ComplexMatrix inverse(const ComplexMatrix& a) {
  require_square(a, "inverse");
  return solve(a, ComplexMatrix::identity(a.rows()));
}

ComplexMatrix exponential(const ComplexMatrix& a) {
  require_square(a, "exponential");
  require_finite(a, "exponential");
  if (a.rows() == 0) return a;
  // theta_13 of Higham (2005), Table 2.3: below it r13 is exact to unit roundoff.
  constexpr double theta13 = 5.371920351148152;
  const double norm = norm_one(a);
  int squarings = 0;
  if (norm > theta13) squarings = static_cast<int>(std::ceil(std::log2(norm / theta13)));
  if (squarings > 1000) throw std::invalid_argument("exponential: matrix norm too large");
  ComplexMatrix result = pade13(std::ldexp(1.0, -squarings) * a);
  for (int i = 0; i < squarings; ++i) result = result * result;
  require_finite(result, "exponential (overflow)");
  return result;
}

std::vector<double> hermitian_eigenvalues(const ComplexMatrix& a) {
  require_square(a, "hermitian_eigenvalues");
  require_finite(a, "hermitian_eigenvalues");
  const int n = a.rows();
  const double scale = max_abs(a);
  // Rounding in a product such as a^H a leaves a tiny skew part; a real one is an error.
  const double tolerance = 1e-10 * std::max(scale, std::numeric_limits<double>::min());
  for (int row = 0; row < n; ++row)
    for (int col = row; col < n; ++col)
      if (std::abs(a(row, col) - std::conj(a(col, row))) > tolerance)
        throw std::invalid_argument("hermitian_eigenvalues: matrix is not Hermitian at (" +
                                    std::to_string(row) + ", " + std::to_string(col) + ")");
  ComplexMatrix work(n, n);
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col) work(row, col) = 0.5 * (a(row, col) + std::conj(a(col, row)));

  double total = 0;
  for (const Complex& v : work.data()) total += std::norm(v);
  // A rotation is skipped when A(p, q) is negligible against its diagonal (relative
  // accuracy, Demmel and Veselic 1992) or against the whole matrix; the iteration
  // ends after a sweep without rotations (quadratic convergence: a few sweeps).
  const double eps = std::numeric_limits<double>::epsilon();
  const double absolute_floor = eps * eps * std::sqrt(total);
  constexpr int max_sweeps = 100;
  bool rotated = true;
  for (int sweep = 0; rotated; ++sweep) {
    if (sweep == max_sweeps)
      throw std::runtime_error("hermitian_eigenvalues: Jacobi did not converge");
    rotated = false;
    for (int p = 0; p < n - 1; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double off = std::abs(work(p, q));
        const double diagonal = std::sqrt(std::abs(work(p, p).real() * work(q, q).real()));
        if (off <= 0.5 * eps * diagonal || off <= absolute_floor) continue;
        jacobi_rotate(work, p, q);
        rotated = true;
      }
  }

  std::vector<double> values(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = work(i, i).real();
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<double> singular_values(const ComplexMatrix& a) {
  std::vector<double> values = hermitian_eigenvalues(conjugate_transpose(a) * a);
  std::reverse(values.begin(), values.end());
  // Rounding can leave eigenvalues of a^H a slightly below zero.
  for (double& v : values) v = std::sqrt(std::max(v, 0.0));
  return values;
}

double max_abs(const ComplexMatrix& a) {
  double largest = 0;
  for (const Complex& v : a.data()) largest = std::max(largest, std::abs(v));
  return largest;
}

}  // namespace tsvfield::solver
