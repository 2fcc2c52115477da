#pragma once
// The thermal problem on a distributed mesh: conductivities from the material
// library, power sources (per layer, per block, power maps, time traces),
// boundary conditions on named surfaces and contact resistances on doubled-node
// interfaces, turned into the generic solver::ScalarOperatorSpec.
#include <mpi.h>

#include <map>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "mesh/stack_spec.hpp"
#include "physics/material.hpp"
#include "physics/thermal_spec.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics {

// Plan-view regions of one layer, from the geometry: the outline a power map
// covers and the rectangles of the layer's named power blocks.
struct LayerRegions {
  mesh::Rect outline;
  std::map<std::string, mesh::Rect> blocks;
};
using StackRegions = std::map<std::string, LayerRegions>;  // by layer name

// Whether a point lies in a rectangle, with a relative tolerance of 1e-9 of its
// size (cells whose centroid sits on an edge by round-off count as inside).
// Used alike for power blocks and block statistics.
bool rect_contains(const mesh::Rect& rect, double x, double y);

// A grid of relative power densities over a rectangle, piecewise constant.
// File format (CSV, commas or blanks): one line per grid row, the FIRST line
// being the row at the largest y (the map reads like a plan view from above),
// columns from the smallest x to the largest; '#' starts a comment line; one
// non-numeric header line is allowed. Values >= 0, at least one positive.
struct PowerMap {
  int columns = 0, rows = 0;
  std::vector<double> values;  // row-major, row 0 at the smallest y
  double at(double x, double y, const mesh::Rect& outline) const;  // clamped to the outline
};
PowerMap read_power_map(const std::string& path, const SourceRef& where);

// A piecewise-linear function of time from (time_s, value) rows, held constant
// outside the table. File format: CSV with two columns, times strictly ascending,
// '#' comments and one header line allowed.
struct PowerTrace {
  std::vector<double> times, values;
  double at(double time) const;
  bool empty() const { return times.empty(); }
};
PowerTrace read_power_trace(const std::string& path, const SourceRef& where);

// One load group of the operator and what scales it.
struct ThermalLoad {
  std::string name;   // "<layer>", "<layer>/<block>" or "flux:<surface>"
  std::string layer;  // empty for boundary fluxes
  double power = 0;   // W (the group's unit load integrates to 1 W, see scale())
  PowerTrace trace;
  bool trace_is_scale = false;
  bool is_boundary_flux = false;  // a heat-flux boundary condition (unit load = the flux)
  // The multiplier of the unit load: power (steady), trace(t) or power * trace(t).
  double scale(double time, bool transient) const;
};

// A temperature that fixed-temperature boundaries hold or convection boundaries
// convect to, with the surfaces of those boundaries.
struct ReferenceTemperature {
  double temperature_K = 0;
  std::vector<std::string> surfaces;  // in the case's order
};

struct ThermalProblem {
  solver::ScalarOperatorSpec spec;
  std::vector<ThermalLoad> loads;  // aligned with spec.loads
  bool nonlinear = false;
  // Every distinct reference temperature of the boundaries, ascending: the thermal
  // resistances refer to one of them (refer_to_ambient, physics/thermal_results).
  std::vector<ReferenceTemperature> references;
};

// Builds the problem. Relative map/trace paths are resolved against the
// directory of the source's case file. Bad input (unknown surface, layer or
// block, empty selection, unreadable file, missing material data) throws
// InputError with the item's SourceRef. All ranks must call it (collective).
ThermalProblem build_thermal_problem(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                     const ThermalSpec& spec, const StackRegions& regions,
                                     MPI_Comm comm);

}  // namespace tsvfield::physics
