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
  // The fine level's lines are the caller's (a per-row copy would add to the setup's
  // peak of memory); coarse ones are in `owned_lines`.
  const LineStructure* given_lines = nullptr;
  LineStructure owned_lines;
  const LineStructure& lines() const { return given_lines ? *given_lines : owned_lines; }
};

struct Coupling {
  std::int32_t row, column;
  double value;  // summed over the line
};

// Per footprint node pair, the in-plane coupling of their lines: the 2D operator the
// footprint is coarsened by, and a strength of connection for the aggregation.
struct LineCouplings {
  CsrMatrix operator_2d;  // summed couplings (graph Laplacian: zero row sums)
  CsrMatrix strength;     // same pattern; 1 on the diagonal
  // Per entry of the pattern: the magnitude of the coupling in the strength graph
  // (see StrengthGraph), 0 on the diagonal.
  std::vector<double> graph;
};

// The graph the coarse levels' strengths are measured on, as (i * count + j, coupling)
// sorted by key: on the finest level the summed couplings with the quads' diagonals
// moved onto their edges, without those a material contrast makes weak; on each
// coarser level the sum of the finer graph's couplings between two aggregates (the
// Galerkin product with the unsmoothed prolongator). The Galerkin operators themselves
// did not serve: their rows mix whole aggregates, so that measured row by row they
// isolated most coarse nodes of the benchmark stack, and the smoothed prolongator
// leaves the two halves of a copper TSV core with a positive coupling.
using StrengthGraph = std::vector<std::pair<std::int64_t, double>>;

// The owned rows of a level's matrix with, per entry, the line of its column: both
// passes over the couplings walk the rows line by line through it.
class LineRows {
 public:
  LineRows(Mat a, const LineStructure& lines)
      : lines_(lines),
        blocks_(local_blocks(a)),
        off_footprint_(off_block_values(a, blocks_, lines.footprint_node)),
        diagonal_(blocks_.diagonal),
        grouped_(rows_by_line(lines)) {
    if (blocks_.off_diagonal) off_ = std::make_unique<SeqRows>(blocks_.off_diagonal);
  }

  std::int32_t line_count() const { return lines_.footprint_node_count; }
  std::int32_t rows_begin(std::int32_t line) const { return grouped_.start[line]; }
  std::int32_t rows_end(std::int32_t line) const { return grouped_.start[line + 1]; }

  // Calls add(other_line, value) for the entries of the k-th row (in line order)
  // that lie on other lines, and returns the row's diagonal entry.
  template <typename Add>
  double visit_row(std::int32_t k, std::int32_t line, Add add) const {
    const std::int32_t row = grouped_.rows[k];
    double row_diagonal = 0;
    for (PetscInt e = diagonal_.begin(row); e < diagonal_.end(row); ++e) {
      const std::int32_t other = lines_.footprint_node[diagonal_.column(e)];
      if (other != line) add(other, diagonal_.value(e));
      if (diagonal_.column(e) == row) row_diagonal = diagonal_.value(e);
    }
    if (off_) {
      for (PetscInt e = off_->begin(row); e < off_->end(row); ++e) {
        const std::int32_t other = off_footprint_[off_->column(e)];
        if (other != line) add(other, off_->value(e));
      }
    }
    return row_diagonal;
  }

 private:
  const LineStructure& lines_;
  LocalBlocks blocks_;
  std::vector<std::int32_t> off_footprint_;
  SeqRows diagonal_;
  std::unique_ptr<SeqRows> off_;
  RowsByLine grouped_;
};

// Pass 1: each owned line's entries summed per neighbouring line. A trilinear hex
// couples a node to the same plane of a neighbouring line with a positive vertical
// term that the neighbouring planes cancel, so only the line sum is the in-plane
// coupling (k_xy times the cell height).
std::vector<Coupling> local_line_sums(const LineRows& rows) {
  const std::int32_t line_count = rows.line_count();
  std::vector<double> sum(static_cast<std::size_t>(line_count), 0.0);
  std::vector<char> touched_flag(static_cast<std::size_t>(line_count), 0);
  std::vector<std::int32_t> touched;
  std::vector<Coupling> local;
  for (std::int32_t line = 0; line < line_count; ++line) {
    for (std::int32_t k = rows.rows_begin(line); k < rows.rows_end(line); ++k) {
      rows.visit_row(k, line, [&](std::int32_t other, double value) {
        if (!touched_flag[other]) {
          touched_flag[other] = 1;
          touched.push_back(other);
        }
        sum[other] += value;
      });
    }
    for (std::int32_t other : touched) {
      local.push_back({line, other, sum[other]});
      sum[other] = 0;
      touched_flag[other] = 0;
    }
    touched.clear();
  }
  return local;
}

