// The case reader on the electrical analyses (analyses.conduction, .electrostatic,
// .electrothermal): values in SI in the right fields, defaults filled, one
// ElectrostaticSpec per silicon treatment, SourceRefs at the right lines, and the
// cross-checks between sections. Expected values are the case text's quantities
// converted by hand. (Each kind of bad input also has a file in bad_cases/.)
#include <gtest/gtest.h>

#include <string>

#include "io/case_reader.hpp"
#include "tests/io/reader_test_support.hpp"

namespace tsvfield::io {
namespace {

constexpr double kTol = 1e-12;  // relative: unit conversions are one product

using testing::error_of;
using testing::read;

// Line 1..9: a die with a 2 x 2 TSV array (conductor names "die/tsv[i,j]").
const std::string kStack = R"(name: electrical
stack:
  footprint: {size: [200 um, 200 um]}
  layers:
    - name: die
      thickness: 100 um
      material: silicon
      tsv_arrays:
        - {name: tsv, diameter: 10 um, liner: 0.5 um, pitch: 50 um, count: [2, 2], origin: [75 um, 75 um], roles: [P, G, G, P]}
)";

TEST(ElectricalReader, NoElectricalAnalysesByDefault) {
  const Case c = read(kStack + "analyses:\n  thermal: {type: steady}\n");
  EXPECT_FALSE(c.conduction.has_value());
  EXPECT_TRUE(c.electrostatics.empty());
  EXPECT_FALSE(c.electrothermal.has_value());
}

TEST(ElectricalReader, ConductionTerminalsInSi) {
  const Case c = read(kStack + R"(analyses:
  conduction:
    temperature: 77 K
    insulator_threshold: 1 S/cm
    rtol: 1e-9
    terminals:
      - name: vdd
        conductors: [die/tsv]
        role: P
        end: top
        whole_net: true
        current: 250 mA
      - name: io
        conductors: ["die/tsv[1,0]", "die/tsv[0,1]"]
        end: bottom
        voltage: 500 mV
      - {name: gnd, surface: die.bottom, voltage: 0 V}
    resistance_matrix: [vdd, io]
)");
  ASSERT_TRUE(c.conduction.has_value());
  const physics::ConductionSpec& spec = *c.conduction;
  EXPECT_EQ(spec.temperature_mode, physics::ConductionTemperature::constant);
  EXPECT_NEAR(spec.temperature_K, 77, 77 * kTol);
  EXPECT_NEAR(spec.insulator_threshold, 100, 100 * kTol);  // 1 S/cm = 100 S/m
  EXPECT_NEAR(spec.relative_tolerance, 1e-9, 1e-9 * kTol);
  EXPECT_EQ(spec.source.line, 12);  // a map's position is its first key's
  EXPECT_EQ(spec.source.key_path, "analyses.conduction");
  ASSERT_EQ(spec.terminals.size(), 3u);

  const physics::TerminalSpec& vdd = spec.terminals[0];
  EXPECT_EQ(vdd.name, "vdd");
  EXPECT_EQ(vdd.kind, physics::TerminalKind::net_end);
  EXPECT_EQ(vdd.end, physics::ConductorEnd::top);
  EXPECT_EQ(vdd.conductors, std::vector<std::string>{"die/tsv"});
  EXPECT_EQ(vdd.role, "P");
  EXPECT_EQ(vdd.drive, physics::TerminalDrive::current);
  EXPECT_NEAR(vdd.current, 0.25, 0.25 * kTol);
  EXPECT_EQ(vdd.source.line, 16);
  EXPECT_EQ(vdd.source.key_path, "analyses.conduction.terminals[0]");

  const physics::TerminalSpec& io = spec.terminals[1];
  EXPECT_EQ(io.kind, physics::TerminalKind::conductor_end);  // whole_net defaults to false
  EXPECT_EQ(io.end, physics::ConductorEnd::bottom);
  EXPECT_EQ(io.conductors, (std::vector<std::string>{"die/tsv[1,0]", "die/tsv[0,1]"}));
  EXPECT_TRUE(io.role.empty());
  EXPECT_EQ(io.drive, physics::TerminalDrive::voltage);
  EXPECT_NEAR(io.voltage, 0.5, 0.5 * kTol);
  EXPECT_EQ(io.source.line, 22);

  const physics::TerminalSpec& gnd = spec.terminals[2];
  EXPECT_EQ(gnd.kind, physics::TerminalKind::surface);
  EXPECT_EQ(gnd.surface, "die.bottom");
  EXPECT_EQ(gnd.voltage, 0.0);
  EXPECT_EQ(gnd.source.line, 26);

  EXPECT_EQ(spec.resistance_terminals, (std::vector<std::string>{"vdd", "io"}));
}

TEST(ElectricalReader, ConductionDefaults) {
  const Case c = read(kStack + R"(analyses:
  conduction:
    terminals:
      - {name: a, conductors: "die/tsv[0,0]", voltage: 1 V}
      - {name: b, conductors: "die/tsv[0,0]", end: bottom, voltage: 0 V}
)");
  ASSERT_TRUE(c.conduction.has_value());
  const physics::ConductionSpec defaults;
  EXPECT_EQ(c.conduction->temperature_mode, physics::ConductionTemperature::constant);
  EXPECT_EQ(c.conduction->temperature_K, defaults.temperature_K);
  EXPECT_EQ(c.conduction->insulator_threshold, 0.0);
  EXPECT_EQ(c.conduction->relative_tolerance, defaults.relative_tolerance);
  EXPECT_TRUE(c.conduction->resistance_terminals.empty());
  // A single name (not a list) is one conductor; `end` defaults to top.
  EXPECT_EQ(c.conduction->terminals[0].conductors, std::vector<std::string>{"die/tsv[0,0]"});
  EXPECT_EQ(c.conduction->terminals[0].end, physics::ConductorEnd::top);
  EXPECT_EQ(c.conduction->terminals[0].kind, physics::TerminalKind::conductor_end);
}

TEST(ElectricalReader, OneElectrostaticSpecPerSiliconTreatment) {
  const Case c = read(kStack + R"(analyses:
  electrostatic:
    silicon: [grounded, dielectric]
    ground_surfaces: [top, die.bottom]
    temperature: 4 K
    rtol: 1e-8
    conductors:
      - {name: S, conductors: ["die/tsv[1,0]"]}
      - name: P
        conductors: [die/tsv]
        role: P
)");
  ASSERT_EQ(c.electrostatics.size(), 2u);
  EXPECT_EQ(c.electrostatics[0].silicon, physics::SiliconTreatment::grounded);
  EXPECT_EQ(c.electrostatics[1].silicon, physics::SiliconTreatment::dielectric);
  for (const auto& spec : c.electrostatics) {
    EXPECT_EQ(spec.ground_surfaces, (std::vector<std::string>{"top", "die.bottom"}));
    EXPECT_EQ(spec.semiconductors, std::vector<std::string>{"silicon"});
    EXPECT_NEAR(spec.temperature_K, 4, 4 * kTol);
    EXPECT_NEAR(spec.relative_tolerance, 1e-8, 1e-8 * kTol);
    EXPECT_EQ(spec.source.line, 12);
    ASSERT_EQ(spec.conductors.size(), 2u);
    EXPECT_EQ(spec.conductors[0].name, "S");
    EXPECT_EQ(spec.conductors[0].conductors, std::vector<std::string>{"die/tsv[1,0]"});
    EXPECT_EQ(spec.conductors[0].source.line, 17);
    EXPECT_EQ(spec.conductors[1].name, "P");
    EXPECT_EQ(spec.conductors[1].role, "P");
    EXPECT_EQ(spec.conductors[1].source.key_path, "analyses.electrostatic.conductors[1]");
  }
}

TEST(ElectricalReader, ElectrostaticDefaultsToDielectricSilicon) {
  const Case c = read(kStack + R"(analyses:
  electrostatic:
    conductors:
      - {name: S, conductors: ["die/tsv[1,1]"]}
)");
  ASSERT_EQ(c.electrostatics.size(), 1u);
  EXPECT_EQ(c.electrostatics[0].silicon, physics::SiliconTreatment::dielectric);
  EXPECT_TRUE(c.electrostatics[0].ground_surfaces.empty());
}

const std::string kCoupled = kStack + R"(analyses:
  thermal: {type: steady}
  conduction:
    temperature: coupled
    terminals:
      - {name: supply, conductors: [die/tsv], current: 4 A}
      - {name: gnd, conductors: [die/tsv], end: bottom, voltage: 0 V}
)";

