#include "mesh/mesh_statistics.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tsvfield::mesh {

double peak_resident_bytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
}

namespace {

// Quality of the local cells. Hexahedra are prisms over footprint quads (vertical edges
// orthogonal to the quad), so the corner scaled Jacobians are the quad's.
void local_quality(const GeneratedMesh& generated, double& min_jacobian, double& max_aspect) {
  const LocalMesh& mesh = generated.mesh;
  const FootprintMesh& footprint = generated.footprint;
  std::int32_t cached_column = -1;
  double jacobian = 1, min_edge = 0, max_edge = 0;
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    std::int32_t column = mesh.cell_column[c];
    if (column != cached_column) {
      cached_column = column;
      jacobian = footprint.cell_scaled_jacobian(column);
      min_edge = footprint.cell_min_edge(column);
      max_edge = footprint.cell_max_edge(column);
      min_jacobian = std::min(min_jacobian, jacobian);
    }
    std::int32_t k = mesh.cell_zinterval[c];
    double height = mesh.z_levels[k + 1] - mesh.z_levels[k];
    double aspect = std::max(max_edge, height) / std::min(min_edge, height);
    max_aspect = std::max(max_aspect, aspect);
  }
}

}  // namespace

MeshStatistics compute_mesh_statistics(const GeneratedMesh& generated, MPI_Comm comm) {
  const LocalMesh& mesh = generated.mesh;
  const StackGeometry& geometry = generated.geometry;
  MeshStatistics statistics;
  MPI_Comm_size(comm, &statistics.ranks);
  statistics.global_cells = mesh.global_cell_count;
  statistics.global_nodes = mesh.global_node_count;
  std::int64_t local_cells = mesh.local_cell_count();
  MPI_Allreduce(&local_cells, &statistics.min_local_cells, 1, MPI_INT64_T, MPI_MIN, comm);
  MPI_Allreduce(&local_cells, &statistics.max_local_cells, 1, MPI_INT64_T, MPI_MAX, comm);
  statistics.footprint_cells = generated.footprint.cell_count();
  statistics.footprint_nodes = generated.footprint.node_count();
  statistics.z_intervals = static_cast<std::int64_t>(mesh.z_levels.size()) - 1;
  statistics.conductors = static_cast<std::int64_t>(geometry.conductors.size());
  statistics.nets = geometry.net_count;
  statistics.sites = static_cast<std::int64_t>(geometry.sites.size());
  std::int64_t interface_faces = static_cast<std::int64_t>(mesh.interface_faces.size());
  MPI_Allreduce(&interface_faces, &statistics.interface_faces, 1, MPI_INT64_T, MPI_SUM, comm);

  // Volumes: every hexahedron is a prism, quad area times height.
  std::vector<double> local_volume(mesh.material_names.size(), 0.0);
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    std::int32_t k = mesh.cell_zinterval[c];
    local_volume[mesh.cell_material[c]] += generated.footprint.cell_area(mesh.cell_column[c]) *
                                           (mesh.z_levels[k + 1] - mesh.z_levels[k]);
  }
  std::vector<double> volume(local_volume.size(), 0.0);
  MPI_Allreduce(local_volume.data(), volume.data(), static_cast<int>(volume.size()), MPI_DOUBLE,
                MPI_SUM, comm);
  std::vector<double> exact = geometry.exact_material_volumes();
  for (std::size_t m = 0; m < geometry.materials.size(); ++m) {
    std::int32_t index = generated.mesh_material_of[m];
    if (index < 0 && exact[m] == 0) continue;
    statistics.volumes.push_back(
        {geometry.materials[m], index >= 0 ? volume[index] : 0.0, exact[m]});
  }

  double min_jacobian = 1, max_aspect = 1;
  local_quality(generated, min_jacobian, max_aspect);
  MPI_Allreduce(&min_jacobian, &statistics.min_scaled_jacobian, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&max_aspect, &statistics.max_aspect_ratio, 1, MPI_DOUBLE, MPI_MAX, comm);

  const MeshTimings& t = generated.timings;
  double local_times[7] = {t.geometry, t.footprint, t.classify, t.partition,
                           t.extrude,  t.numbering, t.total};
  double max_times[7];
  MPI_Allreduce(local_times, max_times, 7, MPI_DOUBLE, MPI_MAX, comm);
  statistics.max_timings = {max_times[0], max_times[1], max_times[2], max_times[3],
                            max_times[4], max_times[5], max_times[6]};
  double memory = peak_resident_bytes();
  MPI_Allreduce(&memory, &statistics.peak_memory_bytes, 1, MPI_DOUBLE, MPI_MAX, comm);
  return statistics;
}

std::string format_mesh_statistics(const MeshStatistics& s) {
  std::string text;
  char line[512];
  auto add = [&](const char* format, auto... values) {
    std::snprintf(line, sizeof line, format, values...);
    text += line;
  };
  add("Mesh: %lld hexahedra, %lld nodes on %d rank(s) (local cells: min %lld, max %lld)\n",
      static_cast<long long>(s.global_cells), static_cast<long long>(s.global_nodes), s.ranks,
      static_cast<long long>(s.min_local_cells), static_cast<long long>(s.max_local_cells));
  add("Footprint: %lld quadrilaterals, %lld nodes; %lld z-intervals\n",
      static_cast<long long>(s.footprint_cells), static_cast<long long>(s.footprint_nodes),
      static_cast<long long>(s.z_intervals));
  add("Conductors: %lld (TSVs and bumps) in %lld nets; %lld O-grid sites; %lld interface face "
      "pairs\n",
      static_cast<long long>(s.conductors), static_cast<long long>(s.nets),
      static_cast<long long>(s.sites), static_cast<long long>(s.interface_faces));
  add("Quality: min scaled Jacobian %.3f, max aspect ratio %.1f\n", s.min_scaled_jacobian,
      s.max_aspect_ratio);
  add("Material volumes (mesh vs exact geometry):\n");
  std::size_t width = 8;
  for (const auto& v : s.volumes) width = std::max(width, v.name.size());
  for (const auto& v : s.volumes) {
    double difference = v.exact_volume != 0 ? (v.mesh_volume - v.exact_volume) / v.exact_volume
                                            : (v.mesh_volume == 0 ? 0.0 : INFINITY);
    add("  %-*s  %.6e m^3  exact %.6e m^3  rel. diff %+.1e\n", static_cast<int>(width),
        v.name.c_str(), v.mesh_volume, v.exact_volume, difference);
  }
  const MeshTimings& t = s.max_timings;
  add("Time (s, max over ranks): geometry %.3f, footprint %.3f, classify %.3f, partition %.3f, "
      "extrude %.3f, numbering %.3f, total %.3f\n",
      t.geometry, t.footprint, t.classify, t.partition, t.extrude, t.numbering, t.total);
  add("Peak memory: %.1f MiB (max over ranks)\n", s.peak_memory_bytes / (1024.0 * 1024.0));
  return text;
}

}  // namespace tsvfield::mesh
