// Line block Gauss-Seidel: see column_smoother.hpp.
//
// Each sweep updates a line in correction form, x_line += B_l^-1 (b - A x)_line,
// with the residual of the line's rows taken over the full matrix rows at the
// newest x. Since the line's own entries still hold their values from before the
// update, this equals the textbook x_line = B_l^-1 (b - sum_{j not in l} a_ij x_j)
// but reads the matrix's own CSR arrays as they are: no copy of the off-line
// entries (which would cost as much memory as the matrix on the fine level) and
// one multiply-add per stored entry, i.e. one matrix-vector product per sweep.
#include "solver/column_smoother.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "solver/aij_blocks.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/row_patterns.hpp"

namespace tsvfield::solver {
namespace {

// sum_k values[k] x[columns[k]] over entries begin .. end - 1 of a CSR row.
inline double row_dot(const PetscScalar* values, const PetscInt* columns, PetscInt begin,
                      PetscInt end, const PetscScalar* x) {
  return gathered_dot(values + begin, columns + begin, end - begin, x);
}

// Solves L D L^T d = rhs in place for a tridiagonal line, band as in
// ColumnSmoother::Data::factor: band[2p] = 1 / D(p), band[2p + 1] = L(p, p - 1).
// Each substitution is a chain of dependent multiply-subtracts that the matrix
// streaming around it waits for; stepping two rows at a time,
//   y(p + 1) = (r(p + 1) - L(p + 1) r(p)) + L(p + 1) L(p) y(p - 1),
// halves the chain (the products of two factors do not depend on it).
inline void solve_tridiagonal(const double* band, int length, double* rhs) {
  if (length <= 0) return;
  int p = 1;
  for (; p + 1 < length; p += 2) {  // forward: y(p) = r(p) - L(p) y(p - 1)
    const double l_p = band[2 * p + 1], l_next = band[2 * p + 3];
    const double y_before = rhs[p - 1];
    const double r_p = rhs[p];
    rhs[p] = r_p - l_p * y_before;
    rhs[p + 1] = (rhs[p + 1] - l_next * r_p) + (l_next * l_p) * y_before;
  }
  if (p < length) rhs[p] -= band[2 * p + 1] * rhs[p - 1];
  for (int q = 0; q < length; ++q) rhs[q] *= band[2 * q];
  p = length - 2;
  for (; p >= 1; p -= 2) {  // backward: d(p) = z(p) - L(p + 1) d(p + 1)
    const double l_above = band[2 * p + 3], l_p = band[2 * p + 1];
    const double d_after = rhs[p + 1];
    const double z_p = rhs[p];
    rhs[p] = z_p - l_above * d_after;
    rhs[p - 1] = (rhs[p - 1] - l_p * z_p) + (l_p * l_above) * d_after;
  }
  if (p == 0) rhs[0] -= band[3] * rhs[1];
}

// Prefetches the diagonal block's values and columns a fixed distance ahead of a sweep,
// in its direction. Between two lines the sweep solves the line just read and loads
// nothing, so the hardware prefetcher loses the stream and the next line starts with
// cache misses; asking for the entries ahead keeps the memory busy through the solves.
// At 2M unknowns on 2 ranks the sweeps took 13 to 21 % less time in alternating runs.
// The distance, 384 entries (3 KiB of values), is about 14 rows of 27 entries; 768
// gained less.
class StreamPrefetch {
 public:
  // With shared row patterns the sweep reads no column array: values only.
  StreamPrefetch(const SeqRows& block, bool backward, bool read_columns)
      : values_(block.values()),
        columns_(read_columns ? block.columns() : nullptr),
        size_(block.rows() > 0 ? block.end(block.rows() - 1) : 0),
        next_(backward ? size_ : 0) {}

  // The sweep has read up to entry k going forward (down to k going backward): fetch
  // the next kDistance entries in that direction that were not fetched yet.
  void forward_past(PetscInt k) {
    const PetscInt target = std::min(size_, k + kDistance);
    for (next_ = std::max(next_, k); next_ < target; next_ += kValuesPerLine) touch(next_);
  }
  void backward_past(PetscInt k) {
    const PetscInt target = std::max<PetscInt>(0, k - kDistance);
    for (next_ = std::min(next_, k); next_ > target; next_ -= kValuesPerLine) touch(next_ - 1);
  }

 private:
  static constexpr PetscInt kDistance = 384;
  static constexpr PetscInt kValuesPerLine = 64 / sizeof(PetscScalar);
  static constexpr PetscInt kColumnsPerLine = 64 / sizeof(PetscInt);

  // One cache line of values at entry k, and of columns every other call (k >= 0, so a
  // mask gives the remainder).
  void touch(PetscInt k) const {
    __builtin_prefetch(values_ + k);
    if (columns_ && (k & (kColumnsPerLine - 1)) < kValuesPerLine) __builtin_prefetch(columns_ + k);
  }

  const PetscScalar* values_;
  const PetscInt* columns_;
  PetscInt size_;
  PetscInt next_;
};

// How many lines a sweep updates between two turns of MPI's progress engine while the
// gather of x is in flight (see sweep_lines): about a millisecond of work on the fine
// level, against a fraction of a microsecond per turn.
constexpr std::size_t kLinesPerProgressTurn = 16;

// Lets MPI move messages that are in flight. Open MPI moves a message above its eager
// limit (4 KiB on shared memory) only inside MPI calls, so a rank that works through its
// interior lines without calling MPI held back the other rank's ghost values (measured:
// see sweep_lines); a probe, which matches and receives nothing, enters the progress
// engine.
void turn_mpi_progress(MPI_Comm comm) {
  int message_waiting = 0;
  if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &message_waiting, MPI_STATUS_IGNORE) !=
      MPI_SUCCESS)
    throw PetscError("ColumnSmoother: MPI_Iprobe failed");
}

bool type_begins_with(Mat a, const char* prefix) {
  MatType type = nullptr;
  TSV_CHECK(MatGetType(a, &type));
  return type != nullptr && std::strncmp(type, prefix, std::strlen(prefix)) == 0;
}