TEST(ElectricalReader, ElectrothermalCoupling) {
  const Case c = read(kCoupled + "  electrothermal: {tolerance: 1e-5, max_iterations: 20}\n");
  ASSERT_TRUE(c.conduction.has_value());
  EXPECT_EQ(c.conduction->temperature_mode, physics::ConductionTemperature::coupled);
  ASSERT_TRUE(c.electrothermal.has_value());
  EXPECT_NEAR(c.electrothermal->tolerance, 1e-5, 1e-5 * kTol);
  EXPECT_EQ(c.electrothermal->max_iterations, 20);
  EXPECT_EQ(c.electrothermal->source.line, 17);
  EXPECT_EQ(c.electrothermal->source.key_path, "analyses.electrothermal");
}

TEST(ElectricalReader, EmptyElectrothermalTakesDefaults) {
  const Case c = read(kCoupled + "  electrothermal:\n");
  ASSERT_TRUE(c.electrothermal.has_value());
  const physics::CouplingSpec defaults;
  EXPECT_EQ(c.electrothermal->tolerance, defaults.tolerance);
  EXPECT_EQ(c.electrothermal->max_iterations, defaults.max_iterations);
}

TEST(ElectricalReader, CoupledNeedsElectrothermalAndSteadyThermal) {
  EXPECT_NE(error_of(kCoupled).find("test.yaml:13:18: analyses.conduction.temperature: 'coupled' "
                                    "needs analyses.electrothermal"),
            std::string::npos)
      << error_of(kCoupled);
  std::string transient = kCoupled;
  transient.replace(transient.find("{type: steady}"), 14,
                    "{type: transient, end_time: 1 s, time_step: 0.1 s}");
  EXPECT_NE(error_of(transient + "  electrothermal:\n")
                .find("'coupled' needs a steady thermal analysis, found a transient one"),
            std::string::npos);
}

