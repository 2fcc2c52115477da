// Thermal solver benchmark (issue 4): the steady linear thermal solve (CG + the
// column multigrid, nonlinear k(T) off) of a synthetic HBM-like stack built in code (a base
// die and 8 core dies with an n x n TSV array each, underfill bond layers with copper
// microbumps, a TIM and a copper lid; power in the dies, convection on the top),
// sized to about 1 and 8 million unknowns. Prints ranks, unknowns, cells, time per
// phase, CG iterations, peak memory per unknown and unknowns per second end to end,
// next to the targets (which are printed, not asserted). Not a test.
//
//   mpiexec -n 2 bench_thermal               # both sizes
//   mpiexec -n 2 bench_thermal 1e6           # one size (target unknowns)
//   mpiexec -n 2 bench_thermal 1.25e5 1e6    # iteration growth over 8x, on a small scale
//   mpiexec -n 2 bench_thermal 1e6 -log_view # + PETSc stages (mesh, assembly, setup, ...)
//   mpiexec -n 2 bench_thermal 1e6 -bench_parallel_only -log_view   # without the 1-rank run
//
// On more than one rank each size is then run again on rank 0 alone, and the
// speed-up printed (1 against 2 ranks).
//
// Any argument after the size is a PETSc option (e.g. -thermal_ksp_monitor).
//
// Comparing solver settings: the host's speed drifts by up to two times within an hour
// on the development VM, so separate runs cannot tell a 5 % change. With
// -bench_variants K, each size's system is then solved again, K settings in turn,
// -bench_rounds N times (3), in the same process: variant k takes the options
// -variant<k>_... (e.g. -variant2_mg_coarse_pc_hypre_boomeramg_relax_type_all Chebyshev;
// variant 1 with none is the default), each with its own preconditioner setup, and the
// setup and solve times, iterations and options of each are printed. The phases above
// them leave those solves out.
//
//   mpiexec -n 2 bench_thermal 2e6 -bench_variants 2 -variant2_column_mg_drop_tolerance 0.05
#include <mpi.h>
#include <petscsys.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "mesh/extrude.hpp"
#include "mesh/mesh_statistics.hpp"
#include "physics/material_data.hpp"
#include "physics/thermal_solver.hpp"
#include "solver/huge_page_heap.hpp"
#include "solver/matrix_arrays.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"

