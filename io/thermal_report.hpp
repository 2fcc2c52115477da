#pragma once
// What a thermal run reports: the per-die / per-block table printed on the terminal,
// the `thermal` section of summary.json, and the CSV tables. Plain formatting of
// physics::ThermalResults; no solver code here.
#include <string>

#include "io/csv_writer.hpp"
#include "io/json_writer.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::io {

inline constexpr double kCelsiusOffset = 273.15;  // 0 degC in K

// Whether the layer named `name` is a die: a layer of kind die or interposer (not a
// side-by-side group's fill).
bool is_die(const mesh::StackGeometry& geometry, const std::string& name);

// The `thermal` object of summary.json: dies (the layers of kind die or interposer),
// every layer, blocks, heat balance, solver statistics.
JsonValue thermal_summary_json(const physics::ThermalResults& results,
                               const mesh::StackGeometry& geometry);

// Per layer and per block rows: name, kind, T max/mean/min (K and degC), location of
// the maximum, power, thermal resistance.
CsvTable thermal_layers_table(const physics::ThermalResults& results,
                              const mesh::StackGeometry& geometry);
CsvTable thermal_blocks_table(const physics::ThermalResults& results);
// Transient: time and the maximum temperature of every layer at each output step.
CsvTable thermal_history_table(const physics::ThermalResults& results);

// The temperature the thermal resistances refer to, as text: "318.150 K", or with several
// reference temperatures, which one and why ("308.150 K (35.00 degC) at top, where 98.7 %
// of the heat leaves; 2 reference temperatures"). Empty without an ambient.
std::string ambient_text(const physics::ThermalResults& results);

// The table printed at the end of a run.
std::string format_thermal_table(const physics::ThermalResults& results,
                                 const mesh::StackGeometry& geometry);

}  // namespace tsvfield::io
