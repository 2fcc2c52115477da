#pragma once
// Hand-built cross-sections for the magneto-quasi-static tests: concentric circular
// bands (wire, gap, shield, ...) around the origin, meshed by an O-grid (a square
// core, then rings), with the rings graded towards the metal surfaces so the skin
// depth is resolved. Plain data, as physics/cross_section.hpp allows. Every circle
// is a polygon of `segments` sides with the exact area of the circle.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "physics/cross_section.hpp"

namespace tsvfield::test {

struct PolarBand {
  double outer_radius = 0;
  int material = 0;       // index into the section's materials
  int conductor = -1;     // index into the section's conductors, -1: none
  double inner_cell = 0;  // radial cell size wanted at the inner / outer circle
  double outer_cell = 0;  // (0: max_cell)
};

// Radii from a to b (both included): cells of `start` at a and `end` at b, growing by
// at most `growth` towards `max_cell` in between; every cell is at most its target.
inline std::vector<double> graded_radii(double a, double b, double start, double end,
                                        double max_cell, double growth) {
  if (!(start > 0)) start = max_cell;
  if (!(end > 0)) end = max_cell;
  auto size_at = [&](double x) {
    return std::min({max_cell, start + (growth - 1) * (x - a), end + (growth - 1) * (b - x)});
  };
  std::vector<double> radii{a};
  while (radii.back() < b - 1e-12 * b) radii.push_back(radii.back() + size_at(radii.back()));
  const double scale = (b - a) / (radii.back() - a);  // <= 1: cells only shrink
  for (double& radius : radii) radius = a + (radius - a) * scale;
  radii.back() = b;
  return radii;
}

struct PolarMeshControls {
  int segments = 32;  // multiple of 4
  double max_cell = 0.25e-6;
  double growth = 1.2;
  double core_ratio = 0.4;  // core half size / first radius
};

// Fills section.mesh, cell_material and cell_conductor, and
// conductor_surface_cell_m (outermost radial cell inside any conductor's outer
// circle). Materials and conductors are left to the caller.
inline void build_polar_mesh(const std::vector<PolarBand>& bands, const PolarMeshControls& controls,
                             physics::CrossSection& section) {
  using std::numbers::pi;
  const int rays = controls.segments;
  const int n = rays / 4;  // core cells per side
  const double equal_area = std::sqrt(2 * pi / (rays * std::sin(2 * pi / rays)));
  const double first_radius = bands.front().outer_radius;
  const double core = controls.core_ratio * first_radius;
  auto& mesh = section.mesh;
  mesh = {};
  section.cell_material.clear();
  section.cell_conductor.clear();

  // Core: a tensor grid at core * tan(theta) so its boundary nodes lie at equal angles.
  std::vector<std::vector<int>> core_node(n + 1, std::vector<int>(n + 1));
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) {
      core_node[i][j] = static_cast<int>(mesh.nodes.size());
      mesh.nodes.push_back({core * std::tan(-pi / 4 + i * (pi / 2) / n),
                            core * std::tan(-pi / 4 + j * (pi / 2) / n)});
    }
  auto add_cell = [&](std::array<int, 4> nodes, const PolarBand& band) {
    mesh.cells.push_back({nodes[0], nodes[1], nodes[2], nodes[3]});
    section.cell_material.push_back(band.material);
    section.cell_conductor.push_back(band.conductor);
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      add_cell({core_node[i][j], core_node[i + 1][j], core_node[i + 1][j + 1], core_node[i][j + 1]},
               bands.front());

  // Ray q at angle -pi/4 + q * 2 pi / rays, starting on the core boundary.
  std::vector<int> ring(rays);
  for (int q = 0; q < rays; ++q) {
    const int side = q / n, k = q % n;
    ring[q] = side == 0   ? core_node[n][k]
              : side == 1 ? core_node[n - k][n]
              : side == 2 ? core_node[0][n - k]
                          : core_node[k][0];
  }
  std::vector<std::array<double, 2>> start(rays), direction(rays);
  for (int q = 0; q < rays; ++q) {
    start[q] = mesh.nodes[ring[q]];
    const double angle = -pi / 4 + q * 2 * pi / rays;
    direction[q] = {std::cos(angle), std::sin(angle)};
  }
  double inner = 0;
  double surface_cell = 0;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const PolarBand& band = bands[b];
    const double from = b == 0 ? core : inner;
    const auto radii = graded_radii(from, band.outer_radius, band.inner_cell, band.outer_cell,
                                    controls.max_cell, controls.growth);
    if (band.conductor >= 0) {
      const double cell = (radii.back() - radii[radii.size() - 2]) * equal_area;
      surface_cell = surface_cell > 0 ? std::min(surface_cell, cell) : cell;
    }
    for (std::size_t r = 1; r < radii.size(); ++r) {
      std::vector<int> next(rays);
      for (int q = 0; q < rays; ++q) {
        next[q] = static_cast<int>(mesh.nodes.size());
        const double outer = radii[r] * equal_area;
        if (b == 0) {
          // Band 0: along the ray from the core boundary to the circle.
          const double t = (radii[r] - core) / (first_radius - core);
          const double circle = first_radius * equal_area;
          mesh.nodes.push_back({start[q][0] + t * (circle * direction[q][0] - start[q][0]),
                                start[q][1] + t * (circle * direction[q][1] - start[q][1])});
        } else {
          mesh.nodes.push_back({outer * direction[q][0], outer * direction[q][1]});
        }
      }
      for (int q = 0; q < rays; ++q) {
        const int p = (q + 1) % rays;
        add_cell({ring[q], next[q], next[p], ring[p]}, band);
      }
      ring = next;
    }
    inner = band.outer_radius;
  }
  for (const auto& cell : mesh.cells) {
    std::array<double, 2> centroid{0, 0};
    for (int node : cell)
      for (int d = 0; d < 2; ++d) centroid[d] += 0.25 * mesh.nodes[node][d];
    mesh.cell_centroid.push_back(centroid);
  }
  section.conductor_surface_cell_m = surface_cell;
}

