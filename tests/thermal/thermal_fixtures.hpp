#pragma once
// Shared helpers of the thermal verification tests: materials with given
// properties, a 1D-style layered box and small checks.
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "physics/material.hpp"
#include "physics/thermal_solver.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::testing {

// A file of tests/thermal/data: from TSVFIELD_SOURCE_DIR (set by ctest), else
// next to this header.
inline std::string thermal_data_path(const std::string& name) {
  if (const char* root = std::getenv("TSVFIELD_SOURCE_DIR")) {
    return std::string(root) + "/tests/thermal/data/" + name;
  }
  const std::string here = __FILE__;
  return here.substr(0, here.find_last_of('/')) + "/data/" + name;
}

inline physics::Material constant_material(const std::string& name, double k, double rho_cp = 1.0) {
  physics::Material material;
  material.name = name;
  material.description = "test material";
  material.conductivity = {physics::Property::constant(k), physics::Property::constant(k),
                           physics::Property::constant(k)};
  material.heat_capacity = physics::Property::constant(rho_cp);
  material.electrical_conductivity = physics::Property::constant(0.0);
  return material;
}

// k = k0 (T / t0)^exponent, exact through log-log interpolation between two
// table points far outside the range the tests reach.
inline physics::Material power_law_material(const std::string& name, double k0, double t0,
                                            double exponent) {
  physics::Material material = constant_material(name, k0);
  const double t_low = 0.5, t_high = 2000;
  const auto k = physics::Property::table(
      {t_low, t_high}, {k0 * std::pow(t_low / t0, exponent), k0 * std::pow(t_high / t0, exponent)});
  material.conductivity = {k, k, k};
  return material;
}

inline physics::ThermalBoundary fixed_temperature(const std::string& surface, double kelvin) {
  physics::ThermalBoundary boundary;
  boundary.surface = surface;
  boundary.kind = physics::BoundaryKind::temperature;
  boundary.temperature_K = kelvin;
  return boundary;
}

inline physics::ThermalBoundary heat_flux(const std::string& surface, double w_per_m2) {
  physics::ThermalBoundary boundary;
  boundary.surface = surface;
  boundary.kind = physics::BoundaryKind::heat_flux;
  boundary.heat_flux = w_per_m2;
  return boundary;
}

inline physics::ThermalBoundary convection(const std::string& surface, double h, double ambient) {
  physics::ThermalBoundary boundary;
  boundary.surface = surface;
  boundary.kind = physics::BoundaryKind::convection;
  boundary.heat_transfer_coeff = h;
  boundary.ambient_K = ambient;
  return boundary;
}

inline physics::PowerSource layer_power(const std::string& layer, double watts,
                                        const std::string& block = "") {
  physics::PowerSource source;
  source.layer = layer;
  source.block = block;
  source.power = watts;
  return source;
}

inline const physics::TemperatureStats& stats_of(const std::vector<physics::TemperatureStats>& all,
                                                 const std::string& name) {
  for (const auto& s : all) {
    if (s.name == name) return s;
  }
  throw std::out_of_range("no stats for " + name);
}

// Max over all ranks of |T - exact(x)| at the local nodes.
template <typename Exact>
double max_nodal_error(const mesh::LocalMesh& m, const std::vector<double>& temperature,
                       Exact exact, MPI_Comm comm) {
  double local = 0;
  for (std::size_t i = 0; i < temperature.size(); ++i) {
    local = std::max(local, std::abs(temperature[i] - exact(m.node_coords[i])));
  }
  double global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MAX, comm);
  return global;
}

}  // namespace tsvfield::testing
