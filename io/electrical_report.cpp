#include "io/electrical_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace tsvfield::io {
namespace {

constexpr double kFemtofarad = 1e-15;

JsonValue solver_json(const solver::SolveStats& stats, int solve_count) {
  JsonValue value = JsonValue::object();
  value.set("method", stats.method)
      .set("solves", solve_count)
      .set("linear_iterations", stats.iterations)
      .set("residual_norm", stats.residual_norm)
      .set("converged_reason", stats.converged_reason)
      .set("setup_s", stats.setup_seconds)
      .set("solve_s", stats.solve_seconds);
  return value;
}

// Column width for a matrix printout: the longest name, at least `minimum`.
int column_width(const std::vector<std::string>& names, int minimum) {
  int width = minimum;
  for (const auto& name : names) width = std::max(width, static_cast<int>(name.size()));
  return width;
}

// A named square matrix as aligned text, each value scaled by `scale` and
// printed with `format` (a printf format for one double of width `width`);
// scaled values below `negligible` in magnitude print as 0 (not "-0.0000").
std::string format_matrix(const std::vector<std::string>& names, const std::vector<double>& values,
                          double scale, const char* format, double negligible) {
  const int width = column_width(names, 12);
  std::string text;
  char cell[64];
  std::snprintf(cell, sizeof cell, "  %-*s", width, "");
  text += cell;
  for (const auto& name : names) {
    std::snprintf(cell, sizeof cell, " %*s", width, name.c_str());
    text += cell;
  }
  text += "\n";
  const std::size_t size = names.size();
  for (std::size_t i = 0; i < size; ++i) {
    std::snprintf(cell, sizeof cell, "  %-*s", width, names[i].c_str());
    text += cell;
    for (std::size_t j = 0; j < size; ++j) {
      double shown = values[i * size + j] / scale;
      if (std::fabs(shown) < negligible) shown = 0.0;
      std::snprintf(cell, sizeof cell, format, width, shown);
      text += cell;
    }
    text += "\n";
  }
  return text;
}

}  // namespace

std::string silicon_treatment_name(physics::SiliconTreatment treatment) {
  return treatment == physics::SiliconTreatment::grounded ? "grounded" : "dielectric";
}

JsonValue matrix_json(const std::vector<double>& values, std::size_t size) {
  JsonValue rows = JsonValue::array();
  for (std::size_t i = 0; i < size; ++i) {
    auto first = values.begin() + static_cast<std::ptrdiff_t>(i * size);
    rows.push(
        JsonValue::array(std::vector<double>(first, first + static_cast<std::ptrdiff_t>(size))));
  }
  return rows;
}

JsonValue conduction_summary_json(const physics::ConductionResults& results) {
  JsonValue terminals = JsonValue::array();
  for (const auto& terminal : results.terminals) {
    JsonValue item = JsonValue::object();
    item.set("name", terminal.name)
        .set("voltage_V", terminal.voltage_V)
        .set("current_A", terminal.current_A)
        .set("drive", terminal.current_driven ? "current" : "voltage");
    terminals.push(std::move(item));
  }
  JsonValue value = JsonValue::object();
  value.set("terminals", std::move(terminals))
      .set("joule_power_W", results.joule_power_W)
      .set("terminal_power_W", results.terminal_power_W)
      .set("current_imbalance_A", results.current_imbalance_A)
      .set("max_potential_V", results.max_potential_V)
      .set("min_potential_V", results.min_potential_V)
      .set("solver", solver_json(results.solver, results.solve_count));
  return value;
}

JsonValue resistance_summary_json(const physics::ConductionResults& results) {
  if (results.matrix_terminals.empty()) return JsonValue();
  const std::size_t size = results.matrix_terminals.size();
  JsonValue value = JsonValue::object();
  value.set("terminals", JsonValue::array(results.matrix_terminals))
      .set("matrix_ohm", matrix_json(results.resistance_ohm, size))
      .set("conductance_matrix_S", matrix_json(results.conductance_S, size));
  return value;
}

JsonValue capacitance_summary_json(const physics::CapacitanceResults& results,
                                   physics::SiliconTreatment treatment) {
  JsonValue value = JsonValue::object();
  value.set("silicon", silicon_treatment_name(treatment))
      .set("conductors", JsonValue::array(results.names))
      .set("matrix_F", matrix_json(results.capacitance_F, results.names.size()))
      .set("ground_charge_C", JsonValue::array(results.ground_charge_C))
      .set("asymmetry", results.asymmetry)
      .set("solver", solver_json(results.solver, results.solve_count));
  return value;
}

