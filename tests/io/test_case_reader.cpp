// The case reader on good case files: values land in SI in the right fields,
// defaults are filled, repeats and power-layer patterns expand, SourceRefs point
// at the right lines. Expected values are the case text's quantities converted by
// hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/case_reader.hpp"
#include "physics/material_data.hpp"
#include "tests/io/reader_test_support.hpp"

namespace tsvfield::io {
namespace {

constexpr double kTol = 1e-12;  // relative: unit conversions are one or two products

const mesh::LayerSpec& layer_at(const Case& c, std::size_t item) {
  return std::get<mesh::LayerSpec>(c.stack.items.at(item));
}

using testing::error_of;
using testing::read;

const std::string kMinimal = R"(name: minimal
stack:
  footprint: {size: [2 mm, 1 mm]}
  layers:
    - name: die
      thickness: 100 um
      material: silicon
)";

TEST(CaseReader, MinimalCaseGetsDefaults) {
  const Case c = read(kMinimal);
  EXPECT_EQ(c.file, "test.yaml");
  EXPECT_EQ(c.name, "minimal");
  EXPECT_EQ(c.description, "");
  EXPECT_DOUBLE_EQ(c.stack.footprint.x0, 0);
  EXPECT_NEAR(c.stack.footprint.x1, 2e-3, 2e-3 * kTol);
  EXPECT_NEAR(c.stack.footprint.y1, 1e-3, 1e-3 * kTol);
  ASSERT_EQ(c.stack.items.size(), 1u);
  const auto& die = layer_at(c, 0);
  EXPECT_EQ(die.name, "die");
  EXPECT_EQ(die.kind, mesh::LayerKind::generic);
  EXPECT_NEAR(die.thickness, 100e-6, 100e-6 * kTol);
  EXPECT_EQ(die.material, "silicon");
  EXPECT_FALSE(die.outline.has_value());
  EXPECT_EQ(die.fill_material, "");
  EXPECT_EQ(die.z_subdivisions, 0);
  // Mesh controls, output, analysis: the struct defaults.
  EXPECT_EQ(c.mesh.circle_segments, 16);
  EXPECT_DOUBLE_EQ(c.mesh.growth, 1.3);
  EXPECT_EQ(c.output.directory, "results");
  EXPECT_TRUE(c.output.vtk);
  EXPECT_TRUE(c.output.report);
  EXPECT_EQ(c.thermal.analysis.type, physics::ThermalAnalysisType::none);
  EXPECT_TRUE(c.thermal.power.empty());
  EXPECT_TRUE(c.thermal.boundaries.empty());
  EXPECT_TRUE(c.petsc_options.empty());
  // The built-in materials are all there.
  for (const char* name : {"silicon", "copper", "tungsten", "sio2", "si3n4", "sac305", "indium",
                           "underfill", "mold_compound", "tim", "aluminium", "air"})
    EXPECT_NE(c.materials.find(name), nullptr) << name;
}

TEST(CaseReader, SourceRefsPointAtTheLayer) {
  const Case c = read(kMinimal);
  const auto& source = layer_at(c, 0).source;
  EXPECT_EQ(source.file, "test.yaml");
  EXPECT_EQ(source.line, 5);    // "    - name: die"
  EXPECT_EQ(source.column, 7);  // the map starts at "name"
  EXPECT_EQ(source.key_path, "stack.layers[0]");
}

TEST(CaseReader, LayerFieldsInSi) {
  const Case c = read(R"(name: full_layer
description: one layer with everything
stack:
  footprint: {origin: [-1 mm, -2 mm], size: [20 mm, 16 mm]}
  layers:
    - name: interposer
      kind: interposer
      thickness: 0.1 mm
      material: silicon
      outline: {origin: [1 mm, 1 mm], size: [18 mm, 14 mm]}
      fill: mold_compound
      z_subdivisions: 4
      tsv_arrays:
        - name: io
          diameter: 10 um
          liner: 0.5 um
          liner_material: si3n4
          fill: tungsten
          pitch: [100 um, 50 um]
          count: [3, 2]
          pattern: staggered
          origin: [0.5 mm, 0.25 mm]
          roles: [G, S, G, P, S, P]
        - name: single
          diameter: 5 um
          origin: [2 mm, 2 mm]
      bump_arrays:
        - name: c4
          diameter: 80 um
          pitch: 150 um
          count: 10
          origin: [1 mm, 1 mm]
      blocks:
        - name: core0
          origin: [1 mm, 2 mm]
          size: [2 mm, 3 mm]
)");
  EXPECT_EQ(c.description, "one layer with everything");
  EXPECT_NEAR(c.stack.footprint.x0, -1e-3, 1e-3 * kTol);
  EXPECT_NEAR(c.stack.footprint.x1, 19e-3, 19e-3 * kTol);
  EXPECT_NEAR(c.stack.footprint.y1, 14e-3, 14e-3 * kTol);
  const auto& layer = layer_at(c, 0);
  EXPECT_EQ(layer.kind, mesh::LayerKind::interposer);
  EXPECT_NEAR(layer.thickness, 1e-4, 1e-4 * kTol);
  ASSERT_TRUE(layer.outline.has_value());
  EXPECT_NEAR(layer.outline->x0, 1e-3, 1e-3 * kTol);
  EXPECT_NEAR(layer.outline->x1, 19e-3, 19e-3 * kTol);
  EXPECT_NEAR(layer.outline->y1, 15e-3, 15e-3 * kTol);
  EXPECT_EQ(layer.fill_material, "mold_compound");
  EXPECT_EQ(layer.z_subdivisions, 4);

  ASSERT_EQ(layer.tsv_arrays.size(), 2u);
  const auto& io = layer.tsv_arrays[0];
  EXPECT_EQ(io.name, "io");
  EXPECT_NEAR(io.diameter, 10e-6, 10e-6 * kTol);
  EXPECT_NEAR(io.liner_thickness, 0.5e-6, 0.5e-6 * kTol);
  EXPECT_EQ(io.liner_material, "si3n4");
  EXPECT_EQ(io.fill_material, "tungsten");
  EXPECT_NEAR(io.layout.pitch_x, 100e-6, 100e-6 * kTol);
  EXPECT_NEAR(io.layout.pitch_y, 50e-6, 50e-6 * kTol);
  EXPECT_EQ(io.layout.count_x, 3);
  EXPECT_EQ(io.layout.count_y, 2);
  EXPECT_EQ(io.layout.pattern, mesh::ArrayPattern::staggered);
  EXPECT_NEAR(io.layout.origin_x, 0.5e-3, 0.5e-3 * kTol);
  EXPECT_NEAR(io.layout.origin_y, 0.25e-3, 0.25e-3 * kTol);
  EXPECT_EQ(io.roles, (std::vector<std::string>{"G", "S", "G", "P", "S", "P"}));
  EXPECT_EQ(io.source.key_path, "stack.layers[0].tsv_arrays[0]");
  EXPECT_EQ(io.source.line, 14);
  // Defaults of a TSV array.
  const auto& single = layer.tsv_arrays[1];
  EXPECT_EQ(single.liner_thickness, 0);
  EXPECT_EQ(single.liner_material, "sio2");
  EXPECT_EQ(single.fill_material, "copper");
  EXPECT_EQ(single.layout.count_x, 1);
  EXPECT_EQ(single.layout.count_y, 1);
  EXPECT_EQ(single.layout.pattern, mesh::ArrayPattern::rectangular);
  EXPECT_TRUE(single.roles.empty());

  ASSERT_EQ(layer.bump_arrays.size(), 1u);
  const auto& c4 = layer.bump_arrays[0];
  EXPECT_EQ(c4.material, "sac305");
  EXPECT_NEAR(c4.diameter, 80e-6, 80e-6 * kTol);
  // A single pitch and a single count: [p, p] and [n, 1].
  EXPECT_NEAR(c4.layout.pitch_x, 150e-6, 150e-6 * kTol);
  EXPECT_NEAR(c4.layout.pitch_y, 150e-6, 150e-6 * kTol);
  EXPECT_EQ(c4.layout.count_x, 10);
  EXPECT_EQ(c4.layout.count_y, 1);

  ASSERT_EQ(layer.blocks.size(), 1u);
  const auto& block = layer.blocks[0].rect;
  EXPECT_NEAR(block.x0, 1e-3, 1e-3 * kTol);
  EXPECT_NEAR(block.y0, 2e-3, 2e-3 * kTol);
  EXPECT_NEAR(block.x1, 3e-3, 3e-3 * kTol);
  EXPECT_NEAR(block.y1, 5e-3, 5e-3 * kTol);
}

// An HBM-like stack: a repeat inside a column of a side_by_side group.
const std::string kHbm = R"(name: hbm
stack:
  footprint: {size: [20 mm, 16 mm]}
  layers:
    - name: interposer
      thickness: 100 um
      material: silicon
    - side_by_side:
        fill: mold_compound
        columns:
          - name: hbm
            outline: {origin: [2 mm, 2 mm], size: [8 mm, 12 mm]}
            layers:
              - name: base_die
                kind: die
                thickness: 60 um
                material: silicon
              - repeat: 3
                layers:
                  - name: bond
                    kind: bond
                    thickness: 20 um
                    material: underfill
                  - name: core_die
                    kind: die
                    thickness: 50 um
                    material: silicon
                    tsv_arrays:
                      - name: tsv
                        diameter: 5 um
                        pitch: 40 um
                        count: [2, 2]
                        origin: [1 mm, 1 mm]
                        extends_through: [beol]
                  - name: beol
                    kind: beol
                    thickness: 5 um
                    material: silicon
          - name: logic
            outline: {origin: [11 mm, 2 mm], size: [8 mm, 11 mm]}
            layers:
              - name: logic_die
                kind: die
                thickness: 150 um
                material: silicon
                blocks:
                  - {name: core0, origin: [1 mm, 1 mm], size: [2 mm, 3 mm]}
    - name: tim
      kind: tim
      thickness: 50 um
      material: tim
    - name: lid
      kind: lid
      thickness: 1 mm
      material: copper
)";

