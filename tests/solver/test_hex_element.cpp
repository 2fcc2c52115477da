// The trilinear hexahedron: volumes, mass totals, the patch test (a linear field
// has a constant gradient and a stiffness-weighted zero row sum) on distorted cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "solver/hex_element.hpp"

namespace tsvfield::solver {
namespace {

HexCoords distorted_hex() {
  HexCoords c = {{{0, 0, 0},
                  {2, 0.1, 0},
                  {2.2, 1.3, 0.1},
                  {-0.1, 1, 0},
                  {0.1, 0, 1},
                  {2, 0, 1.2},
                  {2, 1, 1.1},
                  {0, 1.1, 0.9}}};
  return c;
}

TEST(HexElement, UnitCubeVolumeMassAndCentroid) {
  HexCoords cube;
  for (int a = 0; a < 8; ++a) {
    const auto& r = hex_reference_nodes()[a];
    cube[a] = {(r[0] + 1) / 2 * 2.0, (r[1] + 1) / 2 * 3.0, (r[2] + 1) / 2 * 0.5};
  }
  const HexPoints points = hex_points(cube);
  EXPECT_NEAR(hex_volume(points), 3.0, 1e-14);
  std::array<double, 8> ones;
  ones.fill(1.0);
  const HexMatrix mass = hex_mass(points, ones);
  double total = 0;
  for (const auto& row : mass)
    for (double v : row) total += v;
  EXPECT_NEAR(total, 3.0, 1e-14);
  // Exact consistent mass of a box: diagonal entries are V * 8 / 216.
  EXPECT_NEAR(mass[0][0], 3.0 * 8.0 / 216.0, 1e-14);
  EXPECT_NEAR(mass[0][6], 3.0 * 1.0 / 216.0, 1e-14);
  const Vec3 c = hex_centroid(cube);
  EXPECT_NEAR(c[0], 1.0, 1e-14);
  EXPECT_NEAR(c[1], 1.5, 1e-14);
  EXPECT_NEAR(c[2], 0.25, 1e-14);
}

TEST(HexElement, LinearFieldHasExactGradientOnDistortedCell) {
  const HexCoords c = distorted_hex();
  const Vec3 g = {0.3, -1.7, 2.5};
  for (const auto& p : hex_points(c)) {
    Vec3 grad{};
    for (int a = 0; a < 8; ++a) {
      const double u = g[0] * c[a][0] + g[1] * c[a][1] + g[2] * c[a][2] + 4.0;
      for (int i = 0; i < 3; ++i) grad[i] += p.gradient[a][i] * u;
    }
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(grad[i], g[i], 1e-12);
  }
}

TEST(HexElement, StiffnessIsSymmetricWithConstantNullSpace) {
  const HexPoints points = hex_points(distorted_hex());
  std::array<Vec3, 8> k;
  k.fill({1.0, 20.0, 300.0});
  const HexMatrix stiffness = hex_stiffness(points, k);
  for (int a = 0; a < 8; ++a) {
    double row = 0;
    for (int b = 0; b < 8; ++b) {
      row += stiffness[a][b];
      EXPECT_NEAR(stiffness[a][b], stiffness[b][a], 1e-12 * std::abs(stiffness[a][a]));
    }
    EXPECT_NEAR(row, 0.0, 1e-12 * stiffness[a][a]);
    EXPECT_GT(stiffness[a][a], 0.0);
  }
}

TEST(HexElement, FaceAreaOfSkewQuad) {
  // A planar parallelogram: area = |e1 x e2|.
  FaceCoords quad = {{{0, 0, 0}, {2, 0, 0}, {3, 1, 0}, {1, 1, 0}}};
  const FacePoints points = face_points(quad);
  EXPECT_NEAR(face_area(points), 2.0, 1e-14);
  const FaceVector load = face_load(points, 3.0);
  EXPECT_NEAR(load[0] + load[1] + load[2] + load[3], 6.0, 1e-13);
  const FaceMatrix mass = face_mass(points, 1.0);
  double total = 0;
  for (const auto& row : mass)
    for (double v : row) total += v;
  EXPECT_NEAR(total, 2.0, 1e-13);
}

// An extruded cell over a skewed quad, as the mesher makes them: hex_points takes
// a shortcut for these (block-diagonal Jacobian), which must agree with the
// general mapping at every Gauss point.
HexCoords skewed_prism(double z_bottom, double z_top) {
  const std::array<std::array<double, 2>, 4> base = {{{0, 0}, {2, 0.1}, {2.2, 1.3}, {-0.1, 1}}};
  HexCoords c;
  for (int a = 0; a < 4; ++a) {
    c[a] = {base[a][0], base[a][1], z_bottom};
    c[a + 4] = {base[a][0], base[a][1], z_top};
  }
  return c;
}

TEST(HexElement, PrismShortcutAgreesWithGeneralMapping) {
  const HexCoords c = skewed_prism(0.25, 0.28);  // thin, like a 30 um die on a wide cell
  const HexPoints points = hex_points(c);
  const auto& nodes = hex_reference_nodes();
  const double g = 1 / std::sqrt(3.0);
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const HexPoint general = hex_point_at(c, {nodes[q][0] * g, nodes[q][1] * g, nodes[q][2] * g});
    const HexPoint& fast = points[q];
    EXPECT_NEAR(fast.weight, general.weight, 1e-14 * general.weight) << "point " << q;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(fast.position[i], general.position[i], 1e-14);
    for (int a = 0; a < 8; ++a) {
      EXPECT_NEAR(fast.shape[a], general.shape[a], 1e-15);
      for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(fast.gradient[a][i], general.gradient[a][i],
                    1e-13 * std::abs(general.gradient[a][2]))
            << "point " << q << " node " << a << " direction " << i;
      }
    }
  }
  // The volume of a prism is its base area times its height.
  EXPECT_NEAR(hex_volume(points), face_area(face_points({c[0], c[1], c[2], c[3]})) * 0.03, 1e-15);
}

