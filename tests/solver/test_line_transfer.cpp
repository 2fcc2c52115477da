// The column multigrid's level transfer (solver/line_transfer): on a distorted,
// layered box with a doubled-node interface, the prolongator interpolates constants
// and the line-wise Galerkin product equals PETSc's general MatPtAP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "solver/column_multigrid.hpp"
#include "solver/line_transfer.hpp"
#include "solver/scalar_operator.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::solver {
namespace {

constexpr int kCellsX = 10, kCellsY = 7;

mesh::LocalMesh layered_box() {
  testing::BoxMeshSpec spec;
  spec.length_x = 2;
  spec.length_y = 1.5;
  spec.cells_x = kCellsX;
  spec.cells_y = kCellsY;
  spec.layers = {{"die", "si", 0.3, 3}, {"tim", "tim", 0.05, 1}, {"lid", "cu", 0.4, 2}};
  spec.doubled_interfaces = {1};  // tim | lid with a contact resistance
  spec.distortion = 0.2;
  return testing::build_box_mesh(spec, PETSC_COMM_WORLD);
}

// Conduction with a different anisotropic k per layer, a contact conductance and
// convection on top: an SPD matrix with every kind of coupling the mesher makes.
MatHandle conduction_matrix(const mesh::LocalMesh& m, std::unique_ptr<ScalarOperator>& keep) {
  ScalarOperatorSpec spec;
  spec.diffusion = [&m](const PointContext& p) {
    DiffusionValue k;
    const int material = m.cell_material[static_cast<std::size_t>(p.cell)];
    k.value = material == 0   ? Vec3{150, 150, 120}
              : material == 1 ? Vec3{3, 3, 3}
                              : Vec3{400, 380, 400};
    return k;
  };
  for (const auto& pair : m.interface_faces)
    spec.interfaces.push_back({pair.cell_below, pair.cell_above, 2e4});
  for (const auto& face : m.surface_faces) {
    if (m.surface_names[static_cast<std::size_t>(face.tag)] == "top")
      spec.robin.push_back({face.cell, face.face, 1e3, 300});
  }
  keep = std::make_unique<ScalarOperator>(m, spec, PETSC_COMM_WORLD);
  MatHandle a = keep->create_matrix();
  VecHandle zero = keep->create_vector();
  TSV_CHECK(VecSet(zero, 0.0));
  keep->jacobian(zero, nullptr, 0.0, a);
  return a;
}

// A 9-point Laplacian on the footprint's (nx + 1) x (ny + 1) node grid, with
// weaker couplings in y so that the aggregates are not squares.
CsrMatrix footprint_laplacian() {
  const int nx = kCellsX + 1, ny = kCellsY + 1;
  CsrMatrix a;
  a.row_count = a.column_count = nx * ny;
  a.row_start.push_back(0);
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      double diagonal = 0;
      std::vector<std::pair<int, double>> row;
      for (int dj = -1; dj <= 1; ++dj) {
        for (int di = -1; di <= 1; ++di) {
          if ((di == 0 && dj == 0) || i + di < 0 || i + di >= nx || j + dj < 0 || j + dj >= ny)
            continue;
          const double value = di == 0 ? -0.3 : (dj == 0 ? -1.0 : -0.2);
          row.push_back({(j + dj) * nx + i + di, value});
          diagonal -= value;
        }
      }
      row.push_back({j * nx + i, diagonal});
      std::sort(row.begin(), row.end());
      for (const auto& [column, value] : row) {
        a.column.push_back(column);
        a.value.push_back(value);
      }
      a.row_start.push_back(static_cast<std::int32_t>(a.column.size()));
    }
  }
  return a;
}

double frobenius(Mat a) {
  PetscReal norm = 0;
  TSV_CHECK(MatNorm(a, NORM_FROBENIUS, &norm));
  return norm;
}

