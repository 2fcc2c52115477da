#pragma once
// Mesh statistics as JSON (mesh_statistics.json, and the `mesh` object of summary.json).
#include "io/json_writer.hpp"
#include "mesh/mesh_statistics.hpp"

namespace tsvfield::io {

JsonValue mesh_statistics_json(const mesh::MeshStatistics& statistics);

}  // namespace tsvfield::io
