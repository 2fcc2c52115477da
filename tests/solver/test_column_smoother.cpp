// The column (line) Gauss-Seidel smoother on a structured anisotropic 3D
// Laplacian whose lines run along z: exactness when the lines decouple, a
// forward sweep against a dense block Gauss-Seidel computed here, wider bands
// (pentadiagonal lines, doubled-node-like orderings), symmetry of the symmetric
// sweep, the residual a forward sweep from zero leaves, CG convergence on a strongly
// anisotropic problem, the PCSHELL and KSPRICHARDSON integration, and the errors for
// bad input. Runs on 1 and 2 ranks;
// the tests that need one rank build their matrix on PETSC_COMM_SELF.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "solver/aij_blocks.hpp"
#include "solver/column_smoother.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/row_patterns.hpp"

// MatMult of a MATSHELL that forwards to a real matrix and counts the calls, to
// see whether KSPRICHARDSON computed residuals itself. Outside tsvfield::solver so
// PetscCall reaches PETSc's PetscError().
namespace {
struct CountingShell {
  Mat inner = nullptr;
  int mults = 0;
};

PetscErrorCode counting_mult(Mat shell, Vec x, Vec y) {
  CountingShell* context = nullptr;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(shell, &context));
  ++context->mults;
  PetscCall(MatMult(context->inner, x, y));
  PetscFunctionReturn(0);
}
}  // namespace