namespace {

using namespace tsvfield;
using mesh::ArrayLayout;
using mesh::LayerKind;
using mesh::LayerSpec;
using mesh::StackSpec;

constexpr double kMicron = 1e-6;
constexpr int kCoreDies = 8;
constexpr double kTsvPitchUm = 40;
constexpr double kArrayMarginUm = 100;  // from the outline to the first TSV centre
// Unknowns (mesh nodes) per TSV site of the stack below at the default mesh controls,
// measured with this program (13 x 13 TSVs: 1.06M unknowns, 36 x 36: 7.59M; the
// margins make it fall slowly with size); only used to choose the array size.
constexpr double kUnknownsPerTsv = 5900;

// Figures the issue asks for (printed next to the measurements, not asserted).
constexpr double kTargetRate = 250000;       // unknowns/s end to end, 8M unknowns, 2 ranks
constexpr double kTargetBytes = 1024;        // peak bytes per unknown
constexpr int kTargetIterations = 30;        // CG iterations to 1e-8 relative residual
constexpr double kTargetGrowth = 0.20;       // iteration growth from 1M to 8M unknowns
constexpr double kRelativeTolerance = 1e-8;  // of the linear solve

// Heat: 20 W/cm^2 per die over the footprint; the lid is cooled by a heat sink of
// h = 2e4 W/(m^2 K) to 45 C. The values only set the temperature scale.
constexpr double kDiePowerDensity = 2e5;  // W/m^2 of footprint
constexpr double kSinkCoefficient = 2e4;  // W/(m^2 K)
constexpr double kAmbientK = 318.15;

LayerSpec layer(const std::string& name, LayerKind kind, double thickness_um,
                const std::string& material) {
  LayerSpec spec;
  spec.name = name;
  spec.kind = kind;
  spec.thickness = thickness_um * kMicron;
  spec.material = material;
  return spec;
}

ArrayLayout square_array(int count) {
  ArrayLayout layout;
  layout.count_x = layout.count_y = count;
  layout.pitch_x = layout.pitch_y = kTsvPitchUm * kMicron;
  layout.origin_x = layout.origin_y = kArrayMarginUm * kMicron;
  return layout;
}

mesh::TsvArraySpec tsvs(int count, const std::string& beol) {
  mesh::TsvArraySpec spec;
  spec.name = "tsv";
  spec.diameter = 6 * kMicron;
  spec.liner_thickness = 0.5 * kMicron;
  spec.layout = square_array(count);
  spec.extends_through = {beol};
  return spec;
}

mesh::BumpArraySpec copper_bumps(int count) {
  mesh::BumpArraySpec bumps;
  bumps.name = "ubump";
  bumps.diameter = 20 * kMicron;
  bumps.material = "copper";
  bumps.layout = square_array(count);
  return bumps;
}

// Names of the layers that carry power.
std::vector<std::string> die_names() {
  std::vector<std::string> names = {"base"};
  for (int die = 1; die <= kCoreDies; ++die) names.push_back("core_" + std::to_string(die));
  return names;
}

StackSpec hbm_like_stack(int count) {
  StackSpec stack;
  const double side = (kTsvPitchUm * (count - 1) + 2 * kArrayMarginUm) * kMicron;
  stack.footprint = mesh::Rect{0, 0, side, side};
  LayerSpec base = layer("base", LayerKind::die, 60, "silicon");
  base.tsv_arrays.push_back(tsvs(count, "base_beol"));
  stack.items.push_back(base);
  stack.items.push_back(layer("base_beol", LayerKind::beol, 5, "sio2"));
  for (int die = 1; die <= kCoreDies; ++die) {
    const std::string suffix = std::to_string(die);
    LayerSpec bond = layer("bond_" + suffix, LayerKind::bond, 20, "underfill");
    bond.bump_arrays.push_back(copper_bumps(count));
    stack.items.push_back(bond);
    LayerSpec core = layer("core_" + suffix, LayerKind::die, 50, "silicon");
    if (die < kCoreDies) core.tsv_arrays.push_back(tsvs(count, "core_" + suffix + "_beol"));
    stack.items.push_back(core);
    stack.items.push_back(layer("core_" + suffix + "_beol", LayerKind::beol, 5, "sio2"));
  }
  stack.items.push_back(layer("tim", LayerKind::tim, 25, "tim"));
  stack.items.push_back(layer("lid", LayerKind::lid, 200, "copper"));
  return stack;
}

physics::ThermalSpec thermal_spec(const StackSpec& stack) {
  physics::ThermalSpec spec;
  const double area = stack.footprint.width() * stack.footprint.height();
  for (const auto& name : die_names()) {
    physics::PowerSource source;
    source.layer = name;
    source.power = kDiePowerDensity * area;
    spec.power.push_back(source);
  }
  physics::ThermalBoundary sink;
  sink.surface = "top";
  sink.kind = physics::BoundaryKind::convection;
  sink.heat_transfer_coeff = kSinkCoefficient;
  sink.ambient_K = kAmbientK;
  spec.boundaries.push_back(sink);
  spec.analysis.type = physics::ThermalAnalysisType::steady;
  spec.analysis.nonlinear = physics::ThermalAnalysis::Nonlinear::off;
  spec.analysis.relative_tolerance = kRelativeTolerance;
  return spec;
}

// Layer outlines (the power sources are whole layers: no blocks).
physics::StackRegions stack_regions(const mesh::StackGeometry& geometry) {
  physics::StackRegions regions;
  for (const auto& instance : geometry.layers) regions[instance.name].outline = instance.outline;
  return regions;
}

// CPU seconds (user + system) of this process so far: on a shared machine the wall
// clock also measures the other jobs.
double cpu_seconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + 1e-6 * usage.ru_utime.tv_usec + usage.ru_stime.tv_sec +
         1e-6 * usage.ru_stime.tv_usec;
}

// Seconds spent so far in the PETSc log stage `name` on this rank (0 if it was never
// pushed). Stage times are exclusive: a nested stage's time is not its parent's.
double stage_seconds(const char* name) {
  PetscLogStage stage = -1;
  TSV_CHECK(PetscLogStageGetId(name, &stage));
  if (stage < 0) return 0;
  PetscStageLog log = nullptr;
  TSV_CHECK(PetscLogGetStageLog(&log));
  return log->stageInfo[stage].perfInfo.time;
}

