#pragma once
// The electrical part of `tsvfield run`: DC conduction (optionally coupled with
// heat conduction), and one capacitance extraction per silicon treatment. Prints
// the terminal table and matrices on rank 0, writes electrical.pvtu, the CSV
// matrices (resistance.csv, capacitance_<treatment>.csv) and fills
// summary["electrical"].
#include <mpi.h>

#include <optional>
#include <string>

#include "io/case.hpp"
#include "io/json_writer.hpp"
#include "mesh/extrude.hpp"
#include "mesh/progress.hpp"
#include "physics/thermal_problem.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::app {

// Whether the case asks for any electrical analysis.
bool has_electrical_analyses(const io::Case& the_case);

// Runs the case's electrical analyses (collective on comm). With electro-thermal
// coupling the coupled solve replaces the plain thermal one: its thermal results
// (Joule heat included) are returned for the caller's thermal outputs; otherwise
// nullopt. Throws InputError / SolverError from the physics.
std::optional<physics::ThermalResults> run_electrical_analyses(const io::Case& the_case,
                                                               const mesh::GeneratedMesh& generated,
                                                               const physics::StackRegions& regions,
                                                               const std::string& output_dir,
                                                               MPI_Comm comm, Progress& progress,
                                                               io::JsonValue& summary);

}  // namespace tsvfield::app
