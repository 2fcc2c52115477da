#pragma once
// Steady electro-thermal coupling: DC conduction with sigma(T) and steady heat
// conduction with the Joule heat as an extra volume source, solved in turn
// (fixed-point / Picard iteration) until the temperature and the Joule power
// both settle. A temperature-dependent k(T) is lagged the same way (k at the
// previous temperature iterate), so every solve inside the loop is linear.
//
// The thermal problem comes from build_thermal_problem (physics/thermal_problem.hpp);
// the Joule heat is appended to it as one more load group (per-cell densities in
// W/m^3, scale 1). solve_thermal itself has no hook for an extra per-cell source,
// so the (linear, steady) thermal solve of each iteration lives here.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "physics/conduction.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/material.hpp"
#include "physics/thermal_problem.hpp"
#include "physics/thermal_results.hpp"
#include "physics/thermal_spec.hpp"

namespace tsvfield::physics {

struct ElectrothermalOptions {
  ConductionOptions conduction;             // prefix "conduction_"
  std::string thermal_prefix = "thermal_";  // PETSc options prefix of the heat solves
  std::vector<std::string> petsc_options;
  // Progress lines ("electrothermal: iteration 3, dT 1.2e-03 K, dP/P 4.0e-06, T_max 351.2 K");
  // called on every rank (the driver prints rank 0's); may be empty.
  std::function<void(const std::string&)> progress;
};

struct CouplingIteration {
  int iteration = 0;
  double max_temperature_K = 0;
  double joule_power_W = 0;
  double temperature_change_K = 0;  // largest nodal change from the previous iterate
  double power_change = 0;          // relative change of the Joule power
  int linear_iterations = 0;        // conduction + heat
};

struct ElectrothermalResults {
  ConductionResults conduction;  // at the converged temperature
  ThermalResults thermal;        // with the Joule heat included in heat_balance.power_in_W
  std::vector<CouplingIteration> history;
  int iterations = 0;
};

// Collective on comm. The thermal analysis must be steady. Throws InputError for
// bad input, SolverError when a linear solve fails or the coupling does not
// converge within coupling.max_iterations.
ElectrothermalResults solve_electrothermal(const mesh::LocalMesh& mesh,
                                           const MaterialLibrary& materials,
                                           const ConductionSpec& conduction,
                                           const ThermalSpec& thermal, const StackRegions& regions,
                                           const CouplingSpec& coupling, MPI_Comm comm,
                                           const ElectrothermalOptions& options = {});

}  // namespace tsvfield::physics
