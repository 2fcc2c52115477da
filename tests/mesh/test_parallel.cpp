// The parallel mesh generator, run on 2 and 3 ranks: the distributed mesh equals the
// serial one (built on MPI_COMM_SELF by every rank), numbering and ghosts are right,
// volumes, surfaces and interfaces match the geometry.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "mesh/extrude.hpp"
#include "mesh/mesh_statistics.hpp"
#include "mesh_test_cases.hpp"

namespace tsvfield::mesh {
namespace {

using namespace testing;

MPI_Comm world() {
  return MPI_COMM_WORLD;
}

double sum_over_ranks(double value) {
  double total = 0;
  MPI_Allreduce(&value, &total, 1, MPI_DOUBLE, MPI_SUM, world());
  return total;
}

std::array<double, 3> centroid(const LocalMesh& mesh, std::size_t cell) {
  std::array<double, 3> c{0, 0, 0};
  for (std::int32_t node : mesh.cells[cell])
    for (int d = 0; d < 3; ++d) c[d] += 0.125 * mesh.node_coords[node][d];
  return c;
}

using CellKey = std::tuple<double, double, double, std::string>;

std::vector<CellKey> cell_keys(const LocalMesh& mesh) {
  std::vector<CellKey> keys;
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    auto p = centroid(mesh, c);
    keys.emplace_back(p[0], p[1], p[2], mesh.material_names[mesh.cell_material[c]]);
  }
  return keys;
}

// All ranks' cell keys, on every rank (small test meshes only).
std::vector<CellKey> gather_cell_keys(const LocalMesh& mesh) {
  std::vector<double> mine;
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    auto p = centroid(mesh, c);
    mine.insert(mine.end(), {p[0], p[1], p[2], static_cast<double>(mesh.cell_material[c])});
  }
  int size = 0;
  MPI_Comm_size(world(), &size);
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(size), offsets(size + 1, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, world());
  for (int r = 0; r < size; ++r) offsets[r + 1] = offsets[r] + counts[r];
  std::vector<double> all(offsets.back());
  MPI_Allgatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                 MPI_DOUBLE, world());
  std::vector<CellKey> keys;
  for (std::size_t k = 0; k < all.size(); k += 4)
    keys.emplace_back(all[k], all[k + 1], all[k + 2],
                      mesh.material_names[static_cast<std::size_t>(all[k + 3])]);
  return keys;
}

GeneratedMesh serial_mesh(const StackSpec& spec, const MeshControls& controls = {},
                          const MeshOptions& options = {}) {
  return generate_mesh(spec, controls, options, MPI_COMM_SELF);
}

GeneratedMesh parallel_mesh(const StackSpec& spec, const MeshControls& controls = {},
                            const MeshOptions& options = {}) {
  return generate_mesh(spec, controls, options, world());
}

TEST(ParallelMesh, CellCountIsTheSumOfNonVoidColumnIntervals) {
  // Independent count: the geometry's material at each footprint cell's centroid and
  // each z-interval's middle.
  GeneratedMesh generated = parallel_mesh(chiplet_stack());
  const StackGeometry& geometry = generated.geometry;
  const auto& z = generated.layering.z_levels;
  std::int64_t expected = 0;
  for (std::int32_t c = 0; c < generated.footprint.cell_count(); ++c) {
    const auto& p = generated.footprint.cell_centroid[c];
    for (std::size_t k = 0; k + 1 < z.size(); ++k) {
      double mid = 0.5 * (z[k] + z[k + 1]);
      int material = kVoidMaterial;
      bool found = false;
      for (int pass = 0; pass < 2 && !found; ++pass)  // column layers take precedence
        for (int l = 0; l < static_cast<int>(geometry.layers.size()) && !found; ++l) {
          const LayerInstance& layer = geometry.layers[l];
          if ((pass == 0) != (layer.column >= 0) || mid < layer.z0 || mid > layer.z1) continue;
          MaterialAt at = geometry.material_at(l, p[0], p[1]);
          if (at.in_region) {
            found = true;
            material = at.material;
          }
        }
      if (material != kVoidMaterial) ++expected;
    }
  }
  EXPECT_EQ(generated.mesh.global_cell_count, expected);
  EXPECT_EQ(static_cast<std::int64_t>(sum_over_ranks(generated.mesh.local_cell_count())), expected);
  EXPECT_EQ(generated.mesh.cells.size(), generated.mesh.cell_material.size());
  EXPECT_EQ(generated.mesh.cells.size(), generated.mesh.cell_conductor.size());
  EXPECT_EQ(generated.mesh.cells.size(), generated.mesh.cell_zinterval.size());
}

