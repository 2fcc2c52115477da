#pragma once
// A structured, layered hexahedral box split into columns of cells across MPI
// ranks, producing a valid mesh::LocalMesh (owned nodes first, then ghosts;
// contiguous global numbering per rank; VTK node order; surfaces; doubled-node
// interfaces). A test stand-in for the real mesher, with optional distortion.
#include <mpi.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"

namespace tsvfield::testing {

struct BoxLayer {
  std::string name;
  std::string material;
  double thickness = 1;
  int divisions = 1;  // cells through the layer
};

struct BoxMeshSpec {
  double x0 = 0, y0 = 0, z0 = 0;
  double length_x = 1, length_y = 1;
  int cells_x = 2, cells_y = 2;  // cells_x >= number of ranks (ranks split x)
  std::vector<BoxLayer> layers;
  // Layer boundaries with doubled nodes: i couples layers[i] and layers[i + 1].
  std::vector<int> doubled_interfaces;
  // Interior nodes move by up to distortion * spacing in each direction
  // (deterministic pseudo-random); layer boundaries stay planar.
  double distortion = 0;
  // Optional map applied to every node after distortion.
  std::function<std::array<double, 3>(const std::array<double, 3>&)> transform;
};

mesh::LocalMesh build_box_mesh(const BoxMeshSpec& spec, MPI_Comm comm);

// The index of a named surface / interface / layer in the mesh's tables (-1 if absent).
int find_name(const std::vector<std::string>& names, const std::string& name);

}  // namespace tsvfield::testing