TEST(LineTransfer, GalerkinOnLinesEqualsMatPtAP) {
  const mesh::LocalMesh m = layered_box();
  std::unique_ptr<ScalarOperator> op;
  MatHandle a = conduction_matrix(m, op);
  const LineStructure lines = line_structure(m);
  ASSERT_EQ(lines.footprint_node_count, (kCellsX + 1) * (kCellsY + 1));
  for (bool smooth : {true, false}) {
    AggregationOptions options;
    options.smooth_prolongator = smooth;
    const FootprintCoarsening coarsening = coarsen_footprint(footprint_laplacian(), options);
    const LineTransfer transfer = build_line_transfer(a, lines, coarsening);

    // The prolongator is stored transposed (coarse rows x fine rows).
    PetscInt fine_size = 0, coarse_size = 0, stored_rows = 0, stored_columns = 0;
    TSV_CHECK(MatGetSize(a, &fine_size, nullptr));
    TSV_CHECK(MatGetSize(transfer.prolongator, &stored_rows, &stored_columns));
    coarse_size = transfer.numbering.global_count;
    EXPECT_EQ(stored_rows, coarse_size);
    EXPECT_EQ(stored_columns, fine_size);
    MatHandle prolongator;
    TSV_CHECK(MatTranspose(transfer.prolongator, MAT_INITIAL_MATRIX, prolongator.out()));

    // Constants are interpolated exactly on every line and slot.
    VecHandle coarse_ones, fine_values;
    TSV_CHECK(MatCreateVecs(prolongator, coarse_ones.out(), fine_values.out()));
    TSV_CHECK(VecSet(coarse_ones, 1.0));
    TSV_CHECK(MatMult(prolongator, coarse_ones, fine_values));
    // Applied in place from the stored transpose, as PCMG does: the same values.
    VecHandle interpolated;
    TSV_CHECK(VecDuplicate(fine_values, interpolated.out()));
    TSV_CHECK(MatInterpolate(transfer.prolongator, coarse_ones, interpolated));
    TSV_CHECK(VecAXPY(interpolated, -1.0, fine_values));
    PetscReal difference = 0;
    TSV_CHECK(VecNorm(interpolated, NORM_INFINITY, &difference));
    EXPECT_LT(difference, 1e-14);
    PetscReal low = 0, high = 0;
    TSV_CHECK(VecMin(fine_values, nullptr, &low));
    TSV_CHECK(VecMax(fine_values, nullptr, &high));
    EXPECT_NEAR(low, 1.0, 1e-12);
    EXPECT_NEAR(high, 1.0, 1e-12);

    // The dense (line, slot) lookup agrees with the per-line slot lists (-1 where a
    // coarse line has no such slot).
    const CoarseNumbering& numbering = transfer.numbering;
    for (std::int32_t line = 0; line + 1 < static_cast<std::int32_t>(numbering.slot_start.size());
         ++line) {
      PetscInt expected = numbering.line_first[line];
      std::int32_t k = numbering.slot_start[line];
      for (std::int32_t slot = 0; slot < numbering.slot_span; ++slot) {
        if (k < numbering.slot_start[line + 1] && numbering.slots[k] == slot) {
          EXPECT_EQ(numbering.index(line, slot), expected++);
          ++k;
        } else {
          EXPECT_EQ(numbering.index(line, slot), -1);
        }
      }
    }

    MatHandle lines_product = galerkin_on_lines(a, lines, coarsening, transfer);
    MatHandle reference;
    TSV_CHECK(MatPtAP(a, prolongator, MAT_INITIAL_MATRIX, PETSC_DEFAULT, reference.out()));
    const double scale = frobenius(reference);
    ASSERT_GT(scale, 0);
    TSV_CHECK(MatAXPY(reference, -1.0, lines_product, DIFFERENT_NONZERO_PATTERN));
    EXPECT_LT(frobenius(reference), 1e-13 * scale) << (smooth ? "smoothed" : "plain");
  }
}

}  // namespace
}  // namespace tsvfield::solver
