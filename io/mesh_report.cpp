#include "io/mesh_report.hpp"

namespace tsvfield::io {
namespace {

JsonValue timings_json(const mesh::MeshTimings& timings) {
  JsonValue value = JsonValue::object();
  value.set("geometry", timings.geometry)
      .set("footprint", timings.footprint)
      .set("classify", timings.classify)
      .set("partition", timings.partition)
      .set("extrude", timings.extrude)
      .set("numbering", timings.numbering)
      .set("total", timings.total);
  return value;
}

}  // namespace

JsonValue mesh_statistics_json(const mesh::MeshStatistics& statistics) {
  JsonValue materials = JsonValue::array();
  for (const auto& volume : statistics.volumes) {
    double relative = volume.exact_volume > 0
                          ? (volume.mesh_volume - volume.exact_volume) / volume.exact_volume
                          : 0.0;
    materials.push(JsonValue::object()
                       .set("name", volume.name)
                       .set("mesh_volume_m3", volume.mesh_volume)
                       .set("exact_volume_m3", volume.exact_volume)
                       .set("relative_difference", relative));
  }
  JsonValue value = JsonValue::object();
  value.set("ranks", statistics.ranks)
      .set("cells", statistics.global_cells)
      .set("nodes", statistics.global_nodes)
      .set("min_local_cells", statistics.min_local_cells)
      .set("max_local_cells", statistics.max_local_cells)
      .set("footprint_cells", statistics.footprint_cells)
      .set("footprint_nodes", statistics.footprint_nodes)
      .set("z_intervals", statistics.z_intervals)
      .set("conductors", statistics.conductors)
      .set("nets", statistics.nets)
      .set("sites", statistics.sites)
      .set("interface_faces", statistics.interface_faces)
      .set("materials", std::move(materials))
      .set("min_scaled_jacobian", statistics.min_scaled_jacobian)
      .set("max_aspect_ratio", statistics.max_aspect_ratio)
      .set("time_s", timings_json(statistics.max_timings))
      .set("peak_memory_bytes", statistics.peak_memory_bytes);
  return value;
}

}  // namespace tsvfield::io
