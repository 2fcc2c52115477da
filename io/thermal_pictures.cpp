#include "io/thermal_pictures.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace tsvfield::io {
namespace {

// The rasters of all ranks combined on rank 0 (MPI_MAX keeps drawn pixels: empty is
// -infinity).
void combine_on_rank_0(ScalarRaster& raster, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int count = static_cast<int>(raster.values.size());
  const int status =
      rank == 0
          ? MPI_Reduce(MPI_IN_PLACE, raster.values.data(), count, MPI_DOUBLE, MPI_MAX, 0, comm)
          : MPI_Reduce(raster.values.data(), nullptr, count, MPI_DOUBLE, MPI_MAX, 0, comm);
  if (status != MPI_SUCCESS) throw std::runtime_error("MPI_Reduce of a picture failed");
}

// Where the plane y = y0 crosses a face's edge from corner a to corner b: the edge
// parameter, or none (NaN) when it does not cross.
double crossing(double y_a, double y_b, double y0) {
  if (y_a == y_b) return y_a == y0 ? 0.0 : std::nan("");
  const double t = (y0 - y_a) / (y_b - y_a);
  return t >= 0 && t <= 1 ? t : std::nan("");
}

struct SectionPoint {
  double x_bottom, z_bottom, value_bottom;
  double x_top, z_top, value_top;
};

}  // namespace

ScalarRaster layer_map(const mesh::LocalMesh& mesh, const std::vector<double>& node_values,
                       int layer, const PixelWindow& window, MPI_Comm comm) {
  ScalarRaster raster(window.width, window.height);
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (mesh.cell_layer[cell] != layer) continue;
    const auto& nodes = mesh.cells[cell];
    for (int face_start : {0, 4}) {  // bottom face: nodes 0-3; top: 4-7
      std::array<std::array<double, 2>, 4> corners{};
      std::array<double, 4> values{};
      for (int k = 0; k < 4; ++k) {
        const auto node = static_cast<std::size_t>(nodes[static_cast<std::size_t>(face_start + k)]);
        corners[static_cast<std::size_t>(k)] = {mesh.node_coords[node][0],
                                                mesh.node_coords[node][1]};
        values[static_cast<std::size_t>(k)] = node_values[node];
      }
      draw_quad_max(raster, window, corners, values);
    }
  }
  combine_on_rank_0(raster, comm);
  return raster;
}

ScalarRaster vertical_section(const mesh::LocalMesh& mesh, const std::vector<double>& node_values,
                              double y, const PixelWindow& window, MPI_Comm comm) {
  ScalarRaster raster(window.width, window.height);
  std::vector<SectionPoint> points;
  for (const auto& nodes : mesh.cells) {
    points.clear();
    for (std::size_t k = 0; k < 4; ++k) {
      const auto a = static_cast<std::size_t>(nodes[k]);
      const auto b = static_cast<std::size_t>(nodes[(k + 1) % 4]);
      const auto a_top = static_cast<std::size_t>(nodes[k + 4]);
      const auto b_top = static_cast<std::size_t>(nodes[(k + 1) % 4 + 4]);
      const auto& pa = mesh.node_coords[a];
      const auto& pb = mesh.node_coords[b];
      const double t = crossing(pa[1], pb[1], y);
      if (std::isnan(t)) continue;
      const auto at = [&](std::size_t from, std::size_t to, int axis) {
        return mesh.node_coords[from][static_cast<std::size_t>(axis)] +
               t * (mesh.node_coords[to][static_cast<std::size_t>(axis)] -
                    mesh.node_coords[from][static_cast<std::size_t>(axis)]);
      };
      const auto value = [&](std::size_t from, std::size_t to) {
        return node_values[from] + t * (node_values[to] - node_values[from]);
      };
      points.push_back({at(a, b, 0), at(a, b, 2), value(a, b), at(a_top, b_top, 0),
                        at(a_top, b_top, 2), value(a_top, b_top)});
      if (pa[1] == pb[1]) {  // the edge lies in the plane: its other end too
        points.push_back({pb[0], pb[2], node_values[b], mesh.node_coords[b_top][0],
                          mesh.node_coords[b_top][2], node_values[b_top]});
      }
    }
    if (points.size() < 2) continue;
    const auto by_x = [](const SectionPoint& p, const SectionPoint& q) {
      return p.x_bottom < q.x_bottom;
    };
    const SectionPoint& left = *std::min_element(points.begin(), points.end(), by_x);
    const SectionPoint& right = *std::max_element(points.begin(), points.end(), by_x);
    if (!(right.x_bottom > left.x_bottom)) continue;  // touches the plane at a corner only
    draw_quad_max(raster, window,
                  {{{left.x_bottom, left.z_bottom},
                    {right.x_bottom, right.z_bottom},
                    {right.x_top, right.z_top},
                    {left.x_top, left.z_top}}},
                  {left.value_bottom, right.value_bottom, right.value_top, left.value_top});
  }
  combine_on_rank_0(raster, comm);
  return raster;
}

}  // namespace tsvfield::io
