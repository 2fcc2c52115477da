#include "app/commands.hpp"

#include <cstdio>
#include <exception>
#include <string>

#include "mesh/input_error.hpp"

namespace tsvfield::app {
namespace {

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

// Reading and validating a case is done by every rank alike, so bad input throws on
// every rank and each can return the exit code. A failure on some ranks only (a solver,
// a file system error on one node) would leave the others waiting in a collective call:
// then the job is aborted with the exit code, which mpiexec passes on.
int fail(MPI_Comm comm, int exit_code, const char* kind, const std::exception& error,
         bool raised_on_every_rank) {
  if (raised_on_every_rank) {
    if (rank_of(comm) == 0) std::fprintf(stderr, "%s: %s\n", kind, error.what());
    return exit_code;
  }
  std::fprintf(stderr, "%s (rank %d): %s\n", kind, rank_of(comm), error.what());
  std::fflush(stderr);
  if (size_of(comm) > 1) MPI_Abort(comm, exit_code);
  return exit_code;
}

}  // namespace

int run_command(const CommandLine& line, MPI_Comm comm) {
  try {
    switch (line.command) {
      case Command::check:
        check_command(line, comm);
        break;
      case Command::mesh:
        mesh_command(line, comm);
        break;
      case Command::run:
        run_analyses_command(line, comm);
        break;
      case Command::materials:
        materials_command(comm);
        break;
      case Command::none:
        return kExitBadInput;
    }
  } catch (const InputError& error) {
    return fail(comm, kExitBadInput, "error", error, true);
  } catch (const SolverError& error) {
    return fail(comm, kExitNotConverged, "solver failed", error, false);
  } catch (const std::exception& error) {
    return fail(comm, kExitInternal, "internal error", error, false);
  }
  return kExitSuccess;
}

}  // namespace tsvfield::app