TEST(CaseReader, RepeatsExpandBottomUpWithOneBasedSuffixes) {
  const Case c = read(kHbm);
  ASSERT_EQ(c.stack.items.size(), 4u);
  const auto& group = std::get<mesh::SideBySideSpec>(c.stack.items[1]);
  EXPECT_EQ(group.fill_material, "mold_compound");
  ASSERT_EQ(group.columns.size(), 2u);
  const auto& hbm = group.columns[0];
  EXPECT_EQ(hbm.name, "hbm");
  EXPECT_NEAR(hbm.outline.x1, 10e-3, 10e-3 * kTol);
  std::vector<std::string> names;
  for (const auto& layer : hbm.layers) names.push_back(layer.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"base_die", "bond_1", "core_die_1", "beol_1", "bond_2",
                                      "core_die_2", "beol_2", "bond_3", "core_die_3", "beol_3"}));
  // Copies keep the template's values and point at the template's line.
  EXPECT_NEAR(hbm.layers[4].thickness, 20e-6, 20e-6 * kTol);
  EXPECT_EQ(hbm.layers[4].kind, mesh::LayerKind::bond);
  EXPECT_EQ(hbm.layers[4].source.line, hbm.layers[1].source.line);
  EXPECT_EQ(hbm.layers[4].source.key_path,
            "stack.layers[1].side_by_side.columns[0].layers[1].layers[0]");
  // A TSV extending into a layer of its own group follows that layer's copy.
  EXPECT_EQ(hbm.layers[5].tsv_arrays.at(0).extends_through, (std::vector<std::string>{"beol_2"}));
}