TEST(ParallelMesh, ProgressGoesFromZeroToOneHundred) {
  std::vector<int> reported;
  MeshOptions options;
  options.progress = [&reported](int percent) { reported.push_back(percent); };
  parallel_mesh(tsv_array_stack(2), {}, options);
  ASSERT_GE(reported.size(), 3u);
  EXPECT_EQ(reported.front(), 0);
  EXPECT_EQ(reported.back(), 100);
  EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
}

TEST(ParallelMesh, SameCellsAndVolumesAsTheSerialMesh) {
  for (const StackSpec& spec : {chiplet_stack(), tsv_array_stack(4)}) {
    GeneratedMesh serial = serial_mesh(spec);
    GeneratedMesh parallel = parallel_mesh(spec);
    std::vector<CellKey> expected = cell_keys(serial.mesh);
    std::vector<CellKey> actual = gather_cell_keys(parallel.mesh);
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_TRUE(expected == actual) << expected.size() << " serial cells vs " << actual.size();
    EXPECT_EQ(serial.mesh.global_node_count, parallel.mesh.global_node_count);

    MeshStatistics serial_stats = compute_mesh_statistics(serial, MPI_COMM_SELF);
    MeshStatistics parallel_stats = compute_mesh_statistics(parallel, world());
    ASSERT_EQ(serial_stats.volumes.size(), parallel_stats.volumes.size());
    for (std::size_t m = 0; m < serial_stats.volumes.size(); ++m) {
      const auto& a = serial_stats.volumes[m];
      const auto& b = parallel_stats.volumes[m];
      EXPECT_EQ(a.name, b.name);
      EXPECT_NEAR(a.mesh_volume, b.mesh_volume, 1e-12 * a.mesh_volume) << a.name;
      // Circles are equal-area polygons and rectangles are exact: the mesh volume is the
      // geometric volume up to rounding.
      EXPECT_NEAR(b.mesh_volume, b.exact_volume, 1e-9 * b.exact_volume) << b.name;
    }
  }
}

TEST(ParallelMesh, GlobalNumberingIsContiguousPerRank) {
  GeneratedMesh generated = parallel_mesh(chiplet_stack());
  const LocalMesh& mesh = generated.mesh;
  int size = 0;
  MPI_Comm_size(world(), &size);
  std::int64_t mine[2] = {mesh.owned_node_begin, mesh.owned_node_count};
  std::vector<std::int64_t> all(2 * size);
  MPI_Allgather(mine, 2, MPI_INT64_T, all.data(), 2, MPI_INT64_T, world());
  std::int64_t next = 0;
  for (int r = 0; r < size; ++r) {
    EXPECT_EQ(all[2 * r], next);
    next += all[2 * r + 1];
  }
  EXPECT_EQ(next, mesh.global_node_count);
  for (std::int64_t n = 0; n < mesh.owned_node_count; ++n)
    ASSERT_EQ(mesh.node_global[n], mesh.owned_node_begin + n);
  ASSERT_EQ(mesh.ghost_owner_rank.size(), mesh.node_coords.size() - mesh.owned_node_count);
  for (std::size_t g = 0; g < mesh.ghost_owner_rank.size(); ++g) {
    int owner = mesh.ghost_owner_rank[g];
    GlobalIndex id = mesh.node_global[mesh.owned_node_count + g];
    EXPECT_NE(owner, mesh.rank);
    EXPECT_GE(id, all[2 * owner]);
    EXPECT_LT(id, all[2 * owner] + all[2 * owner + 1]);
  }
  // Every local node is used by a local cell, and the ghost owner is the lowest rank.
  std::vector<char> used(mesh.node_coords.size(), 0);
  for (const auto& cell : mesh.cells)
    for (std::int32_t node : cell) used[node] = 1;
  EXPECT_EQ(std::count(used.begin(), used.end(), 0), 0);
  for (int owner : mesh.ghost_owner_rank) EXPECT_LT(owner, mesh.rank);
}