const char* direction_name(SweepDirection direction) {
  switch (direction) {
    case SweepDirection::forward:
      return "column Gauss-Seidel (forward)";
    case SweepDirection::backward:
      return "column Gauss-Seidel (backward)";
    case SweepDirection::symmetric:
      return "column Gauss-Seidel (symmetric)";
  }
  return "column Gauss-Seidel";
}

}  // namespace

struct ColumnSmoother::Data {
  Mat matrix = nullptr;          // borrowed; must outlive the smoother
  Mat diagonal_block = nullptr;  // borrowed from `matrix`
  Mat off_block = nullptr;       // borrowed; null on one rank (SeqAIJ)
  PetscInt owned_rows = 0;

  LineLayout layout;
  std::vector<int> bandwidth;               // per line
  std::vector<std::int64_t> factor_offset;  // per line + 1, into `factor`
  // Per line, the banded Cholesky factorisation in L D L^T form (unit L: no square
  // roots, and one multiply-subtract per band entry in the solves): row p is stored at
  // factor[off + p*(b+1) + k], with L(p, p-k) for k = 1..b and 1 / D(p) at k = 0.
  std::vector<double> factor;

  VecHandle ghost_values;   // off-rank x entries, in the off-diagonal block's column order
  VecScatterHandle gather;  // x -> ghost_values
  // Per line: 1 when a row of the line couples to another rank's rows or is read by
  // another rank's sweep. A sweep starts gathering x, works through the lines before
  // the first such line while the messages travel, and waits for them only there.
  std::vector<char> on_rank_boundary;
  std::int64_t global_line_count = 0;
  std::int64_t global_pattern_count = 0;
  std::vector<PetscInt> off_block_rows;  // owned rows with off-block entries
  int global_max_bandwidth = 0;
  mutable std::vector<double> line_residual;  // scratch, longest line (no per-sweep allocation)
  // The diagonal block's columns as shared relative patterns (solver/row_patterns), read
  // by the sweeps and multiply() instead of the block's column array; empty when off.
  RowPatterns patterns;
  bool use_patterns = false;
  std::string log_event;  // of the sweeps (ColumnSmootherOptions::log_event)

  // When the rank's lines are runs of consecutive rows in row order (the mesher's
  // numbering and the coarse levels'), a row's sorted columns in the diagonal block are
  // the lines before its own, then its own line, then the lines after: per row, where
  // its own line's columns begin. The line factors then read only the own line's run,
  // and a forward sweep from zero only the lines before it (the rest multiplies zeros);
  // when that holds on every rank, the sweep can leave r = b - A x behind at no extra
  // matrix traffic (see sweep_line).
  bool rank_lines_follow_rows = false;
  bool lines_follow_rows = false;        // on every rank
  std::vector<PetscInt> own_line_begin;  // per owned row, when rank_lines_follow_rows
  VecHandle residual_output;             // enable_residual_output's vector (referenced)
  // The last sweep that left the residual: its b, x and r and their states after it.
  struct LeftResidual {
    Vec b = nullptr, x = nullptr, r = nullptr;
    PetscObjectState b_state = -1, x_state = -1, r_state = -1;
  };
  mutable LeftResidual left_residual;

  void check_layout() const;
  void index_and_factor_lines();
  // Calls visit(j, k) for the entries k of row i on its own line (column j). When the
  // lines follow the rows, the own line's entries are one run from own_line_begin, ended
  // by the first entry past it; otherwise they may lie anywhere in the row.
  template <typename Visit>
  void for_each_own_line_entry(const SeqRows& diagonal, PetscInt i,
                               const std::vector<std::int32_t>& line_of, Visit&& visit) const {
    const std::int32_t line = line_of[static_cast<std::size_t>(i)];
    const PetscInt* columns = diagonal.columns();
    const PetscInt begin =
        rank_lines_follow_rows ? own_line_begin[static_cast<std::size_t>(i)] : diagonal.begin(i);
    for (PetscInt k = begin; k < diagonal.end(i); ++k) {
      const auto j = static_cast<std::size_t>(columns[k]);
      if (line_of[j] != line) {
        if (!rank_lines_follow_rows) continue;
        break;
      }
      visit(j, k);
    }
  }
  void compute_bandwidths(const SeqRows& diagonal, const std::vector<std::int32_t>& line_of,
                          const std::vector<std::int32_t>& position);
  void factor_lines(const SeqRows& diagonal, const std::vector<std::int32_t>& line_of,
                    const std::vector<std::int32_t>& position);
  void build_ghost_gather(const PetscInt* ghost_columns);
  void mark_rank_boundary_lines();
  void list_off_block_rows();
  void find_own_line_begins();
  void sweep_line(std::size_t line, bool backward, bool from_zero, const PetscScalar* b_data,
                  PetscScalar* x_data, PetscScalar* r_data, const SeqRows& diagonal,
                  const SeqRows* off, const PetscScalar* ghosts, StreamPrefetch& prefetch) const;
  void push_to_earlier_residuals(PetscInt first_row, int length, const PetscScalar* x_data,
                                 PetscScalar* r_data, const SeqRows& diagonal) const;
  void solve_line(std::size_t line, double* rhs) const;
  void sweep(Vec b, Vec x, bool backward, bool from_zero, Vec r) const;
  void sweep_lines(Vec b, Vec x, bool backward, bool from_zero, Vec r) const;
  // Row i of the diagonal block, entries begin .. end - 1, times x.
  double diagonal_row_dot(const SeqRows& diagonal, PetscInt i, PetscInt begin, PetscInt end,
                          const PetscScalar* x) const {
    if (!use_patterns) return row_dot(diagonal.values(), diagonal.columns(), begin, end, x);
    return relative_row_dot(diagonal.values() + begin,
                            patterns.relative_columns(i) + (begin - diagonal.begin(i)), end - begin,
                            x + i);
  }
  void subtract_off_rank_couplings(Vec x, Vec r) const;
};

