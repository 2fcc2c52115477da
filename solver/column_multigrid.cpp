#include "solver/column_multigrid.hpp"

#include <mpi.h>
#include <petscmat.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "mesh/local_mesh.hpp"
#include "solver/aij_blocks.hpp"
#include "solver/column_smoother.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::solver {

LineStructure line_structure(const mesh::LocalMesh& mesh) {
  LineStructure lines;
  const auto owned = static_cast<std::size_t>(mesh.owned_node_count);
  if (mesh.node_footprint.size() < owned || mesh.node_line_slot.size() < owned) return lines;
  lines.footprint_node.assign(mesh.node_footprint.begin(), mesh.node_footprint.begin() + owned);
  lines.slot.assign(mesh.node_line_slot.begin(), mesh.node_line_slot.begin() + owned);
  lines.footprint_node_count = mesh.footprint_node_count;
  return lines;
}

namespace {

PetscInt integer_option(const std::string& prefix, const char* name, PetscInt fallback) {
  PetscInt value = fallback;
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetInt(nullptr, prefix.c_str(), name, &value, &set));
  return value;
}

double real_option(const std::string& prefix, const char* name, double fallback) {
  PetscReal value = fallback;
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetReal(nullptr, prefix.c_str(), name, &value, &set));
  return value;
}

bool bool_option(const std::string& prefix, const char* name, bool fallback) {
  PetscBool value = fallback ? PETSC_TRUE : PETSC_FALSE;
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetBool(nullptr, prefix.c_str(), name, &value, &set));
  return value == PETSC_TRUE;
}

// One level of the hierarchy: its operator and where its owned rows lie.
struct Level {
  Mat matrix = nullptr;  // the fine level's is the caller's; coarse ones are in `owned`
  MatHandle owned;
  LineStructure lines;
};

struct Coupling {
  std::int32_t row, column;
  double value;     // summed over the line
  double strength;  // the weakest relative coupling over the line's rows
};

// Per footprint node pair, the in-plane coupling of their lines: the 2D operator the
// footprint is coarsened by, and a strength of connection for the aggregation.
struct LineCouplings {
  CsrMatrix operator_2d;  // summed couplings (graph Laplacian: zero row sums)
  CsrMatrix strength;     // same pattern; 1 on the diagonal
};

// Sums each row's entries per neighbouring line first: a trilinear hex couples a
// node to the same plane of a neighbouring line with a positive vertical term that
// the neighbouring planes cancel, so only the line sum is the in-plane coupling
// (k_xy times the cell height). A row's relative strength to line j is that sum
// over the row's largest; a line's strength to j is the smallest over its rows, so
// a copper core behind a 0.5 um liner stays apart from the silicon around it even
// though the lid above couples the same footprint nodes strongly.
class LineCouplingAccumulator {
 public:
  explicit LineCouplingAccumulator(std::int32_t node_count)
      : row_sum_(static_cast<std::size_t>(node_count), 0.0),
        line_sum_(static_cast<std::size_t>(node_count), 0.0),
        line_strength_(static_cast<std::size_t>(node_count), kUnset),
        in_row_(static_cast<std::size_t>(node_count), 0),
        in_line_(static_cast<std::size_t>(node_count), 0) {}

  void add(std::int32_t other_line, double value) {
    if (!in_row_[other_line]) {
      in_row_[other_line] = 1;
      row_touched_.push_back(other_line);
    }
    row_sum_[other_line] += value;
  }

  void end_row() {
    double strongest = 0;
    for (std::int32_t j : row_touched_) strongest = std::max(strongest, -row_sum_[j]);
    for (std::int32_t j : row_touched_) {
      if (!in_line_[j]) {
        in_line_[j] = 1;
        line_touched_.push_back(j);
      }
      line_sum_[j] += row_sum_[j];
      if (strongest > 0) line_strength_[j] = std::min(line_strength_[j], -row_sum_[j] / strongest);
      row_sum_[j] = 0;
      in_row_[j] = 0;
    }
    row_touched_.clear();
  }

