// The report's pictures of a distributed field (io/thermal_pictures) at 1 and 2 ranks:
// on a layered box split across the ranks, fields linear in the picture's two
// coordinates come out exact at every pixel centre on rank 0, every pixel is drawn
// (no seam where the ranks' cells meet), and a layer's map holds the largest value
// through that layer only. The whole report (io/review_report) from a box's results,
// and a failed write on rank 0 thrown on every rank (no rank left waiting).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/review_report.hpp"
#include "io/thermal_pictures.hpp"
#include "shared_scratch.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::io {
namespace {

constexpr double kLength = 2e-3, kWidth = 1.5e-3;

int mpi_rank() {
  return testing::world_rank();
}
using testing::shared_scratch;

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

// The box's stack as the report sees it: "bottom" a die, "top" a lid.
mesh::StackGeometry box_geometry() {
  mesh::StackGeometry geometry;
  geometry.footprint = {0, 0, kLength, kWidth};
  mesh::LayerInstance bottom, top;
  bottom.name = "bottom";
  bottom.kind = mesh::LayerKind::die;
  bottom.z0 = 0;
  bottom.z1 = 100e-6;
  top.name = "top";
  top.kind = mesh::LayerKind::lid;
  top.z0 = 100e-6;
  top.z1 = 150e-6;
  bottom.region = top.region = geometry.footprint;
  geometry.layers = {bottom, top};
  return geometry;
}

// Thermal results of T = 300 + 2e5 z on the box (the die's maximum on its top face).
physics::ThermalResults box_results(const mesh::LocalMesh& mesh) {
  physics::ThermalResults results;
  results.temperature_K = nodal(mesh, [](double, double, double z) { return 300 + 2e5 * z; });
  physics::TemperatureStats die;
  die.name = "bottom";
  die.t_max_K = 320;
  die.t_mean_K = 310;
  die.t_min_K = 300;
  die.max_location = {1e-3, 0.75e-3, 100e-6};
  physics::TemperatureStats lid = die;
  lid.name = "top";
  lid.t_max_K = 330;
  lid.t_min_K = 320;
  results.layers = {die, lid};
  results.solver.method = "cg+column_mg";
  return results;
}

TEST(ReviewReport, WritesTheReportAndItsPicturesFromEveryRanksCells) {
  const mesh::LocalMesh mesh = layered_box(0);
  const physics::ThermalResults thermal = box_results(mesh);
  const auto folder = shared_scratch("review");
  ReviewRun run;
  run.case_name = "box";
  ReviewResults results;
  results.thermal = &thermal;
  write_review(folder, run, results, mesh, box_geometry(), MPI_COMM_WORLD);
  if (mpi_rank() != 0) return;
  std::ifstream file(folder / "report.md");
  std::stringstream report;
  report << file.rdbuf();
  // Only the die is in the dies' table; the section spans the whole stack's field.
  EXPECT_NE(report.str().find("| bottom | 0 | 320.000 |"), std::string::npos) << report.str();
  EXPECT_EQ(report.str().find("| top |"), std::string::npos);
  EXPECT_NE(report.str().find("colour from 300.0417 K (blue) to 329.9583 K (red)"),
            std::string::npos)
      << report.str();  // pixel centres half a pixel (150 um / 720) inside the stack
  EXPECT_TRUE(std::filesystem::exists(folder / "report" / "section.png"));
  EXPECT_TRUE(std::filesystem::exists(folder / "report" / "map_bottom.png"));
}

TEST(ReviewReport, AFailedWriteOnRankZeroIsThrownOnEveryRank) {
  const mesh::LocalMesh mesh = layered_box(0);
  const physics::ThermalResults thermal = box_results(mesh);
  const auto folder = shared_scratch("review_failure");
  const auto not_a_folder = folder / "file";
  if (mpi_rank() == 0) std::ofstream(not_a_folder) << "a file where the output folder should be";
  MPI_Barrier(MPI_COMM_WORLD);
  ReviewResults results;
  results.thermal = &thermal;
  EXPECT_THROW(
      write_review(not_a_folder, ReviewRun{}, results, mesh, box_geometry(), MPI_COMM_WORLD),
      std::runtime_error);
}

}  // namespace
}  // namespace tsvfield::io