namespace tsvfield::solver {
namespace {

// A 7-point (plus optional iz +- 2) Laplacian on nx x ny x nz nodes with zero
// Dirichlet values outside the box; global row (iy * nx + ix) * nz + iz, so every
// line (ix, iy) is contiguous and whole lines are split over the ranks.
struct GridSpec {
  int nx = 4, ny = 3, nz = 7;
  double cx = 1, cy = 1, cz = 1;
  double c2 = 0;                   // coupling to iz +- 2: pentadiagonal lines
  double c_diagonal = 0;           // coupling to the x and y neighbour lines at iz +- 1
  bool dirichlet_bottoms = false;  // identity rows (MatZeroRowsColumns) at some line bottoms
  bool swap_pairs = false;         // layout order 1,0,3,2,...: a tridiagonal line of band 2
  double diagonal_shift = 0;       // added to every diagonal (negative: indefinite)
  int negative_line = -1;          // this line's diagonals are negated (an indefinite block)
};

struct Problem {
  MatHandle a;
  LineLayout layout;
};

int owned_line_count(int lines, MPI_Comm comm, int* first_line) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int base = lines / size, extra = lines % size;
  *first_line = rank * base + std::min(rank, extra);
  return base + (rank < extra ? 1 : 0);
}

Problem build_problem(const GridSpec& g, MPI_Comm comm, MatType type = MATAIJ) {
  int first_line = 0;
  const int lines = owned_line_count(g.nx * g.ny, comm, &first_line);
  const PetscInt local_rows = static_cast<PetscInt>(lines) * g.nz;
  const PetscInt global_rows = static_cast<PetscInt>(g.nx) * g.ny * g.nz;
  Problem problem;
  TSV_CHECK(MatCreate(comm, problem.a.out()));
  TSV_CHECK(MatSetSizes(problem.a, local_rows, local_rows, global_rows, global_rows));
  TSV_CHECK(MatSetType(problem.a, type));
  TSV_CHECK(MatSeqAIJSetPreallocation(problem.a, 19, nullptr));
  TSV_CHECK(MatMPIAIJSetPreallocation(problem.a, 19, nullptr, 12, nullptr));
  auto index = [&g](int ix, int iy, int iz) {
    return static_cast<PetscInt>((iy * g.nx + ix) * g.nz + iz);
  };
  std::vector<PetscInt> dirichlet_rows;
  for (int line = first_line; line < first_line + lines; ++line) {
    const int ix = line % g.nx, iy = line / g.nx;
    for (int iz = 0; iz < g.nz; ++iz) {
      std::vector<PetscInt> columns{index(ix, iy, iz)};
      const double diagonal = 2 * (g.cx + g.cy + g.cz + g.c2) + 8 * g.c_diagonal + g.diagonal_shift;
      std::vector<PetscScalar> values{line == g.negative_line ? -diagonal : diagonal};
      auto couple = [&](int jx, int jy, int jz, double c) {
        if (c == 0 || jx < 0 || jx >= g.nx || jy < 0 || jy >= g.ny || jz < 0 || jz >= g.nz) return;
        columns.push_back(index(jx, jy, jz));
        values.push_back(-c);
      };
      couple(ix - 1, iy, iz, g.cx);
      couple(ix + 1, iy, iz, g.cx);
      couple(ix, iy - 1, iz, g.cy);
      couple(ix, iy + 1, iz, g.cy);
      couple(ix, iy, iz - 1, g.cz);
      couple(ix, iy, iz + 1, g.cz);
      couple(ix, iy, iz - 2, g.c2);
      couple(ix, iy, iz + 2, g.c2);
      for (int dz : {-1, 1}) {
        couple(ix - 1, iy, iz + dz, g.c_diagonal);
        couple(ix + 1, iy, iz + dz, g.c_diagonal);
        couple(ix, iy - 1, iz + dz, g.c_diagonal);
        couple(ix, iy + 1, iz + dz, g.c_diagonal);
      }
      const PetscInt row = index(ix, iy, iz);
      TSV_CHECK(MatSetValues(problem.a, 1, &row, static_cast<PetscInt>(columns.size()),
                             columns.data(), values.data(), INSERT_VALUES));
      if (g.dirichlet_bottoms && iz == 0 && (ix + iy) % 3 == 0) dirichlet_rows.push_back(row);
    }
  }
  TSV_CHECK(MatAssemblyBegin(problem.a, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(problem.a, MAT_FINAL_ASSEMBLY));
  if (g.dirichlet_bottoms)
    TSV_CHECK(MatZeroRowsColumns(problem.a, static_cast<PetscInt>(dirichlet_rows.size()),
                                 dirichlet_rows.data(), 1.0, nullptr, nullptr));

  problem.layout.start.push_back(0);
  for (int l = 0; l < lines; ++l) {
    for (int iz = 0; iz < g.nz; ++iz) {
      const int partner = g.swap_pairs ? (iz % 2 == 0 ? iz + 1 : iz - 1) : iz;
      const int position = partner < g.nz ? partner : iz;  // an odd top node stays put
      problem.layout.rows.push_back(l * g.nz + position);
    }
    problem.layout.start.push_back(static_cast<std::int32_t>(problem.layout.rows.size()));
  }
  return problem;
}

VecHandle make_vector(Mat a) {
  VecHandle v;
  TSV_CHECK(MatCreateVecs(a, v.out(), nullptr));
  return v;
}

// A deterministic, non-smooth vector: entry g = sin(seed * (g + 1)) + 0.3.
VecHandle pattern_vector(Mat a, double seed) {
  VecHandle v = make_vector(a);
  PetscInt first = 0, end = 0;
  TSV_CHECK(VecGetOwnershipRange(v, &first, &end));
  VecArray values(v);
  for (PetscInt g = first; g < end; ++g)
    values[static_cast<std::size_t>(g - first)] = std::sin(seed * static_cast<double>(g + 1)) + 0.3;
  return v;
}

double relative_residual(Mat a, Vec b, Vec x) {
  VecHandle r = make_vector(a);
  TSV_CHECK(MatMult(a, x, r));
  TSV_CHECK(VecAYPX(r, -1.0, b));
  PetscReal r_norm = 0, b_norm = 0;
  TSV_CHECK(VecNorm(r, NORM_2, &r_norm));
  TSV_CHECK(VecNorm(b, NORM_2, &b_norm));
  return r_norm / b_norm;
}

double max_difference(Vec x, Vec y) {
  VecHandle d;
  TSV_CHECK(VecDuplicate(x, d.out()));
  TSV_CHECK(VecWAXPY(d, -1.0, x, y));
  PetscReal norm = 0;
  TSV_CHECK(VecNorm(d, NORM_INFINITY, &norm));
  return norm;
}

double max_abs(Vec x) {
  PetscReal norm = 0;
  TSV_CHECK(VecNorm(x, NORM_INFINITY, &norm));
  return norm;
}

// ---- dense reference (one rank) ----

using DenseMatrix = std::vector<std::vector<double>>;

DenseMatrix dense_copy(Mat a) {
  PetscInt n = 0;
  TSV_CHECK(MatGetSize(a, &n, nullptr));
  DenseMatrix dense(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
  for (PetscInt i = 0; i < n; ++i)
    for (PetscInt j = 0; j < n; ++j)
      TSV_CHECK(MatGetValues(a, 1, &i, 1, &j,
                             &dense[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]));
  return dense;
}

// Gaussian elimination with partial pivoting (independent of the banded Cholesky).
std::vector<double> dense_solve(DenseMatrix m, std::vector<double> rhs) {
  const std::size_t n = rhs.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pivot = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (std::abs(m[i][k]) > std::abs(m[pivot][k])) pivot = i;
    std::swap(m[k], m[pivot]);
    std::swap(rhs[k], rhs[pivot]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const double factor = m[i][k] / m[k][k];
      for (std::size_t j = k; j < n; ++j) m[i][j] -= factor * m[k][j];
      rhs[i] -= factor * rhs[k];
    }
  }
  std::vector<double> x(n);
  for (std::size_t k = n; k-- > 0;) {
    double sum = rhs[k];
    for (std::size_t j = k + 1; j < n; ++j) sum -= m[k][j] * x[j];
    x[k] = sum / m[k][k];
  }
  return x;
}

// Textbook block Gauss-Seidel: x_l = A_ll^-1 (b_l - sum_{j not in l} a_ij x_j), lines in order.
void dense_block_gauss_seidel(const DenseMatrix& a, const LineLayout& layout,
                              const std::vector<double>& b, std::vector<double>& x, bool backward) {
  const std::size_t lines = layout.start.size() - 1;
  const std::size_t n = b.size();
  for (std::size_t step = 0; step < lines; ++step) {
    const std::size_t line = backward ? lines - 1 - step : step;
    std::vector<std::size_t> rows;
    for (auto k = layout.start[line]; k < layout.start[line + 1]; ++k)
      rows.push_back(static_cast<std::size_t>(layout.rows[static_cast<std::size_t>(k)]));
    std::vector<char> in_line(n, 0);
    for (auto i : rows) in_line[i] = 1;
    DenseMatrix block(rows.size(), std::vector<double>(rows.size()));
    std::vector<double> rhs(rows.size());
    for (std::size_t p = 0; p < rows.size(); ++p) {
      rhs[p] = b[rows[p]];
      for (std::size_t j = 0; j < n; ++j)
        if (!in_line[j]) rhs[p] -= a[rows[p]][j] * x[j];
      for (std::size_t q = 0; q < rows.size(); ++q) block[p][q] = a[rows[p]][rows[q]];
    }
    const auto solution = dense_solve(block, rhs);
    for (std::size_t p = 0; p < rows.size(); ++p) x[rows[p]] = solution[p];
  }
}

std::vector<double> to_std(Vec v) {
  PetscInt n = 0;
  TSV_CHECK(VecGetLocalSize(v, &n));
  const ConstVecArray values(v);
  return {values.data(), values.data() + n};
}

double max_difference(const std::vector<double>& x, Vec y) {
  const auto values = to_std(y);
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - values[i]));
  return worst;
}