// hex_point_at takes the prism shortcut too (cell flux and centroids of every
// cell): against the general mapping of the same prism with one top corner
// raised by a part in 1e15 (not a prism any more, so mapped in general), at
// points inside the cell and on its boundary.
TEST(HexElement, PrismPointAtAgreesWithGeneralMapping) {
  const HexCoords c = skewed_prism(0.25, 0.28);
  HexCoords general_cell = c;
  general_cell[6][2] *= 1 + 1e-15;
  ASSERT_TRUE(is_vertical_prism(c));
  ASSERT_FALSE(is_vertical_prism(general_cell));
  for (const Vec3& xi : {Vec3{0, 0, 0}, Vec3{0.3, -0.7, 0.9}, Vec3{-1, 1, -1}, Vec3{0.5, 1, 0.2}}) {
    const HexPoint fast = hex_point_at(c, xi);
    const HexPoint general = hex_point_at(general_cell, xi);
    EXPECT_NEAR(fast.weight, general.weight, 1e-13 * general.weight);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(fast.position[i], general.position[i], 1e-14);
    for (int a = 0; a < 8; ++a) {
      EXPECT_NEAR(fast.shape[a], general.shape[a], 1e-15);
      for (int i = 0; i < 3; ++i) {
        // Relative to the gradients' scale, 1 / height (some vanish on faces).
        EXPECT_NEAR(fast.gradient[a][i], general.gradient[a][i], 1e-12 / 0.03)
            << "node " << a << " direction " << i;
      }
    }
  }
}

