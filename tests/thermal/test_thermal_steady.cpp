// Steady linear thermal verification: layered stacks against exact 1D
// solutions (piecewise linear, interface jump q*R, uniform volume power),
// heat balance, 1 rank vs 2 ranks, and input errors.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "mesh/input_error.hpp"
#include "tests/thermal/thermal_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using testing::BoxMeshSpec;

struct StackLayer {
  std::string name;
  double k, thickness;
  int divisions;
};

BoxMeshSpec stack_box(const std::vector<StackLayer>& layers, int cells_x, int cells_y,
                      double distortion) {
  BoxMeshSpec box;
  box.length_x = 1e-3;
  box.length_y = 0.5e-3;
  box.cells_x = cells_x;
  box.cells_y = cells_y;
  box.distortion = distortion;
  for (const auto& l : layers)
    box.layers.push_back({l.name, l.name + "_material", l.thickness, l.divisions});
  return box;
}

MaterialLibrary stack_materials(const std::vector<StackLayer>& layers) {
  MaterialLibrary library;
  for (const auto& l : layers) library.add(testing::constant_material(l.name + "_material", l.k));
  return library;
}

// Exact temperature of the 1D stack, bottom held at t_bottom, flux q into the
// top, optional contact resistance above layer `resistance_below`.
double stack_exact(const std::vector<StackLayer>& layers, double t_bottom, double q, double z,
                   int layer_of_node, int resistance_below = -1, double resistance = 0) {
  double t = t_bottom, z0 = 0;
  for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
    const double top = z0 + layers[static_cast<std::size_t>(l)].thickness;
    if (l == layer_of_node) return t + q * (z - z0) / layers[static_cast<std::size_t>(l)].k;
    t += q * (top - z0) / layers[static_cast<std::size_t>(l)].k;
    if (l == resistance_below) t += q * resistance;
    z0 = top;
  }
  return t;
}

// For each local node, the layer of one cell using it (the upper copy of a doubled node
// belongs to the upper layer's cells only).
std::vector<int> node_layer(const mesh::LocalMesh& m) {
  std::vector<int> layer(m.node_coords.size(), -1);
  for (std::size_t c = 0; c < m.cells.size(); ++c) {
    for (auto node : m.cells[c]) layer[static_cast<std::size_t>(node)] = m.cell_layer[c];
  }
  return layer;
}

const std::vector<StackLayer> kStack = {
    {"substrate", 150.0, 100e-6, 4}, {"underfill", 0.5, 30e-6, 3}, {"die", 400.0, 50e-6, 2}};

TEST(ThermalSteady, MultilayerStackMatchesPiecewiseLinearExactSolution) {
  const auto m = testing::build_box_mesh(stack_box(kStack, 6, 3, 0.2), PETSC_COMM_WORLD);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.relative_tolerance = 1e-13;
  const double q = 1e5;  // 10 W/cm^2 into the top
  spec.boundaries = {testing::fixed_temperature("bottom", 300.0), testing::heat_flux("top", q)};
  const ThermalResults results =
      solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD);
  const auto layers = node_layer(m);
  double local = 0;
  for (std::size_t i = 0; i < m.node_coords.size(); ++i) {
    const double exact = stack_exact(kStack, 300.0, q, m.node_coords[i][2], layers[i]);
    local = std::max(local, std::abs(results.temperature_K[i] - exact));
  }
  double worst = 0;
  MPI_Allreduce(&local, &worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  const double rise = stack_exact(kStack, 300.0, q, 180e-6, 2) - 300.0;
  EXPECT_LT(worst / rise, 1e-10) << "rise " << rise << " K";
  EXPECT_NEAR(testing::stats_of(results.layers, "die").t_max_K, 300.0 + rise, 1e-10 * rise);
  EXPECT_LT(results.heat_balance.relative_error, 1e-6);
  EXPECT_NEAR(results.heat_balance.power_in_W, q * 1e-3 * 0.5e-3, 1e-12);
  EXPECT_NEAR(results.heat_balance.fixed_temperature_out_W, q * 1e-3 * 0.5e-3, 1e-6 * q * 5e-7);
  // The flux is -k dT/dz = -q everywhere.
  for (const auto& flux : results.heat_flux_W_m2) EXPECT_NEAR(flux[2], -q, 1e-7 * q);
  if (m.rank == 0) {
    std::printf(
        "[ measured ] 1D stack: max nodal error / rise = %.3e, heat balance %.3e, %d CG its\n",
        worst / rise, results.heat_balance.relative_error, results.solver.iterations);
  }
}

