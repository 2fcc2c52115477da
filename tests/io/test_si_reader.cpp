// The case reader on analyses.signal_integrity: values in SI in the right fields,
// defaults as documented in physics/si_spec.hpp, SourceRefs at the right lines,
// and the checks that need no geometry. Expected values are the case text's
// quantities converted by hand. (Each kind of bad input also has a file in
// bad_cases/, run through the reader and the command line.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/case_json.hpp"
#include "io/case_reader.hpp"
#include "tests/io/reader_test_support.hpp"

namespace tsvfield::io {
namespace {

constexpr double kTol = 1e-12;  // relative: unit conversions are one product

using testing::error_of;
using testing::read;

// Lines 1..17: a G-S-G row of TSVs through oxide, silicon and PMD (the array is
// listed by the oxide layer) and a bump layer below.
const std::string kStack = R"(name: si
stack:
  footprint: {size: [300 um, 200 um]}
  layers:
    - name: bumps
      thickness: 20 um
      material: underfill
      bump_arrays:
        - {name: c4, diameter: 15 um, material: copper, pitch: 50 um, count: [3, 1], origin: [100 um, 100 um]}
    - name: oxide
      thickness: 1 um
      material: sio2
      tsv_arrays:
        - {name: gsg, diameter: 10 um, liner: 0.5 um, pitch: 50 um, count: [3, 1], origin: [100 um, 100 um], extends_through: [silicon_die], roles: [G, S, G]}
    - {name: silicon_die, thickness: 100 um, material: silicon}
    - {name: beol, thickness: 6 um, material: sio2}
analyses:
)";
constexpr int kAnalysesLine = 17;

TEST(SiReader, NoSignalIntegrityByDefault) {
  const Case c = read(kStack + "  thermal: {type: steady}\n");
  EXPECT_FALSE(c.signal_integrity.has_value());
}

TEST(SiReader, EveryKeyInSi) {
  const Case c = read(kStack + R"(  signal_integrity:
    layers: [oxide, silicon_die]
    arrays: ["oxide/gsg", bumps/c4]
    signal_roles: [S, D]
    return_roles: [G, P]
    frequencies: {start: 10 MHz, stop: 40 GHz, points: 100, spacing: log}
    reference_impedance: 75 ohm
    report_frequencies: [10 GHz, 40 GHz, 2.5e3 MHz]
    temperature: 77 K
    semiconductors: [silicon, sio2]
    metal_threshold: 1e3 S/cm
    depletion_thickness: 0.2 um
    circle_segments: 48
    skin_depth_fraction: 0.25
    end_corrections: true
    spice: {segments: 12, max_frequency: 20 GHz}
    touchstone_name: gsg_line.v2
)");
  ASSERT_TRUE(c.signal_integrity.has_value());
  const physics::SignalIntegritySpec& spec = *c.signal_integrity;
  EXPECT_EQ(spec.source.line, kAnalysesLine + 2);  // a map's position is its first key's
  EXPECT_EQ(spec.source.key_path, "analyses.signal_integrity");
  EXPECT_EQ(spec.layers, (std::vector<std::string>{"oxide", "silicon_die"}));
  EXPECT_EQ(spec.arrays, (std::vector<std::string>{"oxide/gsg", "bumps/c4"}));
  EXPECT_EQ(spec.signal_roles, (std::vector<std::string>{"S", "D"}));
  EXPECT_EQ(spec.return_roles, (std::vector<std::string>{"G", "P"}));
  EXPECT_NEAR(spec.sweep.start_Hz, 1e7, 1e7 * kTol);
  EXPECT_NEAR(spec.sweep.stop_Hz, 4e10, 4e10 * kTol);
  EXPECT_EQ(spec.sweep.points, 100);
  EXPECT_EQ(spec.sweep.spacing, physics::FrequencySpacing::log);
  EXPECT_EQ(spec.sweep.source.line, kAnalysesLine + 6);
  EXPECT_EQ(spec.sweep.source.key_path, "analyses.signal_integrity.frequencies");
  EXPECT_NEAR(spec.reference_impedance_ohm, 75, 75 * kTol);
  ASSERT_EQ(spec.report_frequencies_Hz.size(), 3u);
  EXPECT_NEAR(spec.report_frequencies_Hz[0], 1e10, 1e10 * kTol);
  EXPECT_NEAR(spec.report_frequencies_Hz[1], 4e10, 4e10 * kTol);
  EXPECT_NEAR(spec.report_frequencies_Hz[2], 2.5e9, 2.5e9 * kTol);  // order kept
  EXPECT_NEAR(spec.temperature_K, 77, 77 * kTol);
  EXPECT_EQ(spec.semiconductors, (std::vector<std::string>{"silicon", "sio2"}));
  EXPECT_NEAR(spec.metal_threshold, 1e5, 1e5 * kTol);  // 1e3 S/cm
  EXPECT_NEAR(spec.depletion_thickness, 0.2e-6, 0.2e-6 * kTol);
  EXPECT_EQ(spec.circle_segments, 48);
  EXPECT_NEAR(spec.skin_depth_fraction, 0.25, 0.25 * kTol);
  EXPECT_TRUE(spec.end_corrections);
  EXPECT_EQ(spec.spice.segments, 12);
  EXPECT_NEAR(spec.spice.max_frequency_Hz, 2e10, 2e10 * kTol);
  EXPECT_EQ(spec.spice.source.line, kAnalysesLine + 16);
  EXPECT_EQ(spec.spice.source.key_path, "analyses.signal_integrity.spice");
  EXPECT_EQ(spec.touchstone_name, "gsg_line.v2");
}

TEST(SiReader, DefaultsAreTheSpecDefaults) {
  const Case c = read(kStack + R"(  signal_integrity:
    frequencies: {start: 0 Hz, stop: 1 GHz, points: 11, spacing: linear}
)");
  ASSERT_TRUE(c.signal_integrity.has_value());
  const physics::SignalIntegritySpec& spec = *c.signal_integrity;
  const physics::SignalIntegritySpec defaults;
  EXPECT_TRUE(spec.layers.empty());
  EXPECT_TRUE(spec.arrays.empty());
  EXPECT_EQ(spec.signal_roles, std::vector<std::string>{"S"});
  EXPECT_EQ(spec.return_roles, std::vector<std::string>{"G"});
  EXPECT_EQ(spec.sweep.start_Hz, 0.0);  // DC is allowed with linear spacing
  EXPECT_EQ(spec.sweep.spacing, physics::FrequencySpacing::linear);
  EXPECT_EQ(spec.reference_impedance_ohm, 50.0);
  EXPECT_TRUE(spec.report_frequencies_Hz.empty());
  EXPECT_EQ(spec.temperature_K, defaults.temperature_K);
  EXPECT_EQ(spec.semiconductors, std::vector<std::string>{"silicon"});
  EXPECT_EQ(spec.metal_threshold, 1e5);
  EXPECT_EQ(spec.depletion_thickness, 0.0);
  EXPECT_EQ(spec.circle_segments, 0);
  EXPECT_EQ(spec.skin_depth_fraction, 0.5);
  EXPECT_FALSE(spec.end_corrections);
  EXPECT_EQ(spec.spice.segments, 0);
  EXPECT_EQ(spec.spice.max_frequency_Hz, 0.0);
  EXPECT_EQ(spec.spice.source.line, spec.source.line);  // absent: points at the analysis
  EXPECT_TRUE(spec.touchstone_name.empty());
}

TEST(SiReader, SpacingDefaultsToLogAndEmptyListsAreAllowed) {
  const Case c = read(kStack + R"(  signal_integrity:
    frequencies: {start: 1 MHz, stop: 1 GHz, points: 1}
    return_roles: []
    semiconductors: []
    report_frequencies: [1 MHz]
)");
  ASSERT_TRUE(c.signal_integrity.has_value());
  EXPECT_EQ(c.signal_integrity->sweep.spacing, physics::FrequencySpacing::log);
  EXPECT_TRUE(c.signal_integrity->return_roles.empty());  // the outer boundary returns
  EXPECT_TRUE(c.signal_integrity->semiconductors.empty());
}

TEST(SiReader, ResolvedCaseEchoesTheSpecInSi) {
  const Case c = read(kStack + R"(  signal_integrity:
    layers: [oxide, silicon_die]
    frequencies: {start: 10 MHz, stop: 40 GHz, points: 5}
    report_frequencies: [10 GHz]
    spice: {segments: 8}
)");
  const std::string text = resolved_case_json(c).dump(0);
  EXPECT_NE(text.find("\"signal_integrity\":{\"layers\":[\"oxide\",\"silicon_die\"],"
                      "\"arrays\":[],\"signal_roles\":[\"S\"],\"return_roles\":[\"G\"],"
                      "\"frequencies\":{\"start_Hz\":1e+07,\"stop_Hz\":4e+10,\"points\":5,"
                      "\"spacing\":\"log\"},\"reference_impedance_ohm\":50.0,"
                      "\"report_frequencies_Hz\":[1e+10],\"temperature_K\":300.0,"
                      "\"semiconductors\":[\"silicon\"],\"metal_threshold_S_m\":1e+05,"
                      "\"depletion_thickness_m\":0.0,\"circle_segments\":0,"
                      "\"skin_depth_fraction\":0.5,\"end_corrections\":false,"
                      "\"spice\":{\"segments\":8,\"max_frequency_Hz\":0.0},"
                      "\"touchstone_name\":\"\"}"),
            std::string::npos)
      << text;
  EXPECT_NE(resolved_case_json(read(kStack + "  thermal: {type: steady}\n"))
                .dump(0)
                .find("\"signal_integrity\":null"),
            std::string::npos);
}

struct BadInput {
  std::string keys;      // lines after "  signal_integrity:"
  std::string expected;  // fragment of the message
};

// Each message names the file, position and key path; the frequencies line is
// added unless the keys give their own.
TEST(SiReader, ChecksThatNeedNoGeometry) {
  const std::string sweep = "    frequencies: {start: 10 MHz, stop: 40 GHz, points: 100}\n";
  const int first = kAnalysesLine + 2;  // line of the first key below
  const auto at = [&](int offset, int column) {
    return "test.yaml:" + std::to_string(first + offset) + ":" + std::to_string(column) + ": ";
  };
  const std::vector<BadInput> cases = {
      {"    frequencies: {start: 1 GHz, stop: 1 GHz, points: 10}\n",
       at(0, 39) + "analyses.signal_integrity.frequencies.stop: expected a stop frequency above "
                   "the start ('1 GHz'), found '1 GHz'"},
      {"    frequencies: {start: 2 GHz, stop: 1 GHz, points: 1}\n",
       at(0, 39) + "analyses.signal_integrity.frequencies.stop: expected a stop frequency at or "
                   "above the start"},
      {"    frequencies: {start: 0 Hz, stop: 1 GHz, points: 10}\n",
       at(0, 26) + "analyses.signal_integrity.frequencies.start: expected a start frequency > 0 "
                   "for log spacing"},
      {"    frequencies: {start: 1 Hz, stop: 1 GHz, points: 0}\n",
       at(0, 53) + "analyses.signal_integrity.frequencies.points: expected an integer >= 1, "
                   "found '0'"},
      {"    frequencies: {start: 1 Hz, stop: 1 GHz}\n",
       at(0, 18) + "analyses.signal_integrity.frequencies: missing required key 'points'"},
      {"    frequencies: {start: 1 Hz, stop: 1 GHz, points: 3, spacing: lin}\n",
       at(0, 65) + "analyses.signal_integrity.frequencies.spacing: expected log or linear, found "
                   "'lin'"},
      {"    frequencies: {start: 1 ohm, stop: 1 GHz, points: 3}\n",
       at(0, 26) + "analyses.signal_integrity.frequencies.start: expected a frequency (Hz, kHz, "
                   "MHz, GHz), found '1 ohm' (a resistance)"},
      {"    layers: [oxide, silicon]\n",
       at(0, 21) + "analyses.signal_integrity.layers[1]: unknown layer 'silicon' (layers: bumps, "
                   "oxide, silicon_die, beol)"},
      {"    layers: [silicon_die, oxide]\n",
       at(0, 27) + "analyses.signal_integrity.layers[1]: expected the layers bottom to top "
                   "(the line's sections in order), found 'oxide' below 'silicon_die'"},
      {"    layers: [oxide, oxide]\n",
       at(0, 21) + "analyses.signal_integrity.layers[1]: 'oxide' is listed twice"},
      {"    arrays: [oxide/gsh]\n",
       at(0, 14) + "analyses.signal_integrity.arrays[0]: layer 'oxide' has no TSV or bump array "
                   "'gsh'; did you mean 'gsg'?"},
      {"    arrays: [\"oxide/gsg[1,0]\"]\n",
       at(0, 14) + "analyses.signal_integrity.arrays[0]: expected a whole array"},
      {"    arrays: [gsg]\n",
       at(0, 14) + "analyses.signal_integrity.arrays[0]: expected a TSV or bump array "
                   "'<layer>/<array>', found 'gsg'"},
      {"    signal_roles: []\n",
       at(0, 19) + "analyses.signal_integrity.signal_roles: expected at least one role"},
      {"    signal_roles: [S, G]\n",
       at(0, 19) + "analyses.signal_integrity.signal_roles: role 'G' is both a signal role and a "
                   "return role"},
      {"    reference_impedance: 0 ohm\n",
       at(0, 26) + "analyses.signal_integrity.reference_impedance: expected a positive value"},
      {"    reference_impedance: 50 ohm*m\n",
       at(0, 26) + "analyses.signal_integrity.reference_impedance: expected a resistance"},
      {"    report_frequencies: [10 GHz, 50 GHz]\n",
       at(0, 34) + "analyses.signal_integrity.report_frequencies[1]: expected a frequency inside "
                   "the sweep (10 MHz .. 40 GHz), found '50 GHz'"},
      {"    report_frequencies: [10 GHz, 1e10]\n",
       at(0, 34) + "analyses.signal_integrity.report_frequencies[1]: '1e10' is listed twice"},
      {"    semiconductors: [silicone]\n",
       at(0, 22) + "analyses.signal_integrity.semiconductors[0]: unknown material 'silicone'"},
      {"    metal_threshold: 0 S/m\n",
       at(0, 22) + "analyses.signal_integrity.metal_threshold: expected a positive value"},
      {"    depletion_thickness: -1 um\n",
       at(0, 26) + "analyses.signal_integrity.depletion_thickness: expected a value >= 0"},
      {"    circle_segments: 30\n",
       at(0, 22) + "analyses.signal_integrity.circle_segments: expected a multiple of 4"},
      {"    circle_segments: -4\n",
       at(0, 22) + "analyses.signal_integrity.circle_segments: expected an integer >= 0"},
      {"    skin_depth_fraction: 1.5\n",
       at(0, 26) + "analyses.signal_integrity.skin_depth_fraction: expected a fraction of the "
                   "skin depth in (0, 1], found '1.5'"},
      {"    skin_depth_fraction: 0\n",
       at(0, 26) + "analyses.signal_integrity.skin_depth_fraction: expected a positive value"},
      {"    end_corrections: maybe\n",
       at(0, 22) + "analyses.signal_integrity.end_corrections: expected true or false"},
      {"    spice: {segments: -1}\n",
       at(0, 23) + "analyses.signal_integrity.spice.segments: expected an integer >= 0"},
      {"    spice: {max_frequency: 80 GHz}\n",
       at(0, 28) + "analyses.signal_integrity.spice.max_frequency: expected a frequency up to the "
                   "top of the sweep (40 GHz"},
      {"    spice: {segment: 4}\n",
       at(0, 13) + "analyses.signal_integrity.spice.segment: unknown key 'segment'; did you mean "
                   "'segments'?"},
      {"    touchstone_name: ../out\n",
       at(0, 22) + "analyses.signal_integrity.touchstone_name: expected a file name stem"},
      {"    report_frequency: [1 GHz]\n",
       at(0, 5) + "analyses.signal_integrity.report_frequency: unknown key 'report_frequency'; "
                  "did you mean 'report_frequencies'?"},
  };
  for (const auto& bad : cases) {
    const bool has_sweep = bad.keys.find("frequencies:") != std::string::npos &&
                           bad.keys.find("report_frequencies") == std::string::npos;
    const std::string text = kStack + "  signal_integrity:\n" + bad.keys + (has_sweep ? "" : sweep);
    const std::string message = error_of(text);
    EXPECT_NE(message.find(bad.expected), std::string::npos)
        << "input:\n"
        << bad.keys << "message:  " << message << "\nexpected: " << bad.expected;
  }
}

// The message of reading `text` must contain `fragment`.
void expect_error(const std::string& text, const std::string& fragment) {
  const std::string message = error_of(text);
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "message:  " << message << "\nexpected: " << fragment;
}

TEST(SiReader, MissingSweepAndWrongShapes) {
  expect_error(kStack + "  signal_integrity: {layers: [oxide]}\n",
               "test.yaml:18:21: analyses.signal_integrity: missing required key 'frequencies'");
  expect_error(kStack + "  signal_integrity:\n",
               "analyses.signal_integrity: expected a map, found nothing");
  expect_error(
      kStack + "  signal_integrity: {frequencies: 1 GHz}\n",
      "test.yaml:18:35: analyses.signal_integrity.frequencies: expected a map, found '1 GHz'");
  expect_error(kStack +
                   "  signal_integrity: {frequencies: {start: 1 MHz, stop: 1 GHz, points: 3}, "
                   "layers: oxide}\n",
               "analyses.signal_integrity.layers: expected a list, found 'oxide'");
}

}  // namespace
}  // namespace tsvfield::io
