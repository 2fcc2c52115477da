// `tsvfield run CASE`: mesh, solve every analysis of the case, write the results.
//
// DIR/ holds: thermal.pvtu (+ thermal/ pieces) or, for a transient, thermal.pvd with
// one .pvtu per output step; summary.json (results, mesh statistics, run metadata);
// thermal_layers.csv, thermal_blocks.csv, thermal_history.csv (transient); the
// electrical outputs (app/electrical_run.hpp) and the signal-integrity ones
// (app/si_run.hpp: Touchstone, SPICE, CSV); case.resolved.json (every input value in SI units,
// defaults filled in); the design-review report report.md and its pictures
// report/*.png (io/review_report.hpp).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/case_setup.hpp"
#include "app/commands.hpp"
#include "app/electrical_run.hpp"
#include "app/mesh_setup.hpp"
#include "app/si_run.hpp"
#include "io/case_json.hpp"
#include "io/electrical_report.hpp"
#include "io/mesh_report.hpp"
#include "io/review_report.hpp"
#include "io/thermal_report.hpp"
#include "io/vtk_writer.hpp"
#include "mesh/mesh_statistics.hpp"
#include "physics/thermal_solver.hpp"
#include "solver/petsc_handles.hpp"
#include "tsvfield_version.hpp"

namespace tsvfield::app {
namespace {

// Wall time of each phase, max over ranks where it matters (the slowest rank sets the pace).
struct PhaseTimes {
  double read = 0, mesh = 0, thermal = 0, electrical = 0, signal_integrity = 0, output = 0,
         total = 0;
};

// The plan-view regions (outline, named blocks) of every layer, for power sources.
physics::StackRegions stack_regions(const mesh::StackGeometry& geometry) {
  physics::StackRegions regions;
  for (const auto& layer : geometry.layers) regions[layer.name].outline = layer.outline;
  for (const auto& block : geometry.blocks) {
    const std::string& layer_name = geometry.layers.at(static_cast<std::size_t>(block.layer)).name;
    // Block instances are named "<layer>/<block>"; the thermal problem wants the block's own name.
    std::string block_name = block.name.substr(block.name.find('/') + 1);
    regions[layer_name].blocks[block_name] = block.rect;
  }
  return regions;
}

std::vector<io::CellField> heat_flux_field(const physics::ThermalResults& results) {
  std::vector<double> values;
  values.reserve(results.heat_flux_W_m2.size() * 3);
  for (const auto& flux : results.heat_flux_W_m2)
    values.insert(values.end(), flux.begin(), flux.end());
  return {io::CellField{"heat_flux_W_m2", std::move(values), 3}};
}

std::vector<io::PointField> temperature_field(const std::vector<double>& temperature_K) {
  return {io::PointField{"temperature_K", temperature_K, 1}};
}

// Transient frames: DIR/thermal_series/thermal_<step>.pvtu listed in DIR/thermal.pvd.
class TransientWriter {
 public:
  TransientWriter(const std::string& output_dir, const mesh::LocalMesh& mesh, MPI_Comm comm)
      : output_dir_(output_dir), mesh_(mesh), comm_(comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) series_ = std::make_unique<io::PvdSeries>(output_dir + "/thermal.pvd");
  }

  void write(const physics::ThermalFrame& frame) {
    char name[64];
    std::snprintf(name, sizeof name, "thermal_series/thermal_%06d", frame.step);
    auto written = io::write_pvtu(output_dir_ + "/" + name, mesh_, {},
                                  temperature_field(frame.temperature_K), comm_);
    if (series_) series_->add(frame.time, written);
  }