TEST(ThermalSteady, InterfaceResistanceJumpEqualsFluxTimesResistance) {
  auto box = stack_box(kStack, 4, 2, 0.0);
  box.doubled_interfaces = {1};  // underfill | die
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.relative_tolerance = 1e-13;
  const double q = 2e5, resistance = 2e-5;  // m^2 K / W
  spec.boundaries = {testing::fixed_temperature("bottom", 350.0), testing::heat_flux("top", q)};
  InterfaceResistance contact;
  contact.lower_layer = "underfill";
  contact.upper_layer = "die";
  contact.resistance = resistance;
  spec.interfaces = {contact};
  const ThermalResults results =
      solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD);
  const auto layers = node_layer(m);
  double local = 0;
  for (std::size_t i = 0; i < m.node_coords.size(); ++i) {
    const double exact =
        stack_exact(kStack, 350.0, q, m.node_coords[i][2], layers[i], 1, resistance);
    local = std::max(local, std::abs(results.temperature_K[i] - exact));
  }
  double worst = 0;
  MPI_Allreduce(&local, &worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  EXPECT_LT(worst, 1e-10 * q * resistance * 100);
  // The jump itself: die minimum (its bottom) minus underfill maximum (its top).
  const double jump = testing::stats_of(results.layers, "die").t_min_K -
                      testing::stats_of(results.layers, "underfill").t_max_K;
  EXPECT_NEAR(jump, q * resistance, 1e-9 * q * resistance);
  EXPECT_LT(results.heat_balance.relative_error, 1e-6);
  if (m.rank == 0) {
    std::printf("[ measured ] interface jump %.12g K, q*R = %.12g K\n", jump, q * resistance);
  }
}

TEST(ThermalSteady, UniformVolumePowerGivesExactPeakAndResistance) {
  const std::vector<StackLayer> layers = {{"base", 100.0, 200e-6, 5}, {"die", 150.0, 50e-6, 4}};
  auto box = stack_box(layers, 4, 4, 0.0);
  box.length_y = 1e-3;
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.relative_tolerance = 1e-13;
  spec.boundaries = {testing::fixed_temperature("bottom", 300.0)};
  const double power = 2.0, area = 1e-6;
  spec.power = {testing::layer_power("die", power * 0.25, "left"),
                testing::layer_power("die", power * 0.75, "right")};
  // Blocks of different power density break the 1D solution; use equal densities
  // (left quarter gets a quarter of the power).
  StackRegions regions;
  regions["die"].outline = {0, 0, 1e-3, 1e-3};
  regions["die"].blocks["left"] = {0, 0, 0.25e-3, 1e-3};
  regions["die"].blocks["right"] = {0.25e-3, 0, 1e-3, 1e-3};
  const ThermalResults results =
      solve_thermal(m, stack_materials(layers), spec, regions, PETSC_COMM_WORLD);
  const double q = power / area;
  const double t_top = 300.0 + q * 200e-6 / 100.0 + q * 50e-6 / (2 * 150.0);
  const auto& die = testing::stats_of(results.layers, "die");
  EXPECT_NEAR(die.t_max_K, t_top, 1e-10 * (t_top - 300));
  EXPECT_NEAR(die.max_location[2], 250e-6, 1e-15);
  EXPECT_NEAR(die.power_W, power, 1e-12);
  ASSERT_TRUE(die.has_resistance);
  EXPECT_NEAR(die.resistance_K_per_W, (t_top - 300.0) / power, 1e-10 * (t_top - 300) / power);
  const auto& left = testing::stats_of(results.blocks, "die/left");
  EXPECT_NEAR(left.power_W, 0.5, 1e-12);
  EXPECT_NEAR(left.t_max_K, t_top, 1e-10 * (t_top - 300));
  EXPECT_NEAR(left.volume_m3, 0.25e-3 * 1e-3 * 50e-6, 1e-22);
  EXPECT_LT(results.heat_balance.relative_error, 1e-6);
  const auto& base = testing::stats_of(results.layers, "base");
  EXPECT_FALSE(base.has_resistance);  // no power in the base
  // Mean of the base: linear profile, exact mean of the FE interpolant.
  EXPECT_NEAR(base.t_mean_K, 300.0 + q * 100e-6 / 100.0, 1e-9 * (t_top - 300));
}

