// DC conduction verification: the resistance of a copper TSV against rho L / A,
// a TSV - bump - TSV chain through a stack (net terminals, current-driven IR
// drop), a bundle of power TSVs tied together, the resistance matrix of two
// TSVs over a common ground, power and current balance, and bad input.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "physics/conduction.hpp"
#include "tests/electrical/electrical_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace tsvfield::testing;

constexpr double kCopperSigma = 5.8e7;  // S/m
constexpr double kSolderSigma = 7.0e6;  // S/m

MaterialLibrary test_materials() {
  MaterialLibrary materials = MaterialLibrary::builtin();  // silicon, sio2, underfill
  materials.add(electrical_material("copper", kCopperSigma, 1.0, 400.0));
  materials.add(electrical_material("solder", kSolderSigma, 1.0, 60.0));
  return materials;
}

double area_um(double diameter_um) {
  return kPi * std::pow(0.5 * diameter_um * kMicron, 2);
}

// One die of silicon with one 10 um TSV (1 um oxide liner), 100 um tall.
mesh::StackSpec single_tsv_stack() {
  mesh::StackSpec stack;
  stack.footprint = square_um(60);
  mesh::LayerSpec die = layer("die", 100, "silicon", 8);
  die.tsv_arrays.push_back(tsv_array("tsv", 10, 1, 1, 1, 40, 30));
  stack.items.push_back(die);
  return stack;
}

TEST(Conduction, TsvResistanceMatchesRhoLOverArea) {
  const auto generated = generate(single_tsv_stack(), {});
  const MaterialLibrary materials = test_materials();
  ConductionSpec spec;
  spec.terminals = {conductor_terminal("top", {"die/tsv[0,0]"}, ConductorEnd::top, 1.0),
                    conductor_terminal("bottom", {"die/tsv[0,0]"}, ConductorEnd::bottom, 0.0)};
  spec.resistance_terminals = {"top"};
  const ConductionResults results = solve_conduction(generated.mesh, materials, spec, {}, world());
  const double expected = 100 * kMicron / (kCopperSigma * area_um(10));
  ASSERT_EQ(results.resistance_ohm.size(), 1u);
  print_measured("TSV resistance (ohm), 10 um x 100 um copper", results.resistance_ohm[0],
                 expected);
  // The O-grid's polygons have the exact circle area, so a uniform prism is exact.
  EXPECT_NEAR(results.resistance_ohm[0], expected, 5e-3 * expected);
  EXPECT_NEAR(results.resistance_ohm[0], expected, 1e-6 * expected);
  // 1 V across: the current is 1/R, in at the top and out at the bottom.
  EXPECT_NEAR(results.terminals[0].current_A, 1.0 / expected, 1e-6 / expected);
  EXPECT_NEAR(results.terminals[1].current_A, -1.0 / expected, 1e-6 / expected);
  EXPECT_LT(std::abs(results.current_imbalance_A), 1e-8 / expected);
  EXPECT_NEAR(results.joule_power_W, results.terminal_power_W, 1e-7 * results.terminal_power_W);
  EXPECT_NEAR(results.max_potential_V, 1.0, 1e-12);
  EXPECT_NEAR(results.min_potential_V, 0.0, 1e-12);
  EXPECT_EQ(results.solve_count, 2);  // one unit solve for the matrix, one operating point
  // The field inside the copper: E = 1 V / 100 um downwards, J = sigma E.
  for (std::size_t c = 0; c < generated.mesh.cells.size(); ++c) {
    if (generated.mesh.cell_conductor[c] < 0) {
      EXPECT_EQ(results.joule_heat_W_m3[c], 0.0);
      continue;
    }
    EXPECT_NEAR(results.electric_field_V_m[c][2], -1e4, 1e-6 * 1e4);
    EXPECT_NEAR(results.current_density_A_m2[c][2], -kCopperSigma * 1e4, 1e-6 * kCopperSigma * 1e4);
    EXPECT_NEAR(results.joule_heat_W_m3[c], kCopperSigma * 1e8, 1e-6 * kCopperSigma * 1e8);
  }
}

