#include "io/si_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "io/electrical_report.hpp"

namespace tsvfield::io {
namespace {

constexpr double kGiga = 1e9;
constexpr double kMicro = 1e-6;
constexpr double kNoCoupling_dB = -300;  // PortFigures' value when there is no aggressor

std::string line(const char* format, auto... values) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, format, values...);
  return buffer;
}

double top_frequency(const physics::SignalIntegrityResults& results) {
  return results.frequencies_Hz.empty() ? 0.0 : results.frequencies_Hz.back();
}

bool skin_depth_resolved(const physics::SectionResult& section, double top_Hz) {
  return section.skin_depth_resolved_to_Hz >= top_Hz;
}

// ---- printed report -------------------------------------------------------------

void print_solver_stats(std::ostream& out, const char* what,
                        const physics::SectionSolveStats& stats) {
  out << line("    %-26s %8d unknowns, %d..%d iterations per solve, %.3g s\n", what, stats.unknowns,
              stats.min_iterations, stats.max_iterations, stats.seconds);
}

// The skin depth scales as 1/sqrt(f); the mesh resolves it (cell <= depth / 2) up
// to f_res, so at f the ratio cell / depth is 0.5 sqrt(f / f_res).
void print_skin_depth(std::ostream& out, const physics::SectionResult& section, double top_Hz) {
  const double cell = section.conductor_surface_cell_m;
  const double resolved_to = section.skin_depth_resolved_to_Hz;
  out << line("    outermost conductor cell %.4g um; skin depth (cell <= depth/2) resolved up to ",
              cell / kMicro);
  // Infinite when there is no skin effect to resolve (no metal conductivity, or DC).
  if (!std::isfinite(resolved_to)) {
    out << "every frequency\n";
    return;
  }
  out << line("%.4g GHz", resolved_to / kGiga);
  if (resolved_to > 0 && top_Hz > 0)
    out << line(" (cell/depth %.3g at %.4g GHz)", 0.5 * std::sqrt(top_Hz / resolved_to),
                top_Hz / kGiga);
  out << "\n";
  if (!skin_depth_resolved(section, top_Hz))
    out << line(
        "    WARNING: the skin depth is not resolved above %.4g GHz (sweep top %.4g GHz): R and L "
        "of section '%s' are inaccurate there; lower skin_depth_fraction or the sweep's stop\n",
        resolved_to / kGiga, top_Hz / kGiga, section.rlgc.layer.c_str());
}

// (row, column) pairs shown: every diagonal entry and the first off-diagonal.
std::vector<std::pair<int, int>> table_entries(int conductors) {
  std::vector<std::pair<int, int>> entries;
  for (int i = 0; i < conductors; ++i) entries.emplace_back(i, i);
  for (int i = 0; i + 1 < conductors; ++i) entries.emplace_back(i, i + 1);
  return entries;
}

void print_rlgc_table(std::ostream& out, const physics::SectionResult& section,
                      const std::vector<std::size_t>& frequency_indices) {
  const physics::SectionRlgcSweep& sweep = section.rlgc;
  out << "    per-unit-length parameters\n";
  out << line("    %10s  %-6s %12s %12s %12s %12s\n", "f (GHz)", "i,j", "R (ohm/m)", "L (nH/m)",
              "G (S/m)", "C (pF/m)");
  for (const std::size_t k : frequency_indices) {
    if (k >= sweep.rlgc.size()) continue;
    const physics::RlgcMatrices& m = sweep.rlgc[k];
    bool first = true;
    for (const auto& [i, j] : table_entries(m.conductors)) {
      const std::size_t at = static_cast<std::size_t>(i * m.conductors + j);
      // Signal numbers (the legend above the sections names them): full names
      // of two conductors do not fit a table column.
      const std::string entry = line("%d,%d", i + 1, j + 1);
      const std::string frequency = first ? line("%.4g", sweep.frequencies_Hz[k] / kGiga) : "";
      out << line("    %10s  %-6s %12.5g %12.5g %12.5g %12.5g\n", frequency.c_str(), entry.c_str(),
                  m.R[at], m.L[at] / 1e-9, m.G[at], m.C[at] / 1e-12);
      first = false;
    }
  }
}

void print_section(std::ostream& out, const physics::SignalIntegrityResults& results,
                   const physics::SectionResult& section, double top_Hz,
                   const std::vector<std::size_t>& frequency_indices) {
  out << line("  section '%s': length %.4g um, %d cross-section cells, %zu signals\n",
              section.rlgc.layer.c_str(), section.rlgc.length_m / kMicro,
              section.cross_section_cells, section.rlgc.signal_names.size());
  print_skin_depth(out, section, top_Hz);
  auto reused = [&](const char* what, int from) {
    out << "    " << what << " same cross-section problem as section '"
        << results.sections.at(static_cast<std::size_t>(from)).rlgc.layer
        << "': its solution is used\n";
  };
  if (section.impedance_reused_from >= 0)
    reused("impedance (MQS):", section.impedance_reused_from);
  else
    print_solver_stats(out, "impedance (MQS) solver:", section.impedance_stats);
  if (section.admittance_reused_from >= 0)
    reused("admittance (EQS):", section.admittance_reused_from);
  else
    print_solver_stats(out, "admittance (EQS) solver:", section.admittance_stats);
  print_rlgc_table(out, section, frequency_indices);
}