// A fixed-temperature bottom (300 K) and a convection top (to 290 K) share the heat of a
// die: in 1D with a uniform source in the die, linear elements give the exact nodal
// temperatures, so each boundary's heat out is exact too. Most heat leaves through the
// warmer bottom, so the thermal resistance refers to 300 K, not to the colder 290 K.
TEST(ThermalSteady, SeveralReferenceTemperaturesSplitTheHeatOutExactly) {
  const std::vector<StackLayer> layers = {{"base", 100.0, 200e-6, 4}, {"die", 150.0, 50e-6, 3}};
  const auto box = stack_box(layers, 3, 2, 0.0);
  const auto m = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.relative_tolerance = 1e-13;
  const double t_bottom = 300.0, t_coolant = 290.0, h = 1e4, power = 2.0;
  spec.boundaries = {testing::fixed_temperature("bottom", t_bottom),
                     testing::convection("top", h, t_coolant)};
  spec.power = {testing::layer_power("die", power)};
  StackRegions regions;
  regions["die"].outline = {0, 0, box.length_x, box.length_y};
  const ThermalResults results =
      solve_thermal(m, stack_materials(layers), spec, regions, PETSC_COMM_WORLD);

  // Upward flux F0 through the base: the top's convection closes
  // F0 + s d = h (T(H) - T_coolant), T(H) = T_bottom - F0 b / k1 - (F0 d + s d^2 / 2) / k2.
  const double area = box.length_x * box.length_y, b = 200e-6, d = 50e-6, k1 = 100, k2 = 150;
  const double s = power / (area * d);
  const double f0 = (h * (t_bottom - t_coolant) - h * s * d * d / (2 * k2) - s * d) /
                    (1 + h * b / k1 + h * d / k2);
  const double bottom_out = -f0 * area, top_out = power - bottom_out;
  ASSERT_GT(bottom_out, 0.9 * power);  // the case as intended: most heat goes down
  const auto& by_reference = results.heat_balance.by_reference;
  ASSERT_EQ(by_reference.size(), 2u);
  EXPECT_EQ(by_reference[0].temperature_K, t_coolant);  // ascending
  EXPECT_EQ(by_reference[0].surfaces, std::vector<std::string>{"top"});
  EXPECT_NEAR(by_reference[0].out_W, top_out, 1e-9 * power);
  EXPECT_EQ(by_reference[1].temperature_K, t_bottom);
  EXPECT_EQ(by_reference[1].surfaces, std::vector<std::string>{"bottom"});
  EXPECT_NEAR(by_reference[1].out_W, bottom_out, 1e-9 * power);
  EXPECT_NEAR(results.heat_balance.convection_out_W, top_out, 1e-9 * power);
  EXPECT_NEAR(results.heat_balance.fixed_temperature_out_W, bottom_out, 1e-9 * power);
  EXPECT_LT(results.heat_balance.relative_error, 1e-9);

  ASSERT_TRUE(results.has_ambient);
  EXPECT_EQ(results.ambient_K, t_bottom);
  EXPECT_EQ(results.ambient_surfaces, std::vector<std::string>{"bottom"});
  EXPECT_NEAR(results.ambient_heat_fraction, bottom_out / power, 1e-9);
  const auto& die = testing::stats_of(results.layers, "die");
  ASSERT_TRUE(die.has_resistance);
  EXPECT_NEAR(die.resistance_K_per_W, (die.t_max_K - t_bottom) / power, 1e-12);
  if (m.rank == 0) {
    std::printf("[ measured ] heat out: bottom %.12f W (exact %.12f), top %.12f W (exact %.12f)\n",
                by_reference[1].out_W, bottom_out, by_reference[0].out_W, top_out);
  }
}

// Nodal values keyed by position (doubled nodes give two values per key).
std::map<std::array<long, 3>, std::vector<double>> by_position(const mesh::LocalMesh& m,
                                                               const std::vector<double>& t) {
  std::map<std::array<long, 3>, std::vector<double>> values;
  for (std::int64_t i = 0; i < m.owned_node_count; ++i) {
    const auto& x = m.node_coords[static_cast<std::size_t>(i)];
    values[{std::lround(x[0] * 1e9), std::lround(x[1] * 1e9), std::lround(x[2] * 1e9)}].push_back(
        t[static_cast<std::size_t>(i)]);
  }
  for (auto& [key, list] : values) std::sort(list.begin(), list.end());
  return values;
}

