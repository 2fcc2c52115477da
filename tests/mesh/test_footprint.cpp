// Footprint mesher: circle areas, element quality, conformity.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "mesh/footprint_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "mesh_test_cases.hpp"

namespace tsvfield::mesh {
namespace {

using namespace testing;

// Sum of the areas of the O-grid cells of `site` inside circle `circle` (bands 0..circle).
double area_inside_circle(const FootprintMesh& footprint, int site, int circle) {
  double area = 0;
  for (std::int32_t c = 0; c < footprint.cell_count(); ++c)
    if (footprint.cell_site[c] == site && footprint.cell_band[c] <= circle)
      area += footprint.cell_area(c);
  return area;
}

void expect_exact_circle_areas(const StackGeometry& geometry, const FootprintMesh& footprint) {
  for (int s = 0; s < static_cast<int>(geometry.sites.size()); ++s)
    for (int k = 0; k < static_cast<int>(geometry.sites[s].radii.size()); ++k) {
      double radius = geometry.sites[s].radii[k];
      double exact = kPi * radius * radius;
      EXPECT_NEAR(area_inside_circle(footprint, s, k), exact, 1e-10 * exact)
          << "site " << s << " circle " << k;
    }
}

// Every edge is shared by exactly two cells, except edges on the footprint boundary.
void expect_conforming(const StackGeometry& geometry, const FootprintMesh& footprint) {
  std::map<std::pair<std::int32_t, std::int32_t>, int> edge_uses;
  for (const auto& cell : footprint.cells)
    for (int e = 0; e < 4; ++e) {
      std::int32_t a = cell[e], b = cell[(e + 1) % 4];
      ++edge_uses[{std::min(a, b), std::max(a, b)}];
    }
  const Rect& fp = geometry.footprint;
  double tolerance = 1e-12;
  auto on_boundary = [&](const std::array<double, 2>& p) {
    return std::abs(p[0] - fp.x0) < tolerance || std::abs(p[0] - fp.x1) < tolerance ||
           std::abs(p[1] - fp.y0) < tolerance || std::abs(p[1] - fp.y1) < tolerance;
  };
  int bad = 0;
  for (const auto& [edge, uses] : edge_uses) {
    const auto& p = footprint.nodes[edge.first];
    const auto& q = footprint.nodes[edge.second];
    bool boundary = on_boundary(p) && on_boundary(q) &&
                    (std::abs(p[0] - q[0]) < tolerance || std::abs(p[1] - q[1]) < tolerance);
    if (uses != (boundary ? 1 : 2)) ++bad;
  }
  EXPECT_EQ(bad, 0);
  for (std::int32_t n = 0; n < footprint.node_count(); ++n)
    EXPECT_GT(footprint.node_cell_start[n + 1] - footprint.node_cell_start[n], 0) << "orphan node";
}

void expect_valid_cells(const FootprintMesh& footprint, double min_jacobian) {
  double worst = 1, total = 0;
  for (std::int32_t c = 0; c < footprint.cell_count(); ++c) {
    worst = std::min(worst, footprint.cell_scaled_jacobian(c));
    EXPECT_GT(footprint.cell_area(c), 0) << "cell " << c;
    total += footprint.cell_area(c);
  }
  EXPECT_GT(worst, min_jacobian);
}

TEST(FootprintMesh, TsvArrayCirclesHaveExactAreasAndCellsAreValid) {
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(3));
  FootprintMesh footprint = build_footprint_mesh(geometry, MeshControls{});
  expect_exact_circle_areas(geometry, footprint);
  expect_conforming(geometry, footprint);
  expect_valid_cells(footprint, 0.3);
  double total = 0;
  for (std::int32_t c = 0; c < footprint.cell_count(); ++c) total += footprint.cell_area(c);
  double side = 160 * kMicron;
  EXPECT_NEAR(total, side * side, 1e-12 * side * side);
}

TEST(FootprintMesh, EqualAreaRadiusOfTheRegularPolygon) {
  // Default resolution: 16 equal angles; the conductor polygon's vertices lie at
  // r * sqrt(2 pi / (16 sin(2 pi / 16))).
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(1));
  FootprintMesh footprint = build_footprint_mesh(geometry, MeshControls{});
  double radius = 5 * kMicron;
  double expected = radius * std::sqrt(2 * kPi / (16 * std::sin(2 * kPi / 16)));
  const Site& site = geometry.sites[0];
  int on_circle = 0;
  for (const auto& node : footprint.nodes)
    if (std::abs(std::hypot(node[0] - site.x, node[1] - site.y) - expected) < 1e-12) ++on_circle;
  EXPECT_EQ(on_circle, 16);
}

