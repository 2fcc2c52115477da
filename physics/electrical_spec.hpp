#pragma once
// The electrical analyses as the case describes them, in SI units: terminals,
// DC conduction, electrostatic capacitance extraction and electro-thermal
// coupling. Plain structs; the case reader fills them, physics/conduction,
// physics/electrostatics and physics/electrothermal check them against the mesh
// (unknown names, empty selections, ... throw InputError with the item's SourceRef).
//
// Conductor names are LocalMesh::conductors[i].name, "<layer>/<array>[i,j]"
// (e.g. "core_die_3/tsv_power[2,0]"); a net is a chain of conductors touching
// end to end (TSV - bump - TSV ...), named by any conductor in it.
#include <string>
#include <vector>

#include "mesh/input_error.hpp"

namespace tsvfield::physics {

// Which end of a conductor (or net) a terminal contacts.
enum class ConductorEnd { top, bottom };

// Where a terminal is; every node of the selected faces is one equipotential.
enum class TerminalKind {
  conductor_end,  // an end face of each listed conductor (several: tied together)
  net_end,  // the end face of each listed net: its topmost (bottommost) conductor's top (bottom)
  surface,  // a named mesh surface ("top", "bottom", "<layer>.top", ...), conducting cells only
};

// How a terminal is driven in a DC conduction analysis.
enum class TerminalDrive {
  voltage,  // fixed potential `voltage` (V)
  current,  // floating equipotential carrying `current` (A) INTO the conductors
};

struct TerminalSpec {
  SourceRef source;
  std::string name;  // unique among the analysis's terminals, e.g. "vdd_top"
  TerminalKind kind = TerminalKind::conductor_end;
  ConductorEnd end = ConductorEnd::top;  // conductor_end, net_end
  // conductor_end / net_end: the conductors (or nets, by a member's name), tied
  // together. An entry "<layer>/<array>" (no index) selects the whole array, and
  // `role` (if not empty) keeps only the conductors with that role ("P", "G", ...).
  std::vector<std::string> conductors;
  std::string role;
  std::string surface;  // surface
  TerminalDrive drive = TerminalDrive::voltage;
  double voltage = 0;  // V
  double current = 0;  // A
};

// Where sigma(T) is evaluated in a stand-alone conduction analysis.
enum class ConductionTemperature {
  constant,  // `temperature_K` everywhere
  coupled,   // from the thermal solution (electro-thermal coupling, see CouplingSpec)
};

// DC conduction: -div(sigma(T) grad V) = 0 in the conducting cells (sigma > 0),
// terminals as equipotentials; every other surface of the conductors is insulated.
struct ConductionSpec {
  SourceRef source;
  std::vector<TerminalSpec> terminals;  // at least one voltage terminal
  ConductionTemperature temperature_mode = ConductionTemperature::constant;
  double temperature_K = 300;
  // Resistance matrix: the names of the terminals it is taken between; every
  // other terminal (whatever its drive) is the reference, held at 0 V in those
  // solves. Empty: no matrix.
  std::vector<std::string> resistance_terminals;
  // Materials whose sigma at temperature_K is at most this (S/m) are insulators
  // and take no part (e.g. 100 S/m leaves lightly doped silicon out); the set of
  // conducting cells is fixed at temperature_K also in coupled analyses.
  double insulator_threshold = 0;
  double relative_tolerance = 1e-10;  // of each linear solve
};

// How silicon (the `semiconductors` materials) enters an electrostatic analysis.
enum class SiliconTreatment {
  dielectric,  // eps_r of the material (11.9): the high-frequency limit
  grounded,    // a grounded conductor beyond the liner: the low-frequency limit,
               // only the liner (oxide) capacitance remains
};

// A conductor of the capacitance matrix: one or more nets tied together.
struct CapacitanceConductor {
  SourceRef source;
  std::string name;                     // row/column name in the matrix
  std::vector<std::string> conductors;  // as TerminalSpec::conductors (whole nets are taken)
  std::string role;
};

// Electrostatics: the Maxwell capacitance matrix of `conductors`. Every metal not
// listed (other TSVs and bumps, metal layers) is grounded, and so are the
// `ground_surfaces` and, with SiliconTreatment::grounded, the semiconductors.
struct ElectrostaticSpec {
  SourceRef source;
  std::vector<CapacitanceConductor> conductors;
  SiliconTreatment silicon = SiliconTreatment::dielectric;
  std::vector<std::string> semiconductors = {"silicon"};  // material names
  std::vector<std::string> ground_surfaces;               // e.g. "bottom"
  double temperature_K = 300;                             // for sigma(T) (metal detection)
  double relative_tolerance = 1e-10;
};

// Electro-thermal coupling: conduction and heat solved in turn (sigma(T) from the
// temperature, Joule heat as a volume source) until both settle.
struct CouplingSpec {
  SourceRef source;
  // Converged when the largest nodal temperature change is below
  // tolerance * max(1 K, temperature rise) and the Joule power changes by less
  // than tolerance (relative).
  double tolerance = 1e-6;
  int max_iterations = 50;
};

}  // namespace tsvfield::physics