// ---- tests ----

TEST(ColumnSmoother, DecoupledLinesAreSolvedExactlyBySymmetricAndForwardSweeps) {
  GridSpec spec;
  spec.nx = 5, spec.ny = 4, spec.nz = 30;
  spec.cx = 0, spec.cy = 0, spec.cz = 3;
  spec.dirichlet_bottoms = true;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  ColumnSmoother smoother(p.a, p.layout);
  EXPECT_EQ(smoother.line_count(), 20);
  EXPECT_EQ(smoother.max_bandwidth(), 1);
  VecHandle b = pattern_vector(p.a, 0.7), x = make_vector(p.a);
  for (auto direction :
       {SweepDirection::forward, SweepDirection::backward, SweepDirection::symmetric}) {
    smoother.smooth(b, x, direction, 1, true);
    EXPECT_LT(relative_residual(p.a, b, x), 1e-13);
  }
}

// The tridiagonal solve steps two rows at a time: lines of every length up to a few
// pairs, odd and even, must still be solved exactly in both sweep directions.
TEST(ColumnSmoother, TridiagonalLinesOfAnyLengthAreSolvedExactly) {
  for (int length : {1, 2, 3, 4, 5, 6, 7, 8, 9}) {
    GridSpec spec;
    spec.nx = 3, spec.ny = 2, spec.nz = length;
    spec.cx = 0, spec.cy = 0, spec.cz = 3;
    spec.dirichlet_bottoms = false;
    Problem p = build_problem(spec, PETSC_COMM_WORLD);
    ColumnSmoother smoother(p.a, p.layout);
    EXPECT_EQ(smoother.max_bandwidth(), length > 1 ? 1 : 0);
    VecHandle b = pattern_vector(p.a, 0.3), x = make_vector(p.a);
    for (auto direction : {SweepDirection::forward, SweepDirection::backward}) {
      smoother.smooth(b, x, direction, 1, true);
      EXPECT_LT(relative_residual(p.a, b, x), 1e-13) << "line length " << length;
    }
  }
}

TEST(ColumnSmoother, PentadiagonalAndReorderedLinesAreSolvedExactly) {
  GridSpec spec;
  spec.nx = 3, spec.ny = 3, spec.nz = 41;
  spec.cx = 0, spec.cy = 0, spec.cz = 2, spec.c2 = 0.5;
  spec.dirichlet_bottoms = true;
  {
    Problem p = build_problem(spec, PETSC_COMM_WORLD);
    ColumnSmoother smoother(p.a, p.layout);
    EXPECT_EQ(smoother.max_bandwidth(), 2);
    VecHandle b = pattern_vector(p.a, 1.3), x = make_vector(p.a);
    smoother.smooth(b, x, SweepDirection::forward, 1, true);
    EXPECT_LT(relative_residual(p.a, b, x), 1e-13);
  }
  // A tridiagonal line listed as z = 1,0,3,2,... (an ordering that is not bottom to
  // top, as doubled interface nodes may give): z = 1 and z = 2 sit at positions 0
  // and 3, so the band in layout order is 3.
  spec.c2 = 0;
  spec.swap_pairs = true;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  ColumnSmoother smoother(p.a, p.layout);
  EXPECT_EQ(smoother.max_bandwidth(), 3);
  VecHandle b = pattern_vector(p.a, 0.4), x = make_vector(p.a);
  smoother.smooth(b, x, SweepDirection::symmetric, 1, true);
  EXPECT_LT(relative_residual(p.a, b, x), 1e-13);
}