void ColumnSmoother::Data::check_layout() const {
  const auto& start = layout.start;
  if (start.empty() || start.front() != 0)
    throw std::invalid_argument("ColumnSmoother: line layout must start with start[0] = 0");
  for (std::size_t l = 0; l + 1 < start.size(); ++l)
    if (start[l + 1] < start[l])
      throw std::invalid_argument("ColumnSmoother: line " + std::to_string(l) +
                                  " has a negative row count");
  if (static_cast<std::size_t>(start.back()) != layout.rows.size())
    throw std::invalid_argument("ColumnSmoother: line layout ends at " +
                                std::to_string(start.back()) + " but lists " +
                                std::to_string(layout.rows.size()) + " rows");
  if (static_cast<PetscInt>(layout.rows.size()) != owned_rows)
    throw std::invalid_argument("ColumnSmoother: line layout lists " +
                                std::to_string(layout.rows.size()) + " rows but the rank owns " +
                                std::to_string(owned_rows));
  std::vector<char> seen(static_cast<std::size_t>(owned_rows), 0);
  for (auto row : layout.rows) {
    if (row < 0 || row >= owned_rows)
      throw std::invalid_argument("ColumnSmoother: line layout row " + std::to_string(row) +
                                  " is not an owned row (0.." + std::to_string(owned_rows - 1) +
                                  ")");
    if (seen[static_cast<std::size_t>(row)]++)
      throw std::invalid_argument("ColumnSmoother: row " + std::to_string(row) +
                                  " appears twice in the line layout");
  }
}

void ColumnSmoother::Data::compute_bandwidths(const SeqRows& diagonal,
                                              const std::vector<std::int32_t>& line_of,
                                              const std::vector<std::int32_t>& position) {
  const std::size_t lines = layout.start.size() - 1;
  bandwidth.assign(lines, 0);
  factor_offset.assign(lines + 1, 0);
  for (PetscInt i = 0; i < owned_rows; ++i) {
    const auto line = static_cast<std::size_t>(line_of[static_cast<std::size_t>(i)]);
    const int p = position[static_cast<std::size_t>(i)];
    for_each_own_line_entry(diagonal, i, line_of, [&](std::size_t j, PetscInt) {
      bandwidth[line] = std::max(bandwidth[line], std::abs(p - position[j]));
    });
  }
  std::size_t longest = 0;
  for (std::size_t l = 0; l < lines; ++l) {
    const auto length = static_cast<std::int64_t>(layout.start[l + 1] - layout.start[l]);
    factor_offset[l + 1] = factor_offset[l] + length * (bandwidth[l] + 1);
    longest = std::max(longest, static_cast<std::size_t>(length));
  }
  line_residual.assign(longest, 0.0);
}

// Banded Cholesky (L D L^T) of every line block from its lower triangle (the matrix
// is symmetric; Dirichlet rows are identity rows after MatZeroRowsColumns).
void ColumnSmoother::Data::factor_lines(const SeqRows& diagonal,
                                        const std::vector<std::int32_t>& line_of,
                                        const std::vector<std::int32_t>& position) {
  factor.assign(static_cast<std::size_t>(factor_offset.back()), 0.0);
  const PetscScalar* values = diagonal.values();
  // Scatter the lower band of A into the factor storage (k = 0 holds the diagonal).
  for (PetscInt i = 0; i < owned_rows; ++i) {
    const auto line = static_cast<std::size_t>(line_of[static_cast<std::size_t>(i)]);
    const int p = position[static_cast<std::size_t>(i)];
    const int width = bandwidth[line] + 1;
    double* band_row = factor.data() + factor_offset[line] + static_cast<std::int64_t>(p) * width;
    for_each_own_line_entry(diagonal, i, line_of, [&](std::size_t j, PetscInt k) {
      if (position[j] <= p) band_row[p - position[j]] += PetscRealPart(values[k]);
    });
  }
  std::vector<double> pivots;  // D of the line being factored
  for (std::size_t line = 0; line + 1 < layout.start.size(); ++line) {
    const int length = layout.start[line + 1] - layout.start[line];
    const int b = bandwidth[line];
    const int width = b + 1;
    double* band = factor.data() + factor_offset[line];
    auto entry = [&](int row, int column) -> double& {
      return band[static_cast<std::ptrdiff_t>(row) * width + (row - column)];
    };
    pivots.assign(static_cast<std::size_t>(length), 0.0);
    for (int p = 0; p < length; ++p) {
      const int first = std::max(0, p - b);
      for (int q = first; q < p; ++q) {  // L(p, q) = (A(p, q) - sum_r L(p, r) D(r) L(q, r)) / D(q)
        double sum = entry(p, q);
        for (int r = first; r < q; ++r)
          sum -= entry(p, r) * pivots[static_cast<std::size_t>(r)] * entry(q, r);
        entry(p, q) = sum * entry(q, q);  // entry(q, q) holds 1 / D(q)
      }
      double pivot = entry(p, p);
      for (int r = first; r < p; ++r)
        pivot -= entry(p, r) * entry(p, r) * pivots[static_cast<std::size_t>(r)];
      if (!(pivot > 0.0)) {
        const auto row = layout.rows[static_cast<std::size_t>(layout.start[line] + p)];
        throw std::invalid_argument("ColumnSmoother: line " + std::to_string(line) +
                                    " is not positive definite: pivot " + std::to_string(pivot) +
                                    " at local row " + std::to_string(row) + " (position " +
                                    std::to_string(p) + " of " + std::to_string(length) + ")");
      }
      pivots[static_cast<std::size_t>(p)] = pivot;
      entry(p, p) = 1.0 / pivot;
    }
  }
}

void ColumnSmoother::Data::index_and_factor_lines() {
  const std::size_t lines = layout.start.size() - 1;
  std::vector<std::int32_t> line_of(static_cast<std::size_t>(owned_rows));
  std::vector<std::int32_t> position(static_cast<std::size_t>(owned_rows));
  for (std::size_t l = 0; l < lines; ++l)
    for (std::int32_t k = layout.start[l]; k < layout.start[l + 1]; ++k) {
      const auto row = static_cast<std::size_t>(layout.rows[static_cast<std::size_t>(k)]);
      line_of[row] = static_cast<std::int32_t>(l);
      position[row] = k - layout.start[l];
    }
  {
    const SeqRows diagonal(diagonal_block);
    compute_bandwidths(diagonal, line_of, position);
    factor_lines(diagonal, line_of, position);
  }
}

