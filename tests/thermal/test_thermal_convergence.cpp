// Manufactured solution on distorted hexahedral meshes: observed convergence
// rates of the L2 and H1 errors over four refinements, with an anisotropic
// conductivity (kx, ky, kz) = (1, 2, 3).
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <vector>

#include "solver/linear_solve.hpp"
#include "solver/petsc_options.hpp"
#include "solver/scalar_operator.hpp"
#include "tests/solver/box_mesh.hpp"

namespace tsvfield::solver {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr Vec3 kConductivity = {1.0, 2.0, 3.0};

double exact(const Vec3& x) {
  return std::exp(x[0]) * std::sin(kPi * x[1]) * std::cos(x[2]) + x[0] * x[1];
}
Vec3 exact_gradient(const Vec3& x) {
  const double e = std::exp(x[0]), s = std::sin(kPi * x[1]), c = std::cos(x[2]);
  return {e * s * c + x[1], e * kPi * std::cos(kPi * x[1]) * c + x[0], -e * s * std::sin(x[2])};
}
// f = -div(K grad u) = -(kx u_xx + ky u_yy + kz u_zz)
double source(const Vec3& x) {
  const double u = std::exp(x[0]) * std::sin(kPi * x[1]) * std::cos(x[2]);
  return -(kConductivity[0] * u - kConductivity[1] * kPi * kPi * u - kConductivity[2] * u);
}

struct Errors {
  double l2 = 0, h1 = 0, h = 0;
};

// L2 and H1-seminorm errors with a 3x3x3 Gauss rule (finer than the assembly's,
// so Gauss-point superconvergence does not flatter the rates).
Errors errors(const mesh::LocalMesh& m, const std::vector<double>& u) {
  const double g = std::sqrt(0.6);
  const double points[3] = {-g, 0, g}, weights[3] = {5.0 / 9, 8.0 / 9, 5.0 / 9};
  double l2 = 0, h1 = 0;
  for (const auto& cell : m.cells) {
    HexCoords coords;
    for (int a = 0; a < 8; ++a) coords[a] = m.node_coords[static_cast<std::size_t>(cell[a])];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k) {
          const HexPoint p = hex_point_at(coords, {points[i], points[j], points[k]});
          const double w = p.weight * weights[i] * weights[j] * weights[k];
          double uh = 0;
          Vec3 grad{};
          for (int a = 0; a < 8; ++a) {
            const double ua = u[static_cast<std::size_t>(cell[a])];
            uh += p.shape[a] * ua;
            for (int d = 0; d < 3; ++d) grad[d] += p.gradient[a][d] * ua;
          }
          const Vec3 ge = exact_gradient(p.position);
          l2 += w * std::pow(uh - exact(p.position), 2);
          for (int d = 0; d < 3; ++d) h1 += w * std::pow(grad[d] - ge[d], 2);
        }
  }
  double local[2] = {l2, h1}, global[2] = {0, 0};
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return {std::sqrt(global[0]), std::sqrt(global[1]), 0};
}

Errors solve_manufactured(int n) {
  testing::BoxMeshSpec box;
  box.cells_x = n;
  box.cells_y = n;
  box.layers = {{"block", "m", 1.0, n}};
  box.distortion = 0.2;
  // A smooth non-affine map on top of the random distortion.
  box.transform = [](const std::array<double, 3>& x) {
    return std::array<double, 3>{x[0] + 0.05 * std::sin(kPi * x[1]) * x[2],
                                 x[1] + 0.05 * std::sin(kPi * x[0]) * std::sin(kPi * x[2]), x[2]};
  };
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ScalarOperatorSpec spec;
  spec.diffusion = [](const PointContext&) { return DiffusionValue{kConductivity, {}}; };
  LoadGroup load;
  load.density_function = source;
  spec.loads = {load};
  for (const auto& face : m.surface_faces) {
    for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face.face)]) {
      const auto node = m.cells[static_cast<std::size_t>(face.cell)][static_cast<std::size_t>(a)];
      if (m.surface_names[static_cast<std::size_t>(face.tag)].find('.') == std::string::npos) {
        spec.dirichlet.push_back({node, exact(m.node_coords[static_cast<std::size_t>(node)])});
      }
    }
  }
  ScalarOperator op(m, spec, PETSC_COMM_WORLD);
  MatHandle a = op.create_matrix();
  VecHandle b = op.create_vector(), u = op.create_vector();
  TSV_CHECK(VecSet(u, 0.0));
  const std::vector<double> scales = {1.0};
  op.residual(u, nullptr, scales, b);
  TSV_CHECK(VecScale(b, -1.0));
  op.jacobian(u, nullptr, 0.0, a);
  op.constrain_linear_system(a, b);
  set_elliptic_defaults("mms_", true);
  solve_linear_system(a, b, u, "mms_", 1e-12);
  Errors e = errors(m, op.local_values(u));
  e.h = 1.0 / n;
  return e;
}

TEST(ThermalConvergence, ManufacturedSolutionOnDistortedHexesConvergesAtOptimalRates) {
  std::vector<Errors> runs;
  for (int n : {4, 8, 16, 32}) runs.push_back(solve_manufactured(n));
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const double ratio = runs[i - 1].h / runs[i].h;
    const double rate_l2 = std::log(runs[i - 1].l2 / runs[i].l2) / std::log(ratio);
    const double rate_h1 = std::log(runs[i - 1].h1 / runs[i].h1) / std::log(ratio);
    if (rank == 0) {
      std::printf("[ measured ] h = 1/%d: L2 %.4e (rate %.3f), H1 %.4e (rate %.3f)\n",
                  static_cast<int>(std::lround(1 / runs[i].h)), runs[i].l2, rate_l2, runs[i].h1,
                  rate_h1);
    }
    EXPECT_GE(rate_l2, 1.9);
    EXPECT_GE(rate_h1, 0.95);
  }
}

}  // namespace
}  // namespace tsvfield::solver
