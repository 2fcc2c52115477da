#pragma once
// The parallel mesh generator: geometry -> footprint mesh -> z-levels -> column
// profiles -> partition -> each rank extrudes only its own columns into hexahedra,
// numbers its nodes (owned first, contiguous per rank) and learns its ghosts' global
// numbers from their owners. No rank ever holds the whole 3D mesh.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mesh/footprint_mesh.hpp"
#include "mesh/local_mesh.hpp"
#include "mesh/stack_geometry.hpp"

namespace tsvfield::mesh {

// A horizontal interface whose nodes are doubled (for a thermal contact resistance).
struct InterfaceRequest {
  std::string lower_layer;
  std::string upper_layer;
  SourceRef source;
};

struct MeshOptions {
  std::vector<InterfaceRequest> split_interfaces;
  // Called on every rank with 0..100 as meshing proceeds (may be empty).
  std::function<void(int percent)> progress;
};

// Global z-levels and, for each z-interval, the layers that may hold it: column layers
// first, then full-footprint layers and group fills (the first whose region holds a
// point wins).
struct ZLayering {
  std::vector<double> z_levels;
  std::vector<std::vector<std::int32_t>> interval_layers;
  std::vector<std::int32_t> layer_first_interval, layer_last_interval;  // per layer
};

ZLayering compute_z_layering(const StackGeometry& geometry, const MeshControls& controls,
                             double in_plane_size);

// For every footprint cell, the (layer, material) of each z-interval, deduplicated:
// many columns share one profile. Materials are geometry material indices.
struct ColumnProfiles {
  std::int32_t interval_count = 0;
  std::vector<std::int32_t> column_profile;    // per footprint cell
  std::vector<std::int32_t> profile_material;  // profile * interval_count + k, -1 = void
  std::vector<std::int32_t> profile_layer;     // same layout, -1 = no layer
  std::vector<std::int32_t> profile_cells;     // non-void intervals per profile

  std::int32_t material(std::int32_t column, std::int32_t interval) const {
    return profile_material[static_cast<std::size_t>(column_profile[column]) * interval_count +
                            interval];
  }
  std::int32_t layer(std::int32_t column, std::int32_t interval) const {
    return profile_layer[static_cast<std::size_t>(column_profile[column]) * interval_count +
                         interval];
  }
};

ColumnProfiles classify_columns(const StackGeometry& geometry, const FootprintMesh& footprint,
                                const ZLayering& layering);

struct MeshTimings {
  // Seconds on this rank: stack geometry, footprint mesh, column classification (z-levels
  // and material profiles), partition, extrusion (local nodes, cells, surfaces),
  // numbering (global ids and ghost exchange), and the whole.
  double geometry = 0, footprint = 0, classify = 0, partition = 0, extrude = 0, numbering = 0,
         total = 0;
};

struct GeneratedMesh {
  StackGeometry geometry;
  FootprintMesh footprint;
  ZLayering layering;
  ColumnProfiles profiles;
  std::vector<std::int32_t> column_rank;  // rank owning each footprint column
  // mesh material index of each geometry material (-1: not used by any cell)
  std::vector<std::int32_t> mesh_material_of;
  LocalMesh mesh;
  MeshTimings timings;
};

// Collective over `comm`. Throws InputError for bad geometry, controls or interfaces
// (on every rank alike, since every rank sees the same input).
GeneratedMesh generate_mesh(const StackSpec& spec, const MeshControls& controls,
                            const MeshOptions& options, MPI_Comm comm);

// The same from an already built geometry (e.g. to reuse it).
GeneratedMesh generate_mesh(StackGeometry geometry, const MeshControls& controls,
                            const MeshOptions& options, MPI_Comm comm);

}  // namespace tsvfield::mesh
