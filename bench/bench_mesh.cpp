// Mesh generator benchmark: hexahedra generated per second per rank and bytes per cell
// (peak resident set size / local cells) for a synthetic HBM-like stack (a base die and
// 8 core dies with an n x n TSV array each, microbumps between them) sized to about 1
// and 10 million hexahedra. Run with mpiexec -n 1 and -n 2. Prints figures; not a test.
//
//   mpiexec -n 2 bench_mesh            # both sizes
//   mpiexec -n 2 bench_mesh 1e6        # one size (target cell count)
#include <mpi.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mesh/extrude.hpp"
#include "mesh/mesh_statistics.hpp"

namespace {

using namespace tsvfield::mesh;

constexpr double kMicron = 1e-6;
constexpr int kCoreDies = 8;
// Hexahedra per TSV site of the stack below at the default controls (measured once by
// this program; only used to choose the array size for a target cell count).
constexpr double kCellsPerTsv = 5700;

LayerSpec layer(const std::string& name, double thickness_um, const std::string& material) {
  LayerSpec spec;
  spec.name = name;
  spec.thickness = thickness_um * kMicron;
  spec.material = material;
  return spec;
}

ArrayLayout square_array(int count, double pitch_um, double origin_um) {
  ArrayLayout layout;
  layout.count_x = layout.count_y = count;
  layout.pitch_x = layout.pitch_y = pitch_um * kMicron;
  layout.origin_x = layout.origin_y = origin_um * kMicron;
  return layout;
}

TsvArraySpec tsvs(int count, const std::string& beol) {
  TsvArraySpec spec;
  spec.name = "tsv";
  spec.diameter = 6 * kMicron;
  spec.liner_thickness = 0.5 * kMicron;
  spec.layout = square_array(count, 40, 100);
  spec.extends_through = {beol};
  return spec;
}

StackSpec hbm_like_stack(int count) {
  StackSpec stack;
  double side = (40.0 * (count - 1) + 200) * kMicron;
  stack.footprint = Rect{0, 0, side, side};
  LayerSpec base = layer("base", 60, "silicon");
  base.tsv_arrays.push_back(tsvs(count, "base_beol"));
  stack.items.push_back(base);
  stack.items.push_back(layer("base_beol", 5, "sio2"));
  for (int die = 1; die <= kCoreDies; ++die) {
    std::string suffix = std::to_string(die);
    LayerSpec bond = layer("bond_" + suffix, 20, "underfill");
    BumpArraySpec bumps;
    bumps.name = "ubump";
    bumps.diameter = 20 * kMicron;
    bumps.layout = square_array(count, 40, 100);
    bond.bump_arrays.push_back(bumps);
    stack.items.push_back(bond);
    LayerSpec core = layer("core_" + suffix, 50, "silicon");
    if (die < kCoreDies) core.tsv_arrays.push_back(tsvs(count, "core_" + suffix + "_beol"));
    stack.items.push_back(core);
    stack.items.push_back(layer("core_" + suffix + "_beol", 5, "sio2"));
  }
  return stack;
}

// CPU seconds (user + system) used by this process so far: on a shared machine the
// wall-clock rate mostly measures the other jobs.
double cpu_seconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + 1e-6 * usage.ru_utime.tv_usec + usage.ru_stime.tv_sec +
         1e-6 * usage.ru_stime.tv_usec;
}

void run(double target_cells, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int count = std::max(1, static_cast<int>(std::lround(std::sqrt(target_cells / kCellsPerTsv))));
  StackSpec spec = hbm_like_stack(count);
  MPI_Barrier(comm);
  double cpu_start = cpu_seconds();
  GeneratedMesh generated = generate_mesh(spec, MeshControls{}, MeshOptions{}, comm);
  double cpu_rate = generated.mesh.local_cell_count() / (cpu_seconds() - cpu_start);
  double min_cpu_rate = 0;
  MPI_Allreduce(&cpu_rate, &min_cpu_rate, 1, MPI_DOUBLE, MPI_MIN, comm);
  MeshStatistics statistics = compute_mesh_statistics(generated, comm);
  double local_cells = static_cast<double>(generated.mesh.local_cell_count());
  double rate = local_cells / generated.timings.total;
  double extrude_rate = local_cells / (generated.timings.extrude + generated.timings.numbering);
  double bytes_per_cell = peak_resident_bytes() / std::max(1.0, local_cells);
  double min_rate = 0, min_extrude_rate = 0, max_bytes = 0;
  MPI_Allreduce(&rate, &min_rate, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&extrude_rate, &min_extrude_rate, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&bytes_per_cell, &max_bytes, 1, MPI_DOUBLE, MPI_MAX, comm);
  if (rank == 0) {
    std::printf("== %d x %d TSVs per die, %d core dies, %d rank(s)\n", count, count, kCoreDies,
                size);
    std::fputs(format_mesh_statistics(statistics).c_str(), stdout);
    std::printf(
        "hexahedra per second per rank: %.3g (whole generator, slowest rank), "
        "%.3g (extrusion + numbering only)\n",
        min_rate, min_extrude_rate);
    std::printf("hexahedra per CPU second per rank: %.3g (whole generator, slowest rank)\n",
                min_cpu_rate);
    std::printf("bytes per local cell (peak RSS / local cells, max over ranks): %.0f\n\n",
                max_bytes);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  std::vector<double> targets;
  for (int a = 1; a < argc; ++a) targets.push_back(std::atof(argv[a]));
  if (targets.empty()) targets = {1e6, 1e7};
  for (double target : targets) run(target, MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
