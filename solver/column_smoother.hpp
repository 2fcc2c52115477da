#pragma once
// Line (column) block Gauss-Seidel smoother for the column multigrid
// (solver/column_multigrid): on an extruded mesh the nodes over one footprint
// node form a vertical line, and the conduction matrix restricted to a line is a
// banded SPD block (tridiagonal, wider where an interface doubles nodes). Solving
// each line exactly makes the smoother robust to any ratio of vertical to
// horizontal coupling: 30 um dies over 10 mm, 1 um liner rings in 100 um layers.
//
// Sweeps go over the lines of a rank in order (forward) or reverse (backward),
// using the newest values of the rank's own rows and the values of other ranks'
// rows from the start of the sweep (hybrid Gauss-Seidel / Jacobi across ranks).
// A forward sweep before and a backward sweep after the coarse correction keep
// the V-cycle symmetric, as CG needs.
#include <petscksp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

// The owned rows of a matrix grouped into lines: line l holds the local rows
// rows[start[l]] .. rows[start[l + 1] - 1], bottom to top. Every owned row is in
// exactly one line.
struct LineLayout {
  std::vector<std::int32_t> start;  // line count + 1 entries, start[0] = 0
  std::vector<std::int32_t> rows;   // local row indices 0 .. owned - 1
};

enum class SweepDirection { forward, backward, symmetric };

struct ColumnSmootherOptions {
  // Read the diagonal block's columns as shared relative patterns (solver/row_patterns)
  // instead of its CSR column array: the same arithmetic in the same order, 8 instead of
  // 12 bytes of matrix per entry streamed, for 4 bytes per row of pattern numbers.
  bool row_patterns = true;
  // The PETSc log event of the sweeps (-log_view); the column multigrid names one per
  // level.
  std::string log_event = "ColumnSweeps";
};

class ColumnSmoother {
 public:
  // Factors every line block of `a` (an assembled MPIAIJ or SeqAIJ matrix, SPD on
  // each line) by banded Cholesky; the band is the widest in-line coupling found.
  // Keeps a reference to `a` (which must outlive this object, as in a PCMG level).
  // The values of `a` must not change afterwards: the line factors are computed here
  // while the sweeps read the off-line entries from `a` itself (no copy of the
  // matrix), so build a new smoother after re-assembly. Only the lower triangle of
  // each line block is used (A is taken as symmetric). Collective on `a`.
  // Throws PetscError for a failed PETSc call and std::invalid_argument when the
  // layout does not cover the owned rows exactly once, `a` is not (MPI/Seq)AIJ, or
  // a line block is not positive definite (naming the line and the local row).
  ColumnSmoother(Mat a, LineLayout layout, ColumnSmootherOptions options = {});
  ~ColumnSmoother();
  ColumnSmoother(const ColumnSmoother&) = delete;
  ColumnSmoother& operator=(const ColumnSmoother&) = delete;

  // `sweeps` sweeps of line Gauss-Seidel on A x = b, in place; x_is_zero lets the
  // first sweep skip reading x. (symmetric: forward then backward, per sweep.)
  // Collective (each sweep gathers the off-rank values of x); b and x must be
  // distinct. Uses scratch space held by the object: not for concurrent threads.
  void smooth(Vec b, Vec x, SweepDirection direction, int sweeps, bool x_is_zero) const;

  // From now on, every single forward sweep from zero (smooth(b, x, forward, 1, true),
  // a PCMG pre-smoother) also leaves r = b - A x in `r`, at no extra matrix traffic:
  // as each line is solved, its new values go into the residual of the rows of earlier
  // lines through the entries the sweep has just read (A is taken as symmetric), and
  // the rows coupled to other ranks get those couplings after the sweep. Possible, and
  // true is returned, only when every rank's lines are runs of consecutive rows in row
  // order (as the mesher and the coarse levels number them). Keeps a reference to r.
  bool enable_residual_output(Vec r);

  // Whether r holds b - A x for these b and x: the last smooth() was such a sweep on
  // them, and none of the three has changed since. Collective.
  bool holds_residual(Vec b, Vec x, Vec r) const;

  // y = A x through the smoother's view of `a` (the row patterns when on): the product
  // CG needs, without reading the column array. Collective; x and y distinct.
  void multiply(Vec x, Vec y) const;

  bool uses_row_patterns() const;
  std::int64_t pattern_count() const;  // distinct row patterns over all ranks (0 when off)

  std::int64_t line_count() const;  // over all ranks
  int max_bandwidth() const;        // largest half bandwidth over the lines of all ranks

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

// Makes `pc` a PCSHELL that applies `smoother` in `direction`: PCApply is one sweep
// from a zero guess (y = M^-1 r) and PCApplyRichardson does its sweeps in place, so a
// KSPRICHARDSON smoother of a PCMG level costs no extra residual. The PC shares
// ownership of the smoother (released when the PC is destroyed).
// PETSc 3.18's KSPSolve_Richardson calls PCApplyRichardson only when the damping is
// 1, no monitor is set, the convergence test is the default or KSPConvergedSkip, the
// solve is not transposed and Pmat has no null space; it then always does max_it
// sweeps (rtol/abstol are not checked) and reports KSP_CONVERGED_ITS, as a PCMG
// smoother wants. Otherwise KSPRICHARDSON falls back to x += M^-1 (b - A x) with PCApply.
// The PC name (PCShellGetName) is "column Gauss-Seidel (forward|backward|symmetric)".
void install_column_smoother(PC pc, std::shared_ptr<const ColumnSmoother> smoother,
                             SweepDirection direction);

// A MATSHELL with the sizes of `a` (the smoother's matrix) whose MatMult is
// smoother->multiply: CG's operator with the line sweeps' memory traffic. The matrix
// shares ownership of the smoother. Collective.
MatHandle smoother_product_matrix(std::shared_ptr<const ColumnSmoother> smoother, Mat a);

// Makes level `level` of the PCMG `mg_pc` (whose operator there is `a`, the smoother's
// matrix) take the residual after its pre-smoother from the smoother
// (enable_residual_output, into the level's residual vector, PCMGSetR), and from
// MatResidual on `a` whenever the smoother does not hold it. Does nothing and returns
// false when the smoother cannot leave the residual. The smoother is found through `a`
// (a reference composed on it, replacing any earlier one, that does not keep the
// smoother alive; the smoother PCs do).
bool install_line_residual(PC mg_pc, PetscInt level, Mat a,
                           const std::shared_ptr<ColumnSmoother>& smoother);

}  // namespace tsvfield::solver