std::string coupling_text(double value_dB) {
  return value_dB <= kNoCoupling_dB ? std::string("-") : line("%.3f", value_dB);
}

void print_port_figures(std::ostream& out, const physics::SignalIntegrityResults& results) {
  if (results.report.empty()) {
    out << "  no report frequencies\n";
    return;
  }
  out << "  port figures\n";
  out << line("  %10s  %-20s %12s %12s %12s %12s\n", "f (GHz)", "signal", "IL (dB)", "RL (dB)",
              "NEXT (dB)", "FEXT (dB)");
  for (const auto& figures : results.report) {
    const std::string name =
        figures.signal >= 0 && figures.signal < static_cast<int>(results.signal_names.size())
            ? results.signal_names[static_cast<std::size_t>(figures.signal)]
            : line("%d", figures.signal + 1);
    out << line("  %10.4g  %-20s %12.4f %12.4f %12s %12s\n", figures.frequency_Hz / kGiga,
                name.c_str(), figures.insertion_loss_dB, figures.return_loss_dB,
                coupling_text(figures.worst_next_dB).c_str(),
                coupling_text(figures.worst_fext_dB).c_str());
  }
  out << "  IL = -20 log10 |S(far, near)|, RL = -20 log10 |S(near, near)|; NEXT, FEXT: the "
         "largest coupling from another signal (20 log10 |S|; '-': no other signal)\n";
}

void print_checks(std::ostream& out, const physics::SignalIntegrityResults& results) {
  const bool passive = results.max_singular_value <= 1 + kPassivityTolerance;
  const bool reciprocal = results.max_reciprocity_error <= kReciprocityTolerance;
  out << line("  passivity: max singular value of S %.10g (%s)\n", results.max_singular_value,
              passive ? "passive" : "NOT passive");
  out << line("  reciprocity: max |S_ij - S_ji| %.3g (%s)\n", results.max_reciprocity_error,
              reciprocal ? "reciprocal" : "NOT reciprocal");
  if (!passive)
    out << line(
        "  WARNING: the S-matrix is not passive (max singular value %.10g > 1 + %.0e): the "
        "per-unit-length parameters are not physical at some frequency\n",
        results.max_singular_value, kPassivityTolerance);
  if (!reciprocal)
    out << line("  WARNING: the S-matrix is not reciprocal (max |S_ij - S_ji| %.3g > %.0e)\n",
                results.max_reciprocity_error, kReciprocityTolerance);
}

// ---- JSON -------------------------------------------------------------------------

using MatrixField = const std::vector<double> physics::RlgcMatrices::*;

// Per frequency an N x N matrix of one of R, L, G, C.
JsonValue rlgc_over_frequency_json(const physics::SectionRlgcSweep& sweep, MatrixField field) {
  JsonValue list = JsonValue::array();
  for (const auto& m : sweep.rlgc)
    list.push(matrix_json(m.*field, static_cast<std::size_t>(m.conductors)));
  return list;
}

void set_rlgc_json(JsonValue& value, const physics::SectionRlgcSweep& sweep) {
  value.set("R_ohm_per_m", rlgc_over_frequency_json(sweep, &physics::RlgcMatrices::R))
      .set("L_H_per_m", rlgc_over_frequency_json(sweep, &physics::RlgcMatrices::L))
      .set("G_S_per_m", rlgc_over_frequency_json(sweep, &physics::RlgcMatrices::G))
      .set("C_F_per_m", rlgc_over_frequency_json(sweep, &physics::RlgcMatrices::C));
}

JsonValue solve_stats_json(const physics::SectionSolveStats& stats) {
  JsonValue value = JsonValue::object();
  value.set("unknowns", stats.unknowns)
      .set("min_iterations", stats.min_iterations)
      .set("max_iterations", stats.max_iterations)
      .set("seconds", stats.seconds);
  return value;
}

