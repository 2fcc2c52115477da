#pragma once
// The thermal part of the design-review report: DIR/report.md, a Markdown page a
// packaging engineer can put in front of a review (what was run, the hottest die and
// where, every die's temperatures and resistance to ambient, power blocks, the heat
// balance, the solver's statistics), with pictures in DIR/report/: a vertical
// section through the hottest point and each die seen from above (PNG, drawn without
// a display: io/raster_image).
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::io {

// What the report says about the run itself.
struct ReviewRun {
  std::string case_name, case_file, description;
  std::string analysis;  // e.g. "steady, linear" or "transient to 2 ms"
  std::string tsvfield_version;
  std::string generated_utc;  // e.g. "2026-11-26 12:00 UTC"
  int ranks = 1;
  std::int64_t cells = 0, nodes = 0;
  std::vector<std::string> other_outputs;  // files of the run beside the report, for its list
};

// Writes DIR/report.md and DIR/report/*.png (every file atomically). Collective over
// `comm` (the pictures gather every rank's cells); rank 0 writes. Throws
// std::runtime_error naming a file that cannot be written.
void write_thermal_review(const std::filesystem::path& output_dir, const ReviewRun& run,
                          const mesh::LocalMesh& mesh, const mesh::StackGeometry& geometry,
                          const physics::ThermalResults& results, MPI_Comm comm);

// The file name a layer's picture gets: its name with every character other than
// letters, digits, '-' and '_' replaced by '_'.
std::string picture_name(const std::string& layer_name);

}  // namespace tsvfield::io
