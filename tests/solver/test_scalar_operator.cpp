// The generic scalar operator on the box test mesh: the patch test (a linear
// field is reproduced exactly on a distorted mesh with an anisotropic
// coefficient), exact preallocation, and the Jacobian of a nonlinear
// coefficient against finite differences of the residual.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "mesh/extrude.hpp"
#include "solver/linear_solve.hpp"
#include "solver/petsc_options.hpp"
#include "solver/scalar_operator.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::solver {
namespace {

using testing::BoxMeshSpec;

BoxMeshSpec distorted_box() {
  BoxMeshSpec spec;
  spec.length_x = 2;
  spec.length_y = 1;
  spec.cells_x = 6;
  spec.cells_y = 4;
  spec.layers = {{"lower", "a", 0.4, 3}, {"upper", "b", 0.6, 3}};
  spec.distortion = 0.25;
  return spec;
}

// The distorted box with a doubled-node interface between its two layers.
BoxMeshSpec split_box(int cells_x, int cells_y, int lower_cells, int upper_cells) {
  BoxMeshSpec box = distorted_box();
  box.cells_x = cells_x;
  box.cells_y = cells_y;
  box.layers = {{"lower", "a", 0.4, lower_cells}, {"upper", "b", 0.6, upper_cells}};
  box.doubled_interfaces = {0};
  return box;
}

// A constant anisotropic k per material: `lower` in material 0, `upper` elsewhere.
std::function<DiffusionValue(const PointContext&)> diffusion_by_material(const mesh::LocalMesh& m,
                                                                         Vec3 lower, Vec3 upper) {
  return [&m, lower, upper](const PointContext& p) {
    DiffusionValue k;
    k.value = m.cell_material[static_cast<std::size_t>(p.cell)] == 0 ? lower : upper;
    return k;
  };
}

// Dirichlet nodes on every exterior surface, with values from `exact`.
std::vector<DirichletNode> boundary_nodes(const mesh::LocalMesh& m,
                                          const std::function<double(const Vec3&)>& exact) {
  std::vector<DirichletNode> nodes;
  for (const auto& face : m.surface_faces) {
    const std::string& name = m.surface_names[static_cast<std::size_t>(face.tag)];
    if (name != "top" && name != "bottom" && name != "sides") continue;
    for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face.face)]) {
      const auto node = m.cells[static_cast<std::size_t>(face.cell)][static_cast<std::size_t>(a)];
      nodes.push_back({node, exact(m.node_coords[static_cast<std::size_t>(node)])});
    }
  }
  return nodes;
}

TEST(ScalarOperator, PatchTestReproducesLinearFieldOnDistortedMesh) {
  const mesh::LocalMesh m = testing::build_box_mesh(distorted_box(), PETSC_COMM_WORLD);
  auto exact = [](const Vec3& x) { return 1.0 + 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[2]; };
  ScalarOperatorSpec spec;
  spec.diffusion = diffusion_by_material(m, Vec3{1, 2, 3}, Vec3{1, 2, 3});
  spec.dirichlet = boundary_nodes(m, exact);
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  MatHandle a = op.create_matrix();
  VecHandle b = op.create_vector(), u = op.create_vector(), zero = op.create_vector();
  TSV_CHECK(VecSet(zero, 0.0));
  op.residual(zero, nullptr, {}, b);
  TSV_CHECK(VecScale(b, -1.0));
  op.jacobian(zero, nullptr, 0.0, a);
  MatInfo info;
  TSV_CHECK(MatGetInfo(a, MAT_GLOBAL_SUM, &info));
  EXPECT_EQ(info.mallocs, 0.0) << "preallocation was not exact";
  op.constrain_linear_system(a, b);
  TSV_CHECK(VecSet(u, 0.0));
  set_elliptic_defaults("patch_", true);
  const SolveStats stats = solve_linear_system(a, b, u, "patch_", 1e-12);
  EXPECT_GT(stats.iterations, 0);
  const std::vector<double> values = op.local_values(u);
  double worst = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    worst = std::max(worst, std::abs(values[i] - exact(m.node_coords[i])));
  }
  EXPECT_LT(worst, 1e-9);
  // The flux is -k grad u = -(1*2, 2*(-3), 3*0.5) in every cell.
  for (const auto& q : op.cell_flux(values)) {
    EXPECT_NEAR(q[0], -2.0, 1e-8);
    EXPECT_NEAR(q[1], 6.0, 1e-8);
    EXPECT_NEAR(q[2], -1.5, 1e-8);
  }
}