 private:
  std::string output_dir_;
  const mesh::LocalMesh& mesh_;
  MPI_Comm comm_;
  std::unique_ptr<io::PvdSeries> series_;
};

io::JsonValue run_json(const PhaseTimes& times, MPI_Comm comm, const CommandLine& line,
                       const io::Case& the_case) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  io::JsonValue time = io::JsonValue::object();
  time.set("read_s", times.read)
      .set("mesh_s", times.mesh)
      .set("thermal_s", times.thermal)
      .set("electrical_s", times.electrical)
      .set("signal_integrity_s", times.signal_integrity)
      .set("output_s", times.output)
      .set("total_s", times.total);
  io::JsonValue value = io::JsonValue::object();
  value.set("tsvfield_version", kVersion)
      .set("ranks", ranks)
      .set("case_file", line.case_file)
      .set("petsc_options_case", io::JsonValue::array(the_case.petsc_options))
      .set("petsc_options_command_line", io::JsonValue::array(line.petsc_options))
      .set("time", std::move(time))
      .set("peak_memory_bytes", mesh::peak_resident_bytes());
  return value;
}

// The files the run left in the output folder, sorted, comma-separated (the
// folders of .vtu pieces are left out: the .pvtu beside each is what one opens).
std::string list_outputs(const std::string& output_dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(output_dir)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

// The analyses as the report's header lists them.
std::vector<std::string> analysis_list(const io::Case& the_case,
                                       const physics::ThermalResults* thermal) {
  std::vector<std::string> analyses;
  if (thermal != nullptr) {
    std::string words = "thermal: ";
    if (the_case.thermal.analysis.type == physics::ThermalAnalysisType::transient) {
      char text[64];
      std::snprintf(text, sizeof text, "transient to %.6g s", thermal->time);
      words += text;
    } else {
      words += "steady";
    }
    if (thermal->solver.nonlinear_iterations > 0) words += ", nonlinear k(T) (Newton)";
    if (the_case.electrothermal) words += ", coupled with DC conduction (Joule heat)";
    analyses.push_back(words);
  }
  if (the_case.conduction) analyses.push_back("DC conduction");
  for (const auto& spec : the_case.electrostatics)
    analyses.push_back("capacitance (silicon " + io::silicon_treatment_name(spec.silicon) + ")");
  if (the_case.signal_integrity) analyses.push_back("signal integrity");
  return analyses;
}

// The design-review report (collective): DIR/report.md and DIR/report/*.png.
void write_review(const std::string& output_dir, const io::Case& the_case,
                  const mesh::GeneratedMesh& generated, const io::ReviewResults& results,
                  MPI_Comm comm) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  io::ReviewRun run;
  run.case_name = the_case.name;
  run.case_file = the_case.file;
  run.description = the_case.description;
  run.analyses = analysis_list(the_case, results.thermal);
  run.tsvfield_version = kVersion;
  run.generated_utc = utc_now();
  run.ranks = ranks;
  run.cells = generated.mesh.global_cell_count;
  run.nodes = generated.mesh.global_node_count;
  if (rank == 0) {
    for (const auto& entry : std::filesystem::directory_iterator(output_dir))
      if (entry.is_regular_file()) run.other_outputs.push_back(entry.path().filename().string());
    run.other_outputs.push_back("summary.json");
    std::sort(run.other_outputs.begin(), run.other_outputs.end());
  }
  io::write_review(output_dir, run, results, generated.mesh, generated.geometry, comm);
}

double max_over_ranks(double value, MPI_Comm comm) {
  double result = value;
  MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, comm);
  return result;
}

}  // namespace