// Every rank's line sums on every rank (the 2D operator is small and built
// redundantly), sorted by (row, column) with the parts of lines split over ranks
// added up.
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
    if (!merged.empty() && merged.back().row == c.row && merged.back().column == c.column)
      merged.back().value += c.value;
    else
      merged.push_back(c);
  }
  return merged;
}

// The off-diagonal couplings of the line-summed operator as they come, positive
// sums included: rows of `couplings` (sorted, no diagonal) in CSR form.
struct SummedCouplings {
  std::vector<std::int32_t> start, column;
  std::vector<double> value;

  std::int32_t find(std::int32_t row, std::int32_t col) const {
    const auto first = column.begin() + start[row];
    const auto last = column.begin() + start[row + 1];
    const auto it = std::lower_bound(first, last, col);
    return (it != last && *it == col) ? static_cast<std::int32_t>(it - column.begin()) : -1;
  }
};

SummedCouplings summed_couplings(const std::vector<Coupling>& couplings, std::int32_t node_count) {
  SummedCouplings summed;
  summed.start.assign(static_cast<std::size_t>(node_count) + 1, 0);
  for (const Coupling& c : couplings) ++summed.start[c.row + 1];
  std::partial_sum(summed.start.begin(), summed.start.end(), summed.start.begin());
  summed.column.reserve(couplings.size());
  summed.value.reserve(couplings.size());
  for (const Coupling& c : couplings) {
    summed.column.push_back(c.column);
    summed.value.push_back(c.value);
  }
  return summed;
}

// Per coupling, how many nodes both ends are coupled to.
std::vector<std::int32_t> common_neighbour_counts(const SummedCouplings& m,
                                                  std::int32_t node_count) {
  std::vector<std::int32_t> counts(m.column.size(), 0);
  std::vector<std::int32_t> marked_by(static_cast<std::size_t>(node_count), -1);
  for (std::int32_t row = 0; row < node_count; ++row) {
    for (std::int32_t e = m.start[row]; e < m.start[row + 1]; ++e) marked_by[m.column[e]] = row;
    for (std::int32_t e = m.start[row]; e < m.start[row + 1]; ++e) {
      const std::int32_t other = m.column[e];
      for (std::int32_t f = m.start[other]; f < m.start[other + 1]; ++f)
        if (marked_by[m.column[f]] == row) ++counts[e];
    }
  }
  return counts;
}

// The couplings of opposite corners of the bilinear quads, and per such coupling
// the two edges (entries of the same row) it belongs to; -1 for an edge.
//
// A stretched quad (aspect r) couples opposite corners at a quarter of its short
// edge's coupling for any r, while its long edge's coupling is positive and cancels
// them: across the long edge the true coupling is r^2 times weaker. Counted as
// strong, those diagonals grew aggregates across the weak direction of the
// 500 um x 10 um background cells of the flagship case (146 CG iterations instead of
// BoomerAMG's 26). Moving each diagonal coupling onto the cell's two edges at the row's
// node gives the five-point finite-volume couplings of the same rectangle, whose
// relative sizes are the true anisotropy. A diagonal pair (i, j) is recognised by its
// two common neighbours k, k' (the cell's other corners, where an interior edge has
// four and a boundary edge two whose far side is an interior edge), which are
// themselves such a pair. Only the finest level is a quad mesh (coarser levels measure
// strength on the StrengthGraph built from this one).
struct CellDiagonals {
  std::vector<std::int32_t> first_edge, second_edge;  // per entry of the summed couplings
};