// Physical memory not in use now (bytes).
double available_memory_bytes() {
  return static_cast<double>(sysconf(_SC_AVPHYS_PAGES)) *
         static_cast<double>(sysconf(_SC_PAGESIZE));
}

double max_over_ranks(double value, MPI_Comm comm) {
  double result = 0;
  MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, comm);
  return result;
}

// How fast this machine gives a process fresh memory: bytes per second of first touch
// of 64 MiB on huge pages (a PageArray, as the matrices use), on the slowest rank. Bare
// metal zeroes pages at several GB/s; a virtual machine whose host hands memory back
// lazily can be slower by ten times or more, and then the first touch of the run's
// resident memory, not the solver, decides much of the end-to-end time. 0 if the probe
// could not map its memory.
double fresh_memory_rate(MPI_Comm comm) {
  constexpr std::size_t kProbeBytes = std::size_t{64} << 20;
  double rate = 0;
  try {
    solver::PageArray<char> probe(kProbeBytes);
    const double start = MPI_Wtime();
    std::memset(probe.data(), 1, kProbeBytes);
    rate = static_cast<double>(kProbeBytes) / std::max(1e-9, MPI_Wtime() - start);
  } catch (const std::bad_alloc&) {
    rate = 0;
  }
  MPI_Allreduce(MPI_IN_PLACE, &rate, 1, MPI_DOUBLE, MPI_MIN, comm);
  return rate;
}

// The host's memory bandwidth now: the best of 5 STREAM-style triads a = b + s c over
// three 32 MiB arrays per rank, every rank at once, in bytes per second per rank (the
// slowest rank's). The solve streams its matrices (its line sweeps run well below this
// rate, docs/architecture.md), and on a shared virtual machine the rate changes by up
// to four times within an hour: printed before and after every run, it helps tell a
// slow host from a slow solver.
double memory_bandwidth(MPI_Comm comm) {
  constexpr std::size_t kLength = std::size_t{4} << 20;  // doubles per array
  std::vector<double> a(kLength, 0.0), b(kLength, 1.0), c(kLength, 2.0);
  double best = 1e30;
  for (int repetition = 0; repetition < 5; ++repetition) {
    MPI_Barrier(comm);
    const double start = MPI_Wtime();
    const double scale = 0.5 + repetition;
    for (std::size_t i = 0; i < kLength; ++i) a[i] = b[i] + scale * c[i];
    best = std::min(best, MPI_Wtime() - start);
  }
  // Read the result, so that the loops cannot be left out.
  double rate = a[kLength / 2] > 0 ? 3.0 * sizeof(double) * kLength / std::max(1e-9, best) : 0.0;
  MPI_Allreduce(MPI_IN_PLACE, &rate, 1, MPI_DOUBLE, MPI_MIN, comm);
  return rate;
}

// The host's memory latency now: nanoseconds per step of a pointer chase through one
// random cycle over 64 MiB per rank, every rank at once (the slowest rank's). The line
// sweeps gather their neighbours' values and wait on memory as much as they stream it;
// on this virtual machine, hours when the solve took 1.8 times as long showed the
// triad above at its usual rate.
double memory_latency(MPI_Comm comm) {
  constexpr std::uint32_t kEntries = std::uint32_t{16} << 20;  // 64 MiB of indices
  constexpr std::uint32_t kSteps = std::uint32_t{4} << 20;
  std::vector<std::uint32_t> next(kEntries);
  std::iota(next.begin(), next.end(), 0u);
  // Sattolo's shuffle: one cycle through every entry, so the chase never settles in cache.
  std::mt19937 random(12345);
  for (std::uint32_t i = kEntries - 1; i > 0; --i) {
    std::uniform_int_distribution<std::uint32_t> pick(0, i - 1);
    std::swap(next[i], next[pick(random)]);
  }
  MPI_Barrier(comm);
  const double start = MPI_Wtime();
  std::uint32_t at = 0;
  for (std::uint32_t step = 0; step < kSteps; ++step) at = next[at];
  double latency = (MPI_Wtime() - start) / kSteps * 1e9;
  if (at == kEntries) latency = 0;  // never true: keeps the chase from being left out
  MPI_Allreduce(MPI_IN_PLACE, &latency, 1, MPI_DOUBLE, MPI_MAX, comm);
  return latency;
}