// sigma(T) of the built-in copper: at a constant 77 K, and with a temperature
// field rising linearly along the TSV (R = int dz / (sigma(T(z)) A), by a fine
// midpoint rule over the material's own table).
TEST(Conduction, ResistanceFollowsSigmaOfTheTemperature) {
  const auto generated = generate(single_tsv_stack(), {});
  const MaterialLibrary materials = MaterialLibrary::builtin();
  const Property& sigma = materials.at("copper").electrical_conductivity;
  ConductionSpec spec;
  spec.terminals = {conductor_terminal("top", {"die/tsv[0,0]"}, ConductorEnd::top, 1.0),
                    conductor_terminal("bottom", {"die/tsv[0,0]"}, ConductorEnd::bottom, 0.0)};
  spec.resistance_terminals = {"top"};
  spec.temperature_K = 77;
  const double length = 100 * kMicron;
  const double at_77 =
      solve_conduction(generated.mesh, materials, spec, {}, world()).resistance_ohm[0];
  const double expected_77 = length / (sigma(77) * area_um(10));
  print_measured("TSV resistance at 77 K (ohm)", at_77, expected_77);
  EXPECT_NEAR(at_77, expected_77, 1e-6 * expected_77);

  // T = 300 K at the bottom to 400 K at the top.
  const auto& mesh = generated.mesh;
  std::vector<double> temperature(mesh.node_coords.size());
  for (std::size_t i = 0; i < temperature.size(); ++i) {
    temperature[i] = 300 + 100 * mesh.node_coords[i][2] / length;
  }
  ConductionTemperatureField field;
  field.node_K = &temperature;
  const double graded = solve_conduction(mesh, materials, spec, field, world()).resistance_ohm[0];
  double integral = 0;
  const int steps = 100000;
  for (int k = 0; k < steps; ++k) {
    const double z = (k + 0.5) / steps * length;
    integral += length / steps / sigma(300 + 100 * z / length);
  }
  const double expected_graded = integral / area_um(10);
  print_measured("TSV resistance, T from 300 K to 400 K along it (ohm)", graded, expected_graded);
  EXPECT_NEAR(graded, expected_graded, 1e-3 * expected_graded);
}

// Two dies joined by a bond layer with solder bumps of the TSVs' diameter: two
// nets TSV - bump - TSV, roles P and S. The P net (selected by array and role,
// its ends found through the net) takes 0.1 A at its top end, its bottom end is
// grounded; the S net floats.
TEST(Conduction, IrDropOfANetThroughTheStack) {
  mesh::StackSpec stack;
  stack.footprint = square_um(100);
  mesh::LayerSpec lower = layer("lower", 50, "silicon", 5);
  lower.tsv_arrays.push_back(tsv_array("tsv", 10, 1, 2, 1, 40, 30));
  lower.tsv_arrays.back().roles = {"P", "S"};
  mesh::LayerSpec bond = layer("bond", 20, "underfill", 4);
  bond.bump_arrays.push_back(bump_array("bump", 10, 2, 1, 40, 30, "solder"));
  mesh::LayerSpec upper = layer("upper", 50, "silicon", 5);
  upper.tsv_arrays.push_back(tsv_array("tsv", 10, 1, 2, 1, 40, 30));
  upper.tsv_arrays.back().roles = {"P", "S"};
  stack.items = {lower, bond, upper};
  const auto generated = generate(stack, {});
  ConductionSpec spec;
  TerminalSpec top = conductor_terminal("vdd", {"lower/tsv"}, ConductorEnd::top, 0.0);
  top.kind = TerminalKind::net_end;
  top.role = "P";
  top.drive = TerminalDrive::current;
  top.current = 0.1;
  TerminalSpec bottom = conductor_terminal("gnd", {"upper/tsv[0,0]"}, ConductorEnd::bottom, 0.0);
  bottom.kind = TerminalKind::net_end;
  spec.terminals = {top, bottom};
  const ConductionResults results =
      solve_conduction(generated.mesh, test_materials(), spec, {}, world());
  const double r_series =
      2 * 50 * kMicron / (kCopperSigma * area_um(10)) + 20 * kMicron / (kSolderSigma * area_um(10));
  print_measured("IR drop TSV-bump-TSV at 0.1 A (V)", results.terminals[0].voltage_V,
                 0.1 * r_series);
  EXPECT_NEAR(results.terminals[0].voltage_V, 0.1 * r_series, 1e-6 * 0.1 * r_series);
  EXPECT_NEAR(results.terminals[0].current_A, 0.1, 1e-8);
  EXPECT_NEAR(results.terminals[1].current_A, -0.1, 1e-8);
  EXPECT_NEAR(results.max_potential_V - results.min_potential_V, 0.1 * r_series,
              1e-6 * 0.1 * r_series);
  EXPECT_NEAR(results.joule_power_W, 0.01 * r_series, 1e-6 * 0.01 * r_series);
  EXPECT_TRUE(results.terminals[0].current_driven);
}

