#include "io/thermal_report.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace tsvfield::io {
namespace {

const mesh::LayerInstance* find_layer(const mesh::StackGeometry& geometry,
                                      const std::string& name) {
  int index = geometry.layer_index(name);
  return index < 0 ? nullptr : &geometry.layers[static_cast<std::size_t>(index)];
}

std::string layer_kind(const mesh::StackGeometry& geometry, const std::string& name) {
  const auto* layer = find_layer(geometry, name);
  if (layer == nullptr) return "generic";
  return layer->is_group_fill ? "fill" : mesh::layer_kind_name(layer->kind);
}

JsonValue stats_json(const physics::TemperatureStats& stats) {
  JsonValue value = JsonValue::object();
  value.set("name", stats.name)
      .set("t_max_K", stats.t_max_K)
      .set("t_mean_K", stats.t_mean_K)
      .set("t_min_K", stats.t_min_K)
      .set("t_max_location_m",
           JsonValue::array({stats.max_location[0], stats.max_location[1], stats.max_location[2]}))
      .set("volume_m3", stats.volume_m3)
      .set("power_W", stats.power_W)
      .set("resistance_K_per_W",
           stats.has_resistance ? JsonValue(stats.resistance_K_per_W) : JsonValue());
  return value;
}

JsonValue solver_json(const solver::SolveStats& stats) {
  JsonValue value = JsonValue::object();
  value.set("method", stats.method)
      .set("preconditioner", stats.preconditioner)
      .set("linear_iterations", stats.iterations)
      .set("nonlinear_iterations", stats.nonlinear_iterations)
      .set("time_steps", stats.time_steps)
      .set("residual_norm", stats.residual_norm)
      .set("converged_reason", stats.converged_reason)
      .set("setup_s", stats.setup_seconds)
      .set("solve_s", stats.solve_seconds);
  return value;
}

JsonValue heat_balance_json(const physics::HeatBalance& balance) {
  JsonValue value = JsonValue::object();
  value.set("power_in_W", balance.power_in_W)
      .set("fixed_temperature_out_W", balance.fixed_temperature_out_W)
      .set("convection_out_W", balance.convection_out_W)
      .set("stored_W", balance.stored_W)
      .set("relative_error", balance.relative_error);
  JsonValue by_reference = JsonValue::array();
  for (const auto& outflow : balance.by_reference) {
    JsonValue entry = JsonValue::object();
    entry.set("temperature_K", outflow.temperature_K)
        .set("surfaces", JsonValue::array(outflow.surfaces))
        .set("out_W", outflow.out_W);
    by_reference.push(std::move(entry));
  }
  value.set("out_by_reference", std::move(by_reference));
  return value;
}

std::vector<CsvCell> stats_row(const physics::TemperatureStats& stats, const std::string& kind) {
  return {stats.name,
          kind,
          stats.t_max_K,
          stats.t_mean_K,
          stats.t_min_K,
          stats.t_max_K - kCelsiusOffset,
          stats.max_location[0],
          stats.max_location[1],
          stats.max_location[2],
          stats.power_W,
          stats.has_resistance ? CsvCell(stats.resistance_K_per_W) : CsvCell("")};
}

const std::vector<std::string> kStatsColumns = {
    "name",    "kind",    "t_max_K", "t_mean_K", "t_min_K",           "t_max_degC",
    "x_max_m", "y_max_m", "z_max_m", "power_W",  "resistance_K_per_W"};

// Temperatures print in degC for packages near room temperature and in kelvin for
// cryogenic ones (-268.6 degC says less than 4.5 K).
struct TemperatureUnit {
  const char* label;
  double offset;
};

TemperatureUnit table_unit(const physics::ThermalResults& results) {
  double t_max = 0;
  for (const auto& stats : results.layers) t_max = std::max(t_max, stats.t_max_K);
  constexpr double kCryogenicLimit_K = 150;
  return t_max < kCryogenicLimit_K ? TemperatureUnit{"K", 0} : TemperatureUnit{"C", kCelsiusOffset};
}

std::string format_row(const physics::TemperatureStats& stats, const std::string& kind,
                       const TemperatureUnit& unit) {
  char buffer[256];
  std::string resistance = "-";
  if (stats.has_resistance) {
    char value[32];
    std::snprintf(value, sizeof value, "%.4g", stats.resistance_K_per_W);
    resistance = value;
  }
  std::snprintf(
      buffer, sizeof buffer, "%-26s %-10s %9.3f %9.3f %9.3f  (%8.3f,%8.3f,%8.1f) %9.4g %10s\n",
      stats.name.c_str(), kind.c_str(), stats.t_max_K - unit.offset, stats.t_mean_K - unit.offset,
      stats.t_min_K - unit.offset, stats.max_location[0] * 1e3, stats.max_location[1] * 1e3,
      stats.max_location[2] * 1e6, stats.power_W, resistance.c_str());
  return buffer;
}

}  // namespace

bool is_die(const mesh::StackGeometry& geometry, const std::string& name) {
  const auto* layer = find_layer(geometry, name);
  return layer != nullptr && !layer->is_group_fill &&
         (layer->kind == mesh::LayerKind::die || layer->kind == mesh::LayerKind::interposer);
}

