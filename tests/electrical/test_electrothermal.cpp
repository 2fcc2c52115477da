// Electro-thermal coupling against the Kohlrausch relation: for a conductor
// obeying Wiedemann-Franz (k = L0 sigma T) with its two ends at T0 and held at
// potentials +-V/2 (all other surfaces insulating), psi = L0 T^2 / 2 + phi^2 / 2
// satisfies div(sigma grad psi) = 0 with psi constant on the whole boundary
// where it is not insulated, so T^2 = T0^2 + (V^2/4 - phi^2) / L0 everywhere
// and T_max^2 = T0^2 + V^2 / (4 L0), whatever the shape. With sigma = s0 T0 / T
// the Wiedemann-Franz k is the constant L0 s0 T0: the coupling is nonlinear
// only through sigma(T).
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "physics/electrothermal.hpp"
#include "tests/electrical/electrical_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace tsvfield::testing;

constexpr double kLorenz = 2.44e-8;  // W ohm / K^2
constexpr double kT0 = 300;          // K
constexpr double kSigma0 = 5.8e7;    // S/m at T0

Material wiedemann_franz_metal() {
  Material metal = electrical_material("wf_metal", kSigma0, 1.0, kLorenz * kSigma0 * kT0);
  // sigma = s0 T0 / T: a power law, exact under log-log interpolation.
  metal.electrical_conductivity =
      Property::table({1.0, 2000.0}, {kSigma0 * kT0 / 1.0, kSigma0 * kT0 / 2000.0});
  return metal;
}

ThermalBoundary fixed(const std::string& surface) {
  ThermalBoundary boundary;
  boundary.surface = surface;
  boundary.kind = BoundaryKind::temperature;
  boundary.temperature_K = kT0;
  return boundary;
}

struct BarSetup {
  mesh::GeneratedMesh generated;
  MaterialLibrary materials;
  ConductionSpec conduction;
  ThermalSpec thermal;
  CouplingSpec coupling;
};

// A 10 um x 10 um x 200 um bar with 0.06 V across its length.
BarSetup bar(double volts) {
  mesh::StackSpec stack;
  stack.footprint = square_um(10);
  stack.items = {layer("bar", 200, "wf_metal", 40)};
  mesh::MeshControls controls;
  controls.max_size = 5 * kMicron;
  BarSetup setup{generate(stack, controls), MaterialLibrary{}, {}, {}, {}};
  setup.materials.add(wiedemann_franz_metal());
  setup.conduction.terminals = {surface_terminal("plus", "top", 0.5 * volts),
                                surface_terminal("minus", "bottom", -0.5 * volts)};
  setup.thermal.analysis.type = ThermalAnalysisType::steady;
  setup.thermal.analysis.reference_temperature_K = kT0;
  setup.thermal.analysis.relative_tolerance = 1e-10;
  setup.thermal.boundaries = {fixed("top"), fixed("bottom")};
  setup.coupling.tolerance = 1e-8;
  setup.coupling.max_iterations = 60;
  return setup;
}

TEST(Electrothermal, WiedemannFranzBarFollowsTheKohlrauschRelation) {
  const double volts = 0.06;
  BarSetup setup = bar(volts);
  ElectrothermalOptions options;
  int progress_lines = 0;
  options.progress = [&progress_lines](const std::string& line) {
    ++progress_lines;
    EXPECT_EQ(line.rfind("electrothermal: iteration ", 0), 0u) << line;
  };
  const ElectrothermalResults results =
      solve_electrothermal(setup.generated.mesh, setup.materials, setup.conduction, setup.thermal,
                           {}, setup.coupling, world(), options);
  EXPECT_EQ(progress_lines, results.iterations);
  const double expected_max = std::sqrt(kT0 * kT0 + volts * volts / (4 * kLorenz));
  const double t_max = results.history.back().max_temperature_K;
  print_measured("Kohlrausch T_max rise (K), 0.06 V, L0 = 2.44e-8", t_max - kT0,
                 expected_max - kT0);
  if (is_root()) {
    std::printf(
        "[ measured ] coupling iterations %d; Joule power %.6e W; heat balance error %.2e\n",
        results.iterations, results.conduction.joule_power_W,
        results.thermal.heat_balance.relative_error);
  }
  EXPECT_NEAR(t_max - kT0, expected_max - kT0, 5e-3 * (expected_max - kT0));
  // The relation holds at every node.
  const auto& temperature = results.thermal.temperature_K;
  const auto& potential = results.conduction.potential_V;
  double worst = 0;
  for (std::size_t i = 0; i < temperature.size(); ++i) {
    const double predicted =
        std::sqrt(kT0 * kT0 + (volts * volts / 4 - potential[i] * potential[i]) / kLorenz);
    worst = std::max(worst, std::abs(temperature[i] - predicted) / (expected_max - kT0));
  }
  EXPECT_LT(worst, 5e-3);
  // Converged, with the Joule heat closing the heat balance and equal to V I.
  EXPECT_GT(results.iterations, 2);
  EXPECT_LT(results.iterations, 60);
  EXPECT_LT(results.history.back().power_change, 1e-8);
  EXPECT_LT(results.thermal.heat_balance.relative_error, 1e-6);
  EXPECT_NEAR(results.thermal.heat_balance.power_in_W, results.conduction.joule_power_W,
              1e-6 * results.conduction.joule_power_W);
  EXPECT_NEAR(results.conduction.joule_power_W, results.conduction.terminal_power_W,
              1e-6 * results.conduction.joule_power_W);
}

TEST(Electrothermal, TransientThermalAnalysisIsAnInputError) {
  BarSetup setup = bar(0.01);
  setup.thermal.analysis.type = ThermalAnalysisType::transient;
  setup.thermal.analysis.source = where("thermal.analysis");
  try {
    solve_electrothermal(setup.generated.mesh, setup.materials, setup.conduction, setup.thermal, {},
                         setup.coupling, world());
    ADD_FAILURE() << "transient coupling accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "case.yaml:3:5: thermal.analysis: electro-thermal coupling needs a steady thermal "
              "analysis");
  }
}

TEST(Electrothermal, TooFewIterationsIsASolverError) {
  BarSetup setup = bar(0.06);
  setup.coupling.max_iterations = 2;
  EXPECT_THROW(solve_electrothermal(setup.generated.mesh, setup.materials, setup.conduction,
                                    setup.thermal, {}, setup.coupling, world()),
               SolverError);
}

}  // namespace
}  // namespace tsvfield::physics
