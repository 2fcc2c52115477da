#pragma once
// Spreading the independent frequencies of a cross-section sweep over the ranks of a
// communicator (round robin; each rank solves its share on PETSC_COMM_SELF),
// gathering the results, and agreeing on failures, so that every rank returns the
// same sweep or throws the same error whatever the rank count.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "physics/per_unit_length.hpp"

namespace tsvfield::physics {

// The indices of the `count` frequencies this rank solves: rank, rank + size, ...
std::vector<std::size_t> local_frequencies(std::size_t count, MPI_Comm comm);

// Sums `values` over the ranks in place. Each entry is written by the one rank that
// solved its frequency and left 0 by the others, so the sum is that rank's value.
void gather_by_sum(std::vector<double>& values, MPI_Comm comm);

// Runs `work`; if it throws on any rank, every rank throws the first failing rank's
// error: an InputError (a bad option) stays an InputError, anything else becomes a
// SolverError (`fallback_message` when the error has no message). Collective.
void run_collectively(MPI_Comm comm, const std::function<void()>& work,
                      const std::string& fallback_message);

// Krylov iteration counts of one rank's solves.
struct IterationCounter {
  int max_iterations = 0;
  int min_iterations = -1;  // -1: no solve yet
  void add(int iterations);
};

// The sweep's statistics on every rank: iteration range over all ranks, the largest
// `unknowns`, and the wall time since `start_seconds` (MPI_Wtime) of the slowest rank.
SectionSolveStats gather_stats(const IterationCounter& counter, int unknowns, double start_seconds,
                               MPI_Comm comm);

}  // namespace tsvfield::physics