  void end_line(std::int32_t line, std::vector<Coupling>& out) {
    for (std::int32_t j : line_touched_) {
      const double strength = line_strength_[j] == kUnset ? 0.0 : line_strength_[j];
      out.push_back({line, j, line_sum_[j], strength});
      line_sum_[j] = 0;
      line_strength_[j] = kUnset;
      in_line_[j] = 0;
    }
    line_touched_.clear();
  }

 private:
  static constexpr double kUnset = 2.0;  // above any relative strength
  std::vector<double> row_sum_, line_sum_, line_strength_;
  std::vector<char> in_row_, in_line_;
  std::vector<std::int32_t> row_touched_, line_touched_;
};

// Every rank's couplings on every rank (the 2D operator is small and built
// redundantly), sorted by (row, column) with the duplicates of lines split over
// ranks merged: values add, strengths take the minimum.
std::vector<Coupling> gather_couplings(const std::vector<Coupling>& local, MPI_Comm comm) {
  int rank_count = 1;
  MPI_Comm_size(comm, &rank_count);
  const int local_bytes = static_cast<int>(local.size() * sizeof(Coupling));
  std::vector<int> bytes(rank_count), displacement(rank_count, 0);
  MPI_Allgather(&local_bytes, 1, MPI_INT, bytes.data(), 1, MPI_INT, comm);
  std::partial_sum(bytes.begin(), bytes.end() - 1, displacement.begin() + 1);
  std::vector<Coupling> all((displacement.back() + bytes.back()) / sizeof(Coupling));
  MPI_Allgatherv(local.data(), local_bytes, MPI_BYTE, all.data(), bytes.data(), displacement.data(),
                 MPI_BYTE, comm);
  std::sort(all.begin(), all.end(), [](const Coupling& x, const Coupling& y) {
    return x.row != y.row ? x.row < y.row : x.column < y.column;
  });
  std::vector<Coupling> merged;
  merged.reserve(all.size());
  for (const Coupling& c : all) {
    if (!merged.empty() && merged.back().row == c.row && merged.back().column == c.column) {
      merged.back().value += c.value;
      merged.back().strength = std::min(merged.back().strength, c.strength);
    } else {
      merged.push_back(c);
    }
  }
  return merged;
}

// CSR matrices from sorted couplings, with the diagonal that makes each operator row
// sum zero in its sorted place. The strength becomes symmetric by taking the smaller
// of the two ways, on every level: letting a coarse TSV-core line join the silicon
// around it because all its own couplings cross the liner (the larger of the two)
// cost 50 % more CG iterations on the test stack, so the cores stay apart down to
// the coarsest level.
LineCouplings assemble_couplings(const std::vector<Coupling>& couplings, std::int32_t node_count) {
  std::vector<double> diagonal(static_cast<std::size_t>(node_count), 0.0);
  for (const Coupling& c : couplings) diagonal[c.row] -= std::min(c.value, 0.0);
  LineCouplings result;
  for (CsrMatrix* m : {&result.operator_2d, &result.strength}) {
    m->row_count = m->column_count = node_count;
    m->row_start.assign(static_cast<std::size_t>(node_count) + 1, 0);
    m->column.reserve(couplings.size() + node_count);
    m->value.reserve(couplings.size() + node_count);
  }
  auto push = [&](std::int32_t column, double value, double strength) {
    result.operator_2d.column.push_back(column);
    result.operator_2d.value.push_back(value);
    result.strength.column.push_back(column);
    result.strength.value.push_back(strength);
  };
  std::size_t k = 0;
  for (std::int32_t row = 0; row < node_count; ++row) {
    bool placed = false;
    for (; k < couplings.size() && couplings[k].row == row; ++k) {
      if (!placed && couplings[k].column > row) {
        push(row, diagonal[row], 1.0);
        placed = true;
      }
      // Positive sums (distorted cells) carry no strength and stay out of the operator.
      push(couplings[k].column, std::min(couplings[k].value, 0.0),
           couplings[k].value < 0 ? couplings[k].strength : 0.0);
    }
    if (!placed) push(row, diagonal[row], 1.0);
    const auto end = static_cast<std::int32_t>(result.operator_2d.column.size());
    result.operator_2d.row_start[row + 1] = result.strength.row_start[row + 1] = end;
  }
  CsrMatrix& s = result.strength;
  for (std::int32_t row = 0; row < node_count; ++row) {
    for (std::int32_t e = s.row_start[row]; e < s.row_start[row + 1]; ++e) {
      const std::int32_t column = s.column[e];
      if (column <= row) continue;
      const auto first = s.column.begin() + s.row_start[column];
      const auto last = s.column.begin() + s.row_start[column + 1];
      const auto it = std::lower_bound(first, last, row);
      const double back = (it != last && *it == row) ? s.value[it - s.column.begin()] : 0.0;
      const double both = std::min(s.value[e], back);
      s.value[e] = both;
      if (it != last && *it == row) s.value[it - s.column.begin()] = both;
    }
  }
  return result;
}

