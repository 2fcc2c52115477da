#pragma once
// A validated case: everything the case file says, in SI units, defaults filled in.
#include <optional>
#include <string>
#include <vector>

#include "mesh/stack_spec.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/material.hpp"
#include "physics/si_spec.hpp"
#include "physics/thermal_spec.hpp"

namespace tsvfield::io {

struct OutputSpec {
  std::string directory = "results";  // overridden by --output
  bool vtk = true;                    // .pvtu/.pvd for ParaView
  bool csv = true;
  bool report = true;  // report.md + report/*.png (the design-review report)
};

struct Case {
  std::string file;  // path of the case file
  std::string name;
  std::string description;
  mesh::StackSpec stack;
  mesh::MeshControls mesh;
  physics::MaterialLibrary materials;  // built-ins plus the case's own materials
  physics::ThermalSpec thermal;
  // Electrical analyses (analyses.conduction / electrostatic / electrothermal):
  // DC conduction when set; one capacitance extraction per silicon treatment
  // listed (same conductors); electro-thermal coupling when set (then conduction
  // is set with temperature_mode coupled and the thermal analysis is steady).
  std::optional<physics::ConductionSpec> conduction;
  std::vector<physics::ElectrostaticSpec> electrostatics;
  std::optional<physics::CouplingSpec> electrothermal;
  // Signal integrity (analyses.signal_integrity): per-unit-length RLGC of the TSV
  // lines, S-parameters and SPICE models; checked against the geometry by
  // physics/signal_integrity when the run starts.
  std::optional<physics::SignalIntegritySpec> signal_integrity;
  OutputSpec output;
  std::vector<std::string> petsc_options;  // "-ksp_rtol 1e-10" split into words
};

}  // namespace tsvfield::io