// The matrix of create_matrix + jacobian (exact pattern, values added straight
// into the CSR arrays, searches shortcut along the columns of cells) against
// the same operator added by MatSetValues into a plain preallocated AIJ matrix:
// the same nonzeros and the same values, with doubled-node interfaces, Robin
// faces, vertical prisms (distortion 0) and general cells, and after
// assembling twice.
double assembly_difference(double distortion) {
  BoxMeshSpec box = split_box(4, 3, 3, 4);
  box.distortion = distortion;
  const mesh::LocalMesh m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ScalarOperatorSpec spec;
  spec.diffusion = diffusion_by_material(m, Vec3{1, 2, 3}, Vec3{0.5, 0.25, 4});
  for (std::size_t c = 0; c < m.cells.size(); ++c) {
    if (m.cell_zinterval[c] == 0) spec.robin.push_back({static_cast<std::int32_t>(c), 0, 5.0, 0.3});
  }
  for (const auto& pair : m.interface_faces)
    spec.interfaces.push_back({pair.cell_below, pair.cell_above, 7.0});
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  VecHandle u = op.create_vector();
  TSV_CHECK(VecSet(u, 0.0));
  MatHandle direct = op.create_matrix();
  op.jacobian(u, nullptr, 0.0, direct);
  op.jacobian(u, nullptr, 0.0, direct);  // the values are zeroed and added again
  MatHandle inserted;
  const auto owned = static_cast<PetscInt>(m.owned_node_count);
  const auto global = static_cast<PetscInt>(m.global_node_count);
  TSV_CHECK(MatCreateAIJ(PETSC_COMM_WORLD, owned, owned, global, global, 64, nullptr, 64, nullptr,
                         inserted.out()));
  op.jacobian(u, nullptr, 0.0, inserted);
  MatInfo direct_info, inserted_info;
  TSV_CHECK(MatGetInfo(direct, MAT_GLOBAL_SUM, &direct_info));
  TSV_CHECK(MatGetInfo(inserted, MAT_GLOBAL_SUM, &inserted_info));
  EXPECT_EQ(direct_info.nz_used, inserted_info.nz_used);
  PetscReal scale = 0, difference = 0;
  TSV_CHECK(MatNorm(direct, NORM_INFINITY, &scale));
  TSV_CHECK(MatAXPY(inserted, -1.0, direct, DIFFERENT_NONZERO_PATTERN));
  TSV_CHECK(MatNorm(inserted, NORM_INFINITY, &difference));
  EXPECT_GT(scale, 0.0);
  return difference / scale;
}

// The steady linear solve releases the work vectors after assembly; every evaluation
// after that makes them again and gives the same numbers.
TEST(ScalarOperator, EvaluationsAfterReleasingTheWorkVectorsAreUnchanged) {
  const mesh::LocalMesh m = testing::build_box_mesh(distorted_box(), PETSC_COMM_WORLD);
  auto field = [](const Vec3& x) { return 1.0 + 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[2] * x[2]; };
  ScalarOperatorSpec spec;
  spec.diffusion = diffusion_by_material(m, Vec3{1, 2, 3}, Vec3{4, 5, 6});
  spec.dirichlet = boundary_nodes(m, field);
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  VecHandle u = op.create_vector();
  TSV_CHECK(VecSet(u, 0.0));
  op.apply_dirichlet_values(u);
  auto evaluate = [&](std::vector<double>& residual_values, std::vector<double>& load_values) {
    VecHandle r = op.create_vector(), b = op.create_vector();
    op.residual(u, nullptr, {}, r);
    op.load_vector({}, b);
    residual_values = op.local_values(r);
    load_values = op.local_values(b);
  };
  std::vector<double> residual_before, load_before, residual_after, load_after;
  evaluate(residual_before, load_before);
  op.release_work_vectors();
  evaluate(residual_after, load_after);
  ASSERT_EQ(residual_after.size(), residual_before.size());
  double largest = 0;
  for (double value : residual_before) largest = std::max(largest, std::abs(value));
  EXPECT_GT(largest, 0.0) << "the residual of the boundary values must not vanish";
  for (std::size_t i = 0; i < residual_before.size(); ++i) {
    EXPECT_EQ(residual_after[i], residual_before[i]) << "node " << i;
    EXPECT_EQ(load_after[i], load_before[i]) << "node " << i;
  }
}

TEST(ScalarOperator, DirectAssemblyOfPrismsMatchesMatSetValues) {
  EXPECT_LT(assembly_difference(0.0), 1e-14);
}

TEST(ScalarOperator, DirectAssemblyOfDistortedCellsMatchesMatSetValues) {
  EXPECT_LT(assembly_difference(0.25), 1e-14);
}