// A 2 x 2 array, roles P G / G P: the two P TSVs tied together at both ends.
mesh::StackSpec bundle_stack() {
  mesh::StackSpec stack;
  stack.footprint = square_um(100);
  mesh::LayerSpec die = layer("die", 80, "silicon", 6);
  die.tsv_arrays.push_back(tsv_array("pdn", 10, 1, 2, 2, 40, 30));
  die.tsv_arrays.back().roles = {"P", "G", "G", "P"};
  stack.items.push_back(die);
  return stack;
}

TEST(Conduction, PowerBundleSharesTheCurrent) {
  const auto generated = generate(bundle_stack(), {});
  ConductionSpec spec;
  TerminalSpec top = conductor_terminal("vdd", {"die/pdn"}, ConductorEnd::top, 0.0);
  top.role = "P";
  top.drive = TerminalDrive::current;
  top.current = 0.5;
  TerminalSpec bottom = conductor_terminal("vdd_bump", {"die/pdn"}, ConductorEnd::bottom, 0.0);
  bottom.role = "P";
  spec.terminals = {top, bottom};
  const ConductionResults results =
      solve_conduction(generated.mesh, test_materials(), spec, {}, world());
  const double r_tsv = 80 * kMicron / (kCopperSigma * area_um(10));
  print_measured("IR drop of 2 parallel power TSVs at 0.5 A (V)", results.terminals[0].voltage_V,
                 0.5 * r_tsv / 2);
  EXPECT_NEAR(results.terminals[0].voltage_V, 0.5 * r_tsv / 2, 1e-6 * 0.5 * r_tsv / 2);
  // The G TSVs carry nothing: their cells are pinned (floating, no terminal).
  for (std::size_t c = 0; c < generated.mesh.cells.size(); ++c) {
    const int conductor = generated.mesh.cell_conductor[c];
    if (conductor >= 0 &&
        generated.mesh.conductors[static_cast<std::size_t>(conductor)].role == "G") {
      EXPECT_EQ(results.joule_heat_W_m3[c], 0.0);
    }
  }
}