void ColumnSmoother::Data::build_ghost_gather(const PetscInt* ghost_columns) {
  PetscInt ghost_count = 0;
  TSV_CHECK(MatGetLocalSize(off_block, nullptr, &ghost_count));
  IsHandle ghost_index;
  TSV_CHECK(ISCreateGeneral(PETSC_COMM_SELF, ghost_count, ghost_columns, PETSC_COPY_VALUES,
                            ghost_index.out()));
  TSV_CHECK(VecCreateSeq(PETSC_COMM_SELF, ghost_count, ghost_values.out()));
  VecHandle template_x;
  TSV_CHECK(MatCreateVecs(matrix, template_x.out(), nullptr));
  TSV_CHECK(VecScatterCreate(template_x, ghost_index, ghost_values, nullptr, gather.out()));
}

// Solves L D L^T d = rhs in place for one line. Each pass is a chain of dependent
// multiply-subtracts, so the tridiagonal case (most lines) gets its own loops.
void ColumnSmoother::Data::solve_line(std::size_t line, double* rhs) const {
  const int length = layout.start[line + 1] - layout.start[line];
  const int b = bandwidth[line];
  const double* band = factor.data() + factor_offset[line];
  if (b == 1) {
    solve_tridiagonal(band, length, rhs);
    return;
  }
  const int width = b + 1;
  for (int p = 0; p < length; ++p) {
    const double* band_row = band + static_cast<std::ptrdiff_t>(p) * width;
    double sum = rhs[p];
    const int reach = std::min(b, p);
    for (int k = 1; k <= reach; ++k) sum -= band_row[k] * rhs[p - k];
    rhs[p] = sum;
  }
  for (int p = 0; p < length; ++p) rhs[p] *= band[static_cast<std::ptrdiff_t>(p) * width];
  for (int p = length - 1; p >= 0; --p) {
    double sum = rhs[p];
    const int reach = std::min(b, length - 1 - p);
    for (int k = 1; k <= reach; ++k)
      sum -= band[static_cast<std::ptrdiff_t>(p + k) * width + k] * rhs[p + k];
    rhs[p] = sum;
  }
}

// Marks the lines that must wait for the gather of x: those with off-block entries
// (they read ghost values) and those holding rows that another rank gathers (the
// scatter may send straight from x's array, so they must not change before it ends).
// The latter are found by scattering the ghost count back to the owners rather than
// by assuming a structurally symmetric matrix.
void ColumnSmoother::Data::mark_rank_boundary_lines() {
  const std::size_t lines = layout.start.size() - 1;
  on_rank_boundary.assign(lines, 0);
  if (!off_block) return;
  VecHandle readers;
  TSV_CHECK(MatCreateVecs(matrix, readers.out(), nullptr));
  TSV_CHECK(VecSet(readers, 0.0));
  TSV_CHECK(VecSet(ghost_values, 1.0));
  TSV_CHECK(VecScatterBegin(gather, ghost_values, readers, ADD_VALUES, SCATTER_REVERSE));
  TSV_CHECK(VecScatterEnd(gather, ghost_values, readers, ADD_VALUES, SCATTER_REVERSE));
  const SeqRows off(off_block);
  const ConstVecArray read_elsewhere(readers);
  for (std::size_t l = 0; l < lines; ++l)
    for (std::int32_t k = layout.start[l]; k < layout.start[l + 1]; ++k) {
      const auto row = layout.rows[static_cast<std::size_t>(k)];
      if (off.end(row) > off.begin(row) || PetscRealPart(read_elsewhere[row]) != 0.0) {
        on_rank_boundary[l] = 1;
        break;
      }
    }
}

// Updates one line in correction form (see the top of the file). Rows are visited in
// the sweep's direction so that a backward sweep streams the matrix backwards too: a
// backward sweep that read each line's rows forwards jumped back a line's worth of
// matrix at every line, which defeated the hardware prefetch and cost 2.5 times a
// forward sweep. `off` and `ghosts` are null for a line without off-rank entries or
// when the off-rank values are taken as zero.
//
// Forward from zero with rank_lines_follow_rows, a row reads only the lines before its own.
// With r_data as well, the line then hands its new values to the residual of those
// lines' rows, by symmetry from the same entries while they are still in cache:
// r_j = -sum a_ji x_i over the rows i of the later lines, which is b_j - (A x)_j on this
// rank once every line is done, because line j's solve made the rest of it zero.
void ColumnSmoother::Data::sweep_line(std::size_t line, bool backward, bool from_zero,
                                      const PetscScalar* b_data, PetscScalar* x_data,
                                      PetscScalar* r_data, const SeqRows& diagonal,
                                      const SeqRows* off, const PetscScalar* ghosts,
                                      StreamPrefetch& prefetch) const {
  const PetscInt* d_start = diagonal.row_start();
  const PetscInt* d_columns = diagonal.columns();
  const PetscScalar* d_values = diagonal.values();
  const bool earlier_lines_only = from_zero && !backward && rank_lines_follow_rows;
  double* residual = line_residual.data();
  const std::int32_t first = layout.start[line];
  const int length = layout.start[line + 1] - first;
  const std::int32_t* line_rows = layout.rows.data() + first;
  for (int step = 0; step < length; ++step) {
    const int p = backward ? length - 1 - step : step;
    const PetscInt i = line_rows[p];
    if (backward)
      prefetch.backward_past(d_start[i]);
    else
      prefetch.forward_past(d_start[i + 1]);
    const PetscInt end =
        earlier_lines_only ? own_line_begin[static_cast<std::size_t>(i)] : d_start[i + 1];
    double sum = PetscRealPart(b_data[i]);
    sum -= diagonal_row_dot(diagonal, i, d_start[i], end, x_data);
    if (off) sum -= row_dot(off->values(), off->columns(), off->begin(i), off->end(i), ghosts);
    residual[p] = sum;
  }
  solve_line(line, residual);
  for (int p = 0; p < length; ++p) x_data[line_rows[p]] += residual[p];
  if (!r_data || !earlier_lines_only) return;
  if (use_patterns) {
    push_to_earlier_residuals(first, length, x_data, r_data, diagonal);  // rows are lines' order
    return;
  }
  for (int p = 0; p < length; ++p) {
    const PetscInt i = line_rows[p];
    r_data[i] = 0;  // no later line has reached it yet
    const double x_i = PetscRealPart(x_data[i]);
    for (PetscInt k = d_start[i]; k < own_line_begin[static_cast<std::size_t>(i)]; ++k)
      r_data[d_columns[k]] -= d_values[k] * x_i;
  }
}

