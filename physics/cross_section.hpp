#pragma once
// The 2D cross-section of one layer on which the per-unit-length line parameters
// are solved: the footprint quad mesh (mesh/footprint_mesh) of the stack, with each
// cell's material and conductor as they are in that layer, refined inside the
// conductors so the skin depth is resolved, and an optional depleted ring around
// each liner. Plain data: tests may build or edit one by hand (e.g. turn the cells
// beyond a circle into a return conductor to make a coaxial shield).
#include <string>
#include <vector>

#include "mesh/footprint_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/material.hpp"

namespace tsvfield::physics {

enum class ConductorRole { signal, ret, floating };

// A conductor of the cross-section: the part of one net inside the layer.
struct SectionConductor {
  std::string name;       // LocalMesh-style name of the conductor in this layer
  std::string role_name;  // the case's role ("S", "G", ...)
  ConductorRole role = ConductorRole::signal;
  int net = -1;  // StackGeometry net (matches sections of a chain)
  double x = 0, y = 0, radius = 0;
};

// What fills a cell, for the field solvers.
struct SectionMaterial {
  std::string name;
  double conductivity_S_m = 0;  // sigma at the analysis temperature (depleted: 0)
  double relative_permittivity = 1;
  bool is_metal = false;          // sigma above the metal threshold
  bool is_semiconductor = false;  // lossy dielectric (sigma and eps both count)
};

struct CrossSection {
  std::string layer;
  double length_m = 0;  // the layer's thickness: the section's line length
  mesh::FootprintMesh mesh;
  std::vector<SectionMaterial> materials;
  std::vector<int> cell_material;   // index into materials, -1: void (not meshed)
  std::vector<int> cell_conductor;  // index into conductors, -1: not a conductor
  std::vector<SectionConductor> conductors;
  // Radial size of the outermost ring inside the conductors (smallest over all of
  // them): what resolves the skin depth.
  double conductor_surface_cell_m = 0;
};

struct CrossSectionControls {
  int circle_segments = 32;
  // Radial size wanted for the outermost ring inside every conductor (0: the
  // mesh controls' uniform conductor rings).
  double conductor_surface_cell_m = 0;
  double depletion_thickness_m = 0;
  double temperature_K = 300;
  double metal_threshold_S_m = 1e5;
  std::vector<std::string> semiconductors = {"silicon"};
};

// Cross-section of geometry.layers[layer]. `roles` gives the role of every
// geometry conductor (index as geometry.conductors); conductors not present in the
// layer are left out. Throws InputError (with the layer's SourceRef) when the
// layer holds no conductor or a material is unknown.
CrossSection build_cross_section(const mesh::StackGeometry& geometry,
                                 const mesh::MeshControls& base_controls, int layer,
                                 const std::vector<ConductorRole>& roles,
                                 const MaterialLibrary& materials,
                                 const CrossSectionControls& controls);

}  // namespace tsvfield::physics