TEST(ThermalSteady, TwoRanksMatchOneRankOnALayeredCaseWithEverything) {
  const std::vector<StackLayer> layers = {
      {"interposer", 150.0, 100e-6, 3}, {"underfill", 0.4, 20e-6, 2}, {"die", 130.0, 40e-6, 3}};
  auto box = stack_box(layers, 8, 5, 0.15);
  box.doubled_interfaces = {0};
  MaterialLibrary materials = stack_materials(layers);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  spec.analysis.relative_tolerance = 1e-12;
  spec.boundaries = {testing::convection("bottom", 2e4, 320.0),
                     testing::convection("top", 500.0, 320.0), testing::heat_flux("sides", -1e3)};
  InterfaceResistance contact;
  contact.lower_layer = "interposer";
  contact.upper_layer = "underfill";
  contact.resistance = 1e-5;
  spec.interfaces = {contact};
  PowerSource mapped = testing::layer_power("die", 0.8);
  mapped.map_file = testing::thermal_data_path("power_map_2x2.csv");
  PowerSource surface = testing::layer_power("die", 0.3, "hot");
  surface.distribution = PowerDistribution::top_surface;
  spec.power = {mapped, surface};
  StackRegions regions;
  regions["die"].outline = {0, 0, 1e-3, 0.5e-3};
  regions["die"].blocks["hot"] = {0.6e-3, 0.1e-3, 0.9e-3, 0.4e-3};

  const auto parallel_mesh = testing::build_box_mesh(box, PETSC_COMM_WORLD);
  const auto serial_mesh = testing::build_box_mesh(box, PETSC_COMM_SELF);
  const ThermalResults parallel =
      solve_thermal(parallel_mesh, materials, spec, regions, PETSC_COMM_WORLD);
  const ThermalResults serial =
      solve_thermal(serial_mesh, materials, spec, regions, PETSC_COMM_SELF);
  ASSERT_EQ(parallel.layers.size(), serial.layers.size());
  for (std::size_t l = 0; l < serial.layers.size(); ++l) {
    const double rise = serial.layers[l].t_max_K - 320.0;
    EXPECT_NEAR(parallel.layers[l].t_max_K, serial.layers[l].t_max_K, 1e-8 * rise);
    EXPECT_NEAR(parallel.layers[l].t_mean_K, serial.layers[l].t_mean_K, 1e-8 * rise);
    EXPECT_NEAR(parallel.layers[l].t_min_K, serial.layers[l].t_min_K, 1e-8 * rise);
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(parallel.layers[l].max_location[i], serial.layers[l].max_location[i], 1e-12);
    }
  }
  const auto& hot = testing::stats_of(parallel.blocks, "die/hot");
  EXPECT_NEAR(hot.power_W, 0.3, 1e-12);
  EXPECT_NEAR(hot.t_max_K, testing::stats_of(serial.blocks, "die/hot").t_max_K,
              1e-8 * (hot.t_max_K - 320));
  // Heat in = 0.8 + 0.3 W of sources minus what the sides' negative flux draws out.
  const double sides_area = 2 * (1e-3 + 0.5e-3) * 160e-6;
  EXPECT_NEAR(parallel.heat_balance.power_in_W, 1.1 - 1e3 * sides_area, 1e-10);
  EXPECT_LT(parallel.heat_balance.relative_error, 1e-6);
  EXPECT_LT(serial.heat_balance.relative_error, 1e-6);
  EXPECT_TRUE(parallel.has_ambient);
  // Every owned node of the parallel run against the serial values at its position.
  const auto serial_values = by_position(serial_mesh, serial.temperature_K);
  const auto parallel_values = by_position(parallel_mesh, parallel.temperature_K);
  const double rise = testing::stats_of(serial.layers, "die").t_max_K - 320.0;
  double worst = 0;
  for (const auto& [key, values] : parallel_values) {
    const auto it = serial_values.find(key);
    ASSERT_NE(it, serial_values.end());
    ASSERT_EQ(it->second.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      worst = std::max(worst, std::abs(values[i] - it->second[i]));
  }
  EXPECT_LT(worst, 1e-8 * rise);
  if (parallel_mesh.rank == 0) {
    std::printf(
        "[ measured ] %d ranks vs 1: max nodal difference / rise = %.3e; balance %.3e (%d its)\n",
        parallel_mesh.rank_count, worst / rise, parallel.heat_balance.relative_error,
        parallel.solver.iterations);
  }
}

TEST(ThermalSteady, BadInputNamesTheItem) {
  const auto m = testing::build_box_mesh(stack_box(kStack, 2, 2, 0.0), PETSC_COMM_WORLD);
  ThermalSpec spec;
  spec.analysis.type = ThermalAnalysisType::steady;
  auto wrong = testing::fixed_temperature("topp", 300.0);
  wrong.source = {"case.yaml", 12, 5, "thermal.boundaries[0].surface"};
  spec.boundaries = {wrong};
  try {
    solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what())
                  .rfind("case.yaml:12:5: thermal.boundaries[0].surface: unknown surface 'topp' "
                         "(surfaces: top, "
                         "bottom, sides, substrate.top",
                         0),
              0u)
        << error.what();
  }
  spec.boundaries = {testing::heat_flux("top", 1.0)};
  EXPECT_THROW(solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD), InputError);
  spec.boundaries = {testing::fixed_temperature("bottom", 300.0)};
  spec.power = {testing::layer_power("die", 1.0, "nope")};
  EXPECT_THROW(solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD), InputError);
  spec.power = {testing::layer_power("dye", 1.0)};
  EXPECT_THROW(solve_thermal(m, stack_materials(kStack), spec, {}, PETSC_COMM_WORLD), InputError);
  spec.power = {};
  EXPECT_THROW(solve_thermal(m, MaterialLibrary{}, spec, {}, PETSC_COMM_WORLD), InputError);
}

}  // namespace
}  // namespace tsvfield::physics
