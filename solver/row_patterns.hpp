#pragma once
// The column pattern of a CSR block stored once per distinct pattern instead of once
// per row. On an extruded mesh whose lines are numbered bottom to top, the rows of a
// line couple to the same neighbour lines at the same relative places, so a row's
// columns minus its own index repeat along the line until a layer interface or the
// line's end changes them: the fine thermal matrix of the benchmark stack has about
// three such runs per line (44,000 distinct patterns per rank for 4 M rows), where
// the CSR column array holds 27 indices per row. Reading a pattern that stays in cache
// instead of the column array takes a third off the memory traffic of a pass over an
// assembled 27-point matrix (8 bytes per entry instead of 12): CG's product got 23 %
// faster, the line sweeps less (they wait on their gathers and sums as much as on the
// stream; docs/architecture.md).
#include <petscsys.h>

#include <cstdint>
#include <vector>

namespace tsvfield::solver {

class SeqRows;

struct RowPatterns {
  std::vector<std::int32_t> pattern_of_row;  // per row
  std::vector<std::int32_t> pattern_start;   // per pattern + 1, into `offsets`
  std::vector<std::int32_t> offsets;         // column - row, per entry of each pattern

  // The relative columns of `row`: entry begin(row) + e of the block has column
  // row + relative_columns(row)[e].
  const std::int32_t* relative_columns(PetscInt row) const {
    return offsets.data() +
           pattern_start[static_cast<std::size_t>(pattern_of_row[static_cast<std::size_t>(row)])];
  }
  std::size_t pattern_count() const { return pattern_start.empty() ? 0 : pattern_start.size() - 1; }
};

// The patterns of every row of `block` (equal patterns shared, wherever the rows are).
// Throws std::invalid_argument when a column lies more than 2^31 - 1 from its row (only
// possible with 64-bit PetscInt).
RowPatterns row_patterns(const SeqRows& block);

// sum_e values[e] x[index[e]] for e < count, with four partial sums so the additions
// do not wait on each other (a 27-point row is latency bound otherwise). The one
// kernel of a row's product, whether its columns come from a CSR column array or from
// a shared pattern: both give the same bits.
template <typename Index>
inline double gathered_dot(const PetscScalar* values, const Index* index, PetscInt count,
                           const PetscScalar* x) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  PetscInt e = 0;
  for (; e + 4 <= count; e += 4) {
    s0 += PetscRealPart(values[e] * x[index[e]]);
    s1 += PetscRealPart(values[e + 1] * x[index[e + 1]]);
    s2 += PetscRealPart(values[e + 2] * x[index[e + 2]]);
    s3 += PetscRealPart(values[e + 3] * x[index[e + 3]]);
  }
  for (; e < count; ++e) s0 += PetscRealPart(values[e] * x[index[e]]);
  return (s0 + s1) + (s2 + s3);
}

// A row's product with x through its relative columns: x_at_row points at x[row]
// (relative columns may be negative).
inline double relative_row_dot(const PetscScalar* values, const std::int32_t* relative,
                               PetscInt count, const PetscScalar* x_at_row) {
  return gathered_dot(values, relative, count, x_at_row);
}

}  // namespace tsvfield::solver