constexpr unsigned kPauseAfterProbesSeconds = 5;

struct Measurement {
  int ranks = 1, tsv_count = 0;
  long long unknowns = 0, cells = 0;
  // Seconds, max over ranks per phase.
  double mesh = 0, assembly = 0, assembly_stage = 0, setup = 0, solve = 0, post = 0, thermal = 0,
         total = 0;
  double cpu_total = 0;  // CPU seconds of the slowest rank, mesh + thermal
  int iterations = 0;
  std::string reason;
  std::string preconditioner;
  double bytes_per_unknown = 0;  // max over ranks of peak RSS / owned unknowns
  double heat_balance_error = 0, t_max_K = 0;
  double bandwidth_before = 0, bandwidth_after = 0;  // memory_bandwidth, bytes/s per rank
  double latency_before = 0, latency_after = 0;      // memory_latency, ns
  struct Variant {
    std::string options;               // the -variant<k>_ options given
    std::vector<double> setup, solve;  // seconds per round, max over ranks
    std::vector<int> iterations;       // per round
  };
  std::vector<Variant> variants;  // -bench_variants
};

// The options given under `prefix` ("-variant2_..."), as one line.
std::string options_with_prefix(const std::string& prefix) {
  char* all = nullptr;
  TSV_CHECK(PetscOptionsGetAll(nullptr, &all));
  std::string listed;
  const std::string all_options = all ? all : "";
  TSV_CHECK(PetscFree(all));
  const std::string key = "-" + prefix;
  for (std::size_t at = all_options.find(key); at != std::string::npos;
       at = all_options.find(key, at + 1)) {
    if (at > 0 && all_options[at - 1] != ' ') continue;
    const std::size_t end = all_options.find(" -", at + 1);
    listed += (listed.empty() ? "" : " ") + all_options.substr(at, end - at);
  }
  while (!listed.empty() && listed.back() == ' ') listed.pop_back();
  return listed.empty() ? "(defaults)" : listed;
}

// Solves `system` again under each variant's options, `rounds` times in turn.
std::vector<Measurement::Variant> solve_variants(const physics::SteadyLinearSystem& system,
                                                 int variant_count, int rounds, MPI_Comm comm) {
  std::vector<Measurement::Variant> variants(static_cast<std::size_t>(variant_count));
  std::vector<std::string> prefixes;
  for (int k = 0; k < variant_count; ++k) {
    prefixes.push_back("variant" + std::to_string(k + 1) + "_");
    variants[static_cast<std::size_t>(k)].options = options_with_prefix(prefixes.back());
    solver::set_elliptic_defaults(prefixes.back(), true);
  }
  solver::VecHandle x;
  TSV_CHECK(VecDuplicate(system.rhs, x.out()));
  for (int round = 0; round < rounds; ++round) {
    for (int k = 0; k < variant_count; ++k) {
      const std::string& prefix = prefixes[static_cast<std::size_t>(k)];
      const bool column_mg = system.lines && solver::column_multigrid_wanted(*system.lines, prefix);
      TSV_CHECK(VecSet(x, 0.0));
      const solver::SolveStats stats = solver::solve_linear_system(
          system.matrix, system.rhs, x, prefix, system.relative_tolerance, true,
          column_mg ? system.lines : nullptr);
      Measurement::Variant& variant = variants[static_cast<std::size_t>(k)];
      variant.setup.push_back(max_over_ranks(stats.setup_seconds, comm));
      variant.solve.push_back(max_over_ranks(stats.solve_seconds, comm));
      variant.iterations.push_back(stats.iterations);
    }
  }
  return variants;
}

