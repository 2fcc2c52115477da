#pragma once
// One rank's part of the distributed 3D hexahedral mesh: the contract between
// the mesh generator (mesh/) and everything that uses a mesh (solver/, physics/,
// io/ writers). Plain data; no MPI or PETSc handles inside.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tsvfield::mesh {

using GlobalIndex = std::int64_t;

// Node order of a hexahedron is VTK_HEXAHEDRON's: nodes 0-3 the bottom (z-) quad
// counter-clockwise seen from above, nodes 4-7 the top quad, node i+4 above node i.
// Faces: 0 bottom (0,1,2,3), 1 top (4,5,6,7), 2 + e the side over quad edge e,
// e = 0..3, with nodes (e, e+1 mod 4, 4 + (e+1 mod 4), 4 + e).
inline constexpr int kHexFaceCount = 6;
inline constexpr std::array<std::array<int, 4>, 6> kHexFaceNodes = {
    {{0, 1, 2, 3}, {4, 5, 6, 7}, {0, 1, 5, 4}, {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 0, 4, 7}}};

// A face of a local cell on the boundary of the meshed domain, or on a named
// surface inside it (a die's top or bottom).
struct BoundaryFace {
  std::int32_t cell = 0;  // local cell index
  std::int8_t face = 0;   // 0..5, see kHexFaceNodes
  std::int32_t tag = 0;   // index into LocalMesh::surface_names
};

// A horizontal interface whose nodes are doubled, so that a contact resistance
// (thermal interface resistance) can couple the two sides. Both cells are local.
struct InterfaceFacePair {
  std::int32_t cell_below = 0;  // its face 1 (top) lies on the interface
  std::int32_t cell_above = 0;  // its face 0 (bottom) lies on the interface
  std::int32_t interface = 0;   // index into LocalMesh::interface_names
};

// One conductor instance (a TSV or a bump), numbered the same on every rank.
struct ConductorInfo {
  std::string name;     // e.g. "core_die_3/tsv_data[12,4]"
  std::string kind;     // "tsv" or "bump"
  std::string role;     // "S", "G", "P", ... (TSV roles from the case; bumps inherit their net's)
  double x = 0, y = 0;  // centre
  double radius = 0;    // conductor radius (exact geometric)
  double z0 = 0, z1 = 0;
  std::int32_t net = -1;  // vertical chain (TSV - bump - TSV ...) touching end to end
};

struct LocalMesh {
  int rank = 0;
  int rank_count = 1;

  // Local nodes: [0, owned_node_count) are owned by this rank, in the order of their
  // global indices owned_node_begin + [0, owned_node_count); the rest are ghosts,
  // owned by another rank (ghost_owner_rank[i - owned_node_count]).
  std::vector<std::array<double, 3>> node_coords;
  std::vector<GlobalIndex> node_global;
  std::int64_t owned_node_count = 0;
  GlobalIndex owned_node_begin = 0;
  std::vector<std::int32_t> ghost_owner_rank;
  GlobalIndex global_node_count = 0;

  // Local cells (every cell is on exactly one rank).
  std::vector<std::array<std::int32_t, 8>> cells;  // local node indices
  std::vector<std::int32_t> cell_material;         // index into material_names
  std::vector<std::int32_t> cell_layer;            // index into layer_names
  std::vector<std::int32_t> cell_conductor;        // index into conductors, or -1
  std::vector<std::int32_t> cell_column;           // footprint (2D) cell index
  std::vector<std::int32_t> cell_zinterval;        // index of the z-interval (between z_levels)
  GlobalIndex global_cell_count = 0;

  // Names and tables shared by all ranks (identical everywhere).
  std::vector<std::string> material_names;
  std::vector<std::string> layer_names;
  std::vector<ConductorInfo> conductors;
  std::vector<double> z_levels;  // global z coordinates of node planes, ascending

  // The extruded structure, for solvers that work along vertical lines (the column
  // multigrid): the footprint (2D) node under each local node and its place on that
  // line, 2 * z-level, + 1 for the upper copy of a doubled interface node. Empty when
  // the mesh was not extruded from a footprint (hand-built test meshes).
  std::vector<std::int32_t> node_footprint;  // per local node (owned, then ghosts)
  std::vector<std::int32_t> node_line_slot;  // per local node
  std::int32_t footprint_node_count = 0;

  // Surfaces: "top", "bottom", "sides" (exterior), and "<layer>.top" /
  // "<layer>.bottom" for every layer (both exterior and interior faces).
  std::vector<std::string> surface_names;
  std::vector<BoundaryFace> surface_faces;

  // Doubled-node interfaces, named "<lower layer>|<upper layer>".
  std::vector<std::string> interface_names;
  std::vector<InterfaceFacePair> interface_faces;

  std::int64_t local_cell_count() const { return static_cast<std::int64_t>(cells.size()); }
  std::int64_t local_node_count() const { return static_cast<std::int64_t>(node_coords.size()); }
};

}  // namespace tsvfield::mesh