// One rank (PETSC_COMM_SELF): sweeps against the textbook block Gauss-Seidel.
TEST(ColumnSmoother, SweepsMatchDenseBlockGaussSeidel) {
  GridSpec spec;
  spec.nx = 4, spec.ny = 3, spec.nz = 7;
  spec.cx = 1.5, spec.cy = 0.7, spec.cz = 4, spec.c2 = 0.3;
  spec.dirichlet_bottoms = true;
  // Lines in row order (a sweep from zero reads only the lines before each row's own)
  // and reordered (it reads whole rows).
  for (const auto& [type, swap_pairs] :
       {std::pair{MATSEQAIJ, true}, std::pair{MATMPIAIJ, true}, std::pair{MATSEQAIJ, false}}) {
    SCOPED_TRACE(std::string(type) + (swap_pairs ? ", reordered lines" : ", lines in row order"));
    spec.swap_pairs = swap_pairs;
    Problem p = build_problem(spec, PETSC_COMM_SELF, type);
    ColumnSmoother smoother(p.a, p.layout);
    const DenseMatrix dense = dense_copy(p.a);
    VecHandle b = pattern_vector(p.a, 0.9), x0 = pattern_vector(p.a, 2.1);
    const auto b_std = to_std(b);
    const double scale = max_abs(x0);

    for (bool backward : {false, true}) {
      // Two sweeps from a nonzero guess.
      auto reference = to_std(x0);
      dense_block_gauss_seidel(dense, p.layout, b_std, reference, backward);
      dense_block_gauss_seidel(dense, p.layout, b_std, reference, backward);
      VecHandle x;
      TSV_CHECK(VecDuplicate(x0, x.out()));
      TSV_CHECK(VecCopy(x0, x));
      smoother.smooth(b, x, backward ? SweepDirection::backward : SweepDirection::forward, 2,
                      false);
      EXPECT_LT(max_difference(reference, x), 1e-13 * scale) << "backward " << backward;

      // One sweep from zero: x's old contents (NaN here) must not be read.
      std::vector<double> from_zero(b_std.size(), 0.0);
      dense_block_gauss_seidel(dense, p.layout, b_std, from_zero, backward);
      TSV_CHECK(VecSet(x, std::numeric_limits<double>::quiet_NaN()));
      smoother.smooth(b, x, backward ? SweepDirection::backward : SweepDirection::forward, 1, true);
      EXPECT_LT(max_difference(from_zero, x), 1e-13 * max_abs(x)) << "backward " << backward;
    }
    // Symmetric = forward then backward.
    auto reference = to_std(x0);
    dense_block_gauss_seidel(dense, p.layout, b_std, reference, false);
    dense_block_gauss_seidel(dense, p.layout, b_std, reference, true);
    VecHandle x;
    TSV_CHECK(VecDuplicate(x0, x.out()));
    TSV_CHECK(VecCopy(x0, x));
    smoother.smooth(b, x, SweepDirection::symmetric, 1, false);
    EXPECT_LT(max_difference(reference, x), 1e-13 * scale);
  }
}

// <M^-1 u, v> = <u, M^-1 v> for the symmetric sweep (also across ranks, where
// off-rank values come from the start of each sweep); the forward sweep is not
// symmetric, which shows the check can fail.
TEST(ColumnSmoother, SymmetricSweepIsASymmetricOperator) {
  GridSpec spec;
  spec.nx = 5, spec.ny = 4, spec.nz = 9;
  spec.cx = 2, spec.cy = 1, spec.cz = 0.5, spec.c2 = 0.2;
  spec.dirichlet_bottoms = true;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  auto smoother = std::make_shared<const ColumnSmoother>(p.a, p.layout);
  VecHandle u = pattern_vector(p.a, 0.37), v = pattern_vector(p.a, 1.91);
  VecHandle mu = make_vector(p.a), mv = make_vector(p.a);
  auto asymmetry = [&](SweepDirection direction) {
    PC pc_raw = nullptr;
    TSV_CHECK(PCCreate(PETSC_COMM_WORLD, &pc_raw));
    Handle<PC, PCDestroy> pc(pc_raw);
    TSV_CHECK(PCSetOperators(pc, p.a, p.a));
    install_column_smoother(pc, smoother, direction);
    TSV_CHECK(PCSetUp(pc));
    TSV_CHECK(PCApply(pc, u, mu));
    TSV_CHECK(PCApply(pc, v, mv));
    PetscScalar mu_v = 0, u_mv = 0;
    TSV_CHECK(VecDot(mu, v, &mu_v));
    TSV_CHECK(VecDot(u, mv, &u_mv));
    return std::abs(mu_v - u_mv) / std::abs(mu_v);
  };
  EXPECT_LT(asymmetry(SweepDirection::symmetric), 1e-13);
  EXPECT_GT(asymmetry(SweepDirection::forward), 1e-4);
}