TEST(Conduction, ResistanceMatrixOfTwoTsvsOverACommonGround) {
  const auto generated = generate(bundle_stack(), {});
  ConductionSpec spec;
  spec.terminals = {
      conductor_terminal("a", {"die/pdn[0,0]"}, ConductorEnd::top, 0.0),
      conductor_terminal("b", {"die/pdn[1,1]"}, ConductorEnd::top, 0.0),
      conductor_terminal("ground", {"die/pdn[0,0]", "die/pdn[1,1]"}, ConductorEnd::bottom, 0.0)};
  spec.resistance_terminals = {"a", "b"};
  const ConductionResults results =
      solve_conduction(generated.mesh, test_materials(), spec, {}, world());
  const double r_tsv = 80 * kMicron / (kCopperSigma * area_um(10));
  ASSERT_EQ(results.resistance_ohm.size(), 4u);
  EXPECT_NEAR(results.resistance_ohm[0], r_tsv, 1e-6 * r_tsv);
  EXPECT_NEAR(results.resistance_ohm[3], r_tsv, 1e-6 * r_tsv);
  EXPECT_NEAR(results.resistance_ohm[1], 0.0, 1e-8 * r_tsv);
  EXPECT_NEAR(results.resistance_ohm[2], 0.0, 1e-8 * r_tsv);
  EXPECT_NEAR(results.conductance_S[0], 1 / r_tsv, 1e-6 / r_tsv);
  // Both tops current-driven (0.1 A and 0.3 A): each TSV drops its own I R.
  spec.terminals[0].drive = spec.terminals[1].drive = TerminalDrive::current;
  spec.terminals[0].current = 0.1;
  spec.terminals[1].current = 0.3;
  spec.resistance_terminals.clear();
  const ConductionResults driven =
      solve_conduction(generated.mesh, test_materials(), spec, {}, world());
  EXPECT_EQ(driven.solve_count, 4);  // 2 unit solves, the base, the final field
  EXPECT_NEAR(driven.terminals[0].voltage_V, 0.1 * r_tsv, 1e-6 * 0.1 * r_tsv);
  EXPECT_NEAR(driven.terminals[1].voltage_V, 0.3 * r_tsv, 1e-6 * 0.3 * r_tsv);
  EXPECT_NEAR(driven.terminals[2].current_A, -0.4, 1e-8);
  EXPECT_NEAR(driven.joule_power_W, (0.01 + 0.09) * r_tsv, 1e-6 * 0.1 * r_tsv);
}

// A memory-like stack on an interposer: base die and core die with 3 x 3 TSV
// arrays (8 um, roles with two P nets), joined by 20 um solder bumps wider than
// the TSVs (current spreading: no closed form). Silicon is made an insulator
// with the threshold. Rayleigh's monotonicity bounds each P net's resistance:
// a perfectly conducting bump gives exactly R_base + R_core (lower bound), a bump
// narrowed to the TSV's cross-section adds L_bump / (sigma_b A_tsv) (upper bound).
TEST(Conduction, PowerNetsOfAStackLieWithinRayleighBounds) {
  mesh::StackSpec stack;
  stack.footprint = square_um(240);
  mesh::LayerSpec base = layer("base_die", 60, "silicon", 6);
  base.tsv_arrays.push_back(tsv_array("data", 8, 0.5, 3, 3, 60, 60));
  base.tsv_arrays.back().roles = {"S", "G", "S", "P", "S", "P", "S", "G", "S"};
  mesh::LayerSpec bond = layer("bond", 20, "underfill", 4);
  bond.bump_arrays.push_back(bump_array("ubumps", 20, 3, 3, 60, 60, "solder"));
  mesh::LayerSpec core = layer("core_die", 50, "silicon", 5);
  core.tsv_arrays.push_back(tsv_array("data", 8, 0.5, 3, 3, 60, 60));
  core.tsv_arrays.back().roles = base.tsv_arrays.back().roles;
  stack.items = {layer("interposer", 40, "silicon", 3), base, bond, core,
                 layer("beol", 6, "sio2", 2)};
  const auto generated = generate(stack, {});
  ConductionSpec spec;
  spec.insulator_threshold = 100;  // S/m: silicon (10 S/m) does not take part
  TerminalSpec top = conductor_terminal("vdd", {"base_die/data"}, ConductorEnd::top, 0.0);
  top.kind = TerminalKind::net_end;
  top.role = "P";
  top.drive = TerminalDrive::current;
  top.current = 0.2;
  TerminalSpec bottom = conductor_terminal("vss", {"base_die/data"}, ConductorEnd::bottom, 0.0);
  bottom.kind = TerminalKind::net_end;
  bottom.role = "P";
  spec.terminals = {top, bottom};
  const ConductionResults results =
      solve_conduction(generated.mesh, test_materials(), spec, {}, world());
  const double a_tsv = area_um(8);
  const double lower = (60 + 50) * kMicron / (kCopperSigma * a_tsv);
  const double upper = lower + 20 * kMicron / (kSolderSigma * a_tsv);
  const double resistance = results.terminals[0].voltage_V / 0.2 * 2;  // one of two P nets
  if (is_root()) {
    std::printf("[ measured ] P net resistance %.6e ohm, Rayleigh bounds [%.6e, %.6e]\n",
                resistance, lower, upper);
  }
  EXPECT_GT(resistance, lower * (1 + 1e-3));
  EXPECT_LT(resistance, upper);
  EXPECT_NEAR(results.terminals[1].current_A, -0.2, 1e-8);
  EXPECT_NEAR(results.joule_power_W, results.terminal_power_W, 1e-6 * results.terminal_power_W);
  // The current enters only the P nets' cells.
  for (std::size_t c = 0; c < generated.mesh.cells.size(); ++c) {
    const int conductor = generated.mesh.cell_conductor[c];
    if (results.joule_heat_W_m3[c] > 0) {
      ASSERT_GE(conductor, 0);
      EXPECT_EQ(generated.mesh.conductors[static_cast<std::size_t>(conductor)].role, "P");
    }
  }
}