Measurement run(double target_unknowns, MPI_Comm comm, int variant_count, int rounds) {
  Measurement m;
  MPI_Comm_size(comm, &m.ranks);
  m.tsv_count =
      std::max(1, static_cast<int>(std::lround(std::sqrt(target_unknowns / kUnknownsPerTsv))));
  const StackSpec stack = hbm_like_stack(m.tsv_count);
  const physics::ThermalSpec spec = thermal_spec(stack);
  const physics::MaterialLibrary materials = physics::MaterialLibrary::builtin();
  const double post_before = stage_seconds("postprocess");
  const double assembly_before = stage_seconds("assembly");
  m.bandwidth_before = memory_bandwidth(comm);
  m.latency_before = memory_latency(comm);
  // The probes' 160 MiB per rank, just freed, would be cheap to touch again for a second
  // or two (this VM's host takes freed memory back lazily) and spare the run part of its
  // first touch; after a pause the run meets memory as it would without them.
  sleep(kPauseAfterProbesSeconds);

  MPI_Barrier(comm);
  const double cpu_start = cpu_seconds();
  const double start = MPI_Wtime();
  mesh::GeneratedMesh generated = [&] {
    solver::ScopedLogStage stage("mesh");
    return mesh::generate_mesh(stack, mesh::MeshControls{}, mesh::MeshOptions{}, comm);
  }();
  const double meshed = MPI_Wtime();
  physics::ThermalSolveOptions solve_options;
  double variant_seconds = 0, variant_cpu = 0;  // in the variants' solves: left out below
  if (variant_count > 0) {
    solve_options.after_steady_linear_solve = [&](const physics::SteadyLinearSystem& system) {
      const double variants_start = MPI_Wtime(), variants_cpu_start = cpu_seconds();
      m.variants = solve_variants(system, variant_count, rounds, comm);
      variant_seconds = MPI_Wtime() - variants_start;
      variant_cpu = cpu_seconds() - variants_cpu_start;
    };
  }
  const physics::ThermalResults results = physics::solve_thermal(
      generated.mesh, materials, spec, stack_regions(generated.geometry), comm, solve_options);
  const double end = MPI_Wtime() - variant_seconds;
  const double cpu_used = cpu_seconds() - cpu_start - variant_cpu;
  m.bandwidth_after = memory_bandwidth(comm);
  m.latency_after = memory_latency(comm);

  const double post = stage_seconds("postprocess") - post_before;
  const double assembly_stage = stage_seconds("assembly") - assembly_before;
  const double thermal = end - meshed;
  m.unknowns = generated.mesh.global_node_count;
  m.cells = generated.mesh.global_cell_count;
  m.mesh = max_over_ranks(meshed - start, comm);
  m.setup = max_over_ranks(results.solver.setup_seconds, comm);
  m.solve = max_over_ranks(results.solver.solve_seconds, comm);
  m.post = max_over_ranks(post, comm);
  m.assembly_stage = max_over_ranks(assembly_stage, comm);
  m.thermal = max_over_ranks(thermal, comm);
  m.total = max_over_ranks(end - start, comm);
  // The rest of solve_thermal: building the problem and the operator, creating
  // and assembling the matrix and load, applying constraints (and a few vector
  // operations); the preconditioner setup includes handing the matrix to hypre.
  m.assembly = std::max(0.0, m.thermal - m.setup - m.solve - m.post);
  m.cpu_total = max_over_ranks(cpu_used, comm);
  m.iterations = results.solver.iterations;
  m.reason = results.solver.converged_reason;
  m.preconditioner =
      results.solver.preconditioner.empty() ? results.solver.method : results.solver.preconditioner;
  const double owned = std::max<double>(1, static_cast<double>(generated.mesh.owned_node_count));
  m.bytes_per_unknown = max_over_ranks(mesh::peak_resident_bytes() / owned, comm);
  m.heat_balance_error = results.heat_balance.relative_error;
  for (const auto& stats : results.layers) m.t_max_K = std::max(m.t_max_K, stats.t_max_K);
  return m;
}

const char* verdict(bool met) {
  return met ? "met" : "NOT met";
}

