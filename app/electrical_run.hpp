#pragma once
// The electrical part of `tsvfield run`: DC conduction (optionally coupled with
// heat conduction), and one capacitance extraction per silicon treatment. Prints
// the terminal table and matrices on rank 0, writes electrical.pvtu, the CSV
// matrices (resistance.csv, capacitance_<treatment>.csv) and fills
// summary["electrical"].
#include <mpi.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/case.hpp"
#include "io/json_writer.hpp"
#include "mesh/extrude.hpp"
#include "mesh/progress.hpp"
#include "physics/conduction.hpp"
#include "physics/electrostatics.hpp"
#include "physics/thermal_problem.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::app {

// Whether the case asks for any electrical analysis.
bool has_electrical_analyses(const io::Case& the_case);

// What the electrical analyses leave for the caller's outputs (the report).
struct ElectricalOutcome {
  // With electro-thermal coupling the coupled solve replaces the plain thermal one:
  // its thermal results (Joule heat included).
  std::optional<physics::ThermalResults> coupled_thermal;
  std::optional<physics::ConductionResults> conduction;
  std::vector<std::pair<std::string, physics::CapacitanceResults>> capacitances;  // by treatment
};

// Runs the case's electrical analyses (collective on comm). Throws InputError /
// SolverError from the physics.
ElectricalOutcome run_electrical_analyses(const io::Case& the_case,
                                          const mesh::GeneratedMesh& generated,
                                          const physics::StackRegions& regions,
                                          const std::string& output_dir, MPI_Comm comm,
                                          Progress& progress, io::JsonValue& summary);

}  // namespace tsvfield::app