TEST(FootprintMesh, ForeignGridLinesCrossingABoxKeepTheMeshConforming) {
  // A bump in the substrate placed so that its box lines cut through a TSV's box.
  StackSpec spec = tsv_array_stack(1);
  auto& substrate = std::get<LayerSpec>(spec.items[0]);
  substrate.bump_arrays.push_back(bump_array("ball", 12, 1, 1, 40, 0));
  substrate.bump_arrays.back().layout.origin_x = 58 * kMicron;
  substrate.bump_arrays.back().layout.origin_y = 80 * kMicron;
  spec.footprint = rect_um(0, 0, 120, 120);
  StackGeometry geometry = build_stack_geometry(spec);
  ASSERT_EQ(geometry.sites.size(), 2u);
  FootprintMesh footprint = build_footprint_mesh(geometry, MeshControls{});
  std::size_t rays = 0;
  for (std::int32_t c = 0; c < footprint.cell_count(); ++c)
    if (footprint.cell_site[c] == 0 && footprint.cell_band[c] == 2) ++rays;
  EXPECT_GT(rays, 16u);  // more rays than segments: foreign lines end on the box
  expect_exact_circle_areas(geometry, footprint);
  expect_conforming(geometry, footprint);
  expect_valid_cells(footprint, 0.2);
}

TEST(FootprintMesh, StaggeredArrayWhoseBoxLinesCrossTheNeighbourRows) {
  StackSpec spec = tsv_array_stack(1);
  auto& die = std::get<LayerSpec>(spec.items[1]);
  die.tsv_arrays[0] = tsv_array("dense", 6, 0.5, 4, 4, 20, 20);
  die.tsv_arrays[0].layout.pattern = ArrayPattern::staggered;
  spec.footprint = rect_um(0, 0, 120, 110);
  StackGeometry geometry = build_stack_geometry(spec);
  ASSERT_EQ(geometry.sites.size(), 16u);
  EXPECT_NEAR(geometry.sites[0].box_half, 7 * kMicron, 1e-15);
  FootprintMesh footprint = build_footprint_mesh(geometry, MeshControls{});
  expect_exact_circle_areas(geometry, footprint);
  expect_conforming(geometry, footprint);
  expect_valid_cells(footprint, 0.2);
}

TEST(FootprintMesh, ChipletStackConformsToOutlinesAndBlocks) {
  StackGeometry geometry = build_stack_geometry(chiplet_stack());
  MeshControls controls;
  controls.circle_segments = 24;
  controls.liner_layers = 2;
  FootprintMesh footprint = build_footprint_mesh(geometry, controls);
  expect_exact_circle_areas(geometry, footprint);
  expect_conforming(geometry, footprint);
  expect_valid_cells(footprint, 0.3);
  // Every rectangle edge is a grid line.
  for (const Rect& rect : geometry.edge_rectangles) {
    for (double x : {rect.x0, rect.x1})
      EXPECT_TRUE(std::binary_search(footprint.x_lines.begin(), footprint.x_lines.end(), x));
    for (double y : {rect.y0, rect.y1})
      EXPECT_TRUE(std::binary_search(footprint.y_lines.begin(), footprint.y_lines.end(), y));
  }
}

TEST(FootprintMesh, BadControlsAreInputErrors) {
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(1));
  MeshControls controls;
  controls.circle_segments = 18;
  try {
    build_footprint_mesh(geometry, controls);
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "mesh.circle_segments: expected a multiple of 4 of at least 8, found 18");
  }
}

}  // namespace
}  // namespace tsvfield::mesh