CellDiagonals cell_diagonals(const SummedCouplings& m, std::int32_t node_count) {
  const std::vector<std::int32_t> counts = common_neighbour_counts(m, node_count);
  CellDiagonals diagonals;
  diagonals.first_edge.assign(m.column.size(), -1);
  diagonals.second_edge.assign(m.column.size(), -1);
  std::vector<std::int32_t> marked_by(static_cast<std::size_t>(node_count), -1);
  std::vector<std::int32_t> common;
  for (std::int32_t row = 0; row < node_count; ++row) {
    for (std::int32_t e = m.start[row]; e < m.start[row + 1]; ++e) marked_by[m.column[e]] = row;
    for (std::int32_t e = m.start[row]; e < m.start[row + 1]; ++e) {
      if (counts[e] != 2) continue;
      const std::int32_t other = m.column[e];
      common.clear();
      for (std::int32_t f = m.start[other]; f < m.start[other + 1]; ++f)
        if (marked_by[m.column[f]] == row) common.push_back(m.column[f]);
      const std::int32_t across = m.find(common[0], common[1]);
      if (across < 0 || counts[across] != 2) continue;
      diagonals.first_edge[e] = m.find(row, common[0]);
      diagonals.second_edge[e] = m.find(row, common[1]);
    }
  }
  return diagonals;
}

// Moves the diagonal couplings of one row (entries begin.. of the summed couplings)
// onto the cell edges they belong to.
void move_diagonals(std::vector<double>& values, std::int32_t begin,
                    const CellDiagonals& diagonals) {
  const auto count = static_cast<std::int32_t>(values.size());
  for (std::int32_t e = 0; e < count; ++e) {
    const std::int32_t first = diagonals.first_edge[begin + e];
    if (first < 0) continue;
    values[first - begin] += values[e];
    values[diagonals.second_edge[begin + e] - begin] += values[e];
    values[e] = 0;
  }
}

// -value / the row's largest -value, in place; returns that largest (0 when the row
// has no negative value).
double make_relative(std::vector<double>& values) {
  double strongest = 0;
  for (double v : values) strongest = std::max(strongest, -v);
  if (strongest > 0)
    for (double& v : values) v = -v / strongest;
  return strongest;
}

// Relative strengths of one row's couplings (or the summed operator's row) after the
// diagonals are moved onto the edges, in place of `values`.
double relative_edge_strengths(std::vector<double>& values, std::int32_t begin,
                               const CellDiagonals& diagonals) {
  move_diagonals(values, begin, diagonals);
  return make_relative(values);
}

// Pass 2, the strength of line i's coupling to line j: the smallest relative strength
// over the rows of line i that count, so a copper core behind a 0.5 um liner stays
// apart from the silicon around it even though the lid above couples the same
// footprint nodes strongly. A row counts unless its in-plane couplings are all below
// `follower_fraction` of its diagonal: such a row follows its line in the smoother,
// and its relative strengths (as in a bottom row of underfill whose convection term
// outweighs its in-plane conduction) would only veto couplings that matter elsewhere.
// Where no row counts, 1 (the summed operator decides). Per entry of `summed`, the
// minimum over ranks.
std::vector<double> line_strengths(const LineRows& rows, const SummedCouplings& summed,
                                   const CellDiagonals& diagonals, double follower_fraction,
                                   MPI_Comm comm) {
  std::vector<double> strength(summed.column.size(), 1.0);
  std::vector<std::int32_t> slot_of(static_cast<std::size_t>(rows.line_count()), -1);
  std::vector<double> row_values;
  for (std::int32_t line = 0; line < rows.line_count(); ++line) {
    const std::int32_t begin = summed.start[line], end = summed.start[line + 1];
    for (std::int32_t e = begin; e < end; ++e) slot_of[summed.column[e]] = e - begin;
    for (std::int32_t k = rows.rows_begin(line); k < rows.rows_end(line); ++k) {
      row_values.assign(static_cast<std::size_t>(end - begin), 0.0);
      const double row_diagonal = rows.visit_row(
          k, line, [&](std::int32_t other, double value) { row_values[slot_of[other]] += value; });
      const double strongest = relative_edge_strengths(row_values, begin, diagonals);
      if (strongest <= 0 || strongest < follower_fraction * row_diagonal) continue;
      for (std::int32_t e = begin; e < end; ++e)
        strength[e] = std::min(strength[e], row_values[e - begin]);
    }
    for (std::int32_t e = begin; e < end; ++e) slot_of[summed.column[e]] = -1;
  }
  MPI_Allreduce(MPI_IN_PLACE, strength.data(), static_cast<int>(strength.size()), MPI_DOUBLE,
                MPI_MIN, comm);
  return strength;
}

