#pragma once
// Results of a thermal solve, as plain data: temperatures per layer (die) and
// per power block, thermal resistances, the heat balance, solver statistics and
// the fields for output. Computed collectively; every rank holds the same
// summary values and its own part of the fields.
#include <mpi.h>

#include <array>
#include <string>
#include <vector>

#include "physics/thermal_problem.hpp"
#include "solver/linear_solve.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics {

struct TemperatureStats {
  std::string name;                               // layer name, or "<layer>/<block>"
  double t_max_K = 0, t_mean_K = 0, t_min_K = 0;  // mean: volume-weighted
  std::array<double, 3> max_location{};           // node where t_max_K occurs
  double volume_m3 = 0;
  double power_W = 0;  // power of the sources in this layer / block
  // (t_max_K - ambient) / power_W; 0 with has_resistance false where not meaningful
  // (no power, or no ambient: ThermalResults::has_ambient).
  double resistance_K_per_W = 0;
  bool has_resistance = false;
};

// The heat out through the fixed-temperature and convection boundaries at one reference
// temperature (negative: in).
struct ReferenceOutflow {
  double temperature_K = 0;
  std::vector<std::string> surfaces;
  double out_W = 0;
};

struct HeatBalance {
  double power_in_W = 0;               // sources + boundary heat fluxes
  double fixed_temperature_out_W = 0;  // through fixed-temperature surfaces (FE reaction)
  double convection_out_W = 0;         // int h (T - T_amb) over convection surfaces
  double stored_W = 0;                 // rate of change of stored heat (transient)
  double relative_error = 0;           // |in - out - stored| / the largest of the four terms
  std::vector<ReferenceOutflow> by_reference;  // per ThermalProblem::references
};

struct ThermalResults {
  std::vector<TemperatureStats> layers;  // every layer with cells, in mesh order
  std::vector<TemperatureStats> blocks;  // every block of StackRegions that holds cells
  HeatBalance heat_balance;
  solver::SolveStats solver;
  // What the thermal resistances refer to (refer_to_ambient): the boundaries' one
  // reference temperature, or of several, the one whose boundaries take the most heat
  // out; has_ambient false when there is none (or no heat leaves).
  double ambient_K = 0;
  bool has_ambient = false;
  std::vector<std::string> ambient_surfaces;  // the boundaries at ambient_K
  double ambient_heat_fraction = 0;           // of the heat out: what leaves through them
  double time = 0;                            // transient: the end time
  // Fields on this rank's part of the mesh.
  std::vector<double> temperature_K;                  // per local node (owned, then ghosts)
  std::vector<std::array<double, 3>> heat_flux_W_m2;  // per local cell, -k grad T at the centroid
  // Transient history: time of each step and max temperature of each layer (aligned with `layers`).
  std::vector<double> history_time;
  std::vector<std::vector<double>> history_layer_max_K;  // [step][layer]
};

// Per layer and per block temperature statistics for a temperature field
// (local node values), with powers and resistances from the problem's loads.
void compute_temperature_stats(const mesh::LocalMesh& mesh, const StackRegions& regions,
                               const ThermalProblem& problem, const std::vector<double>& scales,
                               const std::vector<double>& temperature, MPI_Comm comm,
                               ThermalResults& results);

// The heat balance of temperature t (local_t: its local values, ghosts included) under
// the load scales: power in, heat out through the fixed-temperature boundaries (their FE
// reaction) and convection, per reference temperature of `problem` as well, and with
// `rate` (dT/dt, transients; else null) the heat stored. Collective.
HeatBalance heat_balance(const solver::ScalarOperator& op, const ThermalProblem& problem,
                         const std::vector<double>& scales, Vec t, Vec rate,
                         const std::vector<double>& local_t);

// Sets results.ambient_* from results.heat_balance.by_reference: with one reference
// temperature, that one; with several, the one through whose boundaries the most heat
// leaves, since a die's rise is mostly a rise above the coolant that takes its heat.
// None when there is no reference, or several and no heat leaves at any.
void refer_to_ambient(ThermalResults& results);

// Max temperature of every layer (collective), for histories.
std::vector<double> layer_max_temperatures(const mesh::LocalMesh& mesh,
                                           const std::vector<double>& temperature, MPI_Comm comm);

}  // namespace tsvfield::physics