JsonValue section_json(const physics::SectionResult& section, double top_Hz) {
  JsonValue value = JsonValue::object();
  value.set("layer", section.rlgc.layer)
      .set("length_m", section.rlgc.length_m)
      .set("signals", JsonValue::array(section.rlgc.signal_names))
      .set("cross_section_cells", section.cross_section_cells)
      .set("conductor_surface_cell_m", section.conductor_surface_cell_m)
      .set("skin_depth_resolved_to_Hz", std::isfinite(section.skin_depth_resolved_to_Hz)
                                            ? JsonValue(section.skin_depth_resolved_to_Hz)
                                            : JsonValue())
      .set("skin_depth_resolved", skin_depth_resolved(section, top_Hz))
      .set("impedance_solver", solve_stats_json(section.impedance_stats))
      .set("admittance_solver", solve_stats_json(section.admittance_stats));
  set_rlgc_json(value, section.rlgc);
  return value;
}

// The longest section (the first of equally long ones), null when there is none.
const physics::SectionResult* longest_section(const physics::SignalIntegrityResults& results) {
  const physics::SectionResult* longest = nullptr;
  for (const auto& section : results.sections)
    if (!longest || section.rlgc.length_m > longest->rlgc.length_m) longest = &section;
  return longest;
}

JsonValue shunt_json(const physics::LumpedShunt& shunt) {
  const auto size = static_cast<std::size_t>(shunt.conductors);
  return JsonValue::object()
      .set("G_S", matrix_json(shunt.G_S, size))
      .set("C_F", matrix_json(shunt.C_F, size));
}

JsonValue report_json(const physics::SignalIntegrityResults& results) {
  JsonValue list = JsonValue::array();
  for (const auto& figures : results.report) {
    const bool named =
        figures.signal >= 0 && figures.signal < static_cast<int>(results.signal_names.size());
    JsonValue item = JsonValue::object();
    item.set("frequency_Hz", figures.frequency_Hz)
        .set("signal",
             named ? JsonValue(results.signal_names[static_cast<std::size_t>(figures.signal)])
                   : JsonValue(figures.signal))
        .set("insertion_loss_dB", figures.insertion_loss_dB)
        .set("return_loss_dB", figures.return_loss_dB)
        .set("worst_next_dB", figures.worst_next_dB)
        .set("worst_fext_dB", figures.worst_fext_dB);
    list.push(std::move(item));
  }
  return list;
}

}  // namespace