TEST(ParallelMesh, GhostCoordinatesMatchTheOwners) {
  GeneratedMesh generated = parallel_mesh(chiplet_stack());
  const LocalMesh& mesh = generated.mesh;
  int size = 0;
  MPI_Comm_size(world(), &size);
  // Owned coordinates of all ranks, indexed by global id (contiguous per rank).
  int count = static_cast<int>(3 * mesh.owned_node_count);
  std::vector<int> counts(size), offsets(size + 1, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, world());
  for (int r = 0; r < size; ++r) offsets[r + 1] = offsets[r] + counts[r];
  std::vector<double> owned(mesh.node_coords.size() * 3);
  for (std::size_t n = 0; n < mesh.node_coords.size(); ++n)
    for (int d = 0; d < 3; ++d) owned[3 * n + d] = mesh.node_coords[n][d];
  std::vector<double> all(offsets.back());
  MPI_Allgatherv(owned.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                 MPI_DOUBLE, world());
  int mismatches = 0;
  for (std::size_t n = mesh.owned_node_count; n < mesh.node_coords.size(); ++n)
    for (int d = 0; d < 3; ++d)
      if (all[3 * mesh.node_global[n] + d] != mesh.node_coords[n][d]) ++mismatches;
  EXPECT_EQ(mismatches, 0);
  int ghosts = static_cast<int>(mesh.ghost_owner_rank.size());
  int total_ghosts = 0;
  MPI_Allreduce(&ghosts, &total_ghosts, 1, MPI_INT, MPI_SUM, world());
  EXPECT_GT(total_ghosts, 0);  // the ranks do share nodes
}

TEST(ParallelMesh, CopperVolumeOfATsvArray) {
  const int count = 5;
  GeneratedMesh generated = parallel_mesh(tsv_array_stack(count));
  MeshStatistics statistics = compute_mesh_statistics(generated, world());
  double radius = 5 * kMicron, height = 56 * kMicron;
  double expected = count * count * kPi * radius * radius * height;
  bool found = false;
  for (const auto& volume : statistics.volumes)
    if (volume.name == "copper") {
      found = true;
      EXPECT_NEAR(volume.mesh_volume, expected, 0.005 * expected);
    }
  EXPECT_TRUE(found);
  // Each TSV's cells carry its conductor id and have its volume.
  const LocalMesh& mesh = generated.mesh;
  std::vector<double> conductor_volume(mesh.conductors.size(), 0.0);
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    if (mesh.cell_conductor[c] < 0) continue;
    EXPECT_EQ(mesh.material_names[mesh.cell_material[c]], "copper");
    std::int32_t k = mesh.cell_zinterval[c];
    conductor_volume[mesh.cell_conductor[c]] += generated.footprint.cell_area(mesh.cell_column[c]) *
                                                (mesh.z_levels[k + 1] - mesh.z_levels[k]);
  }
  for (std::size_t t = 0; t < mesh.conductors.size(); ++t)
    EXPECT_NEAR(sum_over_ranks(conductor_volume[t]), kPi * radius * radius * height,
                1e-9 * kPi * radius * radius * height);
  EXPECT_GT(statistics.min_scaled_jacobian, 0.3);
}

// Area of a face of a local cell (prisms: quads on top and bottom, rectangles on the sides).
double face_area(const GeneratedMesh& generated, std::int32_t cell, int face) {
  const LocalMesh& mesh = generated.mesh;
  std::int32_t column = mesh.cell_column[cell];
  if (face < 2) return generated.footprint.cell_area(column);
  const auto& nodes = generated.footprint.cells[column];
  const auto& p = generated.footprint.nodes[nodes[face - 2]];
  const auto& q = generated.footprint.nodes[nodes[(face - 1) % 4]];
  std::int32_t k = mesh.cell_zinterval[cell];
  return std::hypot(q[0] - p[0], q[1] - p[1]) * (mesh.z_levels[k + 1] - mesh.z_levels[k]);
}