// Per entry of the summed couplings, its coupling in the strength graph of the level
// (0 where the graph has no such coupling).
std::vector<double> graph_values(const SummedCouplings& summed, const StrengthGraph& graph,
                                 std::int32_t node_count) {
  std::vector<double> values(summed.column.size(), 0.0);
  auto it = graph.begin();
  for (std::int32_t row = 0; row < node_count; ++row) {
    for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e) {
      const std::int64_t key = std::int64_t{row} * node_count + summed.column[e];
      while (it != graph.end() && it->first < key) ++it;
      if (it != graph.end() && it->first == key) values[e] = it->second;
    }
  }
  return values;
}

// Per entry, that graph coupling relative to the largest of its row.
std::vector<double> graph_strengths(const SummedCouplings& summed,
                                    const std::vector<double>& couplings, std::int32_t node_count) {
  std::vector<double> strength = couplings;
  for (std::int32_t row = 0; row < node_count; ++row) {
    double strongest = 0;
    for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e)
      strongest = std::max(strongest, strength[e]);
    if (strongest > 0)
      for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e)
        strength[e] /= strongest;
  }
  return strength;
}

// The finest level's strengths and strength graph. A coupling's strength is the smaller
// of its line strength and its relative size in the summed operator, both with the
// diagonals moved onto the edges. Weak in some rows while strong in the sum is a
// material contrast (a liner, a bump's rim, a die's edge in mold): such a coupling
// stays out of the strength graph, so no coarser level joins across it either; a
// quad's diagonal shares the contrast of its edges (else the corner across a liner
// cell would link a TSV core to the silicon around it).
struct FineStrengths {
  std::vector<double> strength, graph;  // per entry of the summed couplings
};

FineStrengths fine_strengths(const SummedCouplings& summed, const CellDiagonals& diagonals,
                             const std::vector<double>& line_strength, double threshold,
                             std::int32_t node_count) {
  FineStrengths fine;
  fine.strength.resize(summed.value.size());
  fine.graph.resize(summed.value.size());
  std::vector<double> moved;
  std::vector<char> material_weak(summed.value.size());
  for (std::int32_t row = 0; row < node_count; ++row) {
    const std::int32_t begin = summed.start[row], end = summed.start[row + 1];
    moved.assign(summed.value.begin() + begin, summed.value.begin() + end);
    move_diagonals(moved, begin, diagonals);
    for (std::int32_t e = begin; e < end; ++e) fine.graph[e] = std::max(0.0, -moved[e - begin]);
    make_relative(moved);
    for (std::int32_t e = begin; e < end; ++e) {
      const double in_sum = moved[e - begin];
      fine.strength[e] = std::max(0.0, std::min(line_strength[e], in_sum));
      material_weak[e] = fine.strength[e] < threshold && in_sum >= threshold;
    }
  }
  for (std::size_t e = 0; e < summed.value.size(); ++e) {
    const std::int32_t first = diagonals.first_edge[e];
    if (first >= 0)
      material_weak[e] = material_weak[first] || material_weak[diagonals.second_edge[e]];
    if (material_weak[e]) fine.graph[e] = 0;
  }
  return fine;
}

// CSR matrices from the summed couplings, with the diagonal that makes each operator
// row sum zero in its sorted place; the strength becomes symmetric by taking the
// smaller of the two ways, on every level: letting a coarse TSV-core line join the
// silicon around it because all its own couplings cross the liner (the larger of the
// two) cost 50 % more CG iterations on the test stack, so the cores stay apart down
// to the coarsest level. On coarse levels a strong coupling may have a zero (clipped
// positive) operator entry: the aggregation then joins the nodes, and the smoothing
// of the prolongator has nothing to add.
LineCouplings assemble_couplings(const SummedCouplings& summed, const std::vector<double>& strength,
                                 const std::vector<double>& graph, bool coarse,
                                 std::int32_t node_count) {
  LineCouplings result;
  for (CsrMatrix* m : {&result.operator_2d, &result.strength}) {
    m->row_count = m->column_count = node_count;
    m->row_start.assign(static_cast<std::size_t>(node_count) + 1, 0);
    m->column.reserve(summed.column.size() + node_count);
    m->value.reserve(summed.column.size() + node_count);
  }
  result.graph.reserve(summed.column.size() + node_count);
  auto push = [&](std::int32_t column, double value, double entry_strength, double coupling) {
    result.operator_2d.column.push_back(column);
    result.operator_2d.value.push_back(value);
    result.strength.column.push_back(column);
    result.strength.value.push_back(entry_strength);
    result.graph.push_back(coupling);
  };
  for (std::int32_t row = 0; row < node_count; ++row) {
    double diagonal = 0;
    for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e)
      diagonal -= std::min(summed.value[e], 0.0);
    bool placed = false;
    for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e) {
      if (!placed && summed.column[e] > row) {
        push(row, diagonal, 1.0, 0.0);
        placed = true;
      }
      // Positive sums (stretched or distorted cells) stay out of the operator.
      const double value = std::min(summed.value[e], 0.0);
      push(summed.column[e], value, (value < 0 || coarse) ? strength[e] : 0.0, graph[e]);
    }
    if (!placed) push(row, diagonal, 1.0, 0.0);
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

