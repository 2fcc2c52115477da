#pragma once
// The thermal part of the design-review report (io/review_report): the hottest die
// and where, every die's and power block's temperatures and resistance to ambient,
// the heat balance, and pictures in DIR/report/: a vertical section through the
// hottest point and each die seen from above (PNG, drawn without a display:
// io/raster_image, io/thermal_pictures).
#include <mpi.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/raster_image.hpp"
#include "io/review_text.hpp"
#include "mesh/local_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::io {

// The plane y = y of the hottest die's maximum, across the footprint and up the stack.
struct SectionView {
  PixelWindow window;
  ScalarRaster raster;
};

// One die seen from above.
struct MapView {
  const physics::TemperatureStats* die;  // in the results drawn
  mesh::Rect region;
  PixelWindow window;
  ScalarRaster raster;
};

struct ThermalDrawings {
  SectionView section;
  std::vector<MapView> maps;
};

// Draws the pictures of the temperature field: collective over `comm`, complete on
// rank 0 only. Throws std::runtime_error when there is nothing to draw.
ThermalDrawings draw_thermal_pictures(const mesh::LocalMesh& mesh,
                                      const mesh::StackGeometry& geometry,
                                      const physics::ThermalResults& results, MPI_Comm comm);

// On rank 0: writes the pictures into DIR/report/ and returns the thermal findings,
// sections and solver row. Throws std::runtime_error naming a file it cannot write.
ReviewText thermal_review_text(const std::filesystem::path& output_dir,
                               const mesh::StackGeometry& geometry,
                               const physics::ThermalResults& results,
                               const ThermalDrawings& drawings);

// The file name a layer's picture gets: its name with every character other than
// letters, digits, '-' and '_' replaced by '_'.
std::string picture_name(const std::string& layer_name);

}  // namespace tsvfield::io