// Nested repeats: the inner suffix first, then the outer one; names outside the
// group in extends_through are kept.
TEST(CaseReader, NestedRepeatsAndExtendsThroughOutsideTheGroup) {
  const Case c = read(R"(name: nested
stack:
  footprint: {size: [1 mm, 1 mm]}
  layers:
    - repeat: 2
      layers:
        - repeat: 2
          layers:
            - name: die
              thickness: 10 um
              material: silicon
              tsv_arrays:
                - {name: t, diameter: 2 um, origin: [0.5 mm, 0.5 mm], extends_through: [cap]}
            - {name: cap, thickness: 1 um, material: sio2}
        - {name: spacer, thickness: 5 um, material: silicon}
    - name: top
      thickness: 10 um
      material: silicon
      tsv_arrays:
        - {name: t, diameter: 2 um, origin: [0.5 mm, 0.5 mm], extends_through: [lid]}
    - {name: lid, thickness: 100 um, material: copper}
)");
  EXPECT_EQ(
      layer_names_in_order(c.stack),
      (std::vector<std::string>{"die_1_1", "cap_1_1", "die_2_1", "cap_2_1", "spacer_1", "die_1_2",
                                "cap_1_2", "die_2_2", "cap_2_2", "spacer_2", "top", "lid"}));
  EXPECT_EQ(layer_at(c, 7).tsv_arrays.at(0).extends_through, (std::vector<std::string>{"cap_2_2"}));
  EXPECT_EQ(layer_at(c, 10).tsv_arrays.at(0).extends_through, (std::vector<std::string>{"lid"}));
}