// The couplings of a level's lines. On the finest level the strengths come from its
// rows (line_strengths) and the summed operator; on coarser ones from `graph`, the
// strength graph of the level (nullptr on the finest level).
LineCouplings line_couplings(Mat a, const LineStructure& lines, double follower_fraction,
                             double threshold, const StrengthGraph* graph) {
  const LineRows rows(a, lines);
  const std::int32_t node_count = lines.footprint_node_count;
  const SummedCouplings summed =
      summed_couplings(gather_couplings(local_line_sums(rows), comm_of(a)), node_count);
  if (graph) {
    const std::vector<double> couplings = graph_values(summed, *graph, node_count);
    std::vector<double> strength = graph_strengths(summed, couplings, node_count);
    // A coupling the Galerkin operator makes non-negative is strong only for a node
    // that has no other strong coupling (the halves of a copper core); elsewhere it
    // would join nodes whose smoothed basis functions repel.
    for (std::int32_t row = 0; row < node_count; ++row) {
      bool has_strong = false;
      for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e)
        has_strong = has_strong || (summed.value[e] < 0 && strength[e] >= threshold);
      if (!has_strong) continue;
      for (std::int32_t e = summed.start[row]; e < summed.start[row + 1]; ++e)
        if (summed.value[e] >= 0) strength[e] = 0;
    }
    return assemble_couplings(summed, strength, couplings, true, node_count);
  }
  const CellDiagonals diagonals = cell_diagonals(summed, node_count);
  const FineStrengths fine = fine_strengths(
      summed, diagonals, line_strengths(rows, summed, diagonals, follower_fraction, comm_of(a)),
      threshold, node_count);
  return assemble_couplings(summed, fine.strength, fine.graph, false, node_count);
}