double surface_area(const GeneratedMesh& generated, const std::string& name) {
  const LocalMesh& mesh = generated.mesh;
  auto found = std::find(mesh.surface_names.begin(), mesh.surface_names.end(), name);
  EXPECT_NE(found, mesh.surface_names.end()) << name;
  std::int32_t tag = static_cast<std::int32_t>(found - mesh.surface_names.begin());
  double area = 0;
  for (const auto& face : mesh.surface_faces)
    if (face.tag == tag) area += face_area(generated, face.cell, face.face);
  return sum_over_ranks(area);
}

TEST(ParallelMesh, SurfacesOfTheChipletStack) {
  GeneratedMesh generated = parallel_mesh(chiplet_stack());
  double um2 = kMicron * kMicron;
  double footprint = 900 * 500 * um2;
  double void_ring = (360 * 420 - 320 * 380) * um2;  // logic column around its die
  EXPECT_NEAR(surface_area(generated, "top"), footprint + void_ring, 1e-9 * footprint);
  EXPECT_NEAR(surface_area(generated, "bottom"), footprint + void_ring, 1e-9 * footprint);
  double sides =
      2 * (900 + 500) * 270 * um2 + 2 * (360 + 420) * 80 * um2 + 2 * (320 + 380) * 80 * um2;
  EXPECT_NEAR(surface_area(generated, "sides"), sides, 1e-9 * sides);
  EXPECT_NEAR(surface_area(generated, "lid.bottom"), footprint, 1e-9 * footprint);
  EXPECT_NEAR(surface_area(generated, "base_die.top"), 410 * 420 * um2, 1e-9 * footprint);
  EXPECT_NEAR(surface_area(generated, "logic_die.top"), 320 * 380 * um2, 1e-9 * footprint);
}

TEST(ParallelMesh, DoubledInterfaceNodes) {
  MeshOptions options;
  options.split_interfaces = {{"interposer", "base_die", source("interfaces[0]")}};
  GeneratedMesh plain = parallel_mesh(chiplet_stack());
  GeneratedMesh split = parallel_mesh(chiplet_stack(), {}, options);
  const LocalMesh& mesh = split.mesh;
  ASSERT_EQ(mesh.interface_names, std::vector<std::string>{"interposer|base_die"});
  double area = 0;
  std::int64_t separated = 0;
  for (const auto& pair : mesh.interface_faces) {
    EXPECT_EQ(mesh.cell_column[pair.cell_below], mesh.cell_column[pair.cell_above]);
    EXPECT_EQ(mesh.layer_names[mesh.cell_layer[pair.cell_below]], "interposer");
    EXPECT_EQ(mesh.layer_names[mesh.cell_layer[pair.cell_above]], "base_die");
    bool all_different = true;
    for (int v = 0; v < 4; ++v) {
      std::int32_t below = mesh.cells[pair.cell_below][4 + v];
      std::int32_t above = mesh.cells[pair.cell_above][v];
      EXPECT_EQ(mesh.node_coords[below], mesh.node_coords[above]);
      all_different &= below != above;
    }
    separated += all_different;
    area += split.footprint.cell_area(mesh.cell_column[pair.cell_below]);
  }
  double memory_column = 410 * 420 * kMicron * kMicron;
  EXPECT_NEAR(sum_over_ranks(area), memory_column, 1e-9 * memory_column);
  EXPECT_GT(sum_over_ranks(static_cast<double>(separated)), 0);
  // Doubled nodes: those of the base die's bottom plane except its rim (touching mold).
  std::int64_t extra = split.mesh.global_node_count - plain.mesh.global_node_count;
  EXPECT_GT(extra, 0);
  EXPECT_EQ(split.mesh.global_cell_count, plain.mesh.global_cell_count);

  MeshOptions bad;
  bad.split_interfaces = {{"interposer", "core_die", source("interfaces[1]")}};
  try {
    parallel_mesh(chiplet_stack(), {}, bad);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "case.yaml:7:3: interfaces[1]: layer 'core_die' does not sit on "
                 "layer 'interposer' (no common interface)");
  }
}

}  // namespace
}  // namespace tsvfield::mesh