// The patch test at arbitrary points of a prism: a linear field's interpolant
// has its exact value and gradient.
TEST(HexElement, PrismPointAtReproducesLinearField) {
  const HexCoords c = skewed_prism(0.25, 0.28);
  const Vec3 g = {0.3, -1.7, 2.5};
  auto field = [&](const Vec3& x) { return g[0] * x[0] + g[1] * x[1] + g[2] * x[2] + 4.0; };
  for (const Vec3& xi : {Vec3{0, 0, 0}, Vec3{0.3, -0.7, 0.9}, Vec3{-1, 1, -1}}) {
    const HexPoint p = hex_point_at(c, xi);
    double value = 0;
    Vec3 grad{};
    for (int a = 0; a < 8; ++a) {
      value += p.shape[a] * field(c[a]);
      for (int i = 0; i < 3; ++i) grad[i] += p.gradient[a][i] * field(c[a]);
    }
    EXPECT_NEAR(value, field(p.position), 1e-13);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(grad[i], g[i], 1e-11);
  }
  // hex_centroid (the reference centre) of a prism: the mean of its four
  // footprint corners (the bilinear map at s = t = 0), at mid-height.
  const Vec3 centre = hex_centroid(c);
  EXPECT_NEAR(centre[0], (0 + 2 + 2.2 - 0.1) / 4, 1e-15);
  EXPECT_NEAR(centre[1], (0 + 0.1 + 1.3 + 1) / 4, 1e-15);
  EXPECT_NEAR(centre[2], 0.265, 1e-15);
}

TEST(HexElement, InvertedPrismIsRejected) {
  EXPECT_THROW(hex_points(skewed_prism(0.28, 0.25)), std::runtime_error);
  EXPECT_THROW(hex_points(skewed_prism(0.25, 0.25)), std::runtime_error);
}

TEST(HexElement, InvertedCellIsRejected) {
  HexCoords c = distorted_hex();
  std::swap(c[0], c[4]);
  std::swap(c[1], c[5]);
  std::swap(c[2], c[6]);
  std::swap(c[3], c[7]);
  EXPECT_THROW(hex_points(c), std::runtime_error);
}

// The Gauss points by the general mapping (no prism shortcut), as reference.
HexPoints general_points(const HexCoords& c) {
  HexPoints points;
  const auto& nodes = hex_reference_nodes();
  const double g = 1 / std::sqrt(3.0);
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    points[q] = hex_point_at(c, {nodes[q][0] * g, nodes[q][1] * g, nodes[q][2] * g});
  }
  return points;
}

double largest_entry(const HexMatrix& m) {
  double largest = 0;
  for (const auto& row : m)
    for (double v : row) largest = std::max(largest, std::abs(v));
  return largest;
}

TEST(HexElement, PrismMatricesFromTheFootprintAgreeWithGaussSums) {
  const HexCoords c = skewed_prism(0.25, 0.28);
  const HexPoints points = general_points(c);
  const PrismFootprint footprint = prism_footprint(c);
  EXPECT_TRUE(footprint.matches(c));
  EXPECT_TRUE(footprint.matches(skewed_prism(0.0, 1.0)));  // the same footprint, other heights
  const double height = 0.03;
  const Vec3 k = {3.0, 0.5, 7.0};  // anisotropic
  std::array<Vec3, 8> k_points;
  k_points.fill(k);
  std::array<double, 8> ones;
  ones.fill(1.0);
  const HexMatrix stiffness = hex_stiffness(points, k_points);
  const HexMatrix mass = hex_mass(points, ones);
  const HexMatrix prism_k = prism_stiffness(footprint, height, k);
  const HexMatrix prism_m = prism_mass(footprint, height, 2.5);
  const double k_scale = largest_entry(stiffness), m_scale = largest_entry(mass);
  for (int a = 0; a < 8; ++a) {
    for (int b = 0; b < 8; ++b) {
      EXPECT_NEAR(prism_k[a][b], stiffness[a][b], 1e-12 * k_scale) << a << ", " << b;
      EXPECT_NEAR(prism_m[a][b], 2.5 * mass[a][b], 1e-12 * m_scale) << a << ", " << b;
    }
  }
  std::array<double, 8> density;
  density.fill(4.0);
  const HexVector load = hex_load(points, density);
  const HexVector fast_load = prism_load(footprint, height, 4.0);
  for (int a = 0; a < 8; ++a) EXPECT_NEAR(fast_load[a], load[a], 1e-13 * std::abs(load[a]));
  EXPECT_NEAR(prism_volume(footprint, height), hex_volume(points), 1e-14 * hex_volume(points));
  for (int q = 0; q < kHexQuadraturePoints; ++q) {
    const Vec3 x = prism_point_position(footprint, c, q);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(x[i], points[q].position[i], 1e-14) << "point " << q;
    for (int a = 0; a < 8; ++a) EXPECT_NEAR(hex_gauss_shape(q)[a], points[q].shape[a], 1e-15);
  }
  EXPECT_NO_THROW(check_prism(footprint, c));
}

