#pragma once
// Small dense complex matrices (a few tens of rows: the 2N x 2N chain and
// scattering matrices of N coupled lines). Row-major. No PETSc: PETSc here has
// real scalars.
#include <complex>
#include <vector>

namespace tsvfield::solver {

using Complex = std::complex<double>;

class ComplexMatrix {
 public:
  ComplexMatrix() = default;
  ComplexMatrix(int rows, int cols);  // zeros
  static ComplexMatrix identity(int size);
  // From real row-major data (rows x cols).
  static ComplexMatrix from_real(int rows, int cols, const std::vector<double>& values);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  Complex& operator()(int row, int col) {
    return data_[static_cast<std::size_t>(row) * cols_ + col];
  }
  Complex operator()(int row, int col) const {
    return data_[static_cast<std::size_t>(row) * cols_ + col];
  }
  const std::vector<Complex>& data() const { return data_; }

  // Sub-matrix of `rows` x `cols` starting at (row, col), and its inverse operation.
  ComplexMatrix block(int row, int col, int rows, int cols) const;
  void set_block(int row, int col, const ComplexMatrix& block);

 private:
  int rows_ = 0, cols_ = 0;
  std::vector<Complex> data_;
};

ComplexMatrix operator+(const ComplexMatrix& a, const ComplexMatrix& b);
ComplexMatrix operator-(const ComplexMatrix& a, const ComplexMatrix& b);
ComplexMatrix operator*(const ComplexMatrix& a, const ComplexMatrix& b);
ComplexMatrix operator*(Complex scale, const ComplexMatrix& a);
ComplexMatrix conjugate_transpose(const ComplexMatrix& a);
ComplexMatrix transpose(const ComplexMatrix& a);

// LU with partial pivoting. Throws std::runtime_error when singular.
ComplexMatrix solve(const ComplexMatrix& a, const ComplexMatrix& b);  // a^-1 b
ComplexMatrix inverse(const ComplexMatrix& a);
// exp(a) by scaling and squaring with a [13/13] Pade approximant (Higham 2005).
ComplexMatrix exponential(const ComplexMatrix& a);
// Eigenvalues of a Hermitian matrix (cyclic Jacobi), ascending.
std::vector<double> hermitian_eigenvalues(const ComplexMatrix& a);
// Singular values, descending (square roots of the eigenvalues of a^H a).
std::vector<double> singular_values(const ComplexMatrix& a);
double max_abs(const ComplexMatrix& a);

}  // namespace tsvfield::solver
