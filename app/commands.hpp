#pragma once
// The driver's commands. Each runs on every rank of `comm` and returns normally on
// success; bad input is thrown as tsvfield::InputError, non-convergence as
// tsvfield::SolverError. run_command() maps them onto exit codes.
#include <mpi.h>

#include "app/cli.hpp"

namespace tsvfield::app {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNotConverged = 3;

int run_command(const CommandLine& line, MPI_Comm comm);

void check_command(const CommandLine& line, MPI_Comm comm);
void mesh_command(const CommandLine& line, MPI_Comm comm);
void run_analyses_command(const CommandLine& line, MPI_Comm comm);
void materials_command(MPI_Comm comm);

// Whether this is rank 0 of comm: the rank that prints and writes shared files.
inline bool is_root(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank == 0;
}

}  // namespace tsvfield::app