TEST(CaseReader, LayerNamesInOrder) {
  const Case c = read(kHbm);
  EXPECT_EQ(layer_names_in_order(c.stack),
            (std::vector<std::string>{"interposer", "base_die", "bond_1", "core_die_1", "beol_1",
                                      "bond_2", "core_die_2", "beol_2", "bond_3", "core_die_3",
                                      "beol_3", "logic_die", "tim", "lid"}));
}

TEST(CaseReader, PowerPatternsExpandToEachMatchingLayer) {
  const Case c = read(kHbm + R"(
power:
  - layer: "core_die_*"
    power: 500 mW
  - layer: logic_die
    block: core0
    power: 10 W
    distribution: top_surface
)");
  const auto& power = c.thermal.power;
  ASSERT_EQ(power.size(), 4u);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(power[k].layer, "core_die_" + std::to_string(k + 1));
    EXPECT_NEAR(power[k].power, 0.5, 0.5 * kTol);  // each matching layer gets the full power
    EXPECT_EQ(power[k].distribution, physics::PowerDistribution::volume);
    EXPECT_EQ(power[k].block, "");
    EXPECT_EQ(power[k].source.key_path, "power[0]");
  }
  EXPECT_EQ(power[3].layer, "logic_die");
  EXPECT_EQ(power[3].block, "core0");
  EXPECT_DOUBLE_EQ(power[3].power, 10);
  EXPECT_EQ(power[3].distribution, physics::PowerDistribution::top_surface);
}

TEST(CaseReader, BoundariesInKelvinAndSi) {
  const Case c = read(kHbm + R"(
boundary_conditions:
  top: {type: convection, h: 2e4 W/(m^2*K), ambient: 45 degC}
  bottom: {type: temperature, temperature: 85 degC}
  sides: {type: adiabatic}
  interposer.bottom: {type: heat_flux, flux: 1 W/cm^2}
)");
  const auto& b = c.thermal.boundaries;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].surface, "top");
  EXPECT_EQ(b[0].kind, physics::BoundaryKind::convection);
  EXPECT_NEAR(b[0].heat_transfer_coeff, 2e4, 2e4 * kTol);
  EXPECT_NEAR(b[0].ambient_K, 318.15, 318.15 * kTol);
  EXPECT_EQ(b[1].kind, physics::BoundaryKind::temperature);
  EXPECT_NEAR(b[1].temperature_K, 358.15, 358.15 * kTol);
  EXPECT_EQ(b[2].kind, physics::BoundaryKind::adiabatic);
  EXPECT_EQ(b[3].surface, "interposer.bottom");
  EXPECT_EQ(b[3].kind, physics::BoundaryKind::heat_flux);
  EXPECT_NEAR(b[3].heat_flux, 1e4, 1e4 * kTol);
  EXPECT_EQ(b[3].source.key_path, "boundary_conditions.interposer.bottom");
}

TEST(CaseReader, InterfacesBetweenTouchingLayers) {
  // Consecutive layers, the layer below a group and a column's bottom layer, the top
  // layer of the tallest column (hbm: 60 + 3 * 75 = 285 um > 150 um) and the layer above.
  const Case c = read(kHbm + R"(
interface_resistances:
  - {lower: tim, upper: lid, resistance: 5e-6 m^2*K/W}
  - {lower: interposer, upper: base_die, resistance: 10 K*mm^2/W}
  - {lower: interposer, upper: logic_die, resistance: 10 K*mm^2/W}
  - {lower: bond_2, upper: core_die_2, resistance: 1e-6}
  - {lower: beol_3, upper: tim, resistance: 1e-6}
)");
  const auto& interfaces = c.thermal.interfaces;
  ASSERT_EQ(interfaces.size(), 5u);
  EXPECT_EQ(interfaces[0].lower_layer, "tim");
  EXPECT_EQ(interfaces[0].upper_layer, "lid");
  EXPECT_NEAR(interfaces[0].resistance, 5e-6, 5e-6 * kTol);
  EXPECT_NEAR(interfaces[1].resistance, 1e-5, 1e-5 * kTol);
  // The shorter column's top does not touch the layer above the group.
  const std::string message = error_of(kHbm + R"(
interface_resistances:
  - {lower: logic_die, upper: tim, resistance: 1e-6}
)");
  EXPECT_NE(message.find("layer 'tim' is not directly above 'logic_die' (directly above it: "
                         "nothing)"),
            std::string::npos)
      << message;
}