void run_analyses_command(const CommandLine& line, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  Progress progress(comm);
  PhaseTimes times;
  double start = MPI_Wtime();

  io::Case the_case = load_case(line, progress);
  apply_petsc_options(the_case, line);
  std::string output_dir = prepare_output_dir(the_case, line, comm);
  times.read = MPI_Wtime() - start;

  double phase_start = MPI_Wtime();
  mesh::GeneratedMesh generated = build_mesh(the_case, comm, progress);
  mesh::MeshStatistics mesh_statistics = mesh::compute_mesh_statistics(generated, comm);
  times.mesh = max_over_ranks(MPI_Wtime() - phase_start, comm);

  io::JsonValue summary = io::JsonValue::object();
  summary.set("case", the_case.name).set("mesh", io::mesh_statistics_json(mesh_statistics));

  const bool has_thermal = the_case.thermal.analysis.type != physics::ThermalAnalysisType::none;
  physics::ThermalResults thermal;
  // With electro-thermal coupling the coupled solve (below) gives the thermal results.
  if (has_thermal && !the_case.electrothermal) {
    phase_start = MPI_Wtime();
    progress.step("thermal analysis");
    TransientWriter transient_writer(output_dir, generated.mesh, comm);
    physics::ThermalSolveOptions options;
    options.progress = [&progress](const std::string& message) { progress.step(message); };
    if (the_case.thermal.analysis.type == physics::ThermalAnalysisType::transient) {
      options.on_output = [&transient_writer](const physics::ThermalFrame& frame) {
        transient_writer.write(frame);
      };
    }
    thermal = physics::solve_thermal(generated.mesh, the_case.materials, the_case.thermal,
                                     stack_regions(generated.geometry), comm, options);
    times.thermal = max_over_ranks(MPI_Wtime() - phase_start, comm);
    summary.set("thermal", io::thermal_summary_json(thermal, generated.geometry));
  }
  ElectricalOutcome electrical;
  if (has_electrical_analyses(the_case)) {
    phase_start = MPI_Wtime();
    electrical = run_electrical_analyses(the_case, generated, stack_regions(generated.geometry),
                                         output_dir, comm, progress, summary);
    times.electrical = max_over_ranks(MPI_Wtime() - phase_start, comm);
    if (electrical.coupled_thermal) {
      thermal = std::move(*electrical.coupled_thermal);
      summary.set("thermal", io::thermal_summary_json(thermal, generated.geometry));
    }
  }

  std::optional<physics::SignalIntegrityResults> signal_integrity;
  if (the_case.signal_integrity) {
    phase_start = MPI_Wtime();
    signal_integrity =
        run_signal_integrity_analysis(the_case, generated, output_dir, comm, progress, summary);
    times.signal_integrity = max_over_ranks(MPI_Wtime() - phase_start, comm);
  }

  phase_start = MPI_Wtime();
  {
    solver::ScopedLogStage stage("Output");
    progress.step("writing results to " + output_dir);
    if (has_thermal) {
      io::write_pvtu(output_dir + "/thermal", generated.mesh, heat_flux_field(thermal),
                     temperature_field(thermal.temperature_K), comm);
    } else {
      io::write_pvtu(output_dir + "/mesh", generated.mesh, {}, {}, comm);
    }
    if (rank == 0) {
      io::write_json_file(output_dir + "/case.resolved.json", io::resolved_case_json(the_case));
      if (has_thermal && the_case.output.csv) {
        io::thermal_layers_table(thermal, generated.geometry)
            .write(output_dir + "/thermal_layers.csv");
        io::thermal_blocks_table(thermal).write(output_dir + "/thermal_blocks.csv");
        if (!thermal.history_time.empty()) {
          io::thermal_history_table(thermal).write(output_dir + "/thermal_history.csv");
        }
      }
    }
    if (the_case.output.report) {
      io::ReviewResults results;
      if (has_thermal) results.thermal = &thermal;
      if (electrical.conduction) results.conduction = &*electrical.conduction;
      for (const auto& [treatment, capacitance] : electrical.capacitances)
        results.capacitances.emplace_back(treatment, &capacitance);
      if (signal_integrity) results.signal_integrity = &*signal_integrity;
      const bool anything = results.thermal != nullptr || results.conduction != nullptr ||
                            !results.capacitances.empty() || results.signal_integrity != nullptr;
      if (anything) write_review(output_dir, the_case, generated, results, comm);
    }
  }
  times.output = max_over_ranks(MPI_Wtime() - phase_start, comm);
  times.total = max_over_ranks(MPI_Wtime() - start, comm);
  summary.set("run", run_json(times, comm, line, the_case));
  if (rank == 0) {
    io::write_json_file(output_dir + "/summary.json", summary);
    if (has_thermal)
      std::fputs(io::format_thermal_table(thermal, generated.geometry).c_str(), stdout);
    std::printf("\nresults in %s/: %s\n", output_dir.c_str(), list_outputs(output_dir).c_str());
  }
  progress.step("done");
}

}  // namespace tsvfield::app