// The factored prism stiffness, K = (kx Sx + ky Sy) (x) Mz + kz Mq (x) Sz, against
// the 2x2x2 Gauss sums of the general mapping on distorted footprints at the
// mesher's scales (micrometre cells, aspect ratios up to 100) with anisotropic k:
// equal to round-off.
TEST(HexElement, FactoredPrismStiffnessMatchesGeneralIntegrationOnDistortedPrisms) {
  std::uint64_t state = 12345;
  auto uniform = [&state](double low, double high) {  // deterministic LCG in [low, high)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return low + (high - low) * static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  const std::array<std::array<double, 2>, 4> square = {{{0, 0}, {1, 0}, {1, 1}, {0, 1}}};
  for (int trial = 0; trial < 40; ++trial) {
    const double size_x = uniform(1e-6, 1e-4), size_y = uniform(1e-6, 1e-4);
    const double x0 = uniform(-1e-3, 1e-3), y0 = uniform(-1e-3, 1e-3);
    const double z_bottom = uniform(0, 1e-3), height = uniform(1e-7, 1e-4);
    HexCoords c;
    for (int a = 0; a < 4; ++a) {
      const double x = x0 + size_x * (square[a][0] + uniform(-0.2, 0.2));
      const double y = y0 + size_y * (square[a][1] + uniform(-0.2, 0.2));
      c[a] = {x, y, z_bottom};
      c[a + 4] = {x, y, z_bottom + height};
    }
    ASSERT_TRUE(is_vertical_prism(c));
    const Vec3 k = {uniform(0.1, 400), uniform(0.1, 400), uniform(0.1, 400)};
    std::array<Vec3, 8> k_points;
    k_points.fill(k);
    const HexMatrix general = hex_stiffness(general_points(c), k_points);
    const HexMatrix factored = prism_stiffness(prism_footprint(c), c[4][2] - c[0][2], k);
    const double scale = largest_entry(general);
    for (int a = 0; a < 8; ++a) {
      for (int b = 0; b < 8; ++b) {
        EXPECT_NEAR(factored[a][b], general[a][b], 1e-13 * scale)
            << "trial " << trial << " entry " << a << ", " << b;
      }
    }
  }
}

TEST(HexElement, PrismCheckRejectsInvertedCells) {
  const HexCoords upside_down = skewed_prism(0.28, 0.25);
  EXPECT_THROW(check_prism(prism_footprint(upside_down), upside_down), std::runtime_error);
  // A footprint quad numbered clockwise is inverted too.
  HexCoords mirrored = skewed_prism(0.25, 0.28);
  for (int a = 0; a < 8; ++a) mirrored[a][0] = -mirrored[a][0];
  EXPECT_TRUE(is_vertical_prism(mirrored));
  EXPECT_THROW(check_prism(prism_footprint(mirrored), mirrored), std::runtime_error);
  EXPECT_FALSE(is_vertical_prism(distorted_hex()));
}

}  // namespace
}  // namespace tsvfield::solver
