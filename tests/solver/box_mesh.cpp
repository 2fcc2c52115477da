#include "tests/solver/box_mesh.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace tsvfield::testing {
namespace {

// Deterministic value in [-1, 1] from integer coordinates (splitmix64).
double hash_unit(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  std::uint64_t x =
      a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
      (c + 0x8CB92BA72F3D8DD7ull) * 0x94D049BB133111EBull ^ (d + 1) * 0x2545F4914F6CDD1Dull;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) / static_cast<double>(1ull << 53) * 2.0 - 1.0;
}

struct ZLevels {
  std::vector<double> z;                // level coordinates
  std::vector<bool> layer_boundary;     // level is a layer boundary (stays planar)
  std::vector<int> interval_layer;      // layer of each z-interval
  std::vector<int> plane_below;         // node plane used by cells below level l (top nodes)
  std::vector<int> plane_above;         // node plane used by cells above level l (bottom nodes)
  std::vector<int> plane_level;         // level of each node plane
  std::vector<int> level_of_layer_top;  // level index at the top of each layer
};

ZLevels make_levels(const BoxMeshSpec& spec) {
  ZLevels levels;
  double z = spec.z0;
  levels.z.push_back(z);
  levels.layer_boundary.push_back(true);
  for (std::size_t layer = 0; layer < spec.layers.size(); ++layer) {
    const BoxLayer& l = spec.layers[layer];
    if (l.divisions < 1 || !(l.thickness > 0)) throw std::invalid_argument("bad box layer");
    for (int d = 1; d <= l.divisions; ++d) {
      levels.z.push_back(z + l.thickness * d / l.divisions);
      levels.layer_boundary.push_back(d == l.divisions);
      levels.interval_layer.push_back(static_cast<int>(layer));
    }
    z += l.thickness;
    levels.level_of_layer_top.push_back(static_cast<int>(levels.z.size()) - 1);
  }
  std::vector<bool> doubled(levels.z.size(), false);
  for (int i : spec.doubled_interfaces) {
    doubled.at(
        static_cast<std::size_t>(levels.level_of_layer_top.at(static_cast<std::size_t>(i)))) = true;
  }
  for (std::size_t l = 0; l < levels.z.size(); ++l) {
    levels.plane_below.push_back(static_cast<int>(levels.plane_level.size()));
    levels.plane_level.push_back(static_cast<int>(l));
    if (doubled[l]) levels.plane_level.push_back(static_cast<int>(l));
    levels.plane_above.push_back(static_cast<int>(levels.plane_level.size()) - 1);
  }
  return levels;
}

}  // namespace

