// Signal-integrity sweep benchmark: the time of an n-point frequency sweep of the
// 3 x 3 TSV array (cases/tsv_3x3.yaml: 4 signals, 5 grounds, three line sections)
// for n = 10, 25, 50, 100, split into cross-section solves (MQS and EQS) and the
// rest (meshing the cross-sections, MTL chain and S-matrices), with the time per
// frequency, so how the cost grows with the number of frequencies shows. Run with
// mpiexec -n 1 and -n 2 (frequencies are spread over the ranks). Prints figures;
// not a test.
//
//   mpiexec -n 2 bench_si                      # from the repository root
//   mpiexec -n 2 bench_si path/to/case.yaml 100 # one case, one sweep size
#include <mpi.h>
#include <petscsys.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/case_reader.hpp"
#include "mesh/mesh_statistics.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/signal_integrity.hpp"

namespace {

using namespace tsvfield;

struct SweepTiming {
  int points = 0;
  double total_s = 0, impedance_s = 0, admittance_s = 0;
  int unknowns = 0, max_mqs_iterations = 0, max_eqs_iterations = 0;
};

SweepTiming time_sweep(const io::Case& the_case, const mesh::StackGeometry& geometry, int points,
                       MPI_Comm comm) {
  physics::SignalIntegritySpec spec = *the_case.signal_integrity;
  spec.sweep.points = points;
  spec.report_frequencies_Hz.clear();
  MPI_Barrier(comm);
  double start = MPI_Wtime();
  auto results = physics::run_signal_integrity(geometry, the_case.mesh, nullptr, the_case.materials,
                                               spec, comm);
  SweepTiming timing;
  timing.points = points;
  timing.total_s = MPI_Wtime() - start;
  for (const auto& section : results.sections) {
    timing.impedance_s += section.impedance_stats.seconds;
    timing.admittance_s += section.admittance_stats.seconds;
    timing.unknowns = std::max(timing.unknowns, section.impedance_stats.unknowns);
    timing.max_mqs_iterations =
        std::max(timing.max_mqs_iterations, section.impedance_stats.max_iterations);
    timing.max_eqs_iterations =
        std::max(timing.max_eqs_iterations, section.admittance_stats.max_iterations);
  }
  return timing;
}

}  // namespace

int main(int argc, char** argv) {
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
  int status = 0;
  try {
    MPI_Comm comm = PETSC_COMM_WORLD;
    int rank = 0, ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    std::string case_file = argc > 1 ? argv[1] : "cases/tsv_3x3.yaml";
    std::vector<int> sizes = {10, 25, 50, 100};
    if (argc > 2) sizes = {std::atoi(argv[2])};

    io::Case the_case = io::read_case_file(case_file);
    if (!the_case.signal_integrity)
      throw std::runtime_error(case_file + " has no signal_integrity");
    mesh::StackGeometry geometry = mesh::build_stack_geometry(the_case.stack);
    if (rank == 0) {
      std::printf("bench_si: %s, %d rank(s)\n", case_file.c_str(), ranks);
      std::printf("%8s %10s %10s %10s %10s %12s %10s %8s %8s\n", "points", "total_s", "mqs_s",
                  "eqs_s", "other_s", "s/frequency", "unknowns", "mqs_its", "eqs_its");
    }
    for (int points : sizes) {
      SweepTiming timing = time_sweep(the_case, geometry, points, comm);
      if (rank == 0) {
        double other = timing.total_s - timing.impedance_s - timing.admittance_s;
        std::printf("%8d %10.2f %10.2f %10.2f %10.2f %12.4f %10d %8d %8d\n", timing.points,
                    timing.total_s, timing.impedance_s, timing.admittance_s, other,
                    timing.total_s / timing.points, timing.unknowns, timing.max_mqs_iterations,
                    timing.max_eqs_iterations);
      }
    }
    double peak = tsvfield::mesh::peak_resident_bytes();
    if (rank == 0) std::printf("peak memory (rank 0): %.1f MB\n", peak / 1e6);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_si: %s\n", error.what());
    status = 1;
  }
  PetscFinalize();
  return status;
}