JsonValue electrothermal_summary_json(const physics::ElectrothermalResults& results) {
  JsonValue history = JsonValue::array();
  for (const auto& step : results.history) {
    JsonValue item = JsonValue::object();
    item.set("iteration", step.iteration)
        .set("max_temperature_K", step.max_temperature_K)
        .set("joule_power_W", step.joule_power_W)
        .set("temperature_change_K", step.temperature_change_K)
        .set("power_change", step.power_change)
        .set("linear_iterations", step.linear_iterations);
    history.push(std::move(item));
  }
  JsonValue value = JsonValue::object();
  value.set("iterations", results.iterations)
      .set("joule_power_W", results.conduction.joule_power_W)
      .set("history", std::move(history));
  return value;
}

CsvTable named_matrix_table(const std::string& corner, const std::vector<std::string>& names,
                            const std::vector<double>& values) {
  std::vector<std::string> columns = {corner};
  columns.insert(columns.end(), names.begin(), names.end());
  CsvTable table(std::move(columns));
  const std::size_t size = names.size();
  for (std::size_t i = 0; i < size; ++i) {
    std::vector<CsvCell> row = {CsvCell(names[i])};
    for (std::size_t j = 0; j < size; ++j) row.emplace_back(values[i * size + j]);
    table.add_row(std::move(row));
  }
  return table;
}

CsvTable electrothermal_history_table(const physics::ElectrothermalResults& results) {
  CsvTable table({"iteration", "max_temperature_K", "joule_power_W", "temperature_change_K",
                  "power_change", "linear_iterations"});
  for (const auto& step : results.history)
    table.add_row({step.iteration, step.max_temperature_K, step.joule_power_W,
                   step.temperature_change_K, step.power_change, step.linear_iterations});
  return table;
}

std::string format_conduction_table(const physics::ConductionResults& results) {
  std::vector<std::string> names;
  for (const auto& terminal : results.terminals) names.push_back(terminal.name);
  const int width = column_width(names, 8);
  std::string text = "\nDC conduction: terminals\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-*s %14s %14s  %s\n", width, "terminal", "voltage (V)",
                "current (A)", "drive");
  text += line;
  for (const auto& terminal : results.terminals) {
    std::snprintf(line, sizeof line, "  %-*s %14.6g %14.6g  %s\n", width, terminal.name.c_str(),
                  terminal.voltage_V, terminal.current_A,
                  terminal.current_driven ? "current" : "voltage");
    text += line;
  }
  std::snprintf(line, sizeof line,
                "  Joule power %.6g W, potential %.6g .. %.6g V, current imbalance %.3g A\n",
                results.joule_power_W, results.min_potential_V, results.max_potential_V,
                results.current_imbalance_A);
  text += line;
  if (!results.matrix_terminals.empty()) {
    text += "\nresistance matrix (ohm; V_i = sum_j R_ij I_j, other terminals at 0 V)\n";
    text += format_matrix(results.matrix_terminals, results.resistance_ohm, 1.0, " %*.6g", 0.0);
  }
  std::snprintf(line, sizeof line, "  solver: %s, %d solves, %d iterations, %s\n",
                results.solver.method.c_str(), results.solve_count, results.solver.iterations,
                results.solver.converged_reason.c_str());
  text += line;
  return text;
}

std::string format_capacitance_table(const physics::CapacitanceResults& results,
                                     physics::SiliconTreatment treatment) {
  std::string text = "\ncapacitance matrix, silicon " + silicon_treatment_name(treatment) +
                     " (fF; Maxwell: Q_i = sum_j C_ij V_j)\n";
  text += format_matrix(results.names, results.capacitance_F, kFemtofarad, " %*.4f", 5e-5);
  char line[256];
  std::snprintf(line, sizeof line, "  asymmetry %.2g, solver: %s, %d solves, %d iterations\n",
                results.asymmetry, results.solver.method.c_str(), results.solve_count,
                results.solver.iterations);
  text += line;
  return text;
}

std::string format_electrothermal_table(const physics::ElectrothermalResults& results) {
  std::string text = "\nelectro-thermal coupling\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %9s %14s %14s %14s %12s\n", "iteration", "T max (K)",
                "Joule (W)", "dT (K)", "dP/P");
  text += line;
  for (const auto& step : results.history) {
    std::snprintf(line, sizeof line, "  %9d %14.6f %14.6g %14.3g %12.3g\n", step.iteration,
                  step.max_temperature_K, step.joule_power_W, step.temperature_change_K,
                  step.power_change);
    text += line;
  }
  std::snprintf(line, sizeof line, "  converged in %d iterations\n", results.iterations);
  text += line;
  return text;
}

}  // namespace tsvfield::io
