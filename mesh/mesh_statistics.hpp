#pragma once
// Mesh statistics for the `tsvfield mesh` command and the tests: global counts, the
// volume of every material in the mesh against its exact geometric volume, element
// quality, time per phase and peak memory (max over ranks).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mesh/extrude.hpp"

namespace tsvfield::mesh {

struct MaterialVolume {
  std::string name;
  double mesh_volume = 0;   // sum over all ranks' cells
  double exact_volume = 0;  // from the analytic geometry (circles: pi r^2 h, ...)
};

struct MeshStatistics {
  int ranks = 1;
  std::int64_t global_cells = 0, global_nodes = 0;
  std::int64_t min_local_cells = 0, max_local_cells = 0;
  std::int64_t footprint_cells = 0, footprint_nodes = 0, z_intervals = 0;
  std::int64_t conductors = 0, nets = 0, sites = 0, interface_faces = 0;
  std::vector<MaterialVolume> volumes;
  double min_scaled_jacobian = 1;  // 1: perfect box; <= 0: inverted
  double max_aspect_ratio = 1;     // longest over shortest edge of a hexahedron
  MeshTimings max_timings;         // max over ranks per phase
  double peak_memory_bytes = 0;    // max over ranks of the peak resident set size
};

// This process's peak resident set size (getrusage), in bytes.
double peak_resident_bytes();

// Collective over `comm` (the communicator the mesh was generated on).
MeshStatistics compute_mesh_statistics(const GeneratedMesh& generated, MPI_Comm comm);

// Human-readable report (several lines, ending with a newline).
std::string format_mesh_statistics(const MeshStatistics& statistics);

}  // namespace tsvfield::mesh
