// The report's pictures of a distributed field (io/thermal_pictures) at 1 and 2 ranks:
// on a layered box split across the ranks, fields linear in the picture's two
// coordinates come out exact at every pixel centre on rank 0, every pixel is drawn
// (no seam where the ranks' cells meet), and a layer's map holds the largest value
// through that layer only.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <functional>
#include <vector>

#include "io/thermal_pictures.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::io {
namespace {

constexpr double kLength = 2e-3, kWidth = 1.5e-3;

int mpi_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

// Two layers, 100 um and 50 um, over 2 mm x 1.5 mm; optionally distorted.
mesh::LocalMesh layered_box(double distortion) {
  testing::BoxMeshSpec spec;
  spec.length_x = kLength;
  spec.length_y = kWidth;
  spec.cells_x = 12;
  spec.cells_y = 9;
  spec.layers = {{"bottom", "silicon", 100e-6, 3}, {"top", "copper", 50e-6, 2}};
  spec.distortion = distortion;
  return testing::build_box_mesh(spec, MPI_COMM_WORLD);
}

std::vector<double> nodal(const mesh::LocalMesh& mesh,
                          const std::function<double(double, double, double)>& field) {
  std::vector<double> values;
  for (const auto& p : mesh.node_coords) values.push_back(field(p[0], p[1], p[2]));
  return values;
}

double centre_u(const PixelWindow& window, int i) {
  return window.u0 + (i + 0.5) * window.du();
}
double centre_v(const PixelWindow& window, int j) {
  return window.v1 - (j + 0.5) * window.dv();
}

// Every pixel drawn and equal to expected(u, v) at its centre.
void expect_exact(const ScalarRaster& raster, const PixelWindow& window,
                  const std::function<double(double, double)>& expected, double tolerance) {
  for (int j = 0; j < window.height; ++j)
    for (int i = 0; i < window.width; ++i) {
      ASSERT_FALSE(raster.empty_at(i, j)) << "pixel " << i << "," << j << " not drawn";
      ASSERT_NEAR(raster.at(i, j), expected(centre_u(window, i), centre_v(window, j)), tolerance)
          << "pixel " << i << "," << j;
    }
}

TEST(ThermalPictures, LayerMapOfAFieldLinearInPlanIsExactOnADistortedMesh) {
  const mesh::LocalMesh mesh = layered_box(0.3);
  const auto field = [](double x, double y, double) { return 320 + 4e3 * x - 9e3 * y; };
  const PixelWindow window = fit_window(0, kLength, 0, kWidth, 200);
  for (int layer = 0; layer < 2; ++layer) {
    const ScalarRaster raster = layer_map(mesh, nodal(mesh, field), layer, window, MPI_COMM_WORLD);
    if (mpi_rank() != 0) continue;
    expect_exact(
        raster, window, [&](double u, double v) { return field(u, v, 0); }, 1e-9);
  }
}

TEST(ThermalPictures, LayerMapShowsTheLargestValueThroughThatLayerOnly) {
  const mesh::LocalMesh mesh = layered_box(0);
  // Rising with z: each layer's map is the field on the layer's top face.
  const auto field = [](double x, double, double z) { return 300 + 1e3 * x + 2e5 * z; };
  const PixelWindow window = fit_window(0, kLength, 0, kWidth, 120);
  const int bottom = testing::find_name(mesh.layer_names, "bottom");
  const int top = testing::find_name(mesh.layer_names, "top");
  const ScalarRaster bottom_map =
      layer_map(mesh, nodal(mesh, field), bottom, window, MPI_COMM_WORLD);
  const ScalarRaster top_map = layer_map(mesh, nodal(mesh, field), top, window, MPI_COMM_WORLD);
  if (mpi_rank() != 0) return;
  expect_exact(
      bottom_map, window, [&](double u, double v) { return field(u, v, 100e-6); }, 1e-9);
  expect_exact(
      top_map, window, [&](double u, double v) { return field(u, v, 150e-6); }, 1e-9);
}

TEST(ThermalPictures, VerticalSectionOfAFieldLinearInXAndZIsExact) {
  const mesh::LocalMesh mesh = layered_box(0);
  const auto field = [](double x, double y, double z) { return 280 - 3e3 * x + 5e2 * y + 4e5 * z; };
  const PixelWindow window{0, kLength, 0, 150e-6, 160, 60};
  // Between node planes, and on one (y = 0.5 mm is the third of nine cells: both
  // cells beside it draw the same values).
  for (const double y : {0.37 * kWidth, 0.5e-3}) {
    const ScalarRaster raster =
        vertical_section(mesh, nodal(mesh, field), y, window, MPI_COMM_WORLD);
    if (mpi_rank() != 0) continue;
    expect_exact(
        raster, window, [&](double u, double v) { return field(u, y, v); }, 1e-9);
  }
}

TEST(ThermalPictures, APlaneOutsideTheMeshDrawsNothing) {
  const mesh::LocalMesh mesh = layered_box(0);
  const PixelWindow window{0, kLength, 0, 150e-6, 40, 20};
  const ScalarRaster raster =
      vertical_section(mesh, nodal(mesh, [](double, double, double) { return 1.0; }), 2 * kWidth,
                       window, MPI_COMM_WORLD);
  if (mpi_rank() != 0) return;
  EXPECT_EQ(drawn_range(raster)[1], ScalarRaster::kEmpty);
}

}  // namespace
}  // namespace tsvfield::io
