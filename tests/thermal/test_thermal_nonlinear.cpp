// Nonlinear conductivity k(T) = k0 (T / T0)^s against the exact solution from
// the Kirchhoff transform, for room-temperature silicon (s = -1.3) and a
// cryogenic stack on a 4 K cold plate (k grows 10x between 4 K and 100 K).
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "tests/thermal/thermal_fixtures.hpp"

namespace tsvfield::physics {
namespace {

struct PowerLawSlab {
  double k0, t0, exponent;
  double t_bottom;  // fixed
  double flux;      // W/m^2 into the top
  double thickness;
  // K(T) = int k = k0 t0 / (s + 1) (T / t0)^(s + 1); K(T(z)) = K(T_bottom) + q z.
  double exact(double z) const {
    const double p = exponent + 1;
    return t0 * std::pow(std::pow(t_bottom / t0, p) + p * flux * z / (k0 * t0), 1 / p);
  }
};

struct SlabRun {
  double max_error = 0, rise = 0, balance = 0;
  int newton = 0, linear = 0;
  std::string method;
};

SlabRun solve_slab(const PowerLawSlab& slab, int divisions, double first_guess) {
  testing::BoxMeshSpec box;
  box.length_x = 1e-3;
  box.length_y = 1e-3;
  box.cells_x = 2;
  box.cells_y = 2;
  box.layers = {{"die", "power_law_si", slab.thickness, divisions}};
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  MaterialLibrary materials;
  materials.add(testing::power_law_material("power_law_si", slab.k0, slab.t0, slab.exponent));
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.reference_temperature_K = first_guess;
  spec.analysis.relative_tolerance = 1e-10;
  spec.boundaries = {testing::fixed_temperature("bottom", slab.t_bottom),
                     testing::heat_flux("top", slab.flux)};
  const ThermalResults results = solve_thermal(m, materials, spec, {}, PETSC_COMM_WORLD);
  SlabRun run;
  run.max_error = testing::max_nodal_error(
      m, results.temperature_K, [&](const std::array<double, 3>& x) { return slab.exact(x[2]); },
      PETSC_COMM_WORLD);
  run.rise = slab.exact(slab.thickness) - slab.t_bottom;
  run.balance = results.heat_balance.relative_error;
  run.newton = results.solver.nonlinear_iterations;
  run.linear = results.solver.iterations;
  run.method = results.solver.method;
  return run;
}

void check_convergence(const PowerLawSlab& slab, double first_guess, const char* label) {
  const SlabRun coarse = solve_slab(slab, 20, first_guess);
  const SlabRun fine = solve_slab(slab, 40, first_guess);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    std::printf(
        "[ measured ] %s: rise %.3f K; max nodal error %.3e K (20 cells), %.3e K (40 cells), "
        "ratio %.2f; Newton its %d (%d linear), balance %.2e; %s\n",
        label, fine.rise, coarse.max_error, fine.max_error, coarse.max_error / fine.max_error,
        fine.newton, fine.linear, fine.balance, fine.method.c_str());
  }
  EXPECT_NE(fine.method.find("newton"), std::string::npos);  // "auto" detected k(T)
  EXPECT_LT(fine.max_error, 2e-4 * fine.rise);
  EXPECT_GT(coarse.max_error / fine.max_error, 3.5);  // second order in h
  EXPECT_LT(fine.balance, 1e-6);
  EXPECT_LE(fine.newton, 30);
}

TEST(ThermalNonlinear, SiliconPowerLawMatchesKirchhoffSolution) {
  // k = 148 (T / 300)^-1.3 W/(m K), 500 um of silicon, 1 kW/cm^2.
  check_convergence({148.0, 300.0, -1.3, 300.0, 1e7, 500e-6}, 300.0, "silicon k(T), 300 K");
}

TEST(ThermalNonlinear, CryogenicColdPlateConvergesFromFourKelvin) {
  // k = 100 (T / 4 K)^0.715: 100 W/(m K) at 4 K, ~1000 W/(m K) at 100 K; the top
  // reaches about 100 K. Newton starts from 4 K everywhere.
  check_convergence({100.0, 4.0, 0.715, 4.0, 1.16e8, 500e-6}, 4.0, "cryogenic k(T), 4 K plate");
}

}  // namespace
}  // namespace tsvfield::physics
