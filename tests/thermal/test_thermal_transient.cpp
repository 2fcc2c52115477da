// Transient verification: a slab suddenly cooled at one face against its
// Fourier series (BDF2 second order, backward Euler first order in time), the
// heat balance with stored heat, histories, output frames and power traces.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <cstdlib>

#include "tests/thermal/thermal_fixtures.hpp"

namespace tsvfield::physics {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kThickness = 1e-3, kConductivity = 150.0, kCapacity = 1.63e6;  // silicon-like
constexpr double kInitial = 350.0, kPlate = 300.0;

// Slab 0 < z < L at kInitial, z = 0 held at kPlate from t = 0, z = L adiabatic.
double fourier_exact(double z, double t) {
  const double alpha = kConductivity / kCapacity;
  double sum = 0;
  for (int n = 0; n < 400; ++n) {
    const double lambda = (2 * n + 1) * kPi / (2 * kThickness);
    sum += 4 / ((2 * n + 1) * kPi) * std::sin(lambda * z) * std::exp(-alpha * lambda * lambda * t);
  }
  return kPlate + (kInitial - kPlate) * sum;
}

struct TransientRun {
  double max_error = 0;
  ThermalResults results;
  std::vector<int> frames;
};

const double kEndTime = 2e-3;  // about 0.18 L^2 / alpha

TransientRun run_slab(TimeScheme scheme, int steps, int cells, bool adaptive = false) {
  testing::BoxMeshSpec box;
  box.length_x = 0.2e-3;
  box.length_y = 0.2e-3;
  box.cells_x = 2;
  box.cells_y = 1;
  box.layers = {{"slab", "si", kThickness, cells}};
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  MaterialLibrary materials;
  materials.add(testing::constant_material("si", kConductivity, kCapacity));
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::transient;
  spec.analysis.initial_temperature_K = kInitial;
  spec.analysis.end_time = kEndTime;
  spec.analysis.time_step = kEndTime / steps;
  spec.analysis.scheme = scheme;
  spec.analysis.output_every = 7;
  spec.analysis.adaptive = adaptive;
  spec.boundaries = {testing::fixed_temperature("bottom", kPlate)};
  TransientRun run;
  ThermalSolveOptions options;
  options.on_output = [&run](const ThermalFrame& frame) { run.frames.push_back(frame.step); };
  run.results = solve_thermal(m, materials, spec, {}, PETSC_COMM_WORLD, options);
  run.max_error = testing::max_nodal_error(
      m, run.results.temperature_K,
      [](const std::array<double, 3>& x) { return fourier_exact(x[2], kEndTime); },
      PETSC_COMM_WORLD);
  return run;
}

void print(const char* label, const TransientRun& coarse, const TransientRun& fine) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    std::printf(
        "[ measured ] %s: max error %.3e K (dt), %.3e K (dt/2), ratio %.2f; balance %.2e; %s, %d "
        "steps\n",
        label, coarse.max_error, fine.max_error, coarse.max_error / fine.max_error,
        fine.results.heat_balance.relative_error, fine.results.solver.method.c_str(),
        fine.results.solver.time_steps);
  }
}

TEST(ThermalTransient, Bdf2SlabMatchesFourierSeriesAtSecondOrder) {
  const TransientRun coarse = run_slab(TimeScheme::bdf2, 40, 160);
  const TransientRun fine = run_slab(TimeScheme::bdf2, 80, 160);
  print("BDF2 slab", coarse, fine);
  EXPECT_EQ(fine.results.solver.time_steps, 80);
  EXPECT_NEAR(fine.results.time, kEndTime, 1e-15);
  EXPECT_LT(fine.max_error, 5e-3 * (kInitial - kPlate));
  EXPECT_GT(coarse.max_error / fine.max_error, 3.0);
  // Heat balance with the stored-heat rate: no source, so out + stored = 0.
  const HeatBalance& balance = fine.results.heat_balance;
  EXPECT_NEAR(balance.power_in_W, 0.0, 1e-15);
  EXPECT_GT(balance.fixed_temperature_out_W, 0.0);
  EXPECT_NEAR(balance.fixed_temperature_out_W + balance.stored_W, 0.0,
              1e-6 * balance.fixed_temperature_out_W);
  // History: one row per step plus the initial state, one column (the slab).
  ASSERT_EQ(fine.results.history_time.size(), 81u);
  ASSERT_EQ(fine.results.history_layer_max_K.front().size(), 1u);
  EXPECT_DOUBLE_EQ(fine.results.history_layer_max_K.front()[0], kInitial);
  EXPECT_LT(fine.results.history_layer_max_K.back()[0], kInitial);
  // Frames every 7 steps, and the last one.
  const std::vector<int> expected = {0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 80};
  EXPECT_EQ(fine.frames, expected);
}