// The line's hand-over to the earlier rows' residuals (see sweep_line) through the row
// patterns, a run of rows with one pattern at a time: per entry of the pattern, from the
// last to the first, the run's rows in order. Row by row, the update of r_j waited on
// the store of the row before, which had just updated r_j - 1 or r_j + 1 (a neighbour
// line's three entries are three consecutive rows): a fifth of the sweeps' time in
// perf at 2 M unknowns. Each r_j still gets its terms in the same order (a later row
// of the run reaches r_j through an earlier entry of the pattern), so the bits are the
// column array's.
void ColumnSmoother::Data::push_to_earlier_residuals(PetscInt first_row, int length,
                                                     const PetscScalar* x_data, PetscScalar* r_data,
                                                     const SeqRows& diagonal) const {
  const PetscInt* d_start = diagonal.row_start();
  const PetscScalar* d_values = diagonal.values();
  // No later line has reached the line's own residuals yet.
  std::fill(r_data + first_row, r_data + first_row + length, PetscScalar(0));
  const PetscInt end_row = first_row + length;
  for (PetscInt run_begin = first_row; run_begin < end_row;) {
    const auto pattern = patterns.pattern_of_row[static_cast<std::size_t>(run_begin)];
    const PetscInt earlier =
        own_line_begin[static_cast<std::size_t>(run_begin)] - d_start[run_begin];
    PetscInt run_end = run_begin + 1;
    while (run_end < end_row &&
           patterns.pattern_of_row[static_cast<std::size_t>(run_end)] == pattern &&
           own_line_begin[static_cast<std::size_t>(run_end)] - d_start[run_end] == earlier)
      ++run_end;
    const PetscInt run = run_end - run_begin;
    const PetscInt row_length = d_start[run_begin + 1] - d_start[run_begin];  // the pattern's
    const std::int32_t* relative = patterns.relative_columns(run_begin);
    const PetscScalar* x_run = x_data + run_begin;
    for (PetscInt e = earlier - 1; e >= 0; --e) {
      const PetscScalar* values = d_values + d_start[run_begin] + e;
      PetscScalar* r_target = r_data + run_begin + relative[e];
      for (PetscInt t = 0; t < run; ++t)
        r_target[t] -= values[t * row_length] * PetscRealPart(x_run[t]);
    }
    run_begin = run_end;
  }
}

// One sweep over the lines; off-rank values of x are those at the start of the sweep
// (or zero when from_zero: x is zero at the start). With r (a forward sweep from zero
// with lines_follow_rows only), r = b - A x is left behind as well.
void ColumnSmoother::Data::sweep(Vec b, Vec x, bool backward, bool from_zero, Vec r) const {
  sweep_lines(b, x, backward, from_zero, r);
  if (r) subtract_off_rank_couplings(x, r);
}

void ColumnSmoother::Data::sweep_lines(Vec b, Vec x, bool backward, bool from_zero, Vec r) const {
  const bool use_ghosts = !from_zero && off_block != nullptr;
  const SeqRows diagonal(diagonal_block);
  std::unique_ptr<SeqRows> off;
  if (use_ghosts) off = std::make_unique<SeqRows>(off_block);
  const ConstVecArray rhs(b);
  VecArray solution(x);
  std::unique_ptr<VecArray> residual;
  if (r) residual = std::make_unique<VecArray>(r);
  const PetscScalar* b_data = rhs.data();
  PetscScalar* x_data = solution.data();
  PetscScalar* r_data = r ? residual->data() : nullptr;
  // The gather reads x while the lines before the first boundary line are updated:
  // none of their rows is sent (mark_rank_boundary_lines). Turning MPI's progress engine
  // meanwhile matters: without it, on the fine level of the 2M-unknown benchmark, the
  // rank that reaches its first boundary line late in the backward sweep waited there
  // about 20 ms per sweep for values the other rank had sent at the start of its sweep
  // and that had not moved since.
  bool gathering = false;
  std::unique_ptr<ConstVecArray> ghosts;
  if (use_ghosts) {
    TSV_CHECK(VecScatterBegin(gather, x, ghost_values, INSERT_VALUES, SCATTER_FORWARD));
    gathering = true;
  }
  const MPI_Comm comm = comm_of(matrix);
  StreamPrefetch prefetch(diagonal, backward, !use_patterns);
  const std::size_t lines = layout.start.size() - 1;
  for (std::size_t step = 0; step < lines; ++step) {
    const std::size_t line = backward ? lines - 1 - step : step;
    const bool boundary = use_ghosts && on_rank_boundary[line];
    if (boundary && gathering) {
      TSV_CHECK(VecScatterEnd(gather, x, ghost_values, INSERT_VALUES, SCATTER_FORWARD));
      gathering = false;
      ghosts = std::make_unique<ConstVecArray>(ghost_values);
    }
    if (gathering && step % kLinesPerProgressTurn == 0) turn_mpi_progress(comm);
    sweep_line(line, backward, from_zero, b_data, x_data, r_data, diagonal,
               boundary ? off.get() : nullptr, boundary ? ghosts->data() : nullptr, prefetch);
  }
  if (gathering) TSV_CHECK(VecScatterEnd(gather, x, ghost_values, INSERT_VALUES, SCATTER_FORWARD));
}