LineCouplings line_couplings(Mat a, const LineStructure& lines) {
  const LocalBlocks blocks = local_blocks(a);
  const std::vector<std::int32_t> off_footprint = off_block_values(a, blocks, lines.footprint_node);
  SeqRows diagonal(blocks.diagonal);
  std::unique_ptr<SeqRows> off;
  if (blocks.off_diagonal) off = std::make_unique<SeqRows>(blocks.off_diagonal);
  LineCouplingAccumulator accumulator(lines.footprint_node_count);
  std::vector<Coupling> local;
  // Line by line, so each line's couplings are complete in one pass.
  const RowsByLine grouped = rows_by_line(lines);
  for (std::int32_t line = 0; line < lines.footprint_node_count; ++line) {
    if (grouped.start[line] == grouped.start[line + 1]) continue;
    for (std::int32_t k = grouped.start[line]; k < grouped.start[line + 1]; ++k) {
      const std::int32_t row = grouped.rows[k];
      for (PetscInt e = diagonal.begin(row); e < diagonal.end(row); ++e) {
        const std::int32_t other = lines.footprint_node[diagonal.column(e)];
        if (other != line) accumulator.add(other, diagonal.value(e));
      }
      if (off) {
        for (PetscInt e = off->begin(row); e < off->end(row); ++e) {
          const std::int32_t other = off_footprint[off->column(e)];
          if (other != line) accumulator.add(other, off->value(e));
        }
      }
      accumulator.end_row();
    }
    accumulator.end_line(line, local);
  }
  return assemble_couplings(gather_couplings(local, comm_of(a)), lines.footprint_node_count);
}

// The smoother's lines: the rank's non-empty lines, bottom to top.
LineLayout line_layout(const LineStructure& lines) {
  RowsByLine grouped = rows_by_line(lines);
  LineLayout layout;
  layout.rows = std::move(grouped.rows);
  layout.start.push_back(0);
  for (std::int32_t line = 0; line < lines.footprint_node_count; ++line)
    if (grouped.start[line + 1] > grouped.start[line])
      layout.start.push_back(grouped.start[line + 1]);
  return layout;
}

double nonzeros(Mat a) {
  MatInfo info;
  TSV_CHECK(MatGetInfo(a, MAT_GLOBAL_SUM, &info));
  return info.nz_used;
}

void configure_smoothers(PC pc, int petsc_level, Mat a, const LineStructure& lines, int sweeps) {
  auto smoother = std::make_shared<const ColumnSmoother>(a, line_layout(lines));
  KSP down = nullptr, up = nullptr;
  TSV_CHECK(PCMGGetSmootherDown(pc, petsc_level, &down));
  TSV_CHECK(PCMGGetSmootherUp(pc, petsc_level, &up));
  const std::pair<KSP, SweepDirection> sides[] = {{down, SweepDirection::forward},
                                                  {up, SweepDirection::backward}};
  for (const auto& [ksp, direction] : sides) {
    TSV_CHECK(KSPSetType(ksp, KSPRICHARDSON));
    TSV_CHECK(KSPSetOperators(ksp, a, a));
    TSV_CHECK(KSPSetTolerances(ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, sweeps));
    TSV_CHECK(KSPSetNormType(ksp, KSP_NORM_NONE));
    PC smoother_pc = nullptr;
    TSV_CHECK(KSPGetPC(ksp, &smoother_pc));
    install_column_smoother(smoother_pc, smoother, direction);
  }
}