// With lines in row order, a forward sweep from zero leaves r = b - A x behind (on 2
// ranks including the couplings across the rank boundary), changes nothing in x, and
// owns up to it only for that b and x, unchanged.
TEST(ColumnSmoother, ForwardSweepFromZeroLeavesTheResidual) {
  const GridSpec spec{
      .nx = 5, .ny = 4, .nz = 9, .cx = 2, .cy = 1, .cz = 0.5, .c2 = 0.2, .dirichlet_bottoms = true};
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  ColumnSmoother plain(p.a, p.layout), leaving(p.a, p.layout);
  VecHandle r = make_vector(p.a);
  ASSERT_TRUE(leaving.enable_residual_output(r));
  VecHandle b = pattern_vector(p.a, 0.77), x = make_vector(p.a), x_plain = make_vector(p.a);
  plain.smooth(b, x_plain, SweepDirection::forward, 1, true);
  leaving.smooth(b, x, SweepDirection::forward, 1, true);
  EXPECT_EQ(max_difference(x_plain, x), 0.0);
  ASSERT_TRUE(leaving.holds_residual(b, x, r));
  VecHandle expected = make_vector(p.a);
  TSV_CHECK(MatResidual(p.a, b, x, expected));
  EXPECT_GT(max_abs(expected), 0.1 * max_abs(b));  // one sweep is not a solve here
  EXPECT_LT(max_difference(expected, r), 1e-13 * max_abs(b));

  VecHandle elsewhere = make_vector(p.a);
  EXPECT_FALSE(leaving.holds_residual(b, x, elsewhere));
  TSV_CHECK(VecScale(x, 2.0));
  EXPECT_FALSE(leaving.holds_residual(b, x, r));
  leaving.smooth(b, x, SweepDirection::forward, 1, true);
  EXPECT_TRUE(leaving.holds_residual(b, x, r));
  TSV_CHECK(VecShift(b, 1.0));
  EXPECT_FALSE(leaving.holds_residual(b, x, r));
  leaving.smooth(b, x, SweepDirection::forward, 1, false);  // not from zero
  EXPECT_FALSE(leaving.holds_residual(b, x, r));
  leaving.smooth(b, x, SweepDirection::forward, 2, true);
  EXPECT_FALSE(leaving.holds_residual(b, x, r));
  leaving.smooth(b, x, SweepDirection::backward, 1, true);
  EXPECT_FALSE(leaving.holds_residual(b, x, r));
  EXPECT_FALSE(plain.holds_residual(b, x_plain, r));
}

TEST(ColumnSmoother, LeavesNoResidualWhenTheLinesDoNotFollowTheRows) {
  Problem p = build_problem(GridSpec{.swap_pairs = true}, PETSC_COMM_WORLD);
  ColumnSmoother smoother(p.a, p.layout);
  VecHandle r = make_vector(p.a);
  EXPECT_FALSE(smoother.enable_residual_output(r));
  VecHandle b = pattern_vector(p.a, 0.3), x = make_vector(p.a);
  smoother.smooth(b, x, SweepDirection::forward, 1, true);
  EXPECT_FALSE(smoother.holds_residual(b, x, r));
}

// Repeated sweeps converge to the solution on any rank count (so the off-rank
// couplings are applied with the right values and columns).
TEST(ColumnSmoother, RepeatedSweepsConvergeToTheSolution) {
  GridSpec spec;
  spec.nx = 6, spec.ny = 5, spec.nz = 12;
  spec.cx = 1, spec.cy = 1, spec.cz = 20;
  spec.dirichlet_bottoms = true;
  spec.diagonal_shift = 0.5;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  ColumnSmoother smoother(p.a, p.layout);
  VecHandle b = pattern_vector(p.a, 0.61), x = make_vector(p.a);
  smoother.smooth(b, x, SweepDirection::symmetric, 1, true);
  const double after_one = relative_residual(p.a, b, x);
  smoother.smooth(b, x, SweepDirection::symmetric, 60, false);
  EXPECT_LT(relative_residual(p.a, b, x), 1e-10);
  EXPECT_GT(after_one, 1e-3);  // one sweep alone is not a solve here
}