// r_i -= sum over other ranks' rows g of a_ig x_g, with x as the sweep left it (the
// sweep took those values as zero).
void ColumnSmoother::Data::subtract_off_rank_couplings(Vec x, Vec r) const {
  if (!off_block) return;
  TSV_CHECK(VecScatterBegin(gather, x, ghost_values, INSERT_VALUES, SCATTER_FORWARD));
  TSV_CHECK(VecScatterEnd(gather, x, ghost_values, INSERT_VALUES, SCATTER_FORWARD));
  const SeqRows off(off_block);
  const ConstVecArray ghosts(ghost_values);
  VecArray residual(r);
  PetscScalar* r_data = residual.data();
  for (std::size_t l = 0; l + 1 < layout.start.size(); ++l) {
    if (!on_rank_boundary[l]) continue;
    for (std::int32_t k = layout.start[l]; k < layout.start[l + 1]; ++k) {
      const auto i = layout.rows[static_cast<std::size_t>(k)];
      r_data[i] -= row_dot(off.values(), off.columns(), off.begin(i), off.end(i), ghosts.data());
    }
  }
}

void ColumnSmoother::Data::list_off_block_rows() {
  off_block_rows.clear();
  if (!off_block) return;
  const SeqRows off(off_block);
  for (PetscInt i = 0; i < owned_rows; ++i)
    if (off.end(i) > off.begin(i)) off_block_rows.push_back(i);
}

// Whether this rank's lines are runs of consecutive rows in row order; if so, fills
// own_line_begin from the sorted columns of each row.
void ColumnSmoother::Data::find_own_line_begins() {
  for (std::size_t k = 0; k < layout.rows.size(); ++k)
    if (layout.rows[k] != static_cast<std::int32_t>(k)) return;
  rank_lines_follow_rows = true;
  const SeqRows diagonal(diagonal_block);
  own_line_begin.resize(static_cast<std::size_t>(owned_rows));
  const PetscInt* columns = diagonal.columns();
  for (std::size_t l = 0; l + 1 < layout.start.size(); ++l) {
    const PetscInt first = layout.start[l];
    for (PetscInt i = first; i < layout.start[l + 1]; ++i)
      own_line_begin[static_cast<std::size_t>(i)] = static_cast<PetscInt>(
          std::lower_bound(columns + diagonal.begin(i), columns + diagonal.end(i), first) -
          columns);
  }
}

