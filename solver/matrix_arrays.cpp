// AIJ matrices on the program's own CSR arrays: see matrix_arrays.hpp.
#include "solver/matrix_arrays.hpp"

#include <mpi.h>

namespace tsvfield::solver {
namespace {

PetscErrorCode destroy_matrix_arrays(void* arrays) {
  delete static_cast<MatrixArrays*>(arrays);
  return 0;
}

using ContainerHandle = Handle<PetscContainer, PetscContainerDestroy>;

template <typename T>
std::vector<T> exchange(std::vector<std::vector<T>> outgoing, MPI_Datatype type, MPI_Comm comm) {
  const auto ranks = outgoing.size();
  std::vector<int> send_counts(ranks), receive_counts(ranks);
  std::vector<int> send_offsets(ranks + 1, 0), receive_offsets(ranks + 1, 0);
  for (std::size_t r = 0; r < ranks; ++r) send_counts[r] = static_cast<int>(outgoing[r].size());
  if (MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, comm) !=
      MPI_SUCCESS)
    throw PetscError("exchange_all_to_all: MPI_Alltoall failed");
  std::vector<T> send_buffer;
  for (std::size_t r = 0; r < ranks; ++r) {
    send_offsets[r + 1] = send_offsets[r] + send_counts[r];
    receive_offsets[r + 1] = receive_offsets[r] + receive_counts[r];
    send_buffer.insert(send_buffer.end(), outgoing[r].begin(), outgoing[r].end());
  }
  outgoing.clear();
  std::vector<T> receive_buffer(static_cast<std::size_t>(receive_offsets.back()));
  if (MPI_Alltoallv(send_buffer.data(), send_counts.data(), send_offsets.data(), type,
                    receive_buffer.data(), receive_counts.data(), receive_offsets.data(), type,
                    comm) != MPI_SUCCESS)
    throw PetscError("exchange_all_to_all: MPI_Alltoallv failed");
  return receive_buffer;
}

}  // namespace

std::vector<PetscInt> exchange_all_to_all(std::vector<std::vector<PetscInt>> outgoing,
                                          MPI_Comm comm) {
  return exchange(std::move(outgoing), MPIU_INT, comm);
}

std::vector<PetscScalar> exchange_all_to_all(std::vector<std::vector<PetscScalar>> outgoing,
                                             MPI_Comm comm) {
  return exchange(std::move(outgoing), MPIU_SCALAR, comm);
}

MatHandle matrix_on_arrays(std::unique_ptr<MatrixArrays> arrays, PetscInt owned, PetscInt global,
                           MPI_Comm comm) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  MatHandle matrix;
  if (ranks == 1) {
    TSV_CHECK(MatCreateSeqAIJWithArrays(comm, owned, owned, arrays->diag_start.data(),
                                        arrays->diag_columns.data(), arrays->diag_values.data(),
                                        matrix.out()));
  } else {
    TSV_CHECK(MatCreateMPIAIJWithSplitArrays(
        comm, owned, owned, global, global, arrays->diag_start.data(), arrays->diag_columns.data(),
        arrays->diag_values.data(), arrays->off_start.data(), arrays->off_columns.data(),
        arrays->off_values.data(), matrix.out()));
  }
  ContainerHandle container;
  TSV_CHECK(PetscContainerCreate(PETSC_COMM_SELF, container.out()));
  TSV_CHECK(PetscContainerSetPointer(container, arrays.get()));
  TSV_CHECK(PetscContainerSetUserDestroy(container, destroy_matrix_arrays));
  arrays.release();  // the container owns them now
  TSV_CHECK(PetscObjectCompose(reinterpret_cast<PetscObject>(matrix.get()),
                               "tsvfield_matrix_arrays",
                               reinterpret_cast<PetscObject>(container.get())));
  TSV_CHECK(MatSetOption(matrix, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return matrix;
}

}  // namespace tsvfield::solver