// A matrix's CSR arrays, both blocks (off-diagonal columns as global indices), values as bits.
struct MatrixContents {
  std::vector<PetscInt> start, columns, off_start, off_columns;
  std::vector<std::uint64_t> values, off_values;
};

void read_block(Mat block, const PetscInt* global_column, std::vector<PetscInt>& start,
                std::vector<PetscInt>& columns, std::vector<std::uint64_t>& values) {
  PetscInt n = 0;
  const PetscInt *ia = nullptr, *ja = nullptr;
  PetscBool done = PETSC_FALSE;
  TSV_CHECK(MatGetRowIJ(block, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
  ASSERT_TRUE(done);
  start.assign(ia, ia + n + 1);
  const PetscScalar* a = nullptr;
  TSV_CHECK(MatSeqAIJGetArrayRead(block, &a));
  for (PetscInt k = 0; k < ia[n]; ++k) {
    columns.push_back(global_column ? global_column[ja[k]] : ja[k]);
    values.push_back(std::bit_cast<std::uint64_t>(a[k]));
  }
  TSV_CHECK(MatSeqAIJRestoreArrayRead(block, &a));
  TSV_CHECK(MatRestoreRowIJ(block, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
}

// create_matrix + jacobian at u, with the extruded-mesh shortcuts or without them.
MatrixContents assembled(const ScalarOperator& op, Vec u, bool generic) {
  constexpr const char* kGeneric = "-scalar_operator_generic_assembly";
  if (generic) TSV_CHECK(PetscOptionsSetValue(nullptr, kGeneric, nullptr));
  MatHandle a = op.create_matrix();
  op.jacobian(u, nullptr, 0.0, a);
  if (generic) TSV_CHECK(PetscOptionsClearValue(nullptr, kGeneric));
  MatrixContents contents;
  PetscBool is_mpi = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(a.get()), MATMPIAIJ, &is_mpi));
  if (!is_mpi) {
    read_block(a, nullptr, contents.start, contents.columns, contents.values);
    return contents;
  }
  Mat diag = nullptr, off = nullptr;
  const PetscInt* global_column = nullptr;
  TSV_CHECK(MatMPIAIJGetSeqAIJ(a, &diag, &off, &global_column));
  read_block(diag, nullptr, contents.start, contents.columns, contents.values);
  read_block(off, global_column, contents.off_start, contents.off_columns, contents.off_values);
  return contents;
}

// An anisotropic k that depends on the cell's material alone (m must outlive it).
std::function<DiffusionValue(const PointContext&)> anisotropic_per_material(
    const mesh::LocalMesh& m) {
  return [&m](const PointContext& p) {
    DiffusionValue k;
    const double scale = 1.0 + m.cell_material[static_cast<std::size_t>(p.cell)];
    k.value = {scale, 2 * scale, 0.5 + scale * scale};
    return k;
  };
}

// The shortcuts (rows and cells that are the previous ones shifted by one node) must give
// the generic paths' matrix bit for bit: same pattern, same values summed in the same order.
void expect_same_matrix_as_generic_paths(const mesh::LocalMesh& m, std::int32_t robin_interval) {
  ScalarOperatorSpec spec;
  spec.diffusion = anisotropic_per_material(m);
  for (std::size_t c = 0; c < m.cells.size(); ++c) {
    if (m.cell_zinterval[c] == robin_interval)
      spec.robin.push_back({static_cast<std::int32_t>(c), 0, 5.0, 0.3});
  }
  for (const auto& pair : m.interface_faces)
    spec.interfaces.push_back({pair.cell_below, pair.cell_above, 7.0});
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  VecHandle u = op.create_vector();
  TSV_CHECK(VecSet(u, 1.0));
  const MatrixContents fast = assembled(op, u, false);
  const MatrixContents generic = assembled(op, u, true);
  EXPECT_GT(fast.values.size(), 0u);
  EXPECT_EQ(fast.start, generic.start);
  EXPECT_EQ(fast.columns, generic.columns);
  EXPECT_EQ(fast.values, generic.values);
  EXPECT_EQ(fast.off_start, generic.off_start);
  EXPECT_EQ(fast.off_columns, generic.off_columns);
  EXPECT_EQ(fast.off_values, generic.off_values);
}

// The box numbers nodes plane by plane (a cell's x neighbour is it shifted by one node),
// with a doubled-node interface, ghost columns on 2 ranks and distorted (non-prism) cells.
TEST(ScalarOperator, ShiftedAssemblyOfTheBoxMatchesTheGenericPaths) {
  for (double distortion : {0.0, 0.25}) {
    BoxMeshSpec box = split_box(7, 3, 3, 4);
    box.distortion = distortion;
    expect_same_matrix_as_generic_paths(testing::build_box_mesh(box, PETSC_COMM_WORLD), 0);
  }
}

// A coefficient that depends on the cell alone, evaluated once per prism cell
// (coefficients_per_cell) instead of at its 8 Gauss points, must give the same matrix bit
// for bit; the prism shortcut must still be taken (the general Gauss-point path rounds
// differently), which the distorted box's cells, mixed in, do not change.
TEST(ScalarOperator, CoefficientsPerCellGiveTheSameMatrix) {
  for (double distortion : {0.0, 0.25}) {
    BoxMeshSpec box = split_box(7, 3, 3, 4);
    box.distortion = distortion;
    const mesh::LocalMesh m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
    auto contents = [&](bool per_cell) {
      ScalarOperatorSpec spec;
      spec.diffusion = anisotropic_per_material(m);
      spec.coefficients_per_cell = per_cell;
      ScalarOperator op(m, spec, PETSC_COMM_WORLD);
      VecHandle u = op.create_vector();
      TSV_CHECK(VecSet(u, 1.0));
      return assembled(op, u, false);
    };
    const MatrixContents per_point = contents(false);
    const MatrixContents per_cell = contents(true);
    EXPECT_GT(per_cell.values.size(), 0u);
    EXPECT_EQ(per_cell.columns, per_point.columns);
    EXPECT_EQ(per_cell.values, per_point.values);
    EXPECT_EQ(per_cell.off_values, per_point.off_values);
  }
}

// The real mesher numbers nodes line by line (a cell's neighbour above is it shifted by one
// node): a TSV die (O-grid cells) under a second die, with doubled nodes between them.
TEST(ScalarOperator, ShiftedAssemblyOfAMeshedStackMatchesTheGenericPaths) {
  constexpr double kMicron = 1e-6;
  mesh::StackSpec stack;
  stack.footprint = mesh::Rect{0, 0, 140 * kMicron, 90 * kMicron};
  auto layer = [&](const std::string& name, double thickness_um, const std::string& material) {
    mesh::LayerSpec spec;
    spec.name = name;
    spec.kind = mesh::LayerKind::die;
    spec.thickness = thickness_um * kMicron;
    spec.material = material;
    return spec;
  };
  mesh::LayerSpec lower = layer("lower", 40, "silicon");
  mesh::TsvArraySpec tsv;
  tsv.name = "tsv";
  tsv.diameter = 5 * kMicron;
  tsv.liner_thickness = 0.5 * kMicron;
  tsv.layout.count_x = 2;
  tsv.layout.count_y = 1;
  tsv.layout.pitch_x = tsv.layout.pitch_y = 50 * kMicron;
  tsv.layout.origin_x = 45 * kMicron;
  tsv.layout.origin_y = 45 * kMicron;
  lower.tsv_arrays.push_back(tsv);
  stack.items.push_back(lower);
  stack.items.push_back(layer("upper", 30, "silicon"));
  mesh::MeshOptions options;
  options.split_interfaces = {{"lower", "upper", {}}};
  mesh::MeshControls controls;
  controls.max_size = 10 * kMicron;
  controls.max_z_size = 8 * kMicron;  // columns of 4 and 5 cells: rows and cells shifted
  const mesh::GeneratedMesh generated =
      mesh::generate_mesh(stack, controls, options, PETSC_COMM_WORLD);
  EXPECT_FALSE(generated.mesh.interface_faces.empty());
  expect_same_matrix_as_generic_paths(generated.mesh, 0);
}

// A hand-numbered column of 4 cubes (node = 5 line + level) under a cube with doubled
// nodes (20..27): the top rows of the column are as long as the rows below them but hold
// other columns (the doubled nodes instead of the next line's first), so the column's top
// cell, its lower neighbour + 1 node-wise, must not take that cell's places in those rows.
TEST(ScalarOperator, ShiftedAssemblyChecksTheColumnsOfRowsOfEqualLength) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  mesh::LocalMesh m;  // the same mesh, unconnected, on every rank
  m.rank = rank;
  m.rank_count = ranks;
  const std::array<std::array<double, 2>, 4> corners = {{{0, 0}, {1, 0}, {1, 1}, {0, 1}}};
  for (int line = 0; line < 4; ++line) {
    for (int level = 0; level < 5; ++level) {
      m.node_coords.push_back({corners[line][0], corners[line][1], 1.0 * level});
    }
  }
  for (int level = 4; level < 6; ++level) {
    for (const auto& corner : corners) m.node_coords.push_back({corner[0], corner[1], 1.0 * level});
  }
  const auto nodes = static_cast<std::int64_t>(m.node_coords.size());
  m.owned_node_count = nodes;
  m.owned_node_begin = rank * nodes;
  m.global_node_count = ranks * nodes;
  for (std::int64_t i = 0; i < nodes; ++i) m.node_global.push_back(m.owned_node_begin + i);
  for (std::int32_t level = 0; level < 4; ++level) {
    m.cells.push_back(
        {level, 5 + level, 10 + level, 15 + level, level + 1, 6 + level, 11 + level, 16 + level});
  }
  m.cells.push_back({20, 21, 22, 23, 24, 25, 26, 27});
  m.cell_material = {0, 0, 0, 0, 1};
  m.cell_zinterval = {0, 1, 2, 3, 4};
  m.global_cell_count = ranks * 5;
  m.interface_faces.push_back({3, 4, 0});
  expect_same_matrix_as_generic_paths(m, 0);
}

// Relative difference between J d and the central difference of R along d.
double jacobian_defect(bool lumped_capacity);

TEST(ScalarOperator, NonlinearJacobianMatchesFiniteDifferences) {
  EXPECT_LT(jacobian_defect(false), 1e-7);
}

TEST(ScalarOperator, NonlinearJacobianWithLumpedCapacityMatchesFiniteDifferences) {
  EXPECT_LT(jacobian_defect(true), 1e-7);
}

double jacobian_defect(bool lumped_capacity) {
  const BoxMeshSpec box = split_box(3, 2, 1, 2);
  const mesh::LocalMesh m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ScalarOperatorSpec spec;
  spec.nonlinear = true;
  spec.diffusion = [](const PointContext& p) {
    DiffusionValue k;
    for (int i = 0; i < 3; ++i) {
      k.value[i] = (1.0 + i) * (1.0 + p.u * p.u);
      k.derivative[i] = (1.0 + i) * 2.0 * p.u;
    }
    return k;
  };
  spec.capacity = [](const PointContext& p) { return ScalarValue{2.0 + p.u, 1.0}; };
  spec.lumped_capacity = lumped_capacity;
  for (std::size_t c = 0; c < m.cells.size(); ++c) {
    if (m.cell_zinterval[c] == 0) spec.robin.push_back({static_cast<std::int32_t>(c), 0, 5.0, 0.3});
  }
  for (const auto& pair : m.interface_faces)
    spec.interfaces.push_back({pair.cell_below, pair.cell_above, 7.0});
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  VecHandle u = op.create_vector(), udot = op.create_vector();
  {
    VecArray values(u), rates(udot);
    for (std::int64_t i = 0; i < m.owned_node_count; ++i) {
      const auto& x = m.node_coords[static_cast<std::size_t>(i)];
      values[static_cast<std::size_t>(i)] = std::sin(x[0] + 2 * x[1]) + x[2];
      rates[static_cast<std::size_t>(i)] = std::cos(3 * x[0]) * x[2];
    }
  }
  const double shift = 3.0;
  MatHandle jac = op.create_matrix();
  op.jacobian(u, udot, shift, jac);
  // Directional derivative: (R(u + e d, udot + shift e d) - R(u - e d, ...)) / 2e vs J d.
  VecHandle d = op.create_vector(), jd = op.create_vector(), rp = op.create_vector(),
            rm = op.create_vector(), up = op.create_vector(), udp = op.create_vector();
  {
    VecArray dir(d);
    for (std::int64_t i = 0; i < m.owned_node_count; ++i) {
      dir[static_cast<std::size_t>(i)] =
          std::cos(static_cast<double>(m.node_global[static_cast<std::size_t>(i)]));
    }
  }
  TSV_CHECK(MatMult(jac, d, jd));
  const double eps = 1e-6;
  for (double sign : {1.0, -1.0}) {
    TSV_CHECK(VecWAXPY(up, sign * eps, d, u));
    TSV_CHECK(VecWAXPY(udp, sign * eps * shift, d, udot));
    op.residual(up, udp, {}, sign > 0 ? rp.get() : rm.get());
  }
  TSV_CHECK(VecAXPY(rp, -1.0, rm));
  TSV_CHECK(VecScale(rp, 1.0 / (2 * eps)));
  PetscReal reference = 0, difference = 0;
  TSV_CHECK(VecNorm(jd, NORM_2, &reference));
  TSV_CHECK(VecAXPY(rp, -1.0, jd));
  TSV_CHECK(VecNorm(rp, NORM_2, &difference));
  return difference / reference;
}

}  // namespace
}  // namespace tsvfield::solver
