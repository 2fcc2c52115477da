#include "physics/frequency_sweep.hpp"

#include <algorithm>
#include <climits>
#include <exception>

#include "mesh/input_error.hpp"

namespace tsvfield::physics {

std::vector<std::size_t> local_frequencies(std::size_t count, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<std::size_t> indices;
  for (std::size_t f = static_cast<std::size_t>(rank); f < count;
       f += static_cast<std::size_t>(size))
    indices.push_back(f);
  return indices;
}

void gather_by_sum(std::vector<double>& values, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                comm);
}

namespace {

// A failure on one rank, to be thrown on every rank.
struct LocalFailure {
  bool input_error = false;  // InputError (bad option), else SolverError
  std::string message;       // empty: no failure
};

void rethrow_collectively(const LocalFailure& failure, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int first = failure.message.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return;
  int header[2] = {static_cast<int>(failure.message.size()), failure.input_error ? 1 : 0};
  MPI_Bcast(header, 2, MPI_INT, first, comm);
  std::string message = failure.message;
  message.resize(static_cast<std::size_t>(header[0]));
  MPI_Bcast(message.data(), header[0], MPI_CHAR, first, comm);
  if (header[1]) throw InputError(SourceRef{}, message);
  throw SolverError(message);
}

}  // namespace

void run_collectively(MPI_Comm comm, const std::function<void()>& work,
                      const std::string& fallback_message) {
  LocalFailure failure;
  bool failed = false;
  try {
    work();
  } catch (const InputError& error) {
    failure = {true, error.what()};
    failed = true;
  } catch (const std::exception& error) {
    failure = {false, error.what()};
    failed = true;
  }
  if (failed && failure.message.empty()) failure.message = fallback_message;
  rethrow_collectively(failure, comm);
}

void IterationCounter::add(int iterations) {
  max_iterations = std::max(max_iterations, iterations);
  min_iterations = min_iterations < 0 ? iterations : std::min(min_iterations, iterations);
}

SectionSolveStats gather_stats(const IterationCounter& counter, int unknowns, double start_seconds,
                               MPI_Comm comm) {
  SectionSolveStats stats;
  int local_min = counter.min_iterations < 0 ? INT_MAX : counter.min_iterations;
  MPI_Allreduce(&counter.max_iterations, &stats.max_iterations, 1, MPI_INT, MPI_MAX, comm);
  MPI_Allreduce(&local_min, &stats.min_iterations, 1, MPI_INT, MPI_MIN, comm);
  if (stats.min_iterations == INT_MAX) stats.min_iterations = 0;
  MPI_Allreduce(&unknowns, &stats.unknowns, 1, MPI_INT, MPI_MAX, comm);
  double seconds = MPI_Wtime() - start_seconds;
  MPI_Allreduce(&seconds, &stats.seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
  return stats;
}

}  // namespace tsvfield::physics