// The coarsest level keeps every TSV core apart (see assemble_couplings), so it can
// hold tens of thousands of rows per thousand TSVs: factored (MUMPS Cholesky) while
// small, else BoomerAMG V-cycles with tsvfield's settings, whose setup costs a
// fraction of the factorisation's time and memory. -<prefix>mg_coarse_* overrides.
void configure_coarse_solve(PC pc, Mat a, PetscInt largest_factored) {
  KSP coarse = nullptr;
  TSV_CHECK(PCMGGetCoarseSolve(pc, &coarse));
  TSV_CHECK(KSPSetType(coarse, KSPPREONLY));
  TSV_CHECK(KSPSetOperators(coarse, a, a));
  PC coarse_pc = nullptr;
  TSV_CHECK(KSPGetPC(coarse, &coarse_pc));
  PetscInt rows = 0;
  TSV_CHECK(MatGetSize(a, &rows, nullptr));
  if (rows <= largest_factored) {
    TSV_CHECK(PCSetType(coarse_pc, PCCHOLESKY));
    TSV_CHECK(PCFactorSetMatSolverType(coarse_pc, MATSOLVERMUMPS));
    return;
  }
  const char* pc_prefix = nullptr;
  TSV_CHECK(PCGetOptionsPrefix(pc, &pc_prefix));
  set_elliptic_defaults(std::string(pc_prefix ? pc_prefix : "") + "mg_coarse_", true);
  TSV_CHECK(PCSetType(coarse_pc, PCHYPRE));
  TSV_CHECK(PCHYPRESetType(coarse_pc, "boomeramg"));
  // Three V-cycles (a fixed symmetric operator, as CG needs), for a coarse level of
  // 8 % of the fine rows: on the 8M benchmark two left CG at 34 iterations and three
  // at 30 for the same solve time; on the 1M one a single cycle took 36, two 29.
  TSV_CHECK(KSPSetType(coarse, KSPRICHARDSON));
  TSV_CHECK(KSPSetTolerances(coarse, 0.0, 0.0, PETSC_DEFAULT, 3));
  TSV_CHECK(KSPSetNormType(coarse, KSP_NORM_NONE));
}

}  // namespace

ColumnMultigridOptions column_multigrid_options(const std::string& prefix) {
  ColumnMultigridOptions options;
  options.max_levels =
      static_cast<int>(integer_option(prefix, "-column_mg_levels", options.max_levels));
  options.coarsest_footprint_nodes = static_cast<std::int32_t>(
      integer_option(prefix, "-column_mg_coarsest_nodes", options.coarsest_footprint_nodes));
  options.largest_factored_coarse_rows = static_cast<std::int32_t>(integer_option(
      prefix, "-column_mg_coarse_factor_rows", options.largest_factored_coarse_rows));
  options.smoothing_sweeps =
      static_cast<int>(integer_option(prefix, "-column_mg_sweeps", options.smoothing_sweeps));
  options.coarse_strength_threshold =
      real_option(prefix, "-column_mg_coarse_threshold", options.coarse_strength_threshold);
  options.aggregation.strength_threshold =
      real_option(prefix, "-column_mg_threshold", options.aggregation.strength_threshold);
  options.aggregation.smooth_prolongator =
      bool_option(prefix, "-column_mg_smooth_prolongator", options.aggregation.smooth_prolongator);
  options.aggregation.prolongator_drop_tolerance = real_option(
      prefix, "-column_mg_drop_tolerance", options.aggregation.prolongator_drop_tolerance);
  return options;
}

