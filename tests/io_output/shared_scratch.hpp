#pragma once
// Test helpers for MPI tests of the writers: this process's rank and a scratch folder
// shared by all ranks.
#include <mpi.h>

#include <filesystem>
#include <string>

namespace tsvfield::testing {

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

// A folder "<cwd>/scratch_mpi_<name>" shared by the ranks: rank 0 empties it, the
// others wait. Kept afterwards so a failing test's files can be inspected.
inline std::filesystem::path shared_scratch(const std::string& name) {
  const auto path = std::filesystem::current_path() / ("scratch_mpi_" + name);
  if (world_rank() == 0) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

}  // namespace tsvfield::testing