int cg_iterations(Mat a, Vec b, const std::function<void(PC)>& configure_pc) {
  KspHandle ksp;
  TSV_CHECK(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
  TSV_CHECK(KSPSetOperators(ksp, a, a));
  TSV_CHECK(KSPSetType(ksp, KSPCG));
  TSV_CHECK(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  TSV_CHECK(KSPSetTolerances(ksp, 1e-8, 1e-50, 1e10, 20000));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp, &pc));
  configure_pc(pc);
  VecHandle x = make_vector(a);
  TSV_CHECK(KSPSolve(ksp, b, x));
  KSPConvergedReason reason;
  TSV_CHECK(KSPGetConvergedReason(ksp, &reason));
  EXPECT_GT(reason, 0);
  EXPECT_LT(relative_residual(a, b, x), 1e-7);
  PetscInt its = 0;
  TSV_CHECK(KSPGetIterationNumber(ksp, &its));
  return static_cast<int>(its);
}

// dz << dx: the vertical coupling is 1e4 times the horizontal one. Jacobi cannot
// see the stiff lines; exact line solves remove that stiffness.
TEST(ColumnSmoother, PreconditionsCgOnAStronglyAnisotropicProblem) {
  GridSpec spec;
  spec.nx = 10, spec.ny = 10, spec.nz = 40;
  spec.cx = 1, spec.cy = 1, spec.cz = 1e4;
  spec.dirichlet_bottoms = true;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  auto smoother = std::make_shared<const ColumnSmoother>(p.a, p.layout);
  VecHandle b = pattern_vector(p.a, 0.83);
  const int jacobi = cg_iterations(p.a, b, [](PC pc) { TSV_CHECK(PCSetType(pc, PCJACOBI)); });
  const int line = cg_iterations(
      p.a, b, [&](PC pc) { install_column_smoother(pc, smoother, SweepDirection::symmetric); });
  EXPECT_LT(5 * line, jacobi) << "line " << line << ", Jacobi " << jacobi;
}

