#include "solver/aij_blocks.hpp"

#include <stdexcept>

#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

MPI_Comm comm_of(Mat a) {
  MPI_Comm comm = MPI_COMM_NULL;
  TSV_CHECK(PetscObjectGetComm(reinterpret_cast<PetscObject>(a), &comm));
  return comm;
}

LocalBlocks local_blocks(Mat a) {
  LocalBlocks blocks;
  PetscBool mpi = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(a), MATMPIAIJ, &mpi));
  if (mpi) {
    TSV_CHECK(MatMPIAIJGetSeqAIJ(a, &blocks.diagonal, &blocks.off_diagonal, &blocks.off_columns));
    TSV_CHECK(MatGetSize(blocks.off_diagonal, nullptr, &blocks.off_column_count));
  } else {
    blocks.diagonal = a;
  }
  return blocks;
}

SeqRows::SeqRows(Mat block) : block_(block) {
  PetscBool done = PETSC_FALSE;
  TSV_CHECK(MatGetRowIJ(block_, 0, PETSC_FALSE, PETSC_FALSE, &rows_, &start_, &column_, &done));
  if (!done) throw std::runtime_error("SeqRows: MatGetRowIJ is not available for this matrix");
  TSV_CHECK(MatSeqAIJGetArrayRead(block_, &value_));
}

SeqRows::~SeqRows() {
  MatSeqAIJRestoreArrayRead(block_, &value_);
  PetscBool done = PETSC_FALSE;
  MatRestoreRowIJ(block_, 0, PETSC_FALSE, PETSC_FALSE, &rows_, &start_, &column_, &done);
}

std::vector<std::int32_t> off_block_values(Mat a, const LocalBlocks& blocks,
                                           const std::vector<std::int32_t>& owned_values) {
  if (!blocks.off_diagonal) return {};
  const PetscInt off_count = blocks.off_column_count;
  VecHandle owned, gathered;
  TSV_CHECK(MatCreateVecs(a, nullptr, owned.out()));
  {
    VecArray values(owned);
    for (std::size_t i = 0; i < owned_values.size(); ++i) values[i] = owned_values[i];
  }
  TSV_CHECK(VecCreateSeq(PETSC_COMM_SELF, off_count, gathered.out()));
  IsHandle from;
  TSV_CHECK(ISCreateGeneral(PETSC_COMM_SELF, off_count, blocks.off_columns, PETSC_USE_POINTER,
                            from.out()));
  VecScatterHandle scatter;
  TSV_CHECK(VecScatterCreate(owned, from, gathered, nullptr, scatter.out()));
  TSV_CHECK(VecScatterBegin(scatter, owned, gathered, INSERT_VALUES, SCATTER_FORWARD));
  TSV_CHECK(VecScatterEnd(scatter, owned, gathered, INSERT_VALUES, SCATTER_FORWARD));
  std::vector<std::int32_t> result(static_cast<std::size_t>(off_count));
  ConstVecArray values(gathered);
  for (PetscInt k = 0; k < off_count; ++k) result[k] = static_cast<std::int32_t>(values[k]);
  return result;
}

}  // namespace tsvfield::solver