TEST(ElectricalReader, ElectrothermalNeedsConduction) {
  const std::string text = kStack + "analyses:\n  thermal: {type: steady}\n  electrothermal:\n";
  EXPECT_NE(error_of(text).find("analyses.electrothermal: electro-thermal coupling needs a "
                                "conduction analysis"),
            std::string::npos)
      << error_of(text);
}

TEST(ElectricalReader, ConductorNamesCheckedAgainstTheStack) {
  const std::string head =
      kStack + "analyses:\n  electrostatic:\n    conductors:\n      - {name: S, conductors: ";
  EXPECT_NE(error_of(head + "[tsv]}\n")
                .find("expected '<layer>/<array>' or '<layer>/<array>[i,j]', found 'tsv'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[dei/tsv]}\n").find("unknown layer 'dei'; did you mean 'die'?"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[\"die/tsv[1]\"]}\n")
                .find("expected an index '[i,j]' after the array name, found '[1]'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[\"die/tsv[0,2]\"]}\n")
                .find("index [0,2] is outside 'die/tsv' (i < 2, j < 2)"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[]}\n").find("expected at least one conductor, found an empty list"),
            std::string::npos);
}

TEST(ElectricalReader, ResistanceMatrixNeedsAReference) {
  const std::string text = kStack + R"(analyses:
  conduction:
    terminals:
      - {name: a, conductors: [die/tsv], voltage: 1 V}
      - {name: b, conductors: [die/tsv], end: bottom, voltage: 0 V}
    resistance_matrix: [a, b]
)";
  EXPECT_NE(error_of(text).find("test.yaml:15:24: analyses.conduction.resistance_matrix: every "
                                "terminal is in the matrix"),
            std::string::npos)
      << error_of(text);
}

}  // namespace
}  // namespace tsvfield::io