// KSPRICHARDSON uses the PC's own Richardson (PCApplyRichardson: no residuals,
// no MatMult) when the damping is 1, no monitor is set and the convergence test is
// the default or skip (PETSc 3.18 KSPSolve_Richardson); its `max_it` sweeps then
// equal smooth() exactly.
TEST(ColumnSmoother, RichardsonKspDoesExactlyItsSweepsInPlace) {
  GridSpec spec;
  spec.nx = 5, spec.ny = 3, spec.nz = 8;
  spec.cx = 1, spec.cy = 2, spec.cz = 3;
  spec.dirichlet_bottoms = true;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  auto smoother = std::make_shared<const ColumnSmoother>(p.a, p.layout);
  PetscInt rows = 0, columns = 0, global_rows = 0, global_columns = 0;
  TSV_CHECK(MatGetLocalSize(p.a, &rows, &columns));
  TSV_CHECK(MatGetSize(p.a, &global_rows, &global_columns));
  CountingShell counter{p.a, 0};
  MatHandle shell;
  TSV_CHECK(MatCreateShell(PETSC_COMM_WORLD, rows, columns, global_rows, global_columns, &counter,
                           shell.out()));
  TSV_CHECK(
      MatShellSetOperation(shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(counting_mult)));

  VecHandle b = pattern_vector(p.a, 0.5), x0 = pattern_vector(p.a, 1.7);
  for (auto direction : {SweepDirection::forward, SweepDirection::symmetric}) {
    for (bool pcmg_like : {false, true}) {
      for (int its : {1, 3}) {
        SCOPED_TRACE(std::to_string(its) + " sweeps, PCMG-like " + std::to_string(pcmg_like));
        KspHandle ksp;
        TSV_CHECK(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
        TSV_CHECK(KSPSetOperators(ksp, shell, p.a));
        TSV_CHECK(KSPSetType(ksp, KSPRICHARDSON));
        TSV_CHECK(KSPSetTolerances(ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, its));
        if (pcmg_like) {
          TSV_CHECK(KSPSetNormType(ksp, KSP_NORM_NONE));
          TSV_CHECK(KSPSetConvergenceTest(ksp, KSPConvergedSkip, nullptr, nullptr));
        }
        PC pc = nullptr;
        TSV_CHECK(KSPGetPC(ksp, &pc));
        install_column_smoother(pc, smoother, direction);
        const char* name = nullptr;
        TSV_CHECK(PCShellGetName(pc, &name));
        EXPECT_STREQ(name, direction == SweepDirection::forward
                               ? "column Gauss-Seidel (forward)"
                               : "column Gauss-Seidel (symmetric)");
        for (bool zero_guess : {true, false}) {
          TSV_CHECK(KSPSetInitialGuessNonzero(ksp, zero_guess ? PETSC_FALSE : PETSC_TRUE));
          VecHandle x = make_vector(p.a), expected = make_vector(p.a);
          TSV_CHECK(VecCopy(x0, x));
          TSV_CHECK(VecCopy(x0, expected));
          counter.mults = 0;
          TSV_CHECK(KSPSolve(ksp, b, x));
          smoother->smooth(b, expected, direction, its, zero_guess);
          EXPECT_EQ(counter.mults, 0);
          EXPECT_EQ(max_difference(expected, x), 0.0) << "zero guess " << zero_guess;
          PetscInt done = 0;
          TSV_CHECK(KSPGetIterationNumber(ksp, &done));
          EXPECT_EQ(done, its);
          KSPConvergedReason reason;
          TSV_CHECK(KSPGetConvergedReason(ksp, &reason));
          EXPECT_EQ(reason, KSP_CONVERGED_ITS);
        }
      }
    }
  }
}

TEST(ColumnSmoother, RejectsLayoutsThatDoNotCoverTheOwnedRowsOnce) {
  GridSpec spec;
  Problem p = build_problem(spec, PETSC_COMM_SELF);
  auto expect_rejected = [&p](LineLayout layout, const std::string& fragment) {
    try {
      ColumnSmoother smoother(p.a, std::move(layout));
      ADD_FAILURE() << "no exception, expected one mentioning '" << fragment << "'";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
  };
  LineLayout missing = p.layout;
  missing.rows.pop_back();
  missing.start.back() -= 1;
  expect_rejected(missing, "owns");
  LineLayout duplicate = p.layout;
  duplicate.rows[3] = duplicate.rows[4];
  expect_rejected(duplicate, "twice");
  LineLayout out_of_range = p.layout;
  out_of_range.rows[0] = 10000;
  expect_rejected(out_of_range, "not an owned row");
  LineLayout bad_end = p.layout;
  bad_end.start.back() += 1;
  expect_rejected(bad_end, "ends at");
  LineLayout bad_start = p.layout;
  bad_start.start.front() = 1;
  expect_rejected(bad_start, "start[0]");
  expect_rejected(LineLayout{}, "start[0]");
}

TEST(ColumnSmoother, RejectsIndefiniteLinesAndOtherMatrixTypes) {
  GridSpec spec;
  spec.nx = 2, spec.ny = 2, spec.nz = 6;
  spec.cx = 0.1, spec.cy = 0.1, spec.cz = 1;
  spec.diagonal_shift = -3;  // diagonal -0.6: the first pivot of line 0 is negative
  Problem p = build_problem(spec, PETSC_COMM_SELF);
  try {
    ColumnSmoother smoother(p.a, p.layout);
    ADD_FAILURE() << "an indefinite line was accepted";
  } catch (const std::invalid_argument& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("line 0"), std::string::npos) << what;
    EXPECT_NE(what.find("row 0"), std::string::npos) << what;
  }

  MatHandle dense;
  TSV_CHECK(MatConvert(p.a, MATSEQDENSE, MAT_INITIAL_MATRIX, dense.out()));
  EXPECT_THROW(ColumnSmoother(dense, p.layout), std::invalid_argument);
}

// An indefinite line on the last rank only: every rank throws (none is left waiting
// in a collective call), the owner with the line and row, the others saying so.
TEST(ColumnSmoother, AnIndefiniteLineOnOneRankStopsEveryRank) {
  GridSpec spec;
  spec.nx = 3, spec.ny = 2, spec.nz = 5;
  spec.negative_line = spec.nx * spec.ny - 1;
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  int rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  try {
    ColumnSmoother smoother(p.a, p.layout);
    ADD_FAILURE() << "an indefinite line was accepted";
  } catch (const std::invalid_argument& error) {
    const std::string what = error.what();
    const bool owner = rank == size - 1;
    EXPECT_NE(what.find(owner ? "not positive definite" : "another rank"), std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace tsvfield::solver

namespace tsvfield::solver {
namespace {

// Every entry's column, rebuilt from its row's shared pattern, is the CSR column; rows
// with the same relative columns share one pattern (counted here independently).
TEST(RowPatterns, RebuildEveryColumnAndShareEqualPatterns) {
  GridSpec spec;
  spec.nx = 5, spec.ny = 4, spec.nz = 20;
  spec.c2 = 0.2;                  // pentadiagonal lines: rows near the ends differ
  spec.dirichlet_bottoms = true;  // identity rows among them
  Problem p = build_problem(spec, PETSC_COMM_SELF, MATSEQAIJ);
  const SeqRows rows(p.a);
  const RowPatterns patterns = row_patterns(rows);
  std::set<std::vector<PetscInt>> distinct;
  for (PetscInt i = 0; i < rows.rows(); ++i) {
    const std::int32_t* relative = patterns.relative_columns(i);
    std::vector<PetscInt> row_relative;
    for (PetscInt k = rows.begin(i); k < rows.end(i); ++k) {
      ASSERT_EQ(i + relative[k - rows.begin(i)], rows.column(k)) << "row " << i;
      row_relative.push_back(rows.column(k) - i);
    }
    distinct.insert(row_relative);
  }
  EXPECT_EQ(patterns.pattern_count(), distinct.size());
  // A line's interior rows repeat, and lines alike in the grid share theirs: 9 kinds of
  // line (corner, edge, interior) with 5 kinds of row each, and the identity rows.
  EXPECT_LT(5 * patterns.pattern_count(), static_cast<std::size_t>(rows.rows()));
}

// The sweeps through the row patterns do the same arithmetic in the same order as
// through the column array: the same bits, on any rank count, with and without the
// residual the forward sweep leaves (handed to a row from three rows of a neighbour
// line, through the diagonal couplings, in the same order).
TEST(ColumnSmoother, RowPatternsGiveTheSameBitsAsTheColumnArray) {
  const GridSpec spec{.nx = 5,
                      .ny = 4,
                      .nz = 9,
                      .cx = 2,
                      .cy = 1,
                      .cz = 0.5,
                      .c2 = 0.2,
                      .c_diagonal = 0.15,
                      .dirichlet_bottoms = true};
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  ColumnSmoother with_patterns(p.a, p.layout, ColumnSmootherOptions{true});
  ColumnSmoother with_columns(p.a, p.layout, ColumnSmootherOptions{false});
  EXPECT_TRUE(with_patterns.uses_row_patterns());
  EXPECT_FALSE(with_columns.uses_row_patterns());
  EXPECT_GT(with_patterns.pattern_count(), 0);
  EXPECT_EQ(with_columns.pattern_count(), 0);
  VecHandle r_patterns = make_vector(p.a), r_columns = make_vector(p.a);
  ASSERT_TRUE(with_patterns.enable_residual_output(r_patterns));
  ASSERT_TRUE(with_columns.enable_residual_output(r_columns));
  VecHandle b = pattern_vector(p.a, 0.77);
  VecHandle x_patterns = make_vector(p.a), x_columns = make_vector(p.a);
  with_patterns.smooth(b, x_patterns, SweepDirection::forward, 1, true);
  with_columns.smooth(b, x_columns, SweepDirection::forward, 1, true);
  EXPECT_EQ(max_difference(x_patterns, x_columns), 0.0);
  EXPECT_EQ(max_difference(r_patterns, r_columns), 0.0);
  with_patterns.smooth(b, x_patterns, SweepDirection::backward, 1, false);
  with_columns.smooth(b, x_columns, SweepDirection::backward, 1, false);
  EXPECT_EQ(max_difference(x_patterns, x_columns), 0.0);
  with_patterns.smooth(b, x_patterns, SweepDirection::symmetric, 2, false);
  with_columns.smooth(b, x_columns, SweepDirection::symmetric, 2, false);
  EXPECT_EQ(max_difference(x_patterns, x_columns), 0.0);
  EXPECT_GT(max_abs(x_patterns), 0.1 * max_abs(b));  // the sweeps did something
}

// multiply() and the MATSHELL made of it are A x (PETSc's MatMult sums in another
// order: rounding only), across ranks too; CG on that shell takes MatMult's iterations.
TEST(ColumnSmoother, ProductIsTheMatrixProduct) {
  const GridSpec spec{.nx = 6,
                      .ny = 5,
                      .nz = 11,
                      .cx = 1.5,
                      .cy = 0.7,
                      .cz = 4,
                      .c2 = 0.3,
                      .dirichlet_bottoms = true};
  Problem p = build_problem(spec, PETSC_COMM_WORLD);
  VecHandle x = pattern_vector(p.a, 1.3), expected = make_vector(p.a), y = make_vector(p.a);
  TSV_CHECK(MatMult(p.a, x, expected));
  const double scale = max_abs(expected);
  ASSERT_GT(scale, 0.0);
  for (bool patterns : {true, false}) {
    SCOPED_TRACE(patterns ? "row patterns" : "column array");
    auto smoother =
        std::make_shared<const ColumnSmoother>(p.a, p.layout, ColumnSmootherOptions{patterns});
    TSV_CHECK(VecSet(y, std::numeric_limits<double>::quiet_NaN()));  // must be overwritten
    smoother->multiply(x, y);
    EXPECT_LT(max_difference(expected, y), 1e-14 * scale);
    MatHandle shell = smoother_product_matrix(smoother, p.a);
    TSV_CHECK(VecSet(y, std::numeric_limits<double>::quiet_NaN()));
    TSV_CHECK(MatMult(shell, x, y));
    EXPECT_LT(max_difference(expected, y), 1e-14 * scale);
  }
  auto smoother = std::make_shared<const ColumnSmoother>(p.a, p.layout);
  MatHandle shell = smoother_product_matrix(smoother, p.a);
  VecHandle b = pattern_vector(p.a, 0.83);
  auto line_pc = [&](PC pc) { install_column_smoother(pc, smoother, SweepDirection::symmetric); };
  const int with_aij = cg_iterations(p.a, b, line_pc);
  // The same Krylov space up to rounding (the product was checked against MatMult above).
  const int with_shell = cg_iterations(shell, b, line_pc);
  EXPECT_EQ(with_shell, with_aij);
}

}  // namespace
}  // namespace tsvfield::solver