JsonValue thermal_summary_json(const physics::ThermalResults& results,
                               const mesh::StackGeometry& geometry) {
  JsonValue dies = JsonValue::array(), layers = JsonValue::array(), blocks = JsonValue::array();
  double t_max = results.layers.empty() ? 0.0 : results.layers.front().t_max_K;
  for (const auto& stats : results.layers) {
    JsonValue entry = stats_json(stats);
    entry.set("kind", layer_kind(geometry, stats.name));
    if (is_die(geometry, stats.name)) dies.push(entry);
    layers.push(std::move(entry));
    if (stats.t_max_K > t_max) t_max = stats.t_max_K;
  }
  for (const auto& stats : results.blocks) blocks.push(stats_json(stats));
  JsonValue value = JsonValue::object();
  value.set("t_max_K", t_max)
      .set("ambient_K", results.has_ambient ? JsonValue(results.ambient_K) : JsonValue())
      .set("ambient_surfaces",
           results.has_ambient ? JsonValue::array(results.ambient_surfaces) : JsonValue())
      .set("ambient_heat_fraction",
           results.has_ambient ? JsonValue(results.ambient_heat_fraction) : JsonValue())
      .set("dies", std::move(dies))
      .set("layers", std::move(layers))
      .set("blocks", std::move(blocks))
      .set("heat_balance", heat_balance_json(results.heat_balance))
      .set("solver", solver_json(results.solver));
  if (!results.history_time.empty()) value.set("end_time_s", results.time);
  return value;
}

CsvTable thermal_layers_table(const physics::ThermalResults& results,
                              const mesh::StackGeometry& geometry) {
  CsvTable table(kStatsColumns);
  for (const auto& stats : results.layers) {
    table.add_row(stats_row(stats, layer_kind(geometry, stats.name)));
  }
  return table;
}

CsvTable thermal_blocks_table(const physics::ThermalResults& results) {
  CsvTable table(kStatsColumns);
  for (const auto& stats : results.blocks) table.add_row(stats_row(stats, "block"));
  return table;
}

CsvTable thermal_history_table(const physics::ThermalResults& results) {
  std::vector<std::string> columns = {"time_s"};
  for (const auto& stats : results.layers) columns.push_back(stats.name + "_t_max_K");
  CsvTable table(columns);
  for (std::size_t step = 0; step < results.history_time.size(); ++step) {
    std::vector<CsvCell> row = {results.history_time[step]};
    for (double value : results.history_layer_max_K.at(step)) row.emplace_back(value);
    table.add_row(std::move(row));
  }
  return table;
}

std::string ambient_text(const physics::ThermalResults& results) {
  if (!results.has_ambient) return "";
  char text[96];
  std::snprintf(text, sizeof text, "%.3f K", results.ambient_K);
  const std::size_t references = results.heat_balance.by_reference.size();
  if (references < 2) return text;
  std::string surfaces;
  for (const auto& surface : results.ambient_surfaces)
    surfaces += (surfaces.empty() ? "" : ", ") + surface;
  std::string described = text;
  if (results.ambient_K >= 200) {  // as the tables: degC only where it reads naturally
    std::snprintf(text, sizeof text, " (%.2f degC)", results.ambient_K - kCelsiusOffset);
    described += text;
  }
  char reason[256];
  std::snprintf(reason, sizeof reason,
                " at %s, where %.1f %% of the heat leaves; %zu reference "
                "temperatures",
                surfaces.c_str(), 100 * results.ambient_heat_fraction, references);
  return described + reason;
}

std::string format_thermal_table(const physics::ThermalResults& results,
                                 const mesh::StackGeometry& geometry) {
  std::string text;
  TemperatureUnit unit = table_unit(results);
  std::string t_max = std::string("Tmax[") + unit.label + "]";
  std::string t_mean = std::string("Tmean[") + unit.label + "]";
  std::string t_min = std::string("Tmin[") + unit.label + "]";
  char header[256];
  std::snprintf(header, sizeof header, "%-26s %-10s %9s %9s %9s  %-28s %9s %10s\n", "layer", "kind",
                t_max.c_str(), t_mean.c_str(), t_min.c_str(), "  at (x mm, y mm, z um)", "P [W]",
                "R [K/W]");
  text += header;
  for (const auto& stats : results.layers) {
    text += format_row(stats, layer_kind(geometry, stats.name), unit);
  }
  if (!results.blocks.empty()) {
    text += "\n";
    std::string block_header = header;
    block_header.replace(0, 5, "block");
    text += block_header;
    for (const auto& stats : results.blocks) text += format_row(stats, "block", unit);
  }
  const auto& balance = results.heat_balance;
  char footer[256];
  std::snprintf(footer, sizeof footer,
                "\nheat balance: in %.6g W, out %.6g W (fixed T %.6g W, convection %.6g W), "
                "stored %.6g W, relative error %.2e\n",
                balance.power_in_W, balance.fixed_temperature_out_W + balance.convection_out_W,
                balance.fixed_temperature_out_W, balance.convection_out_W, balance.stored_W,
                balance.relative_error);
  text += footer;
  if (results.heat_balance.by_reference.size() > 1) {
    text +=
        results.has_ambient
            ? "R [K/W] = (Tmax - ambient) / P, ambient " + ambient_text(results) + "\n"
            : std::string("R [K/W]: no ambient (no heat leaves at any reference temperature)\n");
  }
  std::snprintf(
      footer, sizeof footer, "solver: %s, %d iterations%s, %s\n", results.solver.method.c_str(),
      results.solver.iterations,
      results.solver.nonlinear_iterations > 0
          ? (" (" + std::to_string(results.solver.nonlinear_iterations) + " Newton)").c_str()
          : "",
      results.solver.converged_reason.c_str());
  text += footer;
  return text;
}

}  // namespace tsvfield::io