int find_name(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

mesh::LocalMesh build_box_mesh(const BoxMeshSpec& spec, MPI_Comm comm) {
  mesh::LocalMesh m;
  MPI_Comm_rank(comm, &m.rank);
  MPI_Comm_size(comm, &m.rank_count);
  if (spec.cells_x < m.rank_count) throw std::invalid_argument("box mesh: cells_x < ranks");
  const int nx = spec.cells_x, ny = spec.cells_y, ranks = m.rank_count;
  const ZLevels levels = make_levels(spec);
  const int planes = static_cast<int>(levels.plane_level.size());
  const int intervals = static_cast<int>(levels.interval_layer.size());

  // Rank r owns cell columns i in [first_i(r), first_i(r + 1)) and node columns
  // i in the same range (the last rank also owns i = nx).
  auto first_i = [&](int r) { return static_cast<int>(static_cast<long>(nx) * r / ranks); };
  auto node_columns = [&](int r) { return first_i(r + 1) - first_i(r) + (r == ranks - 1 ? 1 : 0); };
  auto owner = [&](int i) {
    for (int r = 0; r < ranks; ++r) {
      if (i < first_i(r + 1)) return r;
    }
    return ranks - 1;
  };
  std::vector<mesh::GlobalIndex> offset(static_cast<std::size_t>(ranks) + 1, 0);
  for (int r = 0; r < ranks; ++r) {
    offset[static_cast<std::size_t>(r) + 1] =
        offset[static_cast<std::size_t>(r)] +
        static_cast<mesh::GlobalIndex>(node_columns(r)) * (ny + 1) * planes;
  }
  auto global_id = [&](int i, int j, int p) {
    const int r = owner(i);
    return offset[static_cast<std::size_t>(r)] +
           (static_cast<mesh::GlobalIndex>(p) * (ny + 1) + j) * node_columns(r) + (i - first_i(r));
  };
  const double hx = spec.length_x / nx, hy = spec.length_y / ny;
  auto coords = [&](int i, int j, int p) {
    const int level = levels.plane_level[static_cast<std::size_t>(p)];
    std::array<double, 3> x = {spec.x0 + hx * i, spec.y0 + hy * j,
                               levels.z[static_cast<std::size_t>(level)]};
    if (spec.distortion > 0) {
      const auto ui = static_cast<std::uint64_t>(i), uj = static_cast<std::uint64_t>(j),
                 ul = static_cast<std::uint64_t>(level);
      if (i > 0 && i < nx) x[0] += spec.distortion * hx * hash_unit(ui, uj, ul, 0);
      if (j > 0 && j < ny) x[1] += spec.distortion * hy * hash_unit(ui, uj, ul, 1);
      if (!levels.layer_boundary[static_cast<std::size_t>(level)]) {
        const double hz = std::min(levels.z[static_cast<std::size_t>(level)] -
                                       levels.z[static_cast<std::size_t>(level) - 1],
                                   levels.z[static_cast<std::size_t>(level) + 1] -
                                       levels.z[static_cast<std::size_t>(level)]);
        x[2] += spec.distortion * hz * hash_unit(ui, uj, ul, 2);
      }
    }
    return spec.transform ? spec.transform(x) : x;
  };

  const int i_begin = first_i(m.rank), i_end = first_i(m.rank + 1);
  const int owned_columns = node_columns(m.rank);
  // Local index of node (i, j, p): owned ones in global order, then the ghost column i_end.
  auto local_id = [&](int i, int j, int p) -> std::int32_t {
    if (i - i_begin < owned_columns) {
      return static_cast<std::int32_t>((static_cast<long>(p) * (ny + 1) + j) * owned_columns +
                                       (i - i_begin));
    }
    const long owned_count = static_cast<long>(owned_columns) * (ny + 1) * planes;
    return static_cast<std::int32_t>(owned_count + static_cast<long>(p) * (ny + 1) + j);
  };
  m.owned_node_begin = offset[static_cast<std::size_t>(m.rank)];
  m.owned_node_count = static_cast<std::int64_t>(owned_columns) * (ny + 1) * planes;
  m.global_node_count = offset.back();
  for (int p = 0; p < planes; ++p) {
    for (int j = 0; j <= ny; ++j) {
      for (int i = i_begin; i < i_begin + owned_columns; ++i) {
        m.node_coords.push_back(coords(i, j, p));
        m.node_global.push_back(global_id(i, j, p));
        m.node_footprint.push_back(j * (nx + 1) + i);
        m.node_line_slot.push_back(p);
      }
    }
  }
  if (m.rank < ranks - 1) {
    for (int p = 0; p < planes; ++p) {
      for (int j = 0; j <= ny; ++j) {
        m.node_coords.push_back(coords(i_end, j, p));
        m.node_global.push_back(global_id(i_end, j, p));
        m.node_footprint.push_back(j * (nx + 1) + i_end);
        m.node_line_slot.push_back(p);
        m.ghost_owner_rank.push_back(m.rank + 1);
      }
    }
  }

  // Tables.
  for (const auto& layer : spec.layers) {
    m.layer_names.push_back(layer.name);
    if (find_name(m.material_names, layer.material) < 0) m.material_names.push_back(layer.material);
  }
  m.z_levels = levels.z;
  m.footprint_node_count = (nx + 1) * (ny + 1);
  m.surface_names = {"top", "bottom", "sides"};
  for (const auto& layer : spec.layers) {
    m.surface_names.push_back(layer.name + ".top");
    m.surface_names.push_back(layer.name + ".bottom");
  }
  for (int i : spec.doubled_interfaces) {
    m.interface_names.push_back(spec.layers.at(static_cast<std::size_t>(i)).name + "|" +
                                spec.layers.at(static_cast<std::size_t>(i) + 1).name);
  }

  // Cells, surfaces and interface pairs.
  std::vector<std::vector<std::int32_t>> cell_index(static_cast<std::size_t>(intervals));
  for (int e = 0; e < intervals; ++e) {
    const int layer = levels.interval_layer[static_cast<std::size_t>(e)];
    const int pb = levels.plane_above[static_cast<std::size_t>(e)];
    const int pt = levels.plane_below[static_cast<std::size_t>(e) + 1];
    const bool layer_bottom = levels.layer_boundary[static_cast<std::size_t>(e)];
    const bool layer_top = levels.layer_boundary[static_cast<std::size_t>(e) + 1];
    for (int j = 0; j < ny; ++j) {
      for (int i = i_begin; i < i_end; ++i) {
        const auto cell = static_cast<std::int32_t>(m.cells.size());
        m.cells.push_back({local_id(i, j, pb), local_id(i + 1, j, pb), local_id(i + 1, j + 1, pb),
                           local_id(i, j + 1, pb), local_id(i, j, pt), local_id(i + 1, j, pt),
                           local_id(i + 1, j + 1, pt), local_id(i, j + 1, pt)});
        m.cell_material.push_back(
            find_name(m.material_names, spec.layers[static_cast<std::size_t>(layer)].material));
        m.cell_layer.push_back(layer);
        m.cell_conductor.push_back(-1);
        m.cell_column.push_back(j * nx + i);
        m.cell_zinterval.push_back(e);
        cell_index[static_cast<std::size_t>(e)].push_back(cell);
        const std::string& name = spec.layers[static_cast<std::size_t>(layer)].name;
        auto add_face = [&](int face, const std::string& surface) {
          m.surface_faces.push_back(
              {cell, static_cast<std::int8_t>(face), find_name(m.surface_names, surface)});
        };
        if (e == 0) add_face(0, "bottom");
        if (e == intervals - 1) add_face(1, "top");
        if (j == 0) add_face(2, "sides");
        if (i == nx - 1) add_face(3, "sides");
        if (j == ny - 1) add_face(4, "sides");
        if (i == 0) add_face(5, "sides");
        if (layer_bottom) add_face(0, name + ".bottom");
        if (layer_top) add_face(1, name + ".top");
      }
    }
  }
  for (std::size_t k = 0; k < spec.doubled_interfaces.size(); ++k) {
    const int level =
        levels.level_of_layer_top[static_cast<std::size_t>(spec.doubled_interfaces[k])];
    const auto& below = cell_index[static_cast<std::size_t>(level) - 1];
    const auto& above = cell_index[static_cast<std::size_t>(level)];
    for (std::size_t c = 0; c < below.size(); ++c) {
      m.interface_faces.push_back({below[c], above[c], static_cast<std::int32_t>(k)});
    }
  }
  long local_cells = static_cast<long>(m.cells.size()), global_cells = 0;
  MPI_Allreduce(&local_cells, &global_cells, 1, MPI_LONG, MPI_SUM, comm);
  m.global_cell_count = global_cells;
  return m;
}

}  // namespace tsvfield::testing