TEST(CaseReader, UserMaterials) {
  const Case c = read(R"(name: materials
materials:
  my_tim:
    based_on: tim
    description: graphite TIM
    conductivity: 25 W/(m*K)
  aniso:
    conductivity: [100 W/(m*K), 100 W/(m*K), 2 W/(m*K)]
    heat_capacity: 1.6e6 J/(m^3*K)
    resistivity: 10 ohm*cm
    relative_permittivity: 3.9
  cryo_si:
    conductivity: {table: [[4 K, 200 W/(m*K)], [77 K, 1500 W/(m*K)], [300 K, 150 W/(m*K)]]}
    electrical_conductivity: 0 S/m
  copper_cryo:
    based_on: copper
    rrr: 100
stack:
  footprint: {size: [1 mm, 1 mm]}
  layers:
    - {name: a, thickness: 10 um, material: my_tim}
    - {name: b, thickness: 10 um, material: aniso}
    - {name: c, thickness: 10 um, material: cryo_si}
    - {name: d, thickness: 10 um, material: copper_cryo}
)");
  const physics::Material& my_tim = c.materials.at("my_tim");
  const physics::Material& tim = c.materials.at("tim");
  EXPECT_EQ(my_tim.description, "graphite TIM");
  EXPECT_DOUBLE_EQ(my_tim.conductivity[2](300), 25);
  // Properties not overridden come from the base.
  EXPECT_EQ(my_tim.relative_permittivity, tim.relative_permittivity);
  EXPECT_EQ(my_tim.heat_capacity.is_defined(), tim.heat_capacity.is_defined());

  const physics::Material& aniso = c.materials.at("aniso");
  EXPECT_DOUBLE_EQ(aniso.conductivity[0](300), 100);
  EXPECT_DOUBLE_EQ(aniso.conductivity[2](300), 2);
  EXPECT_DOUBLE_EQ(aniso.heat_capacity(300), 1.6e6);
  EXPECT_NEAR(aniso.electrical_conductivity(300), 10.0, 10.0 * kTol);  // 1 / (0.1 ohm*m)
  EXPECT_DOUBLE_EQ(aniso.relative_permittivity, 3.9);

  const physics::Material& cryo = c.materials.at("cryo_si");
  EXPECT_FALSE(cryo.conductivity[0].is_constant());
  EXPECT_EQ(cryo.conductivity[0].table_temperatures(), (std::vector<double>{4, 77, 300}));
  EXPECT_EQ(cryo.conductivity[1].table_values(), (std::vector<double>{200, 1500, 150}));
  EXPECT_DOUBLE_EQ(cryo.electrical_conductivity(300), 0);

  // rrr selects copper with that residual resistivity ratio.
  const physics::Material& cryo_cu = c.materials.at("copper_cryo");
  const physics::Material reference = physics::copper(100);
  EXPECT_DOUBLE_EQ(cryo_cu.electrical_conductivity(4), reference.electrical_conductivity(4));
  EXPECT_DOUBLE_EQ(cryo_cu.conductivity[0](4), reference.conductivity[0](4));
  EXPECT_EQ(cryo_cu.name, "copper_cryo");
  EXPECT_NE(cryo_cu.electrical_conductivity(4),
            c.materials.at("copper").electrical_conductivity(4));
}

