#include "app/si_run.hpp"

#include <cstdio>
#include <sstream>
#include <vector>

#include "app/commands.hpp"
#include "io/si_report.hpp"
#include "io/spice_model.hpp"
#include "io/touchstone.hpp"
#include "physics/ladder_model.hpp"
#include "physics/signal_integrity.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::app {
namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

io::TouchstoneData touchstone_data(const physics::SignalIntegrityResults& results,
                                   const std::string& case_name) {
  io::TouchstoneData data;
  data.frequencies_Hz = results.frequencies_Hz;
  data.s = results.s;
  data.reference_impedance_ohm = results.reference_impedance_ohm;
  data.port_names = results.port_names;
  data.comments.push_back("tsvfield signal-integrity analysis of case '" + case_name + "'");
  data.comments.push_back("Coupled-line model: " + std::to_string(results.sections.size()) +
                          " section(s), " + format("%.6g", results.total_length_m * 1e6) +
                          " um in total, bottom to top:");
  for (const auto& section : results.sections) {
    data.comments.push_back("  " + section.rlgc.layer + ": " +
                            format("%.6g", section.rlgc.length_m * 1e6) + " um");
  }
  if (results.near_end_shunt.conductors > 0)
    data.comments.push_back("Lumped 3D end corrections at both ends (bumps, pads).");
  data.comments.push_back(
      "Ports 1..N: near (bottom) ends of the signals; N+1..2N: far (top) ends.");
  return data;
}

std::vector<physics::SectionRlgcSweep> section_sweeps(
    const physics::SignalIntegrityResults& results) {
  std::vector<physics::SectionRlgcSweep> sweeps;
  for (const auto& section : results.sections) sweeps.push_back(section.rlgc);
  return sweeps;
}

std::string ladder_summary(const physics::LadderModel& ladder, const std::string& file) {
  int segments = 0;
  for (const auto& section : ladder.sections) segments += section.segments;
  std::ostringstream text;
  text << "SPICE ladder " << file << ": " << segments << " segments in " << ladder.sections.size()
       << " section(s); insertion loss within " << ladder.validity.tolerance_dB
       << " dB of the line model up to " << format("%.4g", ladder.validity.valid_to_Hz * 1e-9)
       << " GHz";
  if (ladder.validity.valid_to_Hz < ladder.max_frequency_Hz)
    text << " (WARNING: below the " << format("%.4g", ladder.max_frequency_Hz * 1e-9)
         << " GHz asked for)";
  text << "\n";
  return text.str();
}

io::JsonValue spice_json(const physics::LadderModel& ladder, const io::SpiceModelFiles& files) {
  io::JsonValue segments = io::JsonValue::array();
  for (const auto& section : ladder.sections) segments.push(section.segments);
  io::JsonValue value = io::JsonValue::object();
  value.set("ladder", files.ladder.filename().string())
      .set("w_element", files.w_netlist.filename().string())
      .set("segments", std::move(segments))
      .set("max_frequency_Hz", ladder.max_frequency_Hz)
      .set("valid_to_Hz", ladder.validity.valid_to_Hz)
      .set("tolerance_dB", ladder.validity.tolerance_dB);
  return value;
}

}  // namespace

physics::SignalIntegrityResults run_signal_integrity_analysis(const io::Case& the_case,
                                                              const mesh::GeneratedMesh& generated,
                                                              const std::string& output_dir,
                                                              MPI_Comm comm, Progress& progress,
                                                              io::JsonValue& summary) {
  const physics::SignalIntegritySpec& spec = *the_case.signal_integrity;
  progress.step("signal integrity: cross-section solves over " +
                std::to_string(physics::sweep_frequencies(spec.sweep).size()) + " frequencies");
  physics::SignalIntegrityResults results = physics::run_signal_integrity(
      generated.geometry, the_case.mesh, &generated.mesh, the_case.materials, spec, comm);
  progress.step("signal integrity: SPICE ladder");
  const auto sweeps = section_sweeps(results);
  physics::LadderModel ladder =
      physics::build_ladder_model(sweeps, results.near_end_shunt, results.far_end_shunt, spec.spice,
                                  results.reference_impedance_ohm);

  const std::string stem = spec.touchstone_name.empty() ? the_case.name : spec.touchstone_name;
  const std::string touchstone =
      stem + io::touchstone_extension(2 * static_cast<int>(results.signal_names.size()));
  io::JsonValue si = io::si_summary_json(results, touchstone);
  if (is_root(comm)) {
    solver::ScopedLogStage stage("Output");
    io::write_touchstone(output_dir + "/" + touchstone, touchstone_data(results, the_case.name));
    io::SpiceModelFiles files =
        io::write_spice_models(output_dir, stem, the_case.name, ladder, sweeps);
    if (the_case.output.csv) io::write_si_csv_tables(output_dir, results);
    std::ostringstream report;
    io::print_si_report(report, results);
    report << "Touchstone " << touchstone << "\n"
           << ladder_summary(ladder, files.ladder.filename().string());
    std::fputs(report.str().c_str(), stdout);
    std::fflush(stdout);
    si.set("spice", spice_json(ladder, files));
  }
  summary.set("si", std::move(si));
  return results;
}

}  // namespace tsvfield::app
