// write_pvtu on 2 ranks: a 2x2x2 hex block split by columns (rank 1 ghosts the
// middle node plane), written, then read back with VTK's own readers and checked
// cell by cell and point by point against the formulas the fields were built
// from. Also: collective failure (one bad rank: every rank throws, nothing on
// disk changes), an empty rank, the file format (binary, zlib), and the file
// that the ParaView check (ctest label "paraview") reads afterwards.
#include <gtest/gtest.h>
#include <mpi.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkStringArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "io/vtk_writer.hpp"
#include "scratch_dir.hpp"
#include "shared_scratch.hpp"

namespace tsvfield::io {
namespace {

constexpr double kSpacing = 2.5e-5;  // node spacing of the block (25 um)
constexpr int kNodesPerSide = 3;     // 3x3x3 nodes, 2x2x2 cells

int mpi_rank() {
  return testing::world_rank();
}
int mpi_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

using testing::shared_scratch;

using NodeIjk = std::array<int, 3>;

// The expected global id of node (i,j,k): nodes ordered by owner rank, then i, j, k.
// With owners non-decreasing in i (true for both layouts below) this is i*9+j*3+k.
mesh::GlobalIndex expected_global_id(const NodeIjk& n) {
  return n[0] * kNodesPerSide * kNodesPerSide + n[1] * kNodesPerSide + n[2];
}

// Builds rank `rank`'s LocalMesh of the block; cell column (ci, cj) lives on rank
// column_rank(ci). A node is owned by the lowest rank whose cells touch it.
mesh::LocalMesh build_block(int rank, int rank_count, const std::function<int(int)>& column_rank) {
  auto owner_of = [&](const NodeIjk& n) {
    int owner = rank_count;
    for (int ci = n[0] - 1; ci <= n[0]; ++ci) {
      if (ci >= 0 && ci < kNodesPerSide - 1) owner = std::min(owner, column_rank(ci));
    }
    return owner;
  };
  auto touches_rank = [&](const NodeIjk& n) {
    for (int ci = n[0] - 1; ci <= n[0]; ++ci) {
      if (ci >= 0 && ci < kNodesPerSide - 1 && column_rank(ci) == rank) return true;
    }
    return false;
  };

  mesh::LocalMesh mesh;
  mesh.rank = rank;
  mesh.rank_count = rank_count;
  mesh.global_node_count = 27;
  mesh.global_cell_count = 8;
  mesh.material_names = {"silicon", "copper"};
  mesh.layer_names = {"base_die", "core_die_1"};
  mesh.conductors.push_back({"core_die_1/tsv_data[0,0]", "tsv", "S", 0, 0, 1e-5, 0, 5e-5, 0});
  mesh.z_levels = {0, kSpacing, 2 * kSpacing};

  std::vector<NodeIjk> owned;
  std::vector<NodeIjk> ghosts;
  for (int i = 0; i < kNodesPerSide; ++i) {
    for (int j = 0; j < kNodesPerSide; ++j) {
      for (int k = 0; k < kNodesPerSide; ++k) {
        const NodeIjk n = {i, j, k};
        if (owner_of(n) == rank) {
          owned.push_back(n);
        } else if (touches_rank(n)) {
          ghosts.push_back(n);
        }
      }
    }
  }
  std::map<NodeIjk, std::int32_t> local_index;
  auto add_node = [&](const NodeIjk& n) {
    local_index[n] = static_cast<std::int32_t>(mesh.node_coords.size());
    mesh.node_coords.push_back({n[0] * kSpacing, n[1] * kSpacing, n[2] * kSpacing});
    mesh.node_global.push_back(expected_global_id(n));
  };
  for (const auto& n : owned) add_node(n);
  for (const auto& n : ghosts) {
    add_node(n);
    mesh.ghost_owner_rank.push_back(owner_of(n));
  }
  mesh.owned_node_count = static_cast<std::int64_t>(owned.size());
  mesh.owned_node_begin = owned.empty() ? 0 : expected_global_id(owned.front());

  for (int ci = 0; ci < 2; ++ci) {
    if (column_rank(ci) != rank) continue;
    for (int cj = 0; cj < 2; ++cj) {
      for (int ck = 0; ck < 2; ++ck) {
        // VTK hexahedron order: bottom quad counter-clockwise, then the top quad.
        const std::array<NodeIjk, 8> corners = {{{ci, cj, ck},
                                                 {ci + 1, cj, ck},
                                                 {ci + 1, cj + 1, ck},
                                                 {ci, cj + 1, ck},
                                                 {ci, cj, ck + 1},
                                                 {ci + 1, cj, ck + 1},
                                                 {ci + 1, cj + 1, ck + 1},
                                                 {ci, cj + 1, ck + 1}}};
        std::array<std::int32_t, 8> cell{};
        for (int c = 0; c < 8; ++c) cell[c] = local_index.at(corners[c]);
        mesh.cells.push_back(cell);
        mesh.cell_material.push_back(ck);
        mesh.cell_layer.push_back(ck);
        mesh.cell_conductor.push_back(ci == 1 && cj == 1 ? 0 : -1);
        mesh.cell_column.push_back(ci * 2 + cj);
        mesh.cell_zinterval.push_back(ck);
      }
    }
  }
  return mesh;
}

int split_by_column(int ci) {
  return ci;
}  // 2 ranks: column ci on rank ci
int all_on_rank0(int) {
  return 0;
}

NodeIjk ijk_of(const double* xyz) {
  return {static_cast<int>(std::lround(xyz[0] / kSpacing)),
          static_cast<int>(std::lround(xyz[1] / kSpacing)),
          static_cast<int>(std::lround(xyz[2] / kSpacing))};
}

// Field formulas, evaluated at integer node/cell coordinates.
double temperature_at(const NodeIjk& n, double offset) {
  return 300.0 + offset + n[0] + 2.0 * n[1] + 4.0 * n[2];
}
std::array<double, 3> heat_flux_at(const NodeIjk& n) {
  return {1.0 * n[0], -1.0 * n[1], 1e3 * n[2]};
}
double heat_source_at(int ci, int cj, int ck) {
  return 1e6 * (1 + ci + 2 * cj + 4 * ck);
}

struct BlockFields {
  std::vector<CellField> cells;
  std::vector<PointField> points;
};

BlockFields block_fields(const mesh::LocalMesh& mesh, double temperature_offset) {
  std::vector<double> heat_source;
  std::vector<std::int32_t> die_index;
  for (const auto& cell : mesh.cells) {
    const NodeIjk lower = ijk_of(mesh.node_coords[cell[0]].data());
    heat_source.push_back(heat_source_at(lower[0], lower[1], lower[2]));
    die_index.push_back(10 + lower[2]);
  }
  std::vector<double> temperature;
  std::vector<double> heat_flux;
  for (const auto& xyz : mesh.node_coords) {
    const NodeIjk n = ijk_of(xyz.data());
    temperature.push_back(temperature_at(n, temperature_offset));
    for (const double component : heat_flux_at(n)) heat_flux.push_back(component);
  }
  BlockFields fields;
  fields.cells.push_back({"heat_source_W_m3", heat_source, 1});
  fields.cells.push_back({"die_index", die_index, 1});
  fields.points.push_back({"temperature_K", temperature, 1});
  fields.points.push_back({"heat_flux_W_m2", heat_flux, 3});
  return fields;
}

std::set<std::string> array_names(vtkFieldData* data) {
  std::set<std::string> names;
  for (int i = 0; i < data->GetNumberOfArrays(); ++i) names.insert(data->GetArrayName(i));
  return names;
}

std::vector<std::string> string_values(vtkFieldData* data, const char* name) {
  std::vector<std::string> values;
  auto* strings = vtkStringArray::SafeDownCast(data->GetAbstractArray(name));
  if (strings == nullptr) return values;
  for (vtkIdType i = 0; i < strings->GetNumberOfValues(); ++i)
    values.push_back(strings->GetValue(i));
  return values;
}

// Checks every cell and point of a read-back block against the field formulas.
void expect_block_content(vtkUnstructuredGrid& grid, const std::function<int(int)>& column_rank,
                          double temperature_offset) {
  ASSERT_EQ(array_names(grid.GetCellData()),
            (std::set<std::string>{"material", "layer", "conductor", "rank", "heat_source_W_m3",
                                   "die_index"}));
  ASSERT_EQ(array_names(grid.GetPointData()),
            (std::set<std::string>{"global_node_id", "temperature_K", "heat_flux_W_m2"}));
  vtkCellData* cell_data = grid.GetCellData();
  vtkPointData* point_data = grid.GetPointData();
  ASSERT_EQ(point_data->GetArray("heat_flux_W_m2")->GetNumberOfComponents(), 3);

  std::set<std::tuple<int, int, int>> cells_seen;
  for (vtkIdType c = 0; c < grid.GetNumberOfCells(); ++c) {
    ASSERT_EQ(grid.GetCellType(c), VTK_HEXAHEDRON);
    double bounds[6];
    grid.GetCellBounds(c, bounds);
    const int ci = static_cast<int>(std::lround(bounds[0] / kSpacing));
    const int cj = static_cast<int>(std::lround(bounds[2] / kSpacing));
    const int ck = static_cast<int>(std::lround(bounds[4] / kSpacing));
    EXPECT_NEAR(bounds[1] - bounds[0], kSpacing, 1e-18);  // one cell wide, not degenerate
    cells_seen.insert({ci, cj, ck});
    EXPECT_EQ(cell_data->GetArray("material")->GetTuple1(c), ck);
    EXPECT_EQ(cell_data->GetArray("layer")->GetTuple1(c), ck);
    EXPECT_EQ(cell_data->GetArray("conductor")->GetTuple1(c), ci == 1 && cj == 1 ? 0 : -1);
    EXPECT_EQ(cell_data->GetArray("rank")->GetTuple1(c), column_rank(ci));
    EXPECT_EQ(cell_data->GetArray("heat_source_W_m3")->GetTuple1(c), heat_source_at(ci, cj, ck));
    EXPECT_EQ(cell_data->GetArray("die_index")->GetTuple1(c), 10 + ck);
  }
  EXPECT_EQ(cells_seen.size(), 8u);

  std::set<mesh::GlobalIndex> ids_seen;
  for (vtkIdType p = 0; p < grid.GetNumberOfPoints(); ++p) {
    const NodeIjk n = ijk_of(grid.GetPoint(p));
    const auto id =
        static_cast<mesh::GlobalIndex>(point_data->GetArray("global_node_id")->GetTuple1(p));
    EXPECT_EQ(id, expected_global_id(n));
    ids_seen.insert(id);
    EXPECT_EQ(point_data->GetArray("temperature_K")->GetTuple1(p),
              temperature_at(n, temperature_offset));
    const double* flux = point_data->GetArray("heat_flux_W_m2")->GetTuple3(p);
    const auto expected_flux = heat_flux_at(n);
    for (int d = 0; d < 3; ++d) EXPECT_EQ(flux[d], expected_flux[d]);
  }
  EXPECT_EQ(ids_seen.size(), 27u);
}

vtkSmartPointer<vtkUnstructuredGrid> read_pvtu(const std::filesystem::path& path) {
  vtkNew<vtkXMLPUnstructuredGridReader> reader;
  reader->SetFileName(path.c_str());
  reader->Update();
  EXPECT_EQ(reader->GetErrorCode(), 0);
  vtkSmartPointer<vtkUnstructuredGrid> grid = reader->GetOutput();
  return grid;
}

class VtkWriterMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (mpi_size() != 2) GTEST_SKIP() << "written for 2 ranks";
  }
};