ColumnMultigridSummary setup_column_multigrid(PC pc, Mat a, const LineStructure& lines,
                                              const ColumnMultigridOptions& options) {
  if (lines.footprint_node_count <= 0)
    throw std::invalid_argument("column multigrid: the matrix carries no line structure");
  std::vector<Level> levels(1);
  levels[0].matrix = a;
  levels[0].lines = lines;
  std::vector<MatHandle> prolongators;  // prolongators[l]: level l + 1 -> level l
  while (static_cast<int>(levels.size()) < options.max_levels &&
         levels.back().lines.footprint_node_count > options.coarsest_footprint_nodes) {
    Level& fine = levels.back();
    FootprintCoarsening coarsening;
    std::int32_t fine_footprint_nodes = 0;
    {
      ScopedLogStage stage("column_mg: aggregation");
      const LineCouplings couplings = line_couplings(fine.matrix, fine.lines);
      AggregationOptions aggregation = options.aggregation;
      if (levels.size() > 1 && options.coarse_strength_threshold >= 0)
        aggregation.strength_threshold = options.coarse_strength_threshold;
      coarsening = coarsen_footprint(couplings.operator_2d, couplings.strength, aggregation);
      fine_footprint_nodes = couplings.operator_2d.row_count;
    }
    // A footprint that no longer shrinks (isolated nodes) ends the hierarchy.
    if (coarsening.prolongator.column_count * 10 > fine_footprint_nodes * 9) break;
    LineTransfer transfer;
    {
      ScopedLogStage stage("column_mg: prolongator");
      transfer = build_line_transfer(fine.matrix, fine.lines, coarsening);
    }
    Level coarse;
    {
      ScopedLogStage stage("column_mg: Galerkin");
      coarse.owned = galerkin_on_lines(fine.matrix, fine.lines, coarsening, transfer);
    }
    coarse.matrix = coarse.owned;
    coarse.lines = std::move(transfer.coarse_lines);
    prolongators.push_back(std::move(transfer.prolongator));
    levels.push_back(std::move(coarse));
  }

  const int level_count = static_cast<int>(levels.size());
  TSV_CHECK(PCSetType(pc, PCMG));
  TSV_CHECK(PCMGSetLevels(pc, level_count, nullptr));
  TSV_CHECK(PCMGSetType(pc, PC_MG_MULTIPLICATIVE));
  TSV_CHECK(PCMGSetCycleType(pc, PC_MG_CYCLE_V));
  TSV_CHECK(PCMGSetGalerkin(pc, PC_MG_GALERKIN_NONE));
  if (level_count > 1) TSV_CHECK(PCMGSetDistinctSmoothUp(pc));
  ColumnMultigridSummary summary;
  summary.levels = level_count;
  double total_nonzeros = 0;
  for (int l = 0; l < level_count; ++l) {
    const int petsc_level = level_count - 1 - l;  // PCMG counts from the coarsest
    Mat level_matrix = levels[l].matrix;
    PetscInt rows = 0;
    TSV_CHECK(MatGetSize(level_matrix, &rows, nullptr));
    summary.level_rows.push_back(rows);
    summary.level_lines.push_back(levels[l].lines.footprint_node_count);
    total_nonzeros += nonzeros(level_matrix);
    if (petsc_level == 0) {
      configure_coarse_solve(pc, level_matrix, options.largest_factored_coarse_rows);
    } else {
      ScopedLogStage stage("column_mg: line factors");
      configure_smoothers(pc, petsc_level, level_matrix, levels[l].lines, options.smoothing_sweeps);
      TSV_CHECK(PCMGSetInterpolation(pc, petsc_level, prolongators[l]));
    }
  }
  summary.operator_complexity = total_nonzeros / nonzeros(a);
  // PCMG keeps its own references to the level operators and interpolations; ours
  // (levels[].owned, prolongators) are released when they go out of scope.
  return summary;
}

}  // namespace tsvfield::solver
