#pragma once
// The thermal problem as the case describes it, in SI units: power sources,
// boundary conditions, interface resistances and the analysis settings.
#include <string>
#include <vector>

#include "mesh/input_error.hpp"

namespace tsvfield::physics {

enum class PowerDistribution {
  volume,          // uniform in the volume of the layer or block
  top_surface,     // on the layer's top face (active surface of a face-up die)
  bottom_surface,  // on the layer's bottom face (active surface of a face-down die)
};

// A power of `power` watts in a layer, or in a block of a layer, or spread by a
// power map; a trace (time, scale) multiplies it in transient analyses.
struct PowerSource {
  SourceRef source;
  std::string layer;  // layer name (expanded repeats: "core_die_3")
  std::string block;  // block name within the layer; empty = whole layer
  double power = 0;   // W
  PowerDistribution distribution = PowerDistribution::volume;
  // Files as they are opened (the case reader has resolved them against the case file's
  // folder already): a CSV grid of relative power density over the layer outline (empty =
  // uniform) and a CSV (time_s, power_W or scale) (empty = constant in time).
  std::string map_file;
  std::string trace_file;
  bool trace_is_scale = false;  // trace column is a multiplier of `power` rather than watts
};

enum class BoundaryKind { adiabatic, temperature, convection, heat_flux };

struct ThermalBoundary {
  SourceRef source;
  std::string surface;  // "top", "bottom", "sides" or "<layer>.top" / "<layer>.bottom"
  BoundaryKind kind = BoundaryKind::adiabatic;
  double temperature_K = 0;        // temperature
  double heat_transfer_coeff = 0;  // convection h, W/(m^2*K)
  double ambient_K = 0;            // convection ambient
  double heat_flux = 0;            // W/m^2 into the domain
};

// Contact resistance between a layer and the one directly above it.
struct InterfaceResistance {
  SourceRef source;
  std::string lower_layer, upper_layer;
  double resistance = 0;  // m^2*K/W
};

enum class ThermalAnalysisType { none, steady, transient };
enum class TimeScheme { backward_euler, bdf2 };

struct ThermalAnalysis {
  SourceRef source;
  ThermalAnalysisType type = ThermalAnalysisType::none;
  // Nonlinear k(T): "auto" solves with Newton when any meshed material's k depends on T.
  enum class Nonlinear { automatic, on, off } nonlinear = Nonlinear::automatic;
  double reference_temperature_K = 300;  // linear solves evaluate k here; Newton's first guess
  double relative_tolerance = 1e-8;
  // Transient
  double initial_temperature_K = 300;
  double end_time = 0;
  double time_step = 0;
  TimeScheme scheme = TimeScheme::bdf2;
  bool adaptive = false;
  int output_every = 1;  // write fields every N steps
};

struct ThermalSpec {
  std::vector<PowerSource> power;
  std::vector<ThermalBoundary> boundaries;  // unlisted surfaces are adiabatic
  std::vector<InterfaceResistance> interfaces;
  ThermalAnalysis analysis;
};

}  // namespace tsvfield::physics
