#pragma once
// FootprintMesh: the 2D quad mesh of the package footprint, conforming to every
// rectangle edge (footprint, column and layer outlines, blocks) and every circle
// (TSV conductor, liner, bump). Every layer is meshed by extruding it.
//
// Construction: a tensor-product grid through all rectangle edges and the lines of
// every site's O-grid box, graded from the feature sizes to max_size with the growth
// ratio; the grid cells inside each box are replaced by an O-grid: a structured core
// (a scaled copy of the box's grid), rings at every circle of the site, and graded
// rings out to the box. All rings have one node per box boundary node, on the ray from
// the centre through that node, so the O-grid meets whatever grid lines end on the box.
//
// Circle nodes: the box lines of a site are placed at h*tan(theta_k) so that the rays
// are equally spaced in angle (2*pi/n) when no foreign grid line crosses the box. The
// polygon vertices of a circle of radius r lie at the radius R that gives the polygon
// the exact area pi*r^2: R = r*sqrt(2*pi / sum_q sin(dtheta_q)), which for n equal
// angles is r*sqrt(2*pi/(n*sin(2*pi/n))). Conductor, liner and bump cross-sections
// therefore have exactly their geometric areas (and volumes after extrusion).
#include <array>
#include <cstdint>
#include <vector>

#include "mesh/stack_geometry.hpp"

namespace tsvfield::mesh {

struct FootprintMesh {
  std::vector<std::array<double, 2>> nodes;
  std::vector<std::array<std::int32_t, 4>> cells;  // counter-clockwise
  std::vector<std::int32_t> cell_site;             // O-grid site, or -1 for a grid cell
  std::vector<std::int16_t> cell_band;  // O-grid band (0: inside the first circle), -1 grid
  // Distance from the site centre used to classify the cell: the middle of its band
  // between the exact radii (so thin liner cells are classified exactly).
  std::vector<double> cell_band_radius;
  std::vector<std::array<double, 2>> cell_centroid;

  // Adjacency: node -> cells (CSR), and the neighbour across each edge e (nodes e, e+1).
  std::vector<std::int32_t> node_cell_start;
  std::vector<std::int32_t> node_cells;
  std::vector<std::array<std::int32_t, 4>> cell_neighbours;  // -1: boundary

  std::vector<double> x_lines, y_lines;  // the tensor grid's lines

  std::int32_t cell_count() const { return static_cast<std::int32_t>(cells.size()); }
  std::int32_t node_count() const { return static_cast<std::int32_t>(nodes.size()); }
  double cell_area(std::int32_t cell) const;
  // Smallest scaled Jacobian of the quad (1 for a rectangle, <= 0 when inverted).
  double cell_scaled_jacobian(std::int32_t cell) const;
  double cell_min_edge(std::int32_t cell) const;
  double cell_max_edge(std::int32_t cell) const;
};

// Throws InputError when the controls are out of range.
void validate_mesh_controls(const MeshControls& controls);
// max_size with its default (footprint diagonal / 40) applied.
double effective_max_size(const StackGeometry& geometry, const MeshControls& controls);

FootprintMesh build_footprint_mesh(const StackGeometry& geometry, const MeshControls& controls);

}  // namespace tsvfield::mesh
