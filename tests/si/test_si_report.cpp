// The SI report writers on a hand-made SignalIntegrityResults: two signals, two
// sections, three frequencies, S-matrices with entries chosen so their dB and
// degrees are known by hand (|0.5| -> -6.0206 dB, 0.1j -> -20 dB at 90 degrees,
// -0.01 -> -40 dB at 180 degrees, 0.001 -> -60 dB).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "io/si_report.hpp"

namespace tsvfield::io {
namespace {

using solver::Complex;

constexpr double kHalf_dB = -6.020599913279624;  // 20 log10(0.5)

// R, L, G, C of entry (i, j) at frequency index k of a section: distinct numbers
// (section `tag` 1 or 2) so each value found in an output names its origin.
physics::RlgcMatrices rlgc(int tag, int k) {
  physics::RlgcMatrices m;
  m.conductors = 2;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      const double entry = 10 * i + j + 1;  // 1, 2, 11, 12
      m.R.push_back(tag * 1000 + k * 100 + entry);
      m.L.push_back((tag * 1000 + k * 100 + entry) * 1e-9);
      m.G.push_back((tag * 1000 + k * 100 + entry) * 1e-3);
      m.C.push_back((tag * 1000 + k * 100 + entry) * 1e-12);
    }
  return m;
}

physics::SectionResult section(const std::string& layer, double length, int tag,
                               double resolved_to_Hz) {
  physics::SectionResult result;
  result.rlgc.layer = layer;
  result.rlgc.length_m = length;
  result.rlgc.signal_names = {"S1", "S2"};
  result.rlgc.frequencies_Hz = {1e8, 1e9, 1e10};
  for (int k = 0; k < 3; ++k) result.rlgc.rlgc.push_back(rlgc(tag, k));
  result.cross_section_cells = 1000 * tag;
  result.conductor_surface_cell_m = 0.1e-6;
  result.skin_depth_resolved_to_Hz = resolved_to_Hz;
  result.impedance_stats = {4000, 30, 25, 1.5};
  result.admittance_stats = {4000, 20, 18, 0.5};
  return result;
}

// Symmetric 4 x 4 S: S(0,0) = 0.1j, S(1,0) = -0.01 (NEXT), S(2,0) = 0.5 (IL),
// S(3,0) = 0.001 (FEXT), the rest of the diagonal 0.1j, other entries 0.
solver::ComplexMatrix s_matrix() {
  solver::ComplexMatrix s(4, 4);
  for (int i = 0; i < 4; ++i) s(i, i) = Complex(0, 0.1);
  const auto set = [&s](int i, int j, Complex value) {
    s(i, j) = value;
    s(j, i) = value;
  };
  set(1, 0, -0.01);
  set(2, 0, 0.5);
  set(3, 0, 0.001);
  set(3, 1, 0.5);
  return s;
}

physics::SignalIntegrityResults results() {
  physics::SignalIntegrityResults r;
  r.signal_names = {"S1", "S2"};
  r.port_names = {"S1.near", "S2.near", "S1.far", "S2.far"};
  r.frequencies_Hz = {1e8, 1e9, 1e10};
  // The oxide resolves the skin depth to 5 GHz only (top 10 GHz): one warning.
  r.sections = {section("oxide", 1e-6, 1, 5e9), section("substrate", 100e-6, 2, 1e12)};
  r.total_length_m = 101e-6;
  r.s = {s_matrix(), s_matrix(), s_matrix()};
  r.reference_impedance_ohm = 50;
  r.max_singular_value = 0.75;
  r.max_reciprocity_error = 0;
  r.report = {{1e10, 0, -kHalf_dB, 20, -40, -60}, {1e10, 1, -kHalf_dB, 20, -40, -300}};
  return r;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

std::size_t count(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

TEST(SiReport, DecibelsAndDegrees) {
  EXPECT_NEAR(magnitude_dB(0.5), kHalf_dB, 1e-12);
  EXPECT_NEAR(magnitude_dB(Complex(0, -0.1)), -20, 1e-12);
  EXPECT_NEAR(magnitude_dB(Complex(0.6, 0.8)), 0, 1e-12);
  EXPECT_EQ(magnitude_dB(0), -300);
  EXPECT_NEAR(phase_deg(Complex(0, 0.1)), 90, 1e-12);
  EXPECT_NEAR(phase_deg(Complex(0, -0.1)), -90, 1e-12);
  EXPECT_NEAR(phase_deg(-0.01), 180, 1e-12);
  EXPECT_NEAR(phase_deg(Complex(-1, -0.0)), 180, 1e-12);  // (-180, 180]
  EXPECT_NEAR(phase_deg(Complex(1, 1)), 45, 1e-12);
  EXPECT_EQ(phase_deg(0), 0);
}

TEST(SiReport, RlgcTableHasEveryEntryAtEveryFrequency) {
  const physics::SectionResult substrate = section("substrate", 100e-6, 2, 1e12);
  EXPECT_EQ(si_rlgc_file_name(substrate), "si_rlgc_substrate.csv");
  const std::vector<std::string> lines = split(si_rlgc_table(substrate).to_string(), '\n');
  ASSERT_EQ(lines.size(), 1u + 3 * 4);
  EXPECT_EQ(lines[0], "frequency_Hz,row,column,R_ohm_per_m,L_H_per_m,G_S_per_m,C_F_per_m");
  // Row 1 + k * 4 + i * 2 + j: frequency k, entry (i, j); check (S2, S1) at 1 GHz.
  const std::vector<std::string> cells = split(lines[1 + 1 * 4 + 1 * 2 + 0], ',');
  ASSERT_EQ(cells.size(), 7u);
  EXPECT_EQ(std::stod(cells[0]), 1e9);
  EXPECT_EQ(cells[1], "S2");
  EXPECT_EQ(cells[2], "S1");
  EXPECT_EQ(std::stod(cells[3]), 2111);  // 2000 + 100 + 11
  EXPECT_EQ(std::stod(cells[4]), 2111e-9);
  EXPECT_EQ(std::stod(cells[5]), 2111e-3);
  EXPECT_EQ(std::stod(cells[6]), 2111e-12);
}

TEST(SiReport, SparameterTableInDecibelsAndDegrees) {
  const std::vector<std::string> lines = split(si_sparameter_table(results()).to_string(), '\n');
  ASSERT_EQ(lines.size(), 4u);
  const std::vector<std::string> header = split(lines[0], ',');
  ASSERT_EQ(header.size(), 1u + 16 * 2);
  EXPECT_EQ(header[0], "frequency_Hz");
  EXPECT_EQ(header[1], "S1_1_dB");
  EXPECT_EQ(header[2], "S1_1_deg");
  // Entry (i, j), 1-based, is at columns 1 + 2 * ((i-1) * 4 + (j-1)) (+1 for degrees).
  const auto column = [](int i, int j) { return 1 + 2 * ((i - 1) * 4 + (j - 1)); };
  EXPECT_EQ(header[column(3, 1)], "S3_1_dB");
  EXPECT_EQ(header[column(4, 4) + 1], "S4_4_deg");
  const std::vector<std::string> row = split(lines[3], ',');
  ASSERT_EQ(row.size(), header.size());
  EXPECT_EQ(std::stod(row[0]), 1e10);
  EXPECT_NEAR(std::stod(row[column(3, 1)]), kHalf_dB, 1e-12);  // insertion
  EXPECT_NEAR(std::stod(row[column(3, 1) + 1]), 0, 1e-12);
  EXPECT_NEAR(std::stod(row[column(1, 1)]), -20, 1e-12);  // return
  EXPECT_NEAR(std::stod(row[column(1, 1) + 1]), 90, 1e-12);
  EXPECT_NEAR(std::stod(row[column(2, 1)]), -40, 1e-12);  // NEXT
  EXPECT_NEAR(std::stod(row[column(2, 1) + 1]), 180, 1e-12);
  EXPECT_NEAR(std::stod(row[column(4, 1)]), -60, 1e-12);  // FEXT
  EXPECT_EQ(std::stod(row[column(3, 2)]), -300);          // zero entry
}

TEST(SiReport, CsvFilesWrittenAndListed) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("tsvfield_si_report_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const std::vector<std::string> written = write_si_csv_tables(directory, results());
  EXPECT_EQ(written, (std::vector<std::string>{"si_rlgc_oxide.csv", "si_rlgc_substrate.csv",
                                               "si_sparameters.csv"}));
  for (const auto& name : written) {
    std::ifstream file(directory / name);
    std::string header;
    EXPECT_TRUE(std::getline(file, header)) << name;
    EXPECT_TRUE(header.starts_with("frequency_Hz,")) << name;
  }
  std::filesystem::remove_all(directory);
}

TEST(SiReport, SummaryJsonTakesTheLongestSection) {
  const std::string text = si_summary_json(results(), "tsv_gsg.s4p").dump(0);
  EXPECT_NE(text.find("\"frequencies_Hz\":[1e+08,1e+09,1e+10]"), std::string::npos)
      << text.substr(0, 200);
  // The substrate (100 um, tag 2) is the longest: its R at 100 MHz first.
  EXPECT_NE(text.find("\"R_ohm_per_m\":[[[2001.0,2002.0],[2011.0,2012.0]],"), std::string::npos);
  EXPECT_NE(text.find("\"rlgc_layer\":\"substrate\""), std::string::npos);
  EXPECT_NE(text.find("\"sections\":[{\"layer\":\"oxide\",\"length_m\":1e-06,"), std::string::npos);
  EXPECT_NE(text.find("\"skin_depth_resolved_to_Hz\":5e+09,\"skin_depth_resolved\":false"),
            std::string::npos);
  EXPECT_NE(text.find("\"skin_depth_resolved\":true"), std::string::npos);
  EXPECT_NE(text.find("\"impedance_solver\":{\"unknowns\":4000,\"min_iterations\":25,"
                      "\"max_iterations\":30,\"seconds\":1.5}"),
            std::string::npos);
  EXPECT_NE(text.find("\"ports\":[\"S1.near\",\"S2.near\",\"S1.far\",\"S2.far\"]"),
            std::string::npos);
  EXPECT_NE(text.find("\"reference_impedance_ohm\":50.0"), std::string::npos);
  EXPECT_NE(text.find("\"end_corrections\":null"), std::string::npos);
  EXPECT_NE(text.find("{\"frequency_Hz\":1e+10,\"signal\":\"S2\",\"insertion_loss_dB\":"),
            std::string::npos);
  EXPECT_NE(text.find("\"passivity\":{\"max_singular_value\":0.75,\"passive\":true}"),
            std::string::npos);
  EXPECT_NE(text.find("\"reciprocity\":{\"max_error\":0.0,\"reciprocal\":true}"),
            std::string::npos);
  EXPECT_NE(text.find("\"touchstone\":\"tsv_gsg.s4p\""), std::string::npos);
  EXPECT_NE(si_summary_json(results(), "").dump(0).find("\"touchstone\":null"), std::string::npos);
}

TEST(SiReport, SummaryJsonEndCorrections) {
  physics::SignalIntegrityResults r = results();
  r.near_end_shunt = {2, {1e-3, 0, 0, 1e-3}, {5e-15, -1e-15, -1e-15, 5e-15}};
  r.far_end_shunt = r.near_end_shunt;
  const std::string text = si_summary_json(r, "").dump(0);
  EXPECT_NE(text.find("\"end_corrections\":{\"near\":{\"G_S\":[[0.001,0.0],[0.0,0.001]],"
                      "\"C_F\":[[5e-15,-1e-15],[-1e-15,5e-15]]},\"far\":"),
            std::string::npos);
}

TEST(SiReport, PrintedReport) {
  std::ostringstream out;
  print_si_report(out, results());
  const std::string text = out.str();
  EXPECT_NE(text.find("section 'oxide': length 1 um, 1000 cross-section cells"), std::string::npos)
      << text;
  EXPECT_NE(text.find("section 'substrate': length 100 um, 2000 cross-section cells"),
            std::string::npos);
  EXPECT_NE(text.find("resolved up to 5 GHz (cell/depth 0.707 at 10 GHz)"), std::string::npos);
  // Exactly one warning, for the oxide.
  EXPECT_EQ(count(text, "WARNING"), 1u);
  EXPECT_NE(text.find("WARNING: the skin depth is not resolved above 5 GHz (sweep top 10 GHz): R "
                      "and L of section 'oxide'"),
            std::string::npos);
  EXPECT_NE(text.find("25..30 iterations"), std::string::npos);
  // RLGC rows: diagonal and first off-diagonal at the sweep's ends (the report
  // frequency 10 GHz is the last point): substrate (1,2) at 100 MHz; the rows and
  // columns are signal numbers, named in the legend.
  EXPECT_NE(text.find("signals (rows and columns of the per-unit-length matrices): 1=S1 2=S2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  1,2            2002         2002        2.002         2002"),
            std::string::npos)
      << text;
  EXPECT_EQ(count(text, "  2,1  "), 0u);  // only the upper first off-diagonal
  EXPECT_EQ(count(text, "1101"), 0u);     // oxide at 1 GHz: not a table frequency
  // Port figures; S2 has no FEXT aggressor in this hand-made report ('-').
  EXPECT_NE(text.find("S1                         6.0206      20.0000      -40.000      -60.000"),
            std::string::npos);
  EXPECT_NE(text.find("S2                         6.0206      20.0000      -40.000            -"),
            std::string::npos);
  EXPECT_NE(text.find("max singular value of S 0.75 (passive)"), std::string::npos);
  EXPECT_NE(text.find("max |S_ij - S_ji| 0 (reciprocal)"), std::string::npos);
  EXPECT_NE(text.find("1=S1.near 2=S2.near 3=S1.far 4=S2.far"), std::string::npos);
}

// No metal conductivity: the driver says the skin depth is resolved to infinity.
TEST(SiReport, InfiniteSkinDepthResolutionIsNotAnError) {
  physics::SignalIntegrityResults r = results();
  r.sections[0].skin_depth_resolved_to_Hz = std::numeric_limits<double>::infinity();
  std::ostringstream out;
  print_si_report(out, r);
  EXPECT_NE(out.str().find("resolved up to every frequency\n"), std::string::npos) << out.str();
  EXPECT_EQ(count(out.str(), "WARNING"), 0u);
  const std::string text = si_summary_json(r, "").dump(0);
  EXPECT_NE(text.find("\"skin_depth_resolved_to_Hz\":null,\"skin_depth_resolved\":true"),
            std::string::npos);
}

TEST(SiReport, PrintedReportWarnsWhenNotPassiveOrReciprocal) {
  physics::SignalIntegrityResults r = results();
  r.sections[0].skin_depth_resolved_to_Hz = 1e10;  // exactly the top: resolved
  r.max_singular_value = 1.001;
  r.max_reciprocity_error = 1e-3;
  std::ostringstream out;
  print_si_report(out, r);
  const std::string text = out.str();
  EXPECT_EQ(count(text, "WARNING"), 2u) << text;
  EXPECT_NE(text.find("NOT passive"), std::string::npos);
  EXPECT_NE(text.find("NOT reciprocal"), std::string::npos);
  EXPECT_NE(text.find("WARNING: the S-matrix is not passive"), std::string::npos);
}

}  // namespace
}  // namespace tsvfield::io