// Also the input of the ParaView check (tests/tools/check_pvtu.py, label "paraview"):
// io_output_pvtu/block.pvtu and io_output_pvtu/series.pvd stay in the test folder.
TEST_F(VtkWriterMpi, WritesBlockThatReadsBackExactly) {
  const auto dir = shared_scratch("block");
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  ASSERT_EQ(mesh.local_node_count(), 18);
  ASSERT_EQ(mesh.owned_node_count, mpi_rank() == 0 ? 18 : 9);
  const auto fields = block_fields(mesh, 0.0);
  const auto pvtu = write_pvtu(dir / "block", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
  EXPECT_EQ(pvtu, dir / "block.pvtu");

  if (mpi_rank() == 0) {
    ASSERT_TRUE(std::filesystem::exists(dir / "block.pvtu"));
    ASSERT_TRUE(std::filesystem::exists(dir / "block" / "block_0.vtu"));
    ASSERT_TRUE(std::filesystem::exists(dir / "block" / "block_1.vtu"));
    EXPECT_EQ(tsvfield::testing::count_files_containing(dir, ".tmp-"), 0);

    auto grid = read_pvtu(pvtu);
    ASSERT_TRUE(grid);
    EXPECT_EQ(grid->GetNumberOfCells(), 8);
    EXPECT_EQ(grid->GetNumberOfPoints(), 36);  // rank 1 repeats the 9 nodes it ghosts
    expect_block_content(*grid, split_by_column, 0.0);
    EXPECT_EQ(string_values(grid->GetFieldData(), "material_names"),
              (std::vector<std::string>{"silicon", "copper"}));
    EXPECT_EQ(string_values(grid->GetFieldData(), "layer_names"),
              (std::vector<std::string>{"base_die", "core_die_1"}));
    EXPECT_EQ(string_values(grid->GetFieldData(), "conductor_names"),
              (std::vector<std::string>{"core_die_1/tsv_data[0,0]"}));
  }
}

TEST_F(VtkWriterMpi, PiecesAreBinaryZlibCompressedAndNamedAfterTheIndex) {
  const auto dir = shared_scratch("format");
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  const auto fields = block_fields(mesh, 0.0);
  write_pvtu(dir / "thermal.pvtu", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
  if (mpi_rank() != 0) return;

  const std::string index = tsvfield::testing::read_text(dir / "thermal.pvtu");
  EXPECT_NE(index.find("type=\"PUnstructuredGrid\""), std::string::npos) << index;
  EXPECT_NE(index.find("Source=\"thermal/thermal_0.vtu\""), std::string::npos) << index;
  EXPECT_NE(index.find("Source=\"thermal/thermal_1.vtu\""), std::string::npos) << index;

  const std::string piece = tsvfield::testing::read_text(dir / "thermal" / "thermal_1.vtu");
  EXPECT_NE(piece.find("compressor=\"vtkZLibDataCompressor\""), std::string::npos);
  EXPECT_NE(piece.find("<AppendedData encoding=\"raw\">"), std::string::npos);
  EXPECT_EQ(piece.find("format=\"ascii\""), std::string::npos);

  vtkNew<vtkXMLUnstructuredGridReader> reader;
  reader->SetFileName((dir / "thermal" / "thermal_1.vtu").c_str());
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetNumberOfCells(), 4);
  EXPECT_EQ(reader->GetOutput()->GetNumberOfPoints(), 18);
}

TEST_F(VtkWriterMpi, NameWithDotsAndXmlSpecialCharacters) {
  const auto dir = shared_scratch("odd_name");
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  const auto fields = block_fields(mesh, 0.0);
  const auto pvtu =
      write_pvtu(dir / "R&D \"v1.2\" <a>", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
  EXPECT_EQ(pvtu.filename().string(), "R&D \"v1.2\" <a>.pvtu");
  if (mpi_rank() != 0) return;
  EXPECT_TRUE(std::filesystem::exists(dir / "R&D \"v1.2\" <a>" / "R&D \"v1.2\" <a>_1.vtu"));
  auto grid = read_pvtu(pvtu);
  ASSERT_TRUE(grid);
  EXPECT_EQ(grid->GetNumberOfCells(), 8);
  EXPECT_EQ(grid->GetNumberOfPoints(), 36);
}

TEST_F(VtkWriterMpi, RemovesPiecesLeftByARunOnMoreRanks) {
  const auto dir = shared_scratch("stale");
  if (mpi_rank() == 0) {
    std::filesystem::create_directories(dir / "block");
    for (const char* name : {"block_2.vtu", "block_17.vtu", "block_x.vtu", "notes.txt"}) {
      tsvfield::testing::write_text(dir / "block" / name, "from an earlier run");
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  const auto fields = block_fields(mesh, 0.0);
  write_pvtu(dir / "block", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
  if (mpi_rank() == 0) {
    EXPECT_TRUE(std::filesystem::exists(dir / "block" / "block_0.vtu"));
    EXPECT_TRUE(std::filesystem::exists(dir / "block" / "block_1.vtu"));
    EXPECT_FALSE(std::filesystem::exists(dir / "block" / "block_2.vtu"));
    EXPECT_FALSE(std::filesystem::exists(dir / "block" / "block_17.vtu"));
    EXPECT_TRUE(std::filesystem::exists(dir / "block" / "block_x.vtu"));  // not a piece name
    EXPECT_TRUE(std::filesystem::exists(dir / "block" / "notes.txt"));
  }
}

TEST_F(VtkWriterMpi, EmptyRankWritesAnEmptyPiece) {
  const auto dir = shared_scratch("empty_rank");
  const auto mesh = build_block(mpi_rank(), 2, all_on_rank0);
  ASSERT_EQ(mesh.local_cell_count(), mpi_rank() == 0 ? 8 : 0);
  const auto fields = block_fields(mesh, 0.0);
  const auto pvtu = write_pvtu(dir / "block", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
  if (mpi_rank() != 0) return;
  auto grid = read_pvtu(pvtu);
  ASSERT_TRUE(grid);
  EXPECT_EQ(grid->GetNumberOfCells(), 8);
  EXPECT_EQ(grid->GetNumberOfPoints(), 27);
  expect_block_content(*grid, all_on_rank0, 0.0);
}

TEST_F(VtkWriterMpi, BadFieldOnOneRankFailsEveryRankAndTouchesNothing) {
  const auto dir = shared_scratch("bad_field");
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  const auto good = block_fields(mesh, 0.0);
  write_pvtu(dir / "block", mesh, good.cells, good.points, MPI_COMM_WORLD);
  std::string index_before, piece0_before, piece1_before;
  if (mpi_rank() == 0) {
    index_before = tsvfield::testing::read_text(dir / "block.pvtu");
    piece0_before = tsvfield::testing::read_text(dir / "block" / "block_0.vtu");
    piece1_before = tsvfield::testing::read_text(dir / "block" / "block_1.vtu");
  }

  auto bad = block_fields(mesh, 50.0);  // different content, so a partial write would show
  if (mpi_rank() == 1) std::get<std::vector<double>>(bad.points[0].values).pop_back();
  try {
    write_pvtu(dir / "block", mesh, bad.cells, bad.points, MPI_COMM_WORLD);
    ADD_FAILURE() << "expected std::invalid_argument on rank " << mpi_rank();
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("temperature_K"), std::string::npos) << message;
    EXPECT_NE(message.find("17 values, expected 18"), std::string::npos) << message;
    if (mpi_rank() == 0) {
      EXPECT_EQ(message.rfind("rank 1: ", 0), 0u) << message;
    }
  }

  MPI_Barrier(MPI_COMM_WORLD);
  if (mpi_rank() == 0) {
    EXPECT_EQ(tsvfield::testing::read_text(dir / "block.pvtu"), index_before);
    EXPECT_EQ(tsvfield::testing::read_text(dir / "block" / "block_0.vtu"), piece0_before);
    EXPECT_EQ(tsvfield::testing::read_text(dir / "block" / "block_1.vtu"), piece1_before);
    EXPECT_EQ(tsvfield::testing::count_files_containing(dir, ".tmp-"), 0);
  }
}

TEST_F(VtkWriterMpi, RefusesNonFiniteValuesAndReservedNames) {
  const auto dir = shared_scratch("refused");
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);

  auto with_nan = block_fields(mesh, 0.0);
  if (mpi_rank() == 0) std::get<std::vector<double>>(with_nan.cells[0].values)[2] = std::nan("");
  EXPECT_THROW(write_pvtu(dir / "nan", mesh, with_nan.cells, with_nan.points, MPI_COMM_WORLD),
               std::invalid_argument);

  auto reserved = block_fields(mesh, 0.0);
  reserved.cells[1].name = "rank";
  EXPECT_THROW(write_pvtu(dir / "reserved", mesh, reserved.cells, reserved.points, MPI_COMM_WORLD),
               std::invalid_argument);

  auto twice = block_fields(mesh, 0.0);
  twice.points[1] = {"temperature_K", std::get<std::vector<double>>(twice.points[0].values), 1};
  EXPECT_THROW(write_pvtu(dir / "twice", mesh, twice.cells, twice.points, MPI_COMM_WORLD),
               std::invalid_argument);

  MPI_Barrier(MPI_COMM_WORLD);
  if (mpi_rank() == 0) {
    EXPECT_FALSE(std::filesystem::exists(dir / "nan.pvtu"));
    EXPECT_FALSE(std::filesystem::exists(dir / "reserved.pvtu"));
    EXPECT_FALSE(std::filesystem::exists(dir / "twice.pvtu"));
    EXPECT_EQ(tsvfield::testing::count_files_containing(dir, ".vtu"), 0);
  }
}

TEST_F(VtkWriterMpi, RefusesMeshOfAnotherRankLayout) {
  const auto dir = shared_scratch("wrong_layout");
  auto mesh = build_block(mpi_rank(), 2, split_by_column);
  mesh.rank_count = 3;
  const auto fields = block_fields(mesh, 0.0);
  EXPECT_THROW(write_pvtu(dir / "block", mesh, fields.cells, fields.points, MPI_COMM_WORLD),
               std::invalid_argument);
}

TEST_F(VtkWriterMpi, UnwritableFolderIsARuntimeErrorOnEveryRank) {
  const auto dir = shared_scratch("unwritable");
  if (mpi_rank() == 0)
    tsvfield::testing::write_text(dir / "block", "a file where the piece folder goes");
  MPI_Barrier(MPI_COMM_WORLD);
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  const auto fields = block_fields(mesh, 0.0);
  try {
    write_pvtu(dir / "block", mesh, fields.cells, fields.points, MPI_COMM_WORLD);
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("block"), std::string::npos) << error.what();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (mpi_rank() == 0) {
    EXPECT_FALSE(std::filesystem::exists(dir / "block.pvtu"));
  }
}

// The series the ParaView check opens: two outputs, the second 100 K warmer.
TEST_F(VtkWriterMpi, PvdSeriesOfTwoOutputs) {
  const auto dir = std::filesystem::current_path() / "io_output_pvtu";
  if (mpi_rank() == 0) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const auto mesh = build_block(mpi_rank(), 2, split_by_column);
  std::optional<PvdSeries> series;
  if (mpi_rank() == 0) series.emplace(dir / "series.pvd");
  for (const double time : {0.0, 1.5}) {
    const auto fields = block_fields(mesh, time == 0.0 ? 0.0 : 100.0);
    const std::string name = time == 0.0 ? "block" : "block_t1.5";
    const auto pvtu = write_pvtu(dir / name, mesh, fields.cells, fields.points, MPI_COMM_WORLD);
    if (series) series->add(time, pvtu);
  }
  if (mpi_rank() == 0) {
    EXPECT_EQ(series->entries().size(), 2u);
    EXPECT_EQ(series->entries()[1].file, "block_t1.5.pvtu");
    auto grid = read_pvtu(dir / "block_t1.5.pvtu");
    ASSERT_TRUE(grid);
    expect_block_content(*grid, split_by_column, 100.0);
  }
}

}  // namespace
}  // namespace tsvfield::io
