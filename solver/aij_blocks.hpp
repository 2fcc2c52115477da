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

// Compressed rows of a SeqAIJ block (the diagonal or off-diagonal block of an
// MPIAIJ matrix, or a whole SeqAIJ matrix), borrowed for the object's lifetime: for
// SeqAIJ these are the matrix's own arrays, so borrowing them per sweep costs nothing.
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
  PetscInt rows() const { return rows_; }
  const PetscInt* row_start() const { return start_; }
  const PetscInt* columns() const { return column_; }
  const PetscScalar* values() const { return value_; }

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