inline physics::SectionMaterial copper(double conductivity = 5.8e7) {
  return {"copper", conductivity, 1, true, false};
}
inline physics::SectionMaterial oxide() {
  return {"sio2", 0, 3.9, false, false};
}

inline physics::SectionConductor conductor(const std::string& name, physics::ConductorRole role,
                                           double radius = 0) {
  physics::SectionConductor result;
  result.name = name;
  result.role = role;
  result.role_name = role == physics::ConductorRole::signal ? "S"
                     : role == physics::ConductorRole::ret  ? "G"
                                                            : "F";
  result.radius = radius;
  return result;
}

}  // namespace tsvfield::test

namespace tsvfield::test {

// A copper wire of radius `wire` (signal) inside a copper shield from `shield_inner`
// to `shield_outer` (return), oxide between: the coaxial section of the MQS tests.
// Both metal surfaces facing the gap get radial cells of `surface_cell`.
struct CoaxGeometry {
  double wire = 5e-6;
  double shield_inner = 6e-6;
  double shield_outer = 8e-6;
  double conductivity = 5.8e7;
  double surface_cell = 0.08e-6;
};

inline physics::CrossSection coax_section(const CoaxGeometry& geometry,
                                          const PolarMeshControls& controls) {
  physics::CrossSection section;
  section.layer = "coax";
  section.length_m = 50e-6;
  section.materials = {oxide(), copper(geometry.conductivity)};
  section.conductors = {conductor("wire", physics::ConductorRole::signal, geometry.wire),
                        conductor("shield", physics::ConductorRole::ret, geometry.shield_outer)};
  std::vector<PolarBand> bands = {
      {geometry.wire, 1, 0, 0, geometry.surface_cell},
      {geometry.shield_inner, 0, -1, geometry.surface_cell, geometry.surface_cell},
      {geometry.shield_outer, 1, 1, geometry.surface_cell, 0},
  };
  build_polar_mesh(bands, controls, section);
  return section;
}

}  // namespace tsvfield::test