TEST(ThermalTransient, BackwardEulerIsFirstOrder) {
  const TransientRun coarse = run_slab(TimeScheme::backward_euler, 40, 80);
  const TransientRun fine = run_slab(TimeScheme::backward_euler, 80, 80);
  print("backward Euler slab", coarse, fine);
  EXPECT_GT(coarse.max_error / fine.max_error, 1.7);
  EXPECT_LT(coarse.max_error / fine.max_error, 2.3);
  const HeatBalance& balance = fine.results.heat_balance;
  EXPECT_NEAR(balance.fixed_temperature_out_W + balance.stored_W, 0.0,
              1e-6 * balance.fixed_temperature_out_W);
}

TEST(ThermalTransient, AdaptiveBdf2ReachesTheEndTimeAccurately) {
  const TransientRun run = run_slab(TimeScheme::bdf2, 40, 160, true);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) {
    std::printf("[ measured ] adaptive BDF2 slab: max error %.3e K, %d steps, balance %.2e\n",
                run.max_error, run.results.solver.time_steps,
                run.results.heat_balance.relative_error);
  }
  EXPECT_NEAR(run.results.time, kEndTime, 1e-12);
  EXPECT_LT(run.max_error, 2e-3 * (kInitial - kPlate));
  const HeatBalance& balance = run.results.heat_balance;
  EXPECT_NEAR(balance.fixed_temperature_out_W + balance.stored_W, 0.0,
              1e-6 * balance.fixed_temperature_out_W);
  EXPECT_EQ(run.results.history_time.size(),
            static_cast<std::size_t>(run.results.solver.time_steps) + 1);
}

TEST(ThermalTransient, PowerTraceDrivesTheSource) {
  const std::string trace_file = testing::thermal_data_path("trace_ramp.csv");
  const PowerTrace trace = read_power_trace(trace_file, {});
  EXPECT_DOUBLE_EQ(trace.at(-1.0), 0.0);
  EXPECT_DOUBLE_EQ(trace.at(0.5e-3), 1.0);
  EXPECT_DOUBLE_EQ(trace.at(1.5e-3), 1.5);
  EXPECT_DOUBLE_EQ(trace.at(5e-3), 1.0);

  testing::BoxMeshSpec box;
  box.length_x = 1e-3;
  box.length_y = 1e-3;
  box.cells_x = 2;
  box.cells_y = 2;
  box.layers = {{"base", "si", 300e-6, 4}, {"die", "si", 50e-6, 2}};
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  MaterialLibrary materials;
  materials.add(testing::constant_material("si", kConductivity, kCapacity));
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::transient;
  spec.analysis.initial_temperature_K = 300.0;
  spec.analysis.end_time = 1.5e-3;
  spec.analysis.time_step = 0.05e-3;
  spec.boundaries = {testing::convection("bottom", 1e5, 300.0)};
  PowerSource source = testing::layer_power("die", 123.0);  // ignored: the trace is in watts
  source.trace_file = trace_file;
  spec.power = {source};
  const ThermalResults results = solve_thermal(m, materials, spec, {}, PETSC_COMM_WORLD);
  EXPECT_NEAR(results.heat_balance.power_in_W, 1.5, 1e-12);
  EXPECT_NEAR(testing::stats_of(results.layers, "die").power_W, 1.5, 1e-12);
  const HeatBalance& balance = results.heat_balance;
  EXPECT_LT(balance.relative_error, 1e-6);
  EXPECT_GT(balance.stored_W, 0.0);
  EXPECT_GT(balance.convection_out_W, 0.0);
  // A scale trace multiplies the source's power instead.
  spec.power[0].trace_is_scale = true;
  spec.power[0].power = 2.0;
  const ThermalResults scaled = solve_thermal(m, materials, spec, {}, PETSC_COMM_WORLD);
  EXPECT_NEAR(scaled.heat_balance.power_in_W, 3.0, 1e-12);
  const double rise_ratio = (testing::stats_of(scaled.layers, "die").t_max_K - 300.0) /
                            (testing::stats_of(results.layers, "die").t_max_K - 300.0);
  EXPECT_NEAR(rise_ratio, 2.0, 1e-8);  // linear problem, zero initial rise
}

}  // namespace
}  // namespace tsvfield::physics
