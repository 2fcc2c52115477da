#include "solver/line_transfer.hpp"

#include <mpi.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "solver/aij_blocks.hpp"
#include "solver/matrix_arrays.hpp"

namespace tsvfield::solver {

RowsByLine rows_by_line(const LineStructure& lines) {
  RowsByLine grouped;
  grouped.start.assign(static_cast<std::size_t>(lines.footprint_node_count) + 1, 0);
  for (std::int32_t node : lines.footprint_node) ++grouped.start[node + 1];
  std::partial_sum(grouped.start.begin(), grouped.start.end(), grouped.start.begin());
  std::vector<std::int32_t> next(grouped.start.begin(), grouped.start.end() - 1);
  grouped.rows.resize(lines.footprint_node.size());
  for (std::size_t r = 0; r < lines.footprint_node.size(); ++r)
    grouped.rows[next[lines.footprint_node[r]]++] = static_cast<std::int32_t>(r);
  for (std::int32_t line = 0; line < lines.footprint_node_count; ++line)
    std::sort(grouped.rows.begin() + grouped.start[line],
              grouped.rows.begin() + grouped.start[line + 1],
              [&](std::int32_t x, std::int32_t y) { return lines.slot[x] < lines.slot[y]; });
  return grouped;
}

namespace {

// Each coarse line goes to the rank that holds most of its fine rows (ties: the
// lowest rank), so most of the prolongator and Galerkin product stays local.
std::vector<int> coarse_line_owners(const LineStructure& fine,
                                    const FootprintCoarsening& coarsening, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::int32_t coarse_count = coarsening.prolongator.column_count;
  std::vector<std::array<int, 2>> count_rank(static_cast<std::size_t>(coarse_count));
  for (auto& entry : count_rank) entry = {0, rank};
  for (std::int32_t node : fine.footprint_node) ++count_rank[coarsening.aggregate_of_node[node]][0];
  std::vector<std::array<int, 2>> best(count_rank.size());
  MPI_Allreduce(count_rank.data(), best.data(), coarse_count, MPI_2INT, MPI_MAXLOC, comm);
  std::vector<int> owner(best.size());
  for (std::size_t j = 0; j < best.size(); ++j) owner[j] = best[j][1];
  return owner;
}

// Every (coarse line, slot) that some fine row interpolates from, on every rank, as
// keys line * span + slot in ascending order.
std::vector<std::int64_t> all_coarse_keys(const LineStructure& fine, const CsrMatrix& p2,
                                          std::int64_t span, MPI_Comm comm) {
  // Marks per (coarse line, slot): produced in key order, without sorting one key per
  // fine row and prolongator entry.
  std::vector<char> reached(static_cast<std::size_t>(p2.column_count) * span, 0);
  for (std::size_t r = 0; r < fine.footprint_node.size(); ++r) {
    const std::int32_t node = fine.footprint_node[r];
    for (std::int32_t k = p2.row_start[node]; k < p2.row_start[node + 1]; ++k)
      reached[p2.column[k] * span + fine.slot[r]] = 1;
  }
  std::vector<std::int64_t> keys;
  for (std::size_t key = 0; key < reached.size(); ++key)
    if (reached[key]) keys.push_back(static_cast<std::int64_t>(key));
  int rank_count = 1;
  MPI_Comm_size(comm, &rank_count);
  if (rank_count == 1) return keys;
  const int local_count = static_cast<int>(keys.size());
  std::vector<int> counts(rank_count), displacement(rank_count, 0);
  MPI_Allgather(&local_count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, displacement.begin() + 1);
  std::vector<std::int64_t> all(static_cast<std::size_t>(displacement.back() + counts.back()));
  MPI_Allgatherv(keys.data(), local_count, MPI_INT64_T, all.data(), counts.data(),
                 displacement.data(), MPI_INT64_T, comm);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

CoarseNumbering number_coarse_rows(const std::vector<std::int64_t>& keys, std::int64_t span,
                                   std::vector<int> owner, int rank) {
  CoarseNumbering numbering;
  const auto line_count = static_cast<std::int32_t>(owner.size());
  numbering.line_owner = std::move(owner);
  numbering.slot_start.assign(static_cast<std::size_t>(line_count) + 1, 0);
  numbering.slots.reserve(keys.size());
  for (std::int64_t key : keys) {
    ++numbering.slot_start[key / span + 1];
    numbering.slots.push_back(static_cast<std::int32_t>(key % span));
  }
  std::partial_sum(numbering.slot_start.begin(), numbering.slot_start.end(),
                   numbering.slot_start.begin());
  const int rank_count =
      1 + *std::max_element(numbering.line_owner.begin(), numbering.line_owner.end());
  std::vector<PetscInt> owner_begin(static_cast<std::size_t>(std::max(rank_count, rank + 1)) + 1,
                                    0);
  for (std::int32_t line = 0; line < line_count; ++line)
    owner_begin[numbering.line_owner[line] + 1] +=
        numbering.slot_start[line + 1] - numbering.slot_start[line];
  std::partial_sum(owner_begin.begin(), owner_begin.end(), owner_begin.begin());
  std::vector<PetscInt> next(owner_begin.begin(), owner_begin.end() - 1);
  numbering.line_first.resize(static_cast<std::size_t>(line_count));
  for (std::int32_t line = 0; line < line_count; ++line) {
    numbering.line_first[line] = next[numbering.line_owner[line]];
    next[numbering.line_owner[line]] += numbering.slot_start[line + 1] - numbering.slot_start[line];
  }
  numbering.slot_span = static_cast<std::int32_t>(span);
  std::map<std::vector<std::int32_t>, std::int32_t> set_of_slots;
  numbering.slot_set.resize(static_cast<std::size_t>(line_count));
  for (std::int32_t line = 0; line < line_count; ++line) {
    std::vector<std::int32_t> line_slots(numbering.slots.begin() + numbering.slot_start[line],
                                         numbering.slots.begin() + numbering.slot_start[line + 1]);
    const auto [it, added] =
        set_of_slots.emplace(std::move(line_slots), static_cast<std::int32_t>(set_of_slots.size()));
    numbering.slot_set[line] = it->second;
    if (!added) continue;
    numbering.slot_position.resize(numbering.slot_position.size() + span, -1);
    std::int32_t* position = numbering.slot_position.data() + it->second * span;
    for (std::size_t k = 0; k < it->first.size(); ++k)
      position[it->first[k]] = static_cast<std::int32_t>(k);
  }
  numbering.owned_begin = owner_begin[rank];
  numbering.owned_end = owner_begin[rank + 1];
  numbering.global_count = owner_begin.back();
  return numbering;
}

// The prolongator P = P2 (x) I, stored as its transpose R = P^T (coarse rows x fine
// rows), which PCMG applies either way round (MatInterpolate and MatRestrict choose
// by shape). Stored so, each AIJ block keeps its per-row arrays for the few coarse
// rows instead of the five times as many fine ones: about half the prolongator's
// memory, which stays resident through the solve (the peak).
//
// Row (J, s) of R holds P2(i, J) at the fine rows (i, s). Each rank enters the entries
// of its fine rows, one MatSetValues per coarse row with the columns ascending (the
// rows of a line are consecutive, so the lines are taken in the order of their first
// row); rows of coarse lines owned elsewhere travel at assembly.
MatHandle assemble_restriction(Mat fine_matrix, const LineStructure& fine, const CsrMatrix& p2,
                               const CoarseNumbering& numbering) {
  MPI_Comm comm = comm_of(fine_matrix);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  PetscInt fine_begin = 0, fine_end = 0;
  TSV_CHECK(MatGetOwnershipRange(fine_matrix, &fine_begin, &fine_end));
  const auto fine_rows = static_cast<PetscInt>(fine.footprint_node.size());
  const PetscInt owned = numbering.owned_end - numbering.owned_begin;
  const CsrMatrix p2_transposed = transpose(p2);

  // Preallocation without communication: the diagonal block of an owned row (J, s)
  // holds one entry per local fine row (i, s) that J interpolates to, counted exactly;
  // the rest of the fine lines of P2's column J bound its off-diagonal block (exact
  // unless such a line lacks slot s).
  std::vector<PetscInt> diagonal_count(owned, 0), off_count(owned, 0);
  for (PetscInt r = 0; r < fine_rows; ++r) {
    const std::int32_t node = fine.footprint_node[r];
    for (std::int32_t k = p2.row_start[node]; k < p2.row_start[node + 1]; ++k) {
      const std::int32_t line = p2.column[k];
      if (numbering.line_owner[line] == rank)
        ++diagonal_count[numbering.index(line, fine.slot[r]) - numbering.owned_begin];
    }
  }
  const auto line_count = static_cast<std::int32_t>(numbering.line_owner.size());
  for (std::int32_t line = 0; line < line_count; ++line) {
    if (numbering.line_owner[line] != rank) continue;
    const PetscInt interpolated = p2_transposed.row_start[line + 1] - p2_transposed.row_start[line];
    const PetscInt first = numbering.line_first[line] - numbering.owned_begin;
    const std::int32_t slots = numbering.slot_start[line + 1] - numbering.slot_start[line];
    for (PetscInt row = first; row < first + slots; ++row)
      off_count[row] = std::max<PetscInt>(0, interpolated - diagonal_count[row]);
  }

  MatHandle restriction;
  TSV_CHECK(MatCreateAIJ(comm, owned, fine_rows, numbering.global_count, PETSC_DETERMINE, 0,
                         diagonal_count.data(), 0, off_count.data(), restriction.out()));
  const RowsByLine lines = rows_by_line(fine);
  struct LocalLine {
    std::int32_t first_row, line;
    double weight;
  };
  std::vector<LocalLine> local_lines;
  std::vector<std::vector<PetscInt>> columns(static_cast<std::size_t>(numbering.slot_span));
  std::vector<std::vector<PetscScalar>> values(columns.size());
  std::vector<std::int32_t> used_slots;
  for (std::int32_t coarse_line = 0; coarse_line < p2.column_count; ++coarse_line) {
    local_lines.clear();
    for (std::int32_t k = p2_transposed.row_start[coarse_line];
         k < p2_transposed.row_start[coarse_line + 1]; ++k) {
      const std::int32_t line = p2_transposed.column[k];
      if (lines.start[line] == lines.start[line + 1]) continue;  // no rows here
      local_lines.push_back({lines.rows[lines.start[line]], line, p2_transposed.value[k]});
    }
    if (local_lines.empty()) continue;
    std::sort(local_lines.begin(), local_lines.end(),
              [](const LocalLine& x, const LocalLine& y) { return x.first_row < y.first_row; });
    for (const LocalLine& local : local_lines) {
      for (std::int32_t p = lines.start[local.line]; p < lines.start[local.line + 1]; ++p) {
        const std::int32_t row = lines.rows[p];
        const std::int32_t slot = fine.slot[row];
        if (columns[slot].empty()) used_slots.push_back(slot);
        columns[slot].push_back(fine_begin + row);
        values[slot].push_back(local.weight);
      }
    }
    for (std::int32_t slot : used_slots) {
      const PetscInt row = numbering.index(coarse_line, slot);
      TSV_CHECK(MatSetValues(restriction, 1, &row, static_cast<PetscInt>(columns[slot].size()),
                             columns[slot].data(), values[slot].data(), INSERT_VALUES));
      columns[slot].clear();
      values[slot].clear();
    }
    used_slots.clear();
  }
  TSV_CHECK(MatAssemblyBegin(restriction, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(restriction, MAT_FINAL_ASSEMBLY));
  return restriction;
}

// The footprint node and slot of every column of the fine matrix's local blocks.
struct ColumnPlaces {
  std::vector<std::int32_t> off_footprint, off_slot;
};

// How many entries the owned rows of a matrix have at most in its two blocks.
struct EntryBounds {
  std::size_t diagonal = 0, off = 0;
};

// Room for `needed` entries in a block's arrays (columns, values), filled up to `used`
// and mapped at a bound: past it (a bound that was wrong), both grow, at least doubling.
void ensure_room(PageArray<PetscInt>& columns, PageArray<PetscScalar>& values, std::size_t used,
                 std::size_t needed) {
  if (needed <= columns.size()) return;
  const std::size_t size = std::max(needed, 2 * columns.size());
  PageArray<PetscInt> wider_columns(size);
  PageArray<PetscScalar> wider_values(size);
  std::copy(columns.data(), columns.data() + used, wider_columns.data());
  std::copy(values.data(), values.data() + used, wider_values.data());
  columns = std::move(wider_columns);
  values = std::move(wider_values);
}

void append_entry(PageArray<PetscInt>& columns, PageArray<PetscScalar>& values, std::size_t& used,
                  PetscInt column, PetscScalar value) {
  ensure_room(columns, values, used, used + 1);
  columns[used] = column;
  values[used++] = value;
}

// One row's entries: global columns, ascending.
using RowEntries = std::vector<std::pair<PetscInt, PetscScalar>>;

// The coarse operator's rows as this rank computes them, written straight into the CSR
// arrays that the matrix is then made on (matrix_on_arrays). This rank computes every
// owned row once (its coarse line's product), rows in ascending order when the coarse
// lines are taken by their first row, each with ascending columns; other ranks send the
// parts their fine lines contribute, merged in at the end. Inserting the rows with
// MatSetValues into a preallocated matrix searched for and shifted every entry into
// place: about half of the Galerkin stage at 2M unknowns.
class CoarseRows {
 public:
  // `bounds`: of the owned rows' entries in each block (address space only: pages are
  // touched as they fill, and the rest is given back; past a bound, an array grows).
  CoarseRows(const CoarseNumbering& numbering, int rank, int ranks, const EntryBounds& bounds)
      : numbering_(numbering),
        rank_(rank),
        owned_(static_cast<std::size_t>(numbering.owned_end - numbering.owned_begin)),
        arrays_(std::make_unique<MatrixArrays>()),
        outgoing_columns_(static_cast<std::size_t>(ranks)),
        outgoing_values_(static_cast<std::size_t>(ranks)) {
    arrays_->diag_start = PageArray<PetscInt>(owned_ + 1);
    arrays_->off_start = PageArray<PetscInt>(owned_ + 1);
    arrays_->diag_columns = PageArray<PetscInt>(bounds.diagonal);
    arrays_->diag_values = PageArray<PetscScalar>(bounds.diagonal);
    arrays_->off_columns = PageArray<PetscInt>(bounds.off);
    arrays_->off_values = PageArray<PetscScalar>(bounds.off);
  }

  // Row `row` of coarse line `coarse_line`, or this rank's part of it; the owned rows
  // in ascending order.
  void add(std::int32_t coarse_line, PetscInt row, const std::vector<PetscInt>& columns,
           const std::vector<PetscScalar>& values) {
    const int owner = numbering_.line_owner[static_cast<std::size_t>(coarse_line)];
    if (owner != rank_) {
      std::vector<PetscInt>& out = outgoing_columns_[static_cast<std::size_t>(owner)];
      out.push_back(row);
      out.push_back(static_cast<PetscInt>(columns.size()));
      out.insert(out.end(), columns.begin(), columns.end());
      std::vector<PetscScalar>& out_values = outgoing_values_[static_cast<std::size_t>(owner)];
      out_values.insert(out_values.end(), values.begin(), values.end());
      return;
    }
    const auto local = static_cast<std::size_t>(row - numbering_.owned_begin);
    if (local < next_row_)
      throw std::logic_error("galerkin_on_lines: coarse row " + std::to_string(row) +
                             " computed out of order");
    end_rows_before(local);
    for (std::size_t e = 0; e < columns.size(); ++e) add_entry(columns[e], values[e]);
    end_rows_before(local + 1);
  }

  // Collective: merges the other ranks' parts in and makes the matrix.
  MatHandle make_matrix(MPI_Comm comm) {
    end_rows_before(owned_);
    const std::vector<PetscInt> received_columns =
        exchange_all_to_all(std::move(outgoing_columns_), comm);
    const std::vector<PetscScalar> received_values =
        exchange_all_to_all(std::move(outgoing_values_), comm);
    merge_received(received_columns, received_values);
    arrays_->diag_columns.shrink(diag_used_);
    arrays_->diag_values.shrink(diag_used_);
    arrays_->off_columns.shrink(off_used_);
    arrays_->off_values.shrink(off_used_);
    return matrix_on_arrays(std::move(arrays_), static_cast<PetscInt>(owned_),
                            numbering_.global_count, comm);
  }

 private:
  bool owned_column(PetscInt column) const {
    return column >= numbering_.owned_begin && column < numbering_.owned_end;
  }

  void add_entry(PetscInt column, PetscScalar value) {
    if (owned_column(column)) {
      append_entry(arrays_->diag_columns, arrays_->diag_values, diag_used_,
                   column - numbering_.owned_begin, value);
    } else {
      append_entry(arrays_->off_columns, arrays_->off_values, off_used_, column, value);
    }
  }

  // Closes the rows before `local` (empty ones included).
  void end_rows_before(std::size_t local) {
    for (; next_row_ < local; ++next_row_) {
      arrays_->diag_start[next_row_ + 1] = static_cast<PetscInt>(diag_used_);
      arrays_->off_start[next_row_ + 1] = static_cast<PetscInt>(off_used_);
    }
  }

  // Row `local`'s entries (global columns, ascending, each once) with the received parts
  // [first, last) of it added.
  RowEntries merged_row(std::size_t local, const std::vector<std::array<std::size_t, 3>>& parts,
                        std::size_t first, std::size_t last,
                        const std::vector<PetscInt>& received_columns,
                        const std::vector<PetscScalar>& received_values) const {
    RowEntries row;
    for (auto k = static_cast<std::size_t>(arrays_->diag_start[local]);
         k < static_cast<std::size_t>(arrays_->diag_start[local + 1]); ++k)
      row.emplace_back(arrays_->diag_columns[k] + numbering_.owned_begin, arrays_->diag_values[k]);
    for (auto k = static_cast<std::size_t>(arrays_->off_start[local]);
         k < static_cast<std::size_t>(arrays_->off_start[local + 1]); ++k)
      row.emplace_back(arrays_->off_columns[k], arrays_->off_values[k]);
    for (std::size_t p = first; p < last; ++p) {
      const std::size_t column_at = parts[p][1], value_at = parts[p][2];
      const auto count = static_cast<std::size_t>(received_columns[column_at - 1]);
      for (std::size_t e = 0; e < count; ++e)
        row.emplace_back(received_columns[column_at + e], received_values[value_at + e]);
    }
    std::sort(row.begin(), row.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::size_t kept = 0;
    for (std::size_t e = 0; e < row.size(); ++e) {
      if (kept > 0 && row[kept - 1].first == row[e].first) {
        row[kept - 1].second += row[e].second;
      } else {
        row[kept++] = row[e];
      }
    }
    row.resize(kept);
    return row;
  }

  // The rows that other ranks sent parts of, merged; the arrays widened in place from
  // the last row down (a row only moves up), so nothing is copied twice.
  void merge_received(const std::vector<PetscInt>& received_columns,
                      const std::vector<PetscScalar>& received_values) {
    std::vector<std::array<std::size_t, 3>> parts;  // local row, columns at, values at
    std::size_t value_at = 0;
    for (std::size_t k = 0; k < received_columns.size();) {
      const auto count = static_cast<std::size_t>(received_columns[k + 1]);
      parts.push_back({static_cast<std::size_t>(received_columns[k] - numbering_.owned_begin),
                       k + 2, value_at});
      value_at += count;
      k += 2 + count;
    }
    if (parts.empty()) return;
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& x, const auto& y) { return x[0] < y[0]; });
    std::vector<std::pair<std::size_t, RowEntries>> merged;  // by local row
    for (std::size_t first = 0; first < parts.size();) {
      std::size_t last = first;
      while (last < parts.size() && parts[last][0] == parts[first][0]) ++last;
      merged.emplace_back(parts[first][0], merged_row(parts[first][0], parts, first, last,
                                                      received_columns, received_values));
      first = last;
    }
    // New row starts: each merged row's own counts, every other row as it is.
    std::vector<PetscInt> diag_start(owned_ + 1, 0), off_start(owned_ + 1, 0);
    std::size_t next_merged = 0;
    for (std::size_t local = 0; local < owned_; ++local) {
      PetscInt diagonal = arrays_->diag_start[local + 1] - arrays_->diag_start[local];
      PetscInt off = arrays_->off_start[local + 1] - arrays_->off_start[local];
      if (next_merged < merged.size() && merged[next_merged].first == local) {
        diagonal = off = 0;
        for (const auto& entry : merged[next_merged].second)
          ++(owned_column(entry.first) ? diagonal : off);
        ++next_merged;
      }
      diag_start[local + 1] = diag_start[local] + diagonal;
      off_start[local + 1] = off_start[local] + off;
    }
    widen(arrays_->diag_columns, arrays_->diag_values, arrays_->diag_start, diag_start, merged,
          true);
    widen(arrays_->off_columns, arrays_->off_values, arrays_->off_start, off_start, merged, false);
    diag_used_ = static_cast<std::size_t>(diag_start[owned_]);
    off_used_ = static_cast<std::size_t>(off_start[owned_]);
    std::copy(diag_start.begin(), diag_start.end(), arrays_->diag_start.data());
    std::copy(off_start.begin(), off_start.end(), arrays_->off_start.data());
  }

  // Moves one block's rows to their new starts, from the last row down, writing the
  // merged rows' entries of this block (diagonal: local columns) in their place.
  void widen(PageArray<PetscInt>& columns, PageArray<PetscScalar>& values,
             PageArray<PetscInt>& old_start, const std::vector<PetscInt>& new_start,
             const std::vector<std::pair<std::size_t, RowEntries>>& merged, bool diagonal_block) {
    ensure_room(columns, values, static_cast<std::size_t>(old_start[owned_]),
                static_cast<std::size_t>(new_start[owned_]));
    std::size_t next_merged = merged.size();
    for (std::size_t local = owned_; local-- > 0;) {
      const auto to = static_cast<std::size_t>(new_start[local]);
      if (next_merged > 0 && merged[next_merged - 1].first == local) {
        std::size_t k = to;
        for (const auto& [column, value] : merged[--next_merged].second) {
          if (owned_column(column) != diagonal_block) continue;
          columns[k] = diagonal_block ? column - numbering_.owned_begin : column;
          values[k++] = value;
        }
        continue;
      }
      const auto from = static_cast<std::size_t>(old_start[local]);
      const auto count = static_cast<std::size_t>(old_start[local + 1]) - from;
      if (to == from || count == 0) continue;
      std::copy_backward(columns.data() + from, columns.data() + from + count,
                         columns.data() + to + count);
      std::copy_backward(values.data() + from, values.data() + from + count,
                         values.data() + to + count);
    }
  }

  const CoarseNumbering& numbering_;
  int rank_;
  std::size_t owned_;
  std::unique_ptr<MatrixArrays> arrays_;
  std::size_t next_row_ = 0;  // rows before it are closed
  std::size_t diag_used_ = 0, off_used_ = 0;
  std::vector<std::vector<PetscInt>> outgoing_columns_;  // per rank: row, count, columns
  std::vector<std::vector<PetscScalar>> outgoing_values_;
};

// The rows of one coarse line I of P^T A P, in two stages so that the expensive one
// touches each fine entry once per coarse line instead of once per pair of
// prolongator entries (P = P2 (x) I, so C_IJ = sum_ij P2_iI A_ij P2_jJ):
//  1. restrict: R_Ij = sum_i P2_iI A_ij, one multiply-add per entry of the fine rows
//     of the lines i that I interpolates to, into a dense band per fine line j;
//  2. interpolate: C_IJ = sum_j R_Ij P2_jJ, one contiguous band update per entry of P2.
// A band holds every slot s of the span (rows) times the offsets t - s in
// [-reach, reach] (columns), zero where the coupling is absent; bands are cleared as
// they are used, so the arrays only ever grow and are never searched.
class CoarseLineProduct {
 public:
  CoarseLineProduct(std::int32_t fine_line_count, std::int32_t coarse_line_count,
                    std::int32_t slot_span, int reach)
      : fine_local_(static_cast<std::size_t>(fine_line_count), -1),
        coarse_local_(static_cast<std::size_t>(coarse_line_count), -1),
        reach_(reach),
        width_(2 * reach + 1),
        band_size_(static_cast<std::size_t>(slot_span) * (2 * reach + 1)),
        row_used_(static_cast<std::size_t>(slot_span), 0) {}

  // The band of fine line j's coupling to the current coarse line's rows.
  double* restricted_band(std::int32_t fine_line) {
    return band_of(fine_line, fine_local_, fine_lines_, restricted_);
  }

  void use_row(std::int32_t row_slot) {
    if (row_used_[row_slot]) return;
    row_used_[row_slot] = 1;
    used_slots_.push_back(row_slot);
  }

  int width() const { return width_; }

  // Stage 2, then adds every row into `coarse` (rows owned elsewhere travel at
  // assembly) and clears for the next coarse line.
  void finish(std::int32_t coarse_line, const CsrMatrix& p2, const CoarseNumbering& numbering,
              CoarseRows& coarse) {
    if (used_slots_.empty()) return;
    std::sort(used_slots_.begin(), used_slots_.end());
    const std::size_t first = static_cast<std::size_t>(used_slots_.front()) * width_;
    const std::size_t last = static_cast<std::size_t>(used_slots_.back() + 1) * width_;
    for (std::size_t local = 0; local < fine_lines_.size(); ++local) {
      double* restricted = restricted_.data() + local * band_size_;
      const std::int32_t j = fine_lines_[local];
      for (std::int32_t k = p2.row_start[j]; k < p2.row_start[j + 1]; ++k) {
        double* product = band_of(p2.column[k], coarse_local_, coarse_lines_, product_);
        const double weight = p2.value[k];
        for (std::size_t e = first; e < last; ++e) product[e] += weight * restricted[e];
      }
      std::fill(restricted + first, restricted + last, 0.0);
      fine_local_[j] = -1;
    }
    fine_lines_.clear();
    add_rows(coarse_line, numbering, coarse);
  }

 private:
  double* band_of(std::int32_t line, std::vector<std::int32_t>& local_of,
                  std::vector<std::int32_t>& lines, std::vector<double>& bands) {
    std::int32_t local = local_of[line];
    if (local < 0) {
      local = static_cast<std::int32_t>(lines.size());
      local_of[line] = local;
      lines.push_back(line);
      if (bands.size() < lines.size() * band_size_) bands.resize(lines.size() * band_size_, 0.0);
    }
    return bands.data() + static_cast<std::size_t>(local) * band_size_;
  }

  void add_rows(std::int32_t coarse_line, const CoarseNumbering& numbering, CoarseRows& coarse) {
    // Lines in the order of their global rows, so that every row's columns ascend.
    order_.resize(coarse_lines_.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(), [&](std::int32_t x, std::int32_t y) {
      return numbering.line_first[coarse_lines_[x]] < numbering.line_first[coarse_lines_[y]];
    });
    for (std::int32_t s : used_slots_) {
      columns_.clear();
      values_.clear();
      for (std::int32_t local : order_) {
        double* sums = product_.data() + local * band_size_ + static_cast<std::size_t>(s) * width_;
        const std::int32_t line = coarse_lines_[local];
        for (int w = 0; w < width_; ++w) {
          if (sums[w] == 0.0) continue;
          const PetscInt column = numbering.index(line, s + w - reach_);
          if (column < 0) continue;  // no such slot on that line
          columns_.push_back(column);
          values_.push_back(sums[w]);
        }
      }
      coarse.add(coarse_line, numbering.index(coarse_line, s), columns_, values_);
      row_used_[s] = 0;
    }
    const std::size_t first = static_cast<std::size_t>(used_slots_.front()) * width_;
    const std::size_t last = static_cast<std::size_t>(used_slots_.back() + 1) * width_;
    for (std::size_t local = 0; local < coarse_lines_.size(); ++local) {
      std::fill(product_.begin() + local * band_size_ + first,
                product_.begin() + local * band_size_ + last, 0.0);
      coarse_local_[coarse_lines_[local]] = -1;
    }
    coarse_lines_.clear();
    used_slots_.clear();
  }

  std::vector<std::int32_t> fine_local_, coarse_local_;
  int reach_, width_;
  std::size_t band_size_;
  std::vector<std::int32_t> fine_lines_, coarse_lines_;
  std::vector<double> restricted_, product_;
  std::vector<char> row_used_;
  std::vector<std::int32_t> used_slots_, order_;
  std::vector<PetscInt> columns_;
  std::vector<PetscScalar> values_;
};

// How far (in slots) a row reaches along neighbouring lines, over all ranks.
int slot_reach(const LineStructure& fine, const SeqRows& diagonal, const SeqRows* off,
               const ColumnPlaces& places, MPI_Comm comm) {
  int reach = 0;
  for (std::size_t r = 0; r < fine.slot.size(); ++r) {
    const auto row = static_cast<PetscInt>(r);
    for (PetscInt k = diagonal.begin(row); k < diagonal.end(row); ++k)
      reach = std::max(reach, std::abs(fine.slot[diagonal.column(k)] - fine.slot[r]));
    if (off) {
      for (PetscInt k = off->begin(row); k < off->end(row); ++k)
        reach = std::max(reach, std::abs(places.off_slot[off->column(k)] - fine.slot[r]));
    }
  }
  int global_reach = 0;
  MPI_Allreduce(&reach, &global_reach, 1, MPI_INT, MPI_MAX, comm);
  return global_reach;
}

// Per slot set and slot s, how many of the set's slots lie within `reach` of s:
// window_count[set * span + s]. Each set's slots are the positions >= 0 of its
// stretch of numbering.slot_position.
std::vector<PetscInt> slots_within_reach(const CoarseNumbering& numbering, int reach) {
  const std::size_t span = static_cast<std::size_t>(numbering.slot_span);
  const std::size_t set_count = span == 0 ? 0 : numbering.slot_position.size() / span;
  std::vector<PetscInt> window_count(set_count * span, 0);
  std::vector<PetscInt> below(span + 1);  // slots of the set below each slot
  for (std::size_t set = 0; set < set_count; ++set) {
    const std::int32_t* position = numbering.slot_position.data() + set * span;
    below[0] = 0;
    for (std::size_t t = 0; t < span; ++t) below[t + 1] = below[t] + (position[t] >= 0 ? 1 : 0);
    for (std::size_t s = 0; s < span; ++s) {
      const std::size_t low = s > static_cast<std::size_t>(reach) ? s - reach : 0;
      const std::size_t high = std::min(span, s + reach + 1);
      window_count[set * span + s] = below[high] - below[low];
    }
  }
  return window_count;
}

// Bounds of the entries of the owned coarse rows in the two blocks: for row (I, s), over
// the lines J of the 2D coarse operator's row I, the slots t of J with |t - s| <= reach.
// A fine row (i, s) only couples to slots within that reach, and P = P2 (x) I keeps
// slots; on extruded meshes, where neighbouring lines couple at every shared slot, this
// is the row's length up to the few rows beside doubled (interface) nodes.
EntryBounds owned_entry_bounds(const CsrMatrix& coarse_2d, const CoarseNumbering& numbering,
                               int reach, int rank) {
  const std::vector<PetscInt> window_count = slots_within_reach(numbering, reach);
  const std::size_t span = static_cast<std::size_t>(numbering.slot_span);
  const auto line_count = static_cast<std::int32_t>(numbering.line_owner.size());
  EntryBounds bounds;
  for (std::int32_t line = 0; line < line_count; ++line) {
    if (numbering.line_owner[line] != rank) continue;
    for (std::int32_t k = coarse_2d.row_start[line]; k < coarse_2d.row_start[line + 1]; ++k) {
      const std::int32_t other = coarse_2d.column[k];
      const PetscInt* within = window_count.data() + numbering.slot_set[other] * span;
      std::size_t& bound = numbering.line_owner[other] == rank ? bounds.diagonal : bounds.off;
      for (std::int32_t position = numbering.slot_start[line];
           position < numbering.slot_start[line + 1]; ++position)
        bound += static_cast<std::size_t>(within[numbering.slots[position]]);
    }
  }
  return bounds;
}

}  // namespace

LineTransfer build_line_transfer(Mat fine_matrix, const LineStructure& fine,
                                 const FootprintCoarsening& coarsening) {
  MPI_Comm comm = comm_of(fine_matrix);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int local_max_slot = 0, max_slot = 0;
  for (std::int32_t s : fine.slot) local_max_slot = std::max(local_max_slot, s);
  MPI_Allreduce(&local_max_slot, &max_slot, 1, MPI_INT, MPI_MAX, comm);
  const std::int64_t span = static_cast<std::int64_t>(max_slot) + 1;

  LineTransfer transfer;
  transfer.numbering = number_coarse_rows(all_coarse_keys(fine, coarsening.prolongator, span, comm),
                                          span, coarse_line_owners(fine, coarsening, comm), rank);
  const CoarseNumbering& numbering = transfer.numbering;
  const auto line_count = static_cast<std::int32_t>(numbering.line_owner.size());
  transfer.coarse_lines.footprint_node_count = line_count;
  for (std::int32_t line = 0; line < line_count; ++line) {
    if (numbering.line_owner[line] != rank) continue;
    for (std::int32_t k = numbering.slot_start[line]; k < numbering.slot_start[line + 1]; ++k) {
      transfer.coarse_lines.footprint_node.push_back(line);
      transfer.coarse_lines.slot.push_back(numbering.slots[k]);
    }
  }
  transfer.prolongator = assemble_restriction(fine_matrix, fine, coarsening.prolongator, numbering);
  return transfer;
}

MatHandle galerkin_on_lines(Mat fine_matrix, const LineStructure& fine,
                            const FootprintCoarsening& coarsening, const LineTransfer& transfer) {
  MPI_Comm comm = comm_of(fine_matrix);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const CoarseNumbering& numbering = transfer.numbering;
  const CsrMatrix& p2 = coarsening.prolongator;
  const CsrMatrix p2_transposed = transpose(p2);
  const LocalBlocks blocks = local_blocks(fine_matrix);
  ColumnPlaces places;
  places.off_footprint = off_block_values(fine_matrix, blocks, fine.footprint_node);
  places.off_slot = off_block_values(fine_matrix, blocks, fine.slot);
  const SeqRows diagonal(blocks.diagonal);
  std::unique_ptr<SeqRows> off;
  if (blocks.off_diagonal) off = std::make_unique<SeqRows>(blocks.off_diagonal);
  const int reach = slot_reach(fine, diagonal, off.get(), places, comm);

  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  CoarseRows coarse(numbering, rank, ranks,
                    owned_entry_bounds(coarsening.coarse_operator, numbering, reach, rank));

  const RowsByLine lines = rows_by_line(fine);
  CoarseLineProduct product(fine.footprint_node_count, p2.column_count, numbering.slot_span, reach);
  const int width = product.width();
  // Stage 1 for the entries of one fine row: column (j, t) of row slot s lands at offset
  // t - s of line j's band. A row's columns come in runs on one line (three per
  // neighbouring line on an extruded mesh), so the band is looked up once per run.
  struct RowRestriction {
    CoarseLineProduct& product;
    std::ptrdiff_t offset;  // of (row slot s, column slot 0) in a band: s * width + reach - s
    double weight;
    std::int32_t line = -1;
    double* band = nullptr;
    void add(std::int32_t column_line, std::int32_t column_slot, double value) {
      if (column_line != line) {
        line = column_line;
        band = product.restricted_band(column_line);
      }
      band[offset + column_slot] += weight * value;
    }
  };
  // Coarse lines by their first row, so that the owned rows come in ascending order.
  std::vector<std::int32_t> coarse_lines(static_cast<std::size_t>(p2.column_count));
  std::iota(coarse_lines.begin(), coarse_lines.end(), 0);
  std::sort(coarse_lines.begin(), coarse_lines.end(), [&](std::int32_t x, std::int32_t y) {
    return numbering.line_first[x] < numbering.line_first[y];
  });
  for (const std::int32_t coarse_line : coarse_lines) {
    for (std::int32_t k = p2_transposed.row_start[coarse_line];
         k < p2_transposed.row_start[coarse_line + 1]; ++k) {
      const std::int32_t line = p2_transposed.column[k];
      const double weight = p2_transposed.value[k];
      for (std::int32_t position = lines.start[line]; position < lines.start[line + 1];
           ++position) {
        const std::int32_t row = lines.rows[position];
        const std::int32_t row_slot = fine.slot[row];
        product.use_row(row_slot);
        RowRestriction restriction{
            product, static_cast<std::ptrdiff_t>(row_slot) * width + reach - row_slot, weight};
        for (PetscInt e = diagonal.begin(row); e < diagonal.end(row); ++e) {
          const PetscInt column = diagonal.column(e);
          restriction.add(fine.footprint_node[column], fine.slot[column], diagonal.value(e));
        }
        if (!off) continue;
        for (PetscInt e = off->begin(row); e < off->end(row); ++e) {
          const PetscInt column = off->column(e);
          restriction.add(places.off_footprint[column], places.off_slot[column], off->value(e));
        }
      }
    }
    product.finish(coarse_line, p2, numbering, coarse);
  }
  return coarse.make_matrix(comm);
}

}  // namespace tsvfield::solver
