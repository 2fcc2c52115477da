#include "io/electrical_review.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tsvfield::io {
namespace {

// Above this many conductors a matrix is left to its CSV file: a review page cannot
// show it legibly.
constexpr std::size_t kMaxMatrixInReport = 16;

double entry(const std::vector<double>& values, std::size_t size, std::size_t row,
             std::size_t column) {
  return values[row * size + column];
}

}  // namespace

std::string matrix_markdown(const std::string& corner, const std::vector<std::string>& names,
                            const std::vector<double>& values, double scale) {
  const std::size_t size = names.size();
  std::string md = "| " + corner + " |";
  std::string rule = "|---|";
  for (const auto& name : names) {
    md += " " + name + " |";
    rule += "---:|";
  }
  md += "\n" + rule + "\n";
  for (std::size_t row = 0; row < size; ++row) {
    md += "| " + names[row] + " |";
    for (std::size_t column = 0; column < size; ++column)
      md += text(" %.4g |", entry(values, size, row, column) * scale + 0.0);
    md += "\n";
  }
  return md;
}

ReviewText conduction_review_text(const physics::ConductionResults& results) {
  ReviewText review;
  double drop = results.max_potential_V - results.min_potential_V;
  review.findings += "- DC conduction: " + engineering(results.joule_power_W, "W") +
                     " of Joule heat; potentials span " + engineering(drop, "V") + " (from " +
                     engineering(results.min_potential_V, "V") + " to " +
                     engineering(results.max_potential_V, "V") +
                     "); the terminal currents sum to " +
                     text("%.3g A.\n", results.current_imbalance_A + 0.0);
  std::string& md = review.body;
  md +=
      "## Electrical: DC conduction\n\n| terminal | driven by | voltage (V) | current (A) | "
      "power (W) |\n|---|---|---:|---:|---:|\n";
  for (const auto& terminal : results.terminals) {
    md += "| " + terminal.name + " | " + (terminal.current_driven ? "current" : "voltage") +
          text(" | %.6g | %.6g | %.6g |\n", terminal.voltage_V + 0.0, terminal.current_A + 0.0,
               terminal.voltage_V * terminal.current_A + 0.0);
  }
  md += text(
      "\nJoule heat (volume integral of sigma |grad V|^2) %.6g W, against %.6g W delivered "
      "through the terminals. Potentials of the conducting nodes: %.6g to %.6g V.\n\n",
      results.joule_power_W, results.terminal_power_W, results.min_potential_V + 0.0,
      results.max_potential_V + 0.0);
  const std::size_t size = results.matrix_terminals.size();
  if (size > 0) {
    double low = entry(results.resistance_ohm, size, 0, 0), high = low;
    std::string lowest = results.matrix_terminals[0], highest = lowest;
    for (std::size_t i = 0; i < size; ++i) {
      const double self = entry(results.resistance_ohm, size, i, i);
      if (self < low) {
        low = self;
        lowest = results.matrix_terminals[i];
      }
      if (self > high) {
        high = self;
        highest = results.matrix_terminals[i];
      }
    }
    review.findings +=
        text("- Resistance: self resistances from %.4g mOhm (%s) to %.4g mOhm (%s).\n", low * 1e3,
             lowest.c_str(), high * 1e3, highest.c_str());
    md += "### Resistance matrix\n\nV_i = sum_j R_ij I_j with the other terminals at 0 V.\n\n";
    md += size <= kMaxMatrixInReport
              ? matrix_markdown("R (mOhm)", results.matrix_terminals, results.resistance_ohm, 1e3)
              : text("%zu terminals: see `resistance.csv`.\n", size);
    md += "\n";
  }
  review.solvers =
      solver_row(text("DC conduction (%d solves)", results.solve_count), results.solver);
  return review;
}

ReviewText capacitance_review_text(const std::string& treatment,
                                   const physics::CapacitanceResults& results) {
  ReviewText review;
  const std::size_t size = results.names.size();
  if (size == 0) return review;
  double self_low = entry(results.capacitance_F, size, 0, 0), self_high = self_low;
  double coupling = 0;
  std::string coupled_a, coupled_b;
  for (std::size_t i = 0; i < size; ++i) {
    self_low = std::min(self_low, entry(results.capacitance_F, size, i, i));
    self_high = std::max(self_high, entry(results.capacitance_F, size, i, i));
    for (std::size_t j = i + 1; j < size; ++j) {
      const double c = std::abs(entry(results.capacitance_F, size, i, j));
      if (c > coupling) {
        coupling = c;
        coupled_a = results.names[i];
        coupled_b = results.names[j];
      }
    }
  }
  review.findings += text("- Capacitance (silicon %s): self capacitances %.4g to %.4g fF",
                          treatment.c_str(), self_low * 1e15, self_high * 1e15);
  review.findings += coupled_a.empty()
                         ? std::string(".\n")
                         : text("; the largest coupling is %.4g fF, %s to %s.\n", coupling * 1e15,
                                coupled_a.c_str(), coupled_b.c_str());
  std::string& md = review.body;
  md += "## Electrical: capacitance, silicon " + treatment +
        "\n\nMaxwell matrix: Q_i = sum_j C_ij V_j (off-diagonal entries negative).\n\n";
  md += size <= kMaxMatrixInReport
            ? matrix_markdown("C (fF)", results.names, results.capacitance_F, 1e15)
            : text("%zu conductors: see `capacitance_%s.csv`.\n", size, treatment.c_str());
  md += text("\nAsymmetry max |C_ij - C_ji| / max C_ii: %.2e.\n\n", results.asymmetry);
  review.solvers = solver_row(
      text("capacitance, %s (%d solves)", treatment.c_str(), results.solve_count), results.solver);
  return review;
}

}  // namespace tsvfield::io
