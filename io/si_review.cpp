#include "io/si_review.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "io/line_chart.hpp"
#include "io/si_report.hpp"

namespace tsvfield::io {
namespace {

constexpr int kChartWidth = 720, kChartHeight = 300;

std::vector<double> report_frequencies(const physics::SignalIntegrityResults& results) {
  std::vector<double> frequencies;
  for (const auto& figures : results.report)
    if (std::find(frequencies.begin(), frequencies.end(), figures.frequency_Hz) ==
        frequencies.end())
      frequencies.push_back(figures.frequency_Hz);
  return frequencies;
}

std::string findings(const physics::SignalIntegrityResults& results) {
  std::string md;
  const std::size_t signals = results.signal_names.size();
  for (double frequency : report_frequencies(results)) {
    const physics::PortFigures* worst_insertion = nullptr;
    const physics::PortFigures* worst_return = nullptr;
    double next = -300, fext = -300;
    for (const auto& figures : results.report) {
      if (figures.frequency_Hz != frequency) continue;
      if (!worst_insertion || figures.insertion_loss_dB > worst_insertion->insertion_loss_dB)
        worst_insertion = &figures;
      if (!worst_return || figures.return_loss_dB < worst_return->return_loss_dB)
        worst_return = &figures;
      next = std::max(next, figures.worst_next_dB);
      fext = std::max(fext, figures.worst_fext_dB);
    }
    md += text("- At %.4g GHz: insertion loss up to %.3f dB (%s), return loss down to %.2f dB (%s)",
               frequency * 1e-9, worst_insertion->insertion_loss_dB,
               results.signal_names[static_cast<std::size_t>(worst_insertion->signal)].c_str(),
               worst_return->return_loss_dB,
               results.signal_names[static_cast<std::size_t>(worst_return->signal)].c_str());
    md += signals > 1 ? text(", worst NEXT %.1f dB and FEXT %.1f dB.\n", next, fext)
                      : std::string(".\n");
  }
  const bool passive = results.max_singular_value <= 1 + kPassivityTolerance;
  const bool reciprocal = results.max_reciprocity_error <= kReciprocityTolerance;
  md += text(
      "- The S-matrices are %s (largest singular value %.12f) and %s (max |S_ij - S_ji| "
      "%.2e).\n",
      passive ? "passive" : "NOT passive", results.max_singular_value,
      reciprocal ? "reciprocal" : "NOT reciprocal", results.max_reciprocity_error);
  return md;
}

std::string sections_table(const physics::SignalIntegrityResults& results) {
  std::string md =
      "| section (layer) | length (um) | cross-section cells | skin depth resolved up to (GHz) "
      "|\n|---|---:|---:|---:|\n";
  for (const auto& section : results.sections) {
    md += "| " + section.rlgc.layer +
          text(" | %.4g | %d | %.4g |\n", section.rlgc.length_m * 1e6, section.cross_section_cells,
               section.skin_depth_resolved_to_Hz * 1e-9);
  }
  return md;
}

std::string figures_table(const physics::SignalIntegrityResults& results) {
  std::string md =
      "| frequency (GHz) | signal | insertion loss (dB) | return loss (dB) | worst NEXT (dB) | "
      "worst FEXT (dB) |\n|---:|---|---:|---:|---:|---:|\n";
  const bool coupled = results.signal_names.size() > 1;
  for (const auto& figures : results.report) {
    md += text("| %.4g | ", figures.frequency_Hz * 1e-9) +
          results.signal_names[static_cast<std::size_t>(figures.signal)] +
          text(" | %.4f | %.3f |", figures.insertion_loss_dB, figures.return_loss_dB) +
          (coupled ? text(" %.2f | %.2f |\n", figures.worst_next_dB, figures.worst_fext_dB)
                   : std::string(" - | - |\n"));
  }
  return md;
}

// The first signal's own R, L, G, C (and its coupling to the second) per section at
// the sweep points the printed report shows (first, last, nearest the report
// frequencies).
std::string rlgc_table(const physics::SignalIntegrityResults& results) {
  const bool coupled = results.signal_names.size() > 1;
  std::string md =
      "| section | frequency (GHz) | R11 (Ohm/mm) | L11 (pH/mm) | G11 (uS/mm) | "
      "C11 (fF/mm) |";
  md += coupled ? " L12 (pH/mm) | C12 (fF/mm) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
                : "\n|---|---:|---:|---:|---:|---:|\n";
  const std::vector<std::size_t> indices = table_frequency_indices(results);
  for (const auto& section : results.sections) {
    for (const std::size_t k : indices) {
      const physics::RlgcMatrices& m = section.rlgc.rlgc[k];
      // Per metre to per millimetre.
      md += "| " + section.rlgc.layer +
            text(" | %.4g | %.4g | %.4g | %.4g | %.4g |", section.rlgc.frequencies_Hz[k] * 1e-9,
                 m.R[0] * 1e-3, m.L[0] * 1e12 * 1e-3, m.G[0] * 1e6 * 1e-3, m.C[0] * 1e15 * 1e-3);
      md += coupled ? text(" %.4g | %.4g |\n", m.L[1] * 1e12 * 1e-3, m.C[1] * 1e15 * 1e-3 + 0.0)
                    : std::string("\n");
    }
  }
  return md;
}

// |S| in dB of each signal's transmission (far end from near end) or reflection.
std::string chart(const std::filesystem::path& output_dir,
                  const physics::SignalIntegrityResults& results, bool transmission,
                  const std::string& file) {
  const std::size_t signals = results.signal_names.size();
  std::vector<ChartSeries> series;
  for (std::size_t i = 0; i < signals; ++i) {
    ChartSeries one;
    one.colour = series_colour(i);
    one.name = results.signal_names[i];
    for (std::size_t k = 0; k < results.frequencies_Hz.size(); ++k) {
      const int row = static_cast<int>(transmission ? signals + i : i);
      one.x.push_back(results.frequencies_Hz[k] * 1e-9);
      one.y.push_back(magnitude_dB(results.s[k](row, static_cast<int>(i))));
    }
    series.push_back(std::move(one));
  }
  ChartOptions options;
  options.title = transmission ? "Transmission of each signal, far end from near end"
                               : "Reflection of each signal at its near end";
  options.x_label = "frequency (GHz)";
  options.y_label = transmission ? "|S(far, near)| (dB)" : "|S(near, near)| (dB)";
  write_png(line_chart(series, kChartWidth, kChartHeight, options), output_dir / file);
  return "![" + std::string(transmission ? "transmission" : "reflection") + "](" + file + ")\n\n" +
         (transmission ? "|S(far, near)| of each signal in dB (0 dB: no loss)"
                       : "|S(near, near)| of each signal in dB (lower: better matched)") +
         " against frequency in GHz, one colour per signal as in the legend" +
         (signals > 8 ? " (colours repeat after 8)" : "") +
         "; curves that coincide are drawn as interleaved dashes of their colours, the legend "
         "naming the first of them after each of the others (\"= name\").\n\n";
}

}  // namespace

ReviewText si_review_text(const std::filesystem::path& output_dir,
                          const physics::SignalIntegrityResults& results) {
  ReviewText review;
  if (results.signal_names.empty() || results.frequencies_Hz.empty()) return review;
  std::filesystem::create_directories(output_dir / "report");
  review.findings = findings(results);
  std::string& md = review.body;
  md += "## Signal integrity\n\n";
  md += text("%zu signal%s (", results.signal_names.size(),
             results.signal_names.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < results.signal_names.size(); ++i)
    md += (i == 0 ? "" : ", ") + results.signal_names[i];
  md += text(
      ") over %.4g um, swept from %.4g to %.4g GHz (%zu points); reference impedance %.4g Ohm. "
      "Ports 1..N are the signals' near (bottom) ends, N+1..2N their far (top) ends.\n\n",
      results.total_length_m * 1e6, results.frequencies_Hz.front() * 1e-9,
      results.frequencies_Hz.back() * 1e-9, results.frequencies_Hz.size(),
      results.reference_impedance_ohm);
  md += sections_table(results) + "\n### Losses and crosstalk\n\n" + figures_table(results);
  md += "\n### Per-unit-length parameters\n\n" + rlgc_table(results) +
        "\nEvery entry at every frequency is in `si_rlgc_<layer>.csv`; the S-parameters in the "
        "Touchstone file and `si_sparameters.csv`.\n\n";
  md += "### Charts\n\n" + chart(output_dir, results, true, "report/si_transmission.png") +
        chart(output_dir, results, false, "report/si_reflection.png");
  for (const auto& section : results.sections) {
    if (section.impedance_reused_from >= 0 && section.admittance_reused_from >= 0) continue;
    const auto& impedance = section.impedance_stats;
    const auto& admittance = section.admittance_stats;
    review.solvers +=
        "| signal integrity, " + section.rlgc.layer +
        text(
            " | 2D cross-sections: impedance (%d unknowns), admittance (%d unknowns) | %d-%d, "
            "%d-%d per solve | - | - | %.2f s |\n",
            impedance.unknowns, admittance.unknowns, impedance.min_iterations,
            impedance.max_iterations, admittance.min_iterations, admittance.max_iterations,
            impedance.seconds + admittance.seconds);
  }
  return review;
}

}  // namespace tsvfield::io