void print(const Measurement& m, double touch_rate) {
  const double rate = m.unknowns / m.total;
  std::printf("== steady linear thermal solve: %d x %d TSVs per die, %d core dies, %d rank(s)\n",
              m.tsv_count, m.tsv_count, kCoreDies, m.ranks);
  std::printf("unknowns: %lld   cells: %lld   unknowns per rank: %.0f\n", m.unknowns, m.cells,
              static_cast<double>(m.unknowns) / m.ranks);
  std::printf("time per phase (s, wall, max over ranks):\n");
  std::printf("  mesh                     %8.2f\n", m.mesh);
  std::printf(
      "  assembly                 %8.2f   (PETSc stage \"assembly\": %.2f: problem, operator,\n"
      "                                      matrix pattern and values, load vector)\n",
      m.assembly, m.assembly_stage);
  std::printf("  preconditioner setup     %8.2f\n", m.setup);
  std::printf("  solve (CG)               %8.2f\n", m.solve);
  std::printf("  post-processing          %8.2f\n", m.post);
  std::printf("  total (mesh + thermal)   %8.2f   (CPU s of the slowest rank: %.2f)\n", m.total,
              m.cpu_total);
  std::printf("preconditioner: %s\n", m.preconditioner.c_str());
  std::printf("CG iterations: %d (%s)   target <= %d to %.0e relative residual: %s\n", m.iterations,
              m.reason.c_str(), kTargetIterations, kRelativeTolerance,
              verdict(m.iterations <= kTargetIterations));
  std::printf("peak memory per unknown: %.0f bytes   target <= %.0f: %s\n", m.bytes_per_unknown,
              kTargetBytes, verdict(m.bytes_per_unknown <= kTargetBytes));
  std::printf("unknowns per second end to end: %.4g   target >= %.3g (at 8M unknowns, 2 ranks)%s\n",
              rate, kTargetRate,
              m.unknowns >= 4000000 && m.ranks == 2 ? (rate >= kTargetRate ? ": met" : ": NOT met")
                                                    : ": (target applies at 8M on 2 ranks)");
  const double resident_per_rank = m.bytes_per_unknown * static_cast<double>(m.unknowns) / m.ranks;
  if (touch_rate > 0)
    std::printf(
        "peak resident memory %.2f GB per rank: first touch at the probed rate about %.1f s\n",
        resident_per_rank / 1e9, resident_per_rank / touch_rate);
  std::printf(
      "host memory now (all ranks at once): triad %.1f GB/s per rank before the run, %.1f "
      "after; latency %.0f ns before, %.0f after\n",
      m.bandwidth_before / 1e9, m.bandwidth_after / 1e9, m.latency_before, m.latency_after);
  std::printf("sanity: max temperature %.3f K, heat balance relative error %.1e\n\n", m.t_max_K,
              m.heat_balance_error);
  if (!m.variants.empty()) {
    std::printf("the same system solved again, variants in turn (s, max over ranks):\n");
    for (std::size_t k = 0; k < m.variants.size(); ++k) {
      const Measurement::Variant& variant = m.variants[k];
      std::printf("  variant %zu: %s\n", k + 1, variant.options.c_str());
      for (std::size_t round = 0; round < variant.solve.size(); ++round)
        std::printf("    round %zu: setup %6.3f   solve %7.3f   %d iterations\n", round + 1,
                    variant.setup[round], variant.solve[round], variant.iterations[round]);
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

void print_growth(const Measurement& small, const Measurement& large) {
  const double growth = static_cast<double>(large.iterations) / std::max(1, small.iterations) - 1;
  std::printf(
      "iteration growth from %lld to %lld unknowns: %d -> %d (%+.0f%%)   target <= %+.0f%%: %s\n",
      small.unknowns, large.unknowns, small.iterations, large.iterations, 100 * growth,
      100 * kTargetGrowth, verdict(growth <= kTargetGrowth));
  std::fflush(stdout);
}

// The leading arguments that are not PETSc options are the target sizes (one or
// more); without any, 1M and 8M.
bool parse_sizes(int argc, char** argv, std::vector<double>& sizes) {
  sizes.clear();
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    char* end = nullptr;
    const double value = std::strtod(argv[i], &end);
    if (end == argv[i] || *end != '\0' || !std::isfinite(value) || value < 1e3 || value > 2e9)
      return false;
    sizes.push_back(value);
  }
  if (sizes.empty()) sizes = {1e6, 8e6};
  return true;
}

void print_scaling(const Measurement& parallel, const Measurement& serial) {
  const double speedup = serial.total / parallel.total;
  std::printf(
      "%d ranks against 1 at %lld unknowns: total %.2f s against %.2f s, speed-up %.2f "
      "(parallel efficiency %.0f%%); setup + solve %.2f s against %.2f s\n\n",
      parallel.ranks, parallel.unknowns, parallel.total, serial.total, speedup,
      100 * speedup / parallel.ranks, parallel.setup + parallel.solve, serial.setup + serial.solve);
  std::fflush(stdout);
}

int run_all(int argc, char** argv) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  std::vector<double> sizes;
  if (!parse_sizes(argc, argv, sizes)) {
    if (rank == 0)
      std::fprintf(stderr, "usage: bench_thermal [target unknowns, 1e3..2e9] [PETSc options]\n");
    return 2;
  }
  int ranks = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  // The column multigrid (opt-in in tsvfield runs) unless the command line says
  // otherwise: -thermal_column_mg false measures BoomerAMG.
  solver::insert_options({"-thermal_column_mg", "true"});
  // Rank 0 alone, for the 1-rank figures beside the parallel ones (unless
  // -bench_parallel_only, which keeps -log_view to the parallel runs).
  PetscBool parallel_only = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetBool(nullptr, nullptr, "-bench_parallel_only", &parallel_only, nullptr));
  PetscInt variant_count = 0, rounds = 3;
  TSV_CHECK(PetscOptionsGetInt(nullptr, nullptr, "-bench_variants", &variant_count, nullptr));
  TSV_CHECK(PetscOptionsGetInt(nullptr, nullptr, "-bench_rounds", &rounds, nullptr));
  if (variant_count < 0 || variant_count > 9 || rounds < 1 || rounds > 100) {
    if (rank == 0)
      std::fprintf(stderr, "bench_thermal: -bench_variants takes 0..9, -bench_rounds 1..100\n");
    return 2;
  }
  MPI_Comm serial = MPI_COMM_NULL;
  if (ranks > 1 && !parallel_only)
    MPI_Comm_split(PETSC_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &serial);
  // Before the runs, so that the probe's pages are not ones a run has just given back.
  const double touch_rate = fresh_memory_rate(PETSC_COMM_WORLD);
  if (rank == 0)
    std::printf(
        "fresh memory on this machine: first touch at %.2f GB/s per rank (64 MiB probe)\n\n",
        touch_rate / 1e9);
  std::vector<Measurement> measured;
  std::sort(sizes.begin(), sizes.end());  // peak RSS only grows: smallest first
  for (double size : sizes) {
    measured.push_back(
        run(size, PETSC_COMM_WORLD, static_cast<int>(variant_count), static_cast<int>(rounds)));
    if (rank == 0) print(measured.back(), touch_rate);
    // The 1-rank run holds every unknown on rank 0: only when it fits with room.
    const double needed = measured.back().bytes_per_unknown * measured.back().unknowns;
    const bool fits = needed < 0.5 * available_memory_bytes();
    if (rank == 0 && serial != MPI_COMM_NULL && !fits) {
      std::printf("(1-rank run skipped: about %.1f GB needed, %.1f GB available)\n\n", needed / 1e9,
                  available_memory_bytes() / 1e9);
    }
    if (serial != MPI_COMM_NULL && fits) {
      const Measurement alone = run(size, serial, 0, 0);
      print(alone, touch_rate);
      print_scaling(measured.back(), alone);
    }
    MPI_Barrier(PETSC_COMM_WORLD);
  }
  if (serial != MPI_COMM_NULL) MPI_Comm_free(&serial);
  if (rank == 0 && measured.size() >= 2) print_growth(measured.front(), measured.back());
  if (rank == 0) {
    std::printf(
        "(peak memory is the process's peak resident set so far: sizes run smallest first, and "
        "each 1-rank run after its parallel one; each figure is its own run's peak as long as "
        "the sizes grow by 2x or more)\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tsvfield::solver::restart_with_huge_page_heap(argv);  // before MPI starts
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
  int status = 0;
  try {
    status = run_all(argc, argv);
  } catch (const std::exception& error) {
    // Another rank may be waiting in a collective call: stop them all.
    std::fprintf(stderr, "bench_thermal: %s\n", error.what());
    std::fflush(stderr);
    MPI_Abort(PETSC_COMM_WORLD, 1);
  }
  if (PetscFinalize() != 0) return 1;
  return status;
}