TEST(Conduction, BadTerminalsAreInputErrors) {
  const auto generated = generate(bundle_stack(), {});
  const MaterialLibrary materials = test_materials();
  ConductionSpec spec;
  spec.terminals = {conductor_terminal("a", {"die/nope[0,0]"}, ConductorEnd::top, 1.0)};
  try {
    solve_conduction(generated.mesh, materials, spec, {}, world());
    ADD_FAILURE() << "unknown conductor accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(
        std::string(error.what()),
        "case.yaml:3:5: electrical.terminals.a: unknown conductor 'die/nope[0,0]' (conductors "
        "are named '<layer>/<array>[i,j]', or '<layer>/<array>' for a whole array; e.g. "
        "'die/pdn[0,0]')");
  }
  // A surface terminal covering the TSV tops touches a TSV-top terminal.
  spec.terminals = {conductor_terminal("a", {"die/pdn[0,0]"}, ConductorEnd::top, 1.0),
                    surface_terminal("plane", "die.top", 0.0)};
  try {
    solve_conduction(generated.mesh, materials, spec, {}, world());
    ADD_FAILURE() << "touching terminals accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "case.yaml:3:5: electrical.terminals.plane: 'terminal plane' touches 'terminal a' "
              "(they share mesh nodes): they cannot be held at different potentials");
  }
  // A resistance matrix over both ends of a TSV has no reference terminal.
  spec.terminals = {conductor_terminal("a", {"die/pdn[0,0]"}, ConductorEnd::top, 0.0),
                    conductor_terminal("b", {"die/pdn[0,0]"}, ConductorEnd::bottom, 0.0)};
  spec.resistance_terminals = {"a", "b"};
  try {
    solve_conduction(generated.mesh, materials, spec, {}, world());
    ADD_FAILURE() << "a matrix without reference accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(
        std::string(error.what()),
        "case.yaml:3:5: electrical.terminals.a: terminal 'a': the resistance matrix needs a "
        "terminal outside the matrix (the reference, held at 0 V) in the conducting region of "
        "every matrix terminal");
  }
  spec.resistance_terminals.clear();
  // A current-driven TSV whose other end is not a voltage terminal floats.
  TerminalSpec floating = conductor_terminal("f", {"die/pdn[0,0]"}, ConductorEnd::top, 0.0);
  floating.drive = TerminalDrive::current;
  floating.current = 1.0;
  spec.terminals = {floating, conductor_terminal("g", {"die/pdn[1,1]"}, ConductorEnd::bottom, 0.0)};
  try {
    solve_conduction(generated.mesh, materials, spec, {}, world());
    ADD_FAILURE() << "floating current terminal accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "case.yaml:3:5: electrical.terminals.f: terminal 'f': its conductors reach no "
              "fixed-voltage terminal, so its potential is undetermined");
  }
}

}  // namespace
}  // namespace tsvfield::physics