ColumnSmoother::ColumnSmoother(Mat a, LineLayout layout, ColumnSmootherOptions options)
    : data_(std::make_unique<Data>()) {
  Data& d = *data_;
  d.matrix = a;
  d.layout = std::move(layout);
  d.log_event = options.log_event;
  const PetscInt* ghost_columns = nullptr;
  if (type_begins_with(a, MATMPIAIJ)) {
    TSV_CHECK(MatMPIAIJGetSeqAIJ(a, &d.diagonal_block, &d.off_block, &ghost_columns));
  } else if (type_begins_with(a, MATSEQAIJ)) {
    d.diagonal_block = a;
  } else {
    MatType type = nullptr;
    TSV_CHECK(MatGetType(a, &type));
    throw std::invalid_argument(
        std::string("ColumnSmoother: needs an MPIAIJ or SeqAIJ matrix, got ") +
        (type ? type : "(no type)"));
  }
  PetscInt local_columns = 0;
  TSV_CHECK(MatGetLocalSize(a, &d.owned_rows, &local_columns));
  MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(a));
  // A bad layout or line on one rank must stop every rank before the collective
  // calls below, or the others would wait for it forever.
  std::string local_error;
  try {
    d.check_layout();
    d.find_own_line_begins();
    d.index_and_factor_lines();
    if (options.row_patterns) {
      ScopedLogEvent event("ColumnRowPatterns");
      d.patterns = row_patterns(SeqRows(d.diagonal_block));
      d.use_patterns = true;
    }
  } catch (const std::invalid_argument& error) {
    local_error = error.what();
  }
  int local_failed = local_error.empty() ? 0 : 1, any_failed = 0;
  if (MPI_Allreduce(&local_failed, &any_failed, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
    throw PetscError("ColumnSmoother: MPI_Allreduce of the setup status failed");
  if (any_failed)
    throw std::invalid_argument(local_failed ? local_error
                                             : "ColumnSmoother: another rank rejected its line "
                                               "layout or one of its line blocks");
  if (d.off_block) d.build_ghost_gather(ghost_columns);
  d.mark_rank_boundary_lines();
  d.list_off_block_rows();
  // The residual a sweep leaves needs every rank's rows in line order: it is collective.
  int local_follow = d.rank_lines_follow_rows ? 1 : 0, all_follow = 0;
  if (MPI_Allreduce(&local_follow, &all_follow, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
    throw PetscError("ColumnSmoother: MPI_Allreduce of the row order failed");
  d.lines_follow_rows = all_follow == 1;

  // Collective totals for reporting, so every rank answers the same.
  auto local_lines = static_cast<std::int64_t>(d.layout.start.size() - 1);
  auto local_patterns = static_cast<std::int64_t>(d.patterns.pattern_count());
  int local_max = 0;
  for (int b : d.bandwidth) local_max = std::max(local_max, b);
  if (MPI_Allreduce(&local_lines, &d.global_line_count, 1, MPI_INT64_T, MPI_SUM, comm) !=
          MPI_SUCCESS ||
      MPI_Allreduce(&local_max, &d.global_max_bandwidth, 1, MPI_INT, MPI_MAX, comm) !=
          MPI_SUCCESS ||
      MPI_Allreduce(&local_patterns, &d.global_pattern_count, 1, MPI_INT64_T, MPI_SUM, comm) !=
          MPI_SUCCESS)
    throw PetscError("ColumnSmoother: MPI_Allreduce of the line statistics failed");
}

ColumnSmoother::~ColumnSmoother() = default;

// A documented public function that PETSc 3.18 declares only in its private
// petscimpl.h (3.19 moved it to petscsys.h); the library exports it either way.
extern "C" PetscErrorCode PetscObjectStateGet(PetscObject, PetscObjectState*);

namespace {

PetscObjectState object_state(Vec v) {
  PetscObjectState state = 0;
  TSV_CHECK(PetscObjectStateGet(reinterpret_cast<PetscObject>(v), &state));
  return state;
}

}  // namespace

void ColumnSmoother::smooth(Vec b, Vec x, SweepDirection direction, int sweeps,
                            bool x_is_zero) const {
  const Data& d = *data_;
  d.left_residual = {};
  if (sweeps <= 0) return;
  ScopedLogEvent event(d.log_event.c_str());
  if (x_is_zero) TSV_CHECK(VecSet(x, 0.0));
  const bool leave_residual = d.residual_output && direction == SweepDirection::forward &&
                              sweeps == 1 && x_is_zero && b != d.residual_output &&
                              x != d.residual_output;
  Vec r = leave_residual ? d.residual_output.get() : nullptr;
  bool first = true;
  for (int s = 0; s < sweeps; ++s) {
    if (direction != SweepDirection::backward) {
      d.sweep(b, x, false, first && x_is_zero, r);
      first = false;
    }
    if (direction != SweepDirection::forward) {
      d.sweep(b, x, true, first && x_is_zero, nullptr);
      first = false;
    }
  }
  if (leave_residual)
    d.left_residual = {b, x, r, object_state(b), object_state(x), object_state(r)};
}

bool ColumnSmoother::enable_residual_output(Vec r) {
  Data& d = *data_;
  if (!d.lines_follow_rows) return false;
  TSV_CHECK(PetscObjectReference(reinterpret_cast<PetscObject>(r)));
  d.residual_output = VecHandle(r);
  return true;
}

bool ColumnSmoother::holds_residual(Vec b, Vec x, Vec r) const {
  const Data& d = *data_;
  const Data::LeftResidual& left = d.left_residual;
  int local_holds = left.r != nullptr && b == left.b && x == left.x && r == left.r &&
                            object_state(b) == left.b_state && object_state(x) == left.x_state &&
                            object_state(r) == left.r_state
                        ? 1
                        : 0;
  int all_hold = 0;
  if (MPI_Allreduce(&local_holds, &all_hold, 1, MPI_INT, MPI_MIN, comm_of(d.matrix)) != MPI_SUCCESS)
    throw PetscError("ColumnSmoother: MPI_Allreduce of the residual check failed");
  return all_hold == 1;
}

// Rows of the diagonal block in order while the gather of x travels, turning MPI's
// progress engine now and then (see sweep_lines), then the off-block rows.
void ColumnSmoother::multiply(Vec x, Vec y) const {
  const Data& d = *data_;
  ScopedLogEvent event("ColumnProduct");
  if (d.off_block)
    TSV_CHECK(VecScatterBegin(d.gather, x, d.ghost_values, INSERT_VALUES, SCATTER_FORWARD));
  {
    const SeqRows diagonal(d.diagonal_block);
    const ConstVecArray x_values(x);
    VecArray y_values(y);
    const MPI_Comm comm = comm_of(d.matrix);
    // A turn costs microseconds: enough of them to move the gather's messages early in
    // the pass, not one every few thousand rows of it.
    constexpr PetscInt kRowsPerProgressTurn = 1024, kProgressTurns = 16;
    const PetscInt last_turn_row = d.off_block ? kRowsPerProgressTurn * kProgressTurns : 0;
    for (PetscInt i = 0; i < d.owned_rows; ++i) {
      if (i < last_turn_row && i % kRowsPerProgressTurn == 0) turn_mpi_progress(comm);
      y_values[i] =
          d.diagonal_row_dot(diagonal, i, diagonal.begin(i), diagonal.end(i), x_values.data());
    }
  }
  if (!d.off_block) return;
  TSV_CHECK(VecScatterEnd(d.gather, x, d.ghost_values, INSERT_VALUES, SCATTER_FORWARD));
  const SeqRows off(d.off_block);
  const ConstVecArray ghosts(d.ghost_values);
  VecArray y_values(y);
  for (const PetscInt i : d.off_block_rows)
    y_values[i] += row_dot(off.values(), off.columns(), off.begin(i), off.end(i), ghosts.data());
}

bool ColumnSmoother::uses_row_patterns() const {
  return data_->use_patterns;
}

std::int64_t ColumnSmoother::pattern_count() const {
  return data_->global_pattern_count;
}

std::int64_t ColumnSmoother::line_count() const {
  return data_->global_line_count;
}

int ColumnSmoother::max_bandwidth() const {
  return data_->global_max_bandwidth;
}

}  // namespace tsvfield::solver

// Outside tsvfield::solver: SETERRQ and PetscCall expand to a call of PETSc's PetscError(),
// which solver::PetscError (the exception) would hide. No exception may cross these
// callbacks: each becomes a PETSc error carrying its message.
namespace {

using tsvfield::solver::ColumnSmoother;
using tsvfield::solver::SweepDirection;

struct ShellContext {
  std::shared_ptr<const ColumnSmoother> smoother;
  SweepDirection direction;
};

ShellContext* shell_context(PC pc) {
  void* context = nullptr;
  if (PCShellGetContext(pc, &context) != 0 || context == nullptr)
    throw tsvfield::solver::PetscError("ColumnSmoother: PC shell has no smoother context");
  return static_cast<ShellContext*>(context);
}

PetscErrorCode apply_smoother(PC pc, Vec r, Vec y) {
  PetscFunctionBeginUser;
  try {
    const ShellContext* context = shell_context(pc);
    context->smoother->smooth(r, y, context->direction, 1, true);
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode apply_smoother_richardson(PC pc, Vec b, Vec x, Vec /*work*/, PetscReal /*rtol*/,
                                         PetscReal /*abstol*/, PetscReal /*dtol*/, PetscInt its,
                                         PetscBool guess_zero, PetscInt* out_its,
                                         PCRichardsonConvergedReason* reason) {
  PetscFunctionBeginUser;
  try {
    const ShellContext* context = shell_context(pc);
    context->smoother->smooth(b, x, context->direction, static_cast<int>(its),
                              guess_zero == PETSC_TRUE);
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
  }
  *out_its = its;
  *reason = PCRICHARDSON_CONVERGED_ITS;
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_smoother_context(PC pc) {
  PetscFunctionBeginUser;
  void* context = nullptr;
  PetscCall(PCShellGetContext(pc, &context));
  delete static_cast<ShellContext*>(context);
  PetscCall(PCShellSetContext(pc, nullptr));
  PetscFunctionReturn(0);
}

// The PCMG residual of a level. PCMG passes the matrix it took from the level's
// smoother (PETSc 3.18 replaces any other matrix given to PCMGSetResidual), so the
// smoother travels composed on that matrix under this name.
constexpr const char* kResidualKey = "tsvfield_line_residual";

struct ResidualContext {
  std::weak_ptr<const ColumnSmoother> smoother;  // owned by the level's smoother PCs
};

PetscErrorCode line_residual(Mat a, Vec b, Vec x, Vec r) {
  PetscFunctionBeginUser;
  PetscObject container = nullptr;
  PetscCall(PetscObjectQuery(reinterpret_cast<PetscObject>(a), kResidualKey, &container));
  bool done = false;
  if (container) {
    void* raw = nullptr;
    PetscCall(PetscContainerGetPointer(reinterpret_cast<PetscContainer>(container), &raw));
    try {
      const auto smoother = static_cast<const ResidualContext*>(raw)->smoother.lock();
      done = smoother && smoother->holds_residual(b, x, r);
    } catch (const std::exception& error) {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
    }
  }
  if (!done) PetscCall(MatResidual(a, b, x, r));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_residual_context(void* context) {
  PetscFunctionBeginUser;
  delete static_cast<ResidualContext*>(context);
  PetscFunctionReturn(0);
}

PetscErrorCode smoother_product(Mat a, Vec x, Vec y) {
  PetscFunctionBeginUser;
  void* context = nullptr;
  PetscCall(MatShellGetContext(a, &context));
  try {
    static_cast<const std::shared_ptr<const ColumnSmoother>*>(context)->get()->multiply(x, y);
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_product_context(void* context) {
  PetscFunctionBeginUser;
  delete static_cast<std::shared_ptr<const ColumnSmoother>*>(context);
  PetscFunctionReturn(0);
}

}  // namespace

namespace tsvfield::solver {

MatHandle smoother_product_matrix(std::shared_ptr<const ColumnSmoother> smoother, Mat a) {
  if (!smoother) throw std::invalid_argument("smoother_product_matrix: no smoother");
  PetscInt local_rows = 0, local_columns = 0, rows = 0, columns = 0;
  TSV_CHECK(MatGetLocalSize(a, &local_rows, &local_columns));
  TSV_CHECK(MatGetSize(a, &rows, &columns));
  auto context = std::make_unique<std::shared_ptr<const ColumnSmoother>>(std::move(smoother));
  MatHandle product;
  TSV_CHECK(MatCreateShell(comm_of(a), local_rows, local_columns, rows, columns, context.get(),
                           product.out()));
  TSV_CHECK(MatShellSetContextDestroy(product, destroy_product_context));
  context.release();  // owned by the matrix from here on
  TSV_CHECK(MatShellSetOperation(product, MATOP_MULT,
                                 reinterpret_cast<void (*)(void)>(smoother_product)));
  TSV_CHECK(MatSetOption(product, MAT_SYMMETRIC, PETSC_TRUE));
  TSV_CHECK(MatSetOption(product, MAT_SPD, PETSC_TRUE));
  return product;
}

bool install_line_residual(PC mg_pc, PetscInt level, Mat a,
                           const std::shared_ptr<ColumnSmoother>& smoother) {
  if (!smoother) throw std::invalid_argument("install_line_residual: no smoother");
  VecHandle residual;
  TSV_CHECK(MatCreateVecs(a, nullptr, residual.out()));
  if (!smoother->enable_residual_output(residual)) return false;  // PCMG's own residual
  TSV_CHECK(PCMGSetR(mg_pc, level, residual));
  auto context = std::make_unique<ResidualContext>(ResidualContext{smoother});
  PetscContainer container = nullptr;
  TSV_CHECK(PetscContainerCreate(PetscObjectComm(reinterpret_cast<PetscObject>(a)), &container));
  TSV_CHECK(PetscContainerSetPointer(container, context.get()));
  TSV_CHECK(PetscContainerSetUserDestroy(container, destroy_residual_context));
  context.release();  // owned by the container from here on
  const PetscErrorCode composed = PetscObjectCompose(reinterpret_cast<PetscObject>(a), kResidualKey,
                                                     reinterpret_cast<PetscObject>(container));
  TSV_CHECK(PetscContainerDestroy(&container));  // the matrix holds it now
  TSV_CHECK(composed);
  TSV_CHECK(PCMGSetResidual(mg_pc, level, line_residual, a));
  return true;
}

void install_column_smoother(PC pc, std::shared_ptr<const ColumnSmoother> smoother,
                             SweepDirection direction) {
  if (!smoother) throw std::invalid_argument("install_column_smoother: no smoother");
  // Re-installing on a shell: leave the shell type first so its destroy frees the old context.
  PetscBool is_shell = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCSHELL, &is_shell));
  if (is_shell) TSV_CHECK(PCSetType(pc, PCNONE));
  TSV_CHECK(PCSetType(pc, PCSHELL));
  auto context = std::make_unique<ShellContext>(ShellContext{std::move(smoother), direction});
  TSV_CHECK(PCShellSetContext(pc, context.get()));
  TSV_CHECK(PCShellSetDestroy(pc, destroy_smoother_context));
  context.release();  // owned by the PC from here on (destroy_smoother_context)
  TSV_CHECK(PCShellSetApply(pc, apply_smoother));
  TSV_CHECK(PCShellSetApplyRichardson(pc, apply_smoother_richardson));
  TSV_CHECK(PCShellSetName(pc, direction_name(direction)));
}

}  // namespace tsvfield::solver
