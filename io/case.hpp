#pragma once
// A validated case: everything the case file says, in SI units, defaults filled in.
#include <string>
#include <vector>

#include "mesh/stack_spec.hpp"
#include "physics/material.hpp"
#include "physics/thermal_spec.hpp"

namespace tsvfield::io {

struct OutputSpec {
  std::string directory = "results";  // overridden by --output
  bool vtk = true;                    // .pvtu/.pvd for ParaView
  bool csv = true;
};

struct Case {
  std::string file;  // path of the case file
  std::string name;
  std::string description;
  mesh::StackSpec stack;
  mesh::MeshControls mesh;
  physics::MaterialLibrary materials;  // built-ins plus the case's own materials
  physics::ThermalSpec thermal;
  OutputSpec output;
  std::vector<std::string> petsc_options;  // "-ksp_rtol 1e-10" split into words
};

}  // namespace tsvfield::io