std::vector<std::size_t> table_frequency_indices(const physics::SignalIntegrityResults& results) {
  const std::vector<double>& frequencies = results.frequencies_Hz;
  std::vector<std::size_t> indices;
  if (frequencies.empty()) return indices;
  indices.push_back(0);
  indices.push_back(frequencies.size() - 1);
  for (const auto& figures : results.report) {
    std::size_t nearest = 0;
    for (std::size_t k = 1; k < frequencies.size(); ++k)
      if (std::fabs(frequencies[k] - figures.frequency_Hz) <
          std::fabs(frequencies[nearest] - figures.frequency_Hz))
        nearest = k;
    indices.push_back(nearest);
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

double magnitude_dB(std::complex<double> value) {
  const double magnitude = std::abs(value);
  return magnitude < 1e-15 ? kNoCoupling_dB : 20 * std::log10(magnitude);
}

double phase_deg(std::complex<double> value) {
  if (value == std::complex<double>(0, 0)) return 0;
  const double degrees = std::arg(value) * 180 / std::numbers::pi;
  return degrees <= -180 ? degrees + 360 : degrees;
}

void print_si_report(std::ostream& out, const physics::SignalIntegrityResults& results) {
  const double top_Hz = top_frequency(results);
  const std::size_t signals = results.signal_names.size();
  out << "\nsignal integrity: " << signals << " signal" << (signals == 1 ? "" : "s") << ", "
      << results.port_names.size() << " ports, "
      << line("%.4g um, %zu sections, %zu frequencies", results.total_length_m / kMicro,
              results.sections.size(), results.frequencies_Hz.size());
  if (!results.frequencies_Hz.empty())
    out << line(" (%.4g .. %.4g GHz)", results.frequencies_Hz.front() / kGiga, top_Hz / kGiga);
  out << line(", ports referred to %.4g ohm\n", results.reference_impedance_ohm);
  out << "  ports: 1.." << signals << " near ends (bottom), " << signals + 1 << ".." << 2 * signals
      << " far ends (top):";
  for (std::size_t p = 0; p < results.port_names.size(); ++p)
    out << " " << p + 1 << "=" << results.port_names[p];
  out << "\n  signals (rows and columns of the per-unit-length matrices):";
  for (std::size_t k = 0; k < signals; ++k) out << " " << k + 1 << "=" << results.signal_names[k];
  out << "\n";
  const std::vector<std::size_t> frequency_indices = table_frequency_indices(results);
  for (const auto& section : results.sections)
    print_section(out, results, section, top_Hz, frequency_indices);
  if (results.near_end_shunt.conductors > 0 || results.far_end_shunt.conductors > 0) {
    // Diagonal entries: what each signal's end adds beyond its sections' capacitance.
    out << "  end corrections from the 3D electrostatic solve (lumped at each end, C_ii in fF):";
    const auto& shunt = results.near_end_shunt;
    for (int i = 0; i < shunt.conductors; ++i)
      out << line(" %.4g", shunt.C_F[static_cast<std::size_t>(i * shunt.conductors + i)] * 1e15);
    out << "\n";
  }
  print_port_figures(out, results);
  print_checks(out, results);
}

std::string si_rlgc_file_name(const physics::SectionResult& section) {
  return "si_rlgc_" + section.rlgc.layer + ".csv";
}

CsvTable si_rlgc_table(const physics::SectionResult& section) {
  CsvTable table(
      {"frequency_Hz", "row", "column", "R_ohm_per_m", "L_H_per_m", "G_S_per_m", "C_F_per_m"});
  const physics::SectionRlgcSweep& sweep = section.rlgc;
  for (std::size_t k = 0; k < sweep.rlgc.size(); ++k) {
    const physics::RlgcMatrices& m = sweep.rlgc[k];
    const auto n = static_cast<std::size_t>(m.conductors);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t at = i * n + j;
        table.add_row({sweep.frequencies_Hz.at(k), sweep.signal_names.at(i),
                       sweep.signal_names.at(j), m.R.at(at), m.L.at(at), m.G.at(at), m.C.at(at)});
      }
  }
  return table;
}

CsvTable si_sparameter_table(const physics::SignalIntegrityResults& results) {
  const int ports =
      results.s.empty() ? static_cast<int>(results.port_names.size()) : results.s.front().rows();
  std::vector<std::string> columns = {"frequency_Hz"};
  for (int i = 1; i <= ports; ++i)
    for (int j = 1; j <= ports; ++j) {
      const std::string entry = "S" + std::to_string(i) + "_" + std::to_string(j);
      columns.push_back(entry + "_dB");
      columns.push_back(entry + "_deg");
    }
  CsvTable table(std::move(columns));
  for (std::size_t k = 0; k < results.s.size(); ++k) {
    const solver::ComplexMatrix& s = results.s[k];
    std::vector<CsvCell> row = {results.frequencies_Hz.at(k)};
    for (int i = 0; i < ports; ++i)
      for (int j = 0; j < ports; ++j) {
        row.emplace_back(magnitude_dB(s(i, j)));
        row.emplace_back(phase_deg(s(i, j)));
      }
    table.add_row(std::move(row));
  }
  return table;
}

std::vector<std::string> write_si_csv_tables(const std::filesystem::path& directory,
                                             const physics::SignalIntegrityResults& results) {
  std::vector<std::string> written;
  for (const auto& section : results.sections) {
    const std::string name = si_rlgc_file_name(section);
    si_rlgc_table(section).write(directory / name);
    written.push_back(name);
  }
  si_sparameter_table(results).write(directory / kSiSparameterFile);
  written.push_back(kSiSparameterFile);
  return written;
}

JsonValue si_summary_json(const physics::SignalIntegrityResults& results,
                          const std::string& touchstone_file) {
  const double top_Hz = top_frequency(results);
  JsonValue value = JsonValue::object();
  value.set("frequencies_Hz", JsonValue::array(results.frequencies_Hz));
  const physics::SectionResult* longest = longest_section(results);
  if (longest) {
    set_rlgc_json(value, longest->rlgc);
    value.set("rlgc_layer", longest->rlgc.layer);
  } else {
    for (const char* key : {"R_ohm_per_m", "L_H_per_m", "G_S_per_m", "C_F_per_m"})
      value.set(key, JsonValue::array());
    value.set("rlgc_layer", JsonValue());
  }
  JsonValue sections = JsonValue::array();
  for (const auto& section : results.sections) sections.push(section_json(section, top_Hz));
  value.set("sections", std::move(sections))
      .set("total_length_m", results.total_length_m)
      .set("signals", JsonValue::array(results.signal_names))
      .set("ports", JsonValue::array(results.port_names))
      .set("reference_impedance_ohm", results.reference_impedance_ohm);
  if (results.near_end_shunt.conductors > 0 || results.far_end_shunt.conductors > 0)
    value.set("end_corrections", JsonValue::object()
                                     .set("near", shunt_json(results.near_end_shunt))
                                     .set("far", shunt_json(results.far_end_shunt)));
  else
    value.set("end_corrections", JsonValue());
  value.set("report", report_json(results))
      .set("passivity", JsonValue::object()
                            .set("max_singular_value", results.max_singular_value)
                            .set("passive", results.max_singular_value <= 1 + kPassivityTolerance))
      .set("reciprocity",
           JsonValue::object()
               .set("max_error", results.max_reciprocity_error)
               .set("reciprocal", results.max_reciprocity_error <= kReciprocityTolerance))
      .set("touchstone", touchstone_file.empty() ? JsonValue() : JsonValue(touchstone_file));
  return value;
}

}  // namespace tsvfield::io
