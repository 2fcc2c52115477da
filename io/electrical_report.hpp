#pragma once
// What an electrical run reports: the terminal table, the resistance and
// capacitance matrices printed on the terminal, the `electrical` section of
// summary.json and the CSV matrices. Plain formatting of the physics result
// structs; no solver code here.
#include <string>
#include <vector>

#include "io/csv_writer.hpp"
#include "io/json_writer.hpp"
#include "physics/conduction.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/electrostatics.hpp"
#include "physics/electrothermal.hpp"

namespace tsvfield::io {

// "dielectric" / "grounded": the name used in keys and file names.
std::string silicon_treatment_name(physics::SiliconTreatment treatment);

// A row-major N x N matrix as a JSON array of N rows.
JsonValue matrix_json(const std::vector<double>& values, std::size_t size);

// The `electrical.conduction` object (terminals, powers, potential range,
// solver) and the `electrical.resistance` object ({terminals, matrix_ohm,
// conductance_matrix_S}; null when no matrix was asked for).
JsonValue conduction_summary_json(const physics::ConductionResults& results);
JsonValue resistance_summary_json(const physics::ConductionResults& results);

// The `electrical.capacitance[_<treatment>]` object: {silicon, conductors,
// matrix_F, ground_charge_C, asymmetry, solver}.
JsonValue capacitance_summary_json(const physics::CapacitanceResults& results,
                                   physics::SiliconTreatment treatment);

// The `electrical.electrothermal` object: iterations and the convergence history.
JsonValue electrothermal_summary_json(const physics::ElectrothermalResults& results);

// A square matrix with names as headers: first column `corner` (the quantity
// and unit, e.g. "C_F"), then one column per name; one row per name.
CsvTable named_matrix_table(const std::string& corner, const std::vector<std::string>& names,
                            const std::vector<double>& values);
// Per coupling iteration: max temperature, Joule power, changes.
CsvTable electrothermal_history_table(const physics::ElectrothermalResults& results);

// Text printed at the end of a run.
std::string format_conduction_table(const physics::ConductionResults& results);
std::string format_capacitance_table(const physics::CapacitanceResults& results,
                                     physics::SiliconTreatment treatment);
std::string format_electrothermal_table(const physics::ElectrothermalResults& results);

}  // namespace tsvfield::io