TEST(CaseReader, MeshControlsAndAnalyses) {
  const Case c = read(kMinimal + R"(
mesh:
  circle_segments: 24
  max_size: 200 um
  growth: 1.2
  liner_layers: 2
  conductor_rings: 3
  outer_rings: 4
  max_z_size: 20 um
analyses:
  thermal:
    type: transient
    nonlinear: true
    reference_temperature: 4 K
    rtol: 1e-10
    initial_temperature: 45 degC
    end_time: 10 ms
    time_step: 100 us
    scheme: backward_euler
    adaptive: yes
    output_every: 10
output:
  directory: out/run1
  vtk: false
  csv: true
  report: false
)");
  EXPECT_EQ(c.mesh.circle_segments, 24);
  EXPECT_NEAR(c.mesh.max_size, 2e-4, 2e-4 * kTol);
  EXPECT_DOUBLE_EQ(c.mesh.growth, 1.2);
  EXPECT_EQ(c.mesh.liner_layers, 2);
  EXPECT_EQ(c.mesh.conductor_rings, 3);
  EXPECT_EQ(c.mesh.outer_rings, 4);
  EXPECT_NEAR(c.mesh.max_z_size, 2e-5, 2e-5 * kTol);
  const auto& a = c.thermal.analysis;
  EXPECT_EQ(a.type, physics::ThermalAnalysisType::transient);
  EXPECT_EQ(a.nonlinear, physics::ThermalAnalysis::Nonlinear::on);
  EXPECT_DOUBLE_EQ(a.reference_temperature_K, 4);
  EXPECT_DOUBLE_EQ(a.relative_tolerance, 1e-10);
  EXPECT_NEAR(a.initial_temperature_K, 318.15, 318.15 * kTol);
  EXPECT_NEAR(a.end_time, 1e-2, 1e-2 * kTol);
  EXPECT_NEAR(a.time_step, 1e-4, 1e-4 * kTol);
  EXPECT_EQ(a.scheme, physics::TimeScheme::backward_euler);
  EXPECT_TRUE(a.adaptive);
  EXPECT_EQ(a.output_every, 10);
  EXPECT_EQ(a.source.key_path, "analyses.thermal");
  EXPECT_EQ(c.output.directory, "out/run1");
  EXPECT_FALSE(c.output.vtk);
  EXPECT_FALSE(c.output.report);
}

TEST(CaseReader, SteadyAnalysisDefaults) {
  const Case c = read(kMinimal + "analyses:\n  thermal: {nonlinear: auto}\n");
  EXPECT_EQ(c.thermal.analysis.type, physics::ThermalAnalysisType::steady);
  EXPECT_EQ(c.thermal.analysis.nonlinear, physics::ThermalAnalysis::Nonlinear::automatic);
  EXPECT_DOUBLE_EQ(c.thermal.analysis.reference_temperature_K, 300);
}

TEST(CaseReader, PetscOptionsSplitIntoWords) {
  EXPECT_EQ(read(kMinimal + "petsc_options: \"-ksp_rtol 1e-10  -pc_type hypre\"\n").petsc_options,
            (std::vector<std::string>{"-ksp_rtol", "1e-10", "-pc_type", "hypre"}));
  EXPECT_EQ(read(kMinimal + "petsc_options: [-ksp_monitor, \"-ksp_rtol 1e-10\"]\n").petsc_options,
            (std::vector<std::string>{"-ksp_monitor", "-ksp_rtol", "1e-10"}));
}

// Trace and map files are resolved against the case file's folder.
TEST(CaseReader, TraceAndMapFilesResolvedAgainstCaseFolder) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("tsvfield_reader_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder / "traces");
  std::ofstream(folder / "traces" / "burst.csv") << "0,1\n1,2\n";
  std::ofstream(folder / "map.csv") << "1,1\n1,1\n";
  std::ofstream(folder / "case.yaml") << kMinimal << R"(
power:
  - layer: die
    power: 2 W
    trace: traces/burst.csv
    trace_is_scale: true
  - layer: die
    power: 1 W
    map: map.csv
)";
  const Case c = read_case_file((folder / "case.yaml").string());
  std::filesystem::remove_all(folder);
  ASSERT_EQ(c.thermal.power.size(), 2u);
  EXPECT_EQ(c.thermal.power[0].trace_file, (folder / "traces" / "burst.csv").string());
  EXPECT_TRUE(c.thermal.power[0].trace_is_scale);
  EXPECT_EQ(c.thermal.power[1].map_file, (folder / "map.csv").string());
  EXPECT_EQ(c.file, (folder / "case.yaml").string());
}

TEST(CaseReader, MissingFileIsAnInputError) {
  EXPECT_THROW(read_case_file("/nonexistent/tsvfield/case.yaml"), InputError);
  EXPECT_THROW(read_case_file(std::filesystem::temp_directory_path().string()), InputError);
}

TEST(CaseReader, ErrorsCarryLineColumnAndKeyPath) {
  const std::string message = error_of(R"(name: bad
stack:
  footprint: {size: [2 mm, 1 mm]}
  layers:
    - name: die
      thickness: 5 W
      material: silicon
)");
  EXPECT_EQ(message,
            "test.yaml:6:18: stack.layers[0].thickness: expected a length (nm, um, mm, cm, m), "
            "found '5 W' (a power)");
}

}  // namespace
}  // namespace tsvfield::io
