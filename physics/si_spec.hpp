#pragma once
// The signal-integrity analysis as the case describes it (analyses.signal_integrity),
// in SI units. Plain structs; the case reader fills them, physics/signal_integrity
// checks them against the stack geometry (unknown layers, no signal conductor, ...
// throw InputError with the item's SourceRef).
//
// The line: the TSVs (and bumps, pads) of the selected arrays are parallel vertical
// conductors. Each layer in `layers` is one line section whose per-unit-length
// R, L, G, C matrices come from a 2D solve on that layer's cross-section; the
// sections are cascaded bottom to top. Conductors are matched across sections by
// their net (the vertical chain TSV - bump - TSV ...).
#include <string>
#include <vector>

#include "mesh/input_error.hpp"

namespace tsvfield::physics {

enum class FrequencySpacing { linear, log };

struct FrequencySweep {
  SourceRef source;
  double start_Hz = 0;  // > 0 for log spacing; 0 allowed with linear (DC point)
  double stop_Hz = 0;   // > start_Hz (or equal with points == 1)
  int points = 0;       // >= 1
  FrequencySpacing spacing = FrequencySpacing::log;
};

// The frequencies of a sweep, ascending.
std::vector<double> sweep_frequencies(const FrequencySweep& sweep);

struct SpiceModelSpec {
  SourceRef source;
  int segments = 0;             // ladder sections per line section; 0: automatic
  double max_frequency_Hz = 0;  // frequency the ladder must hold to; 0: the sweep's stop
};

struct SignalIntegritySpec {
  SourceRef source;
  // Line sections, bottom to top: layer names (each crossed by every signal net).
  // Empty: the layers crossed by the first signal conductor's TSV, bottom to top.
  std::vector<std::string> layers;
  // Conductors taking part: TSV or bump arrays "<layer>/<array>" (every net they
  // belong to is taken through all sections). Empty: every TSV array.
  std::vector<std::string> arrays;
  // A conductor whose role is in `signal_roles` is a signal (two ports: near end at
  // the bottom, far end at the top); in `return_roles` it is the return (grounds,
  // tied together at both ends). Any other conductor floats (zero net current and
  // charge). With no return conductor the outer boundary of the cross-section is
  // the return (a shield).
  std::vector<std::string> signal_roles = {"S"};
  std::vector<std::string> return_roles = {"G"};
  FrequencySweep sweep;
  double reference_impedance_ohm = 50;        // of every port
  std::vector<double> report_frequencies_Hz;  // insertion loss etc. printed here
  double temperature_K = 300;                 // for sigma(T), eps_r of every material
  // Semiconductors (lossy dielectrics: sigma and eps_r both count); every other
  // non-metal material is a lossless dielectric.
  std::vector<std::string> semiconductors = {"silicon"};
  // Materials conducting more than this (S/m) at temperature_K are metals.
  double metal_threshold = 1e5;
  // Depleted silicon (sigma = 0) around each liner: the MOS capacitance in series
  // with the liner's. 0: none.
  double depletion_thickness = 0;
  // Cross-section mesh: circle segments (multiple of 4; 0: the case's mesh value, at
  // least 32) and the radial size of the outermost conductor ring as a fraction of
  // the skin depth at the highest frequency (the run says when this is not met).
  int circle_segments = 0;
  double skin_depth_fraction = 0.5;
  // Lumped corrections at the line ends from the 3D electrostatic solve (bumps, pads).
  bool end_corrections = false;
  SpiceModelSpec spice;
  std::string touchstone_name;  // file stem; empty: the case name
};

}  // namespace tsvfield::physics
