#pragma once
// Read access to the rank-local parts of an assembled AIJ matrix (the diagonal block,
// the off-diagonal block and its global columns), for code that works on matrix
// entries directly: the column multigrid's couplings and level transfer.
#include <petscmat.h>

#include <cstdint>
#include <vector>

namespace tsvfield::solver {

MPI_Comm comm_of(Mat a);

// The local diagonal block, the off-diagonal block (null on one rank: a SeqAIJ
// matrix is its own diagonal block) and the global columns of the latter.
struct LocalBlocks {
  Mat diagonal = nullptr;
  Mat off_diagonal = nullptr;
  const PetscInt* off_columns = nullptr;
  PetscInt off_column_count = 0;
};

LocalBlocks local_blocks(Mat a);

// Compressed rows of a SeqAIJ block, for the lifetime of the object.
class SeqRows {
 public:
  explicit SeqRows(Mat block);
  ~SeqRows();
  SeqRows(const SeqRows&) = delete;
  SeqRows& operator=(const SeqRows&) = delete;
  PetscInt begin(PetscInt row) const { return start_[row]; }
  PetscInt end(PetscInt row) const { return start_[row + 1]; }
  PetscInt column(PetscInt k) const { return column_[k]; }
  double value(PetscInt k) const { return value_[k]; }

 private:
  Mat block_;
  PetscInt rows_ = 0;
  const PetscInt* start_ = nullptr;
  const PetscInt* column_ = nullptr;
  const PetscScalar* value_ = nullptr;
};

// For every column of the off-diagonal block, the value that its owner holds in
// `owned_values` (one integer per owned row of `a`). Collective.
std::vector<std::int32_t> off_block_values(Mat a, const LocalBlocks& blocks,
                                           const std::vector<std::int32_t>& owned_values);

}  // namespace tsvfield::solver