// The strength graph of the next coarser level: the couplings of this level's graph
// summed between aggregates.
StrengthGraph coarse_strength_graph(const LineCouplings& couplings,
                                    const std::vector<std::int32_t>& aggregate_of_node,
                                    std::int32_t aggregate_count) {
  const CsrMatrix& m = couplings.operator_2d;
  StrengthGraph graph;
  for (std::int32_t row = 0; row < m.row_count; ++row) {
    for (std::int32_t e = m.row_start[row]; e < m.row_start[row + 1]; ++e) {
      const std::int32_t from = aggregate_of_node[row], to = aggregate_of_node[m.column[e]];
      if (from != to && couplings.graph[e] > 0)
        graph.emplace_back(std::int64_t{from} * aggregate_count + to, couplings.graph[e]);
    }
  }
  std::sort(graph.begin(), graph.end());
  StrengthGraph merged;
  for (const auto& entry : graph) {
    if (!merged.empty() && merged.back().first == entry.first)
      merged.back().second += entry.second;
    else
      merged.push_back(entry);
  }
  return merged;
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

struct LevelSmoother {
  std::shared_ptr<const ColumnSmoother> smoother;
  bool sweep_residual = false;  // the pre-smoother leaves the level's residual
};

// `level_index` counts from the finest level (0), as the sweeps' log events do.
LevelSmoother configure_smoothers(PC pc, int petsc_level, int level_index, Mat a,
                                  const LineStructure& lines,
                                  const ColumnMultigridOptions& options) {
  const int sweeps = options.smoothing_sweeps;
  // One log event per level: "ColumnSweeps0" (finest), "ColumnSweeps1", ...
  const ColumnSmootherOptions smoother_options{options.row_patterns,
                                               "ColumnSweeps" + std::to_string(level_index)};
  auto smoother = std::make_shared<ColumnSmoother>(a, line_layout(lines), smoother_options);
  const bool sweep_residual = options.residual_from_sweep && sweeps == 1 &&
                              install_line_residual(pc, petsc_level, a, smoother);
  KSP down = nullptr, up = nullptr;
  TSV_CHECK(PCMGGetSmootherDown(pc, petsc_level, &down));
  TSV_CHECK(PCMGGetSmootherUp(pc, petsc_level, &up));
  const std::pair<KSP, SweepDirection> sides[] = {{down, SweepDirection::forward},
                                                  {up, SweepDirection::backward}};
  for (const auto& [ksp, direction] : sides) {
    // One pre-smoothing sweep starts from zero: KSPPREONLY's PCApply is that sweep,
    // without the two level-sized work vectors KSPRICHARDSON allocates and never uses
    // here. The post-smoother continues from the corrected x, so it stays Richardson.
    const bool one_sweep_from_zero = ksp == down && sweeps == 1;
    TSV_CHECK(KSPSetType(ksp, one_sweep_from_zero ? KSPPREONLY : KSPRICHARDSON));
    TSV_CHECK(KSPSetOperators(ksp, a, a));
    TSV_CHECK(KSPSetTolerances(ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, sweeps));
    TSV_CHECK(KSPSetNormType(ksp, KSP_NORM_NONE));
    PC smoother_pc = nullptr;
    TSV_CHECK(KSPGetPC(ksp, &smoother_pc));
    install_column_smoother(smoother_pc, smoother, direction);
  }
  return {smoother, sweep_residual};
}

// The coarsest level keeps every TSV core apart (see assemble_couplings), so it can
// hold tens of thousands of rows per thousand TSVs: factored (MUMPS Cholesky, the whole
// matrix on every rank) while small, else BoomerAMG V-cycles with tsvfield's settings,
// whose setup costs a fraction of the factorisation's time and memory. -<prefix>mg_coarse_*
// overrides.
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
    // Every rank factors the whole coarsest matrix (PCREDUNDANT around MUMPS on one
    // rank). A MUMPS factorization distributed over the ranks sums contributions in the
    // order its messages arrive: on 2 ranks two solves of the same system differed by a
    // few units in the last place, and with the redundant one every solve gives the same
    // bits. At up to largest_factored rows each rank's factorization is small.
    TSV_CHECK(PCSetType(coarse_pc, PCREDUNDANT));
    KSP each_rank = nullptr;
    TSV_CHECK(PCRedundantGetKSP(coarse_pc, &each_rank));
    PC each_rank_pc = nullptr;
    TSV_CHECK(KSPGetPC(each_rank, &each_rank_pc));
    TSV_CHECK(PCSetType(each_rank_pc, PCCHOLESKY));
    TSV_CHECK(PCFactorSetMatSolverType(each_rank_pc, MATSOLVERMUMPS));
    return;
  }
  const char* pc_prefix = nullptr;
  TSV_CHECK(PCGetOptionsPrefix(pc, &pc_prefix));
  const std::string coarse_prefix = std::string(pc_prefix ? pc_prefix : "") + "mg_coarse_";
  set_elliptic_defaults(coarse_prefix, true);
  set_default_option(coarse_prefix, "pc_hypre_boomeramg_relax_type_all", "Chebyshev");
  TSV_CHECK(PCSetType(coarse_pc, PCHYPRE));
  TSV_CHECK(PCHYPRESetType(coarse_pc, "boomeramg"));
  // Four V-cycles (a fixed symmetric operator, as CG needs). The coarsest level is
  // solved inexactly and grows with the problem; near-exact solves (12 cycles) give 27
  // CG iterations at 1M, 27 at 2M and 28 at 8M unknowns (2-rank benchmark), so the
  // cycles decide the iteration growth. Measured with Gauss-Seidel relaxation (1M / 2M /
  // 8M / cases/hbm_8high.yaml): three cycles 28 / 29 / 31 / 28, four 28 / 28 / 29 / 27,
  // five 27 / 28 at 1M / 2M. Chebyshev relaxation (the default since session 8) took
  // 28 / 29 / 29 / 29 with four cycles, and less time: the same process solving
  // alternately with each (session 8) took 14.4-14.8 s against 16.8-17.2 s at 8M,
  // 3.30-3.34 s against 3.45-3.49 s at 2M and 6.23-6.28 s against 6.38-6.43 s on the
  // flagship. Also with Chebyshev, at 8M: three cycles 32 iterations, five 28 but
  // slower, PMIS 31, agg_nl 2 30 and slower, strong threshold 0.5 49, P_max 2 31;
  // l1-scaled Jacobi instead of Chebyshev 32. With Gauss-Seidel: PMIS (29 at 1M), agg_nl 2
  // (30) and P_max 2 (29) cost iterations; l1-scaled Gauss-Seidel, strong threshold 0.8
  // and truncation 0.3 kept 28 at the same cost.
  TSV_CHECK(KSPSetType(coarse, KSPRICHARDSON));
  TSV_CHECK(KSPSetTolerances(coarse, 0.0, 0.0, PETSC_DEFAULT, 4));
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
  options.residual_from_sweep =
      bool_option(prefix, "-column_mg_sweep_residual", options.residual_from_sweep);
  options.row_patterns = bool_option(prefix, "-column_mg_row_patterns", options.row_patterns);
  options.pattern_product =
      bool_option(prefix, "-column_mg_pattern_product", options.pattern_product);
  options.coarse_strength_threshold =
      real_option(prefix, "-column_mg_coarse_threshold", options.coarse_strength_threshold);
  options.follower_row_fraction =
      real_option(prefix, "-column_mg_follower_fraction", options.follower_row_fraction);
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
  levels[0].given_lines = &lines;
  std::vector<MatHandle> prolongators;  // level l + 1 -> l, stored as P^T (LineTransfer)
  StrengthGraph graph;                  // of the level being coarsened (after the finest)
  while (static_cast<int>(levels.size()) < options.max_levels &&
         levels.back().lines().footprint_node_count > options.coarsest_footprint_nodes) {
    Level& fine = levels.back();
    FootprintCoarsening coarsening;
    std::int32_t fine_footprint_nodes = 0;
    {
      ScopedLogStage stage("column_mg: aggregation");
      AggregationOptions aggregation = options.aggregation;
      if (levels.size() > 1 && options.coarse_strength_threshold >= 0)
        aggregation.strength_threshold = options.coarse_strength_threshold;
      const LineCouplings couplings =
          line_couplings(fine.matrix, fine.lines(), options.follower_row_fraction,
                         aggregation.strength_threshold, levels.size() > 1 ? &graph : nullptr);
      coarsening = coarsen_footprint(couplings.operator_2d, couplings.strength, aggregation);
      graph = coarse_strength_graph(couplings, coarsening.aggregate_of_node,
                                    coarsening.prolongator.column_count);
      fine_footprint_nodes = couplings.operator_2d.row_count;
    }
    // A footprint that no longer shrinks (isolated nodes) ends the hierarchy.
    if (coarsening.prolongator.column_count * 10 > fine_footprint_nodes * 9) break;
    LineTransfer transfer;
    {
      ScopedLogStage stage("column_mg: prolongator");
      transfer = build_line_transfer(fine.matrix, fine.lines(), coarsening);
    }
    Level coarse;
    {
      ScopedLogStage stage("column_mg: Galerkin");
      coarse.owned = galerkin_on_lines(fine.matrix, fine.lines(), coarsening, transfer);
    }
    coarse.matrix = coarse.owned;
    coarse.owned_lines = std::move(transfer.coarse_lines);
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
    summary.level_lines.push_back(levels[l].lines().footprint_node_count);
    total_nonzeros += nonzeros(level_matrix);
    if (petsc_level == 0) {
      configure_coarse_solve(pc, level_matrix, options.largest_factored_coarse_rows);
    } else {
      ScopedLogStage stage("column_mg: line factors");
      const LevelSmoother level =
          configure_smoothers(pc, petsc_level, l, level_matrix, levels[l].lines(), options);
      if (level.sweep_residual) ++summary.levels_with_sweep_residual;
      if (l == 0) summary.finest_smoother = level.smoother;
      TSV_CHECK(PCMGSetInterpolation(pc, petsc_level, prolongators[l]));
    }
  }
  summary.operator_complexity = total_nonzeros / nonzeros(a);
  // PCMG keeps its own references to the level operators and interpolations; ours
  // (levels[].owned, prolongators) are released when they go out of scope.
  return summary;
}

}  // namespace tsvfield::solver
