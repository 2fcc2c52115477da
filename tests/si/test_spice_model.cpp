// The RLGC ladder (physics/ladder_model) and the SPICE files (io/spice_model):
// shunt-network fit, convergence of the ladder's chain matrix to the exact MTL,
// segment counts, the stated validity, the ladder netlist and the W-element files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <set>
#include <sstream>

#include "io/spice_model.hpp"
#include "mesh/input_error.hpp"
#include "physics/ladder_model.hpp"
#include "spice_synthetic.hpp"

namespace {

using namespace tsvfield;
using physics::SpiceModelSpec;

constexpr double kPi = std::numbers::pi;
const std::vector<double> kSweep = test::log_sweep(1e7, 40e9, 61);

std::vector<double> numbers_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<double> values;
  std::string token;
  while (in >> token) {
    if (token == "+") continue;
    values.push_back(std::stod(token));
  }
  return values;
}

// ---- Shunt network fit ------------------------------------------------------------

TEST(ShuntFit, LosslessDielectricGivesItsConstantCapacitance) {
  test::SyntheticTsv tsv;
  tsv.sigma_si_S_per_m = 0;  // e.g. frozen-out silicon at 4 K: no loss, C constant
  const physics::ShuntNetworkFit fit =
      physics::fit_shunt_network(test::synthetic_section(tsv, 100e-6, kSweep));
  // Series liner, silicon and return liners (hand formula of the GSG circuit).
  const double eps0 = 8.8541878128e-12, r_ox = 5.5e-6;
  const double c_ox = 2 * kPi * 3.9 * eps0 / std::log(5.5 / 5.0);
  const double c_si = 2 * kPi * 11.9 * eps0 / std::acosh(50e-6 / (2 * r_ox));
  const double expected = 1 / (1 / c_ox + 1 / (2 * c_ox) + 1 / c_si);
  for (double f : {1e7, 3.3e8, 7.7e9, 4e10}) {
    const std::complex<double> y = fit.admittance(f)(0, 0);
    EXPECT_NEAR(y.imag() / (2 * kPi * f), expected, 1e-6 * expected) << f;
    EXPECT_NEAR(y.real(), 0, 1e-6 * std::abs(y)) << f;
  }
}

TEST(ShuntFit, FollowsLossySiliconAcrossTheBandWithPassiveElements) {
  for (int signals : {1, 2}) {
    test::SyntheticTsv tsv;
    tsv.signals = signals;
    const physics::ShuntNetworkFit fit =
        physics::fit_shunt_network(test::synthetic_section(tsv, 100e-6, kSweep));
    EXPECT_LT(fit.max_relative_error, 1e-3) << signals;
    for (const physics::RcBranch& branch : fit.branches) {
      EXPECT_GE(branch.conductance_S, 0);
      EXPECT_GE(branch.capacitance_F, 0);
      for (std::size_t k = 0; k < branch.series_resistance_ohm.size(); ++k) {
        EXPECT_GT(branch.series_resistance_ohm[k], 0);
        EXPECT_GT(branch.series_capacitance_F[k], 0);
      }
    }
    // Between the sweep points too, against the analytic admittance.
    for (double f : {2.2e7, 1.7e9, 1.5e10, 3.1e10}) {
      const physics::RlgcMatrices exact = test::synthetic_rlgc(tsv, f);
      const solver::ComplexMatrix y = fit.admittance(f);
      const std::complex<double> y11(exact.G[0], 2 * kPi * f * exact.C[0]);
      for (int i = 0; i < signals; ++i)
        for (int j = 0; j < signals; ++j) {
          const std::size_t at = static_cast<std::size_t>(i) * signals + j;
          const std::complex<double> data(exact.G[at], 2 * kPi * f * exact.C[at]);
          EXPECT_LT(std::abs(y(i, j) - data), 3e-3 * std::abs(y11)) << f << " " << i << j;
        }
    }
  }
}

TEST(ShuntFit, MutualBranchThatIsNoRcFunctionGetsSignedElements) {
  // Branch to ground: liner in series with silicon (one pole at 2.5 GHz). Branch
  // between the conductors: C rising from 1e-11 to 2e-11 F/m with a negative
  // conductance, as distant conductors with a common return liner show; no
  // network of positive R and C has that admittance.
  const double pole_ground = 2 * kPi * 2.5e9, c_series = 1.3e-9, c_inf = 2.5e-10;
  const double pole_mutual = 2 * kPi * 3e9, c_mutual = 2e-11, residue = -1e-11 * pole_mutual;
  auto ground = [&](double omega) {
    const std::complex<double> s(0, omega);
    return s * c_inf + 1.0 / (1 / (pole_ground * c_series) + 1.0 / (s * c_series));
  };
  auto mutual = [&](double omega) {
    const std::complex<double> s(0, omega);
    return s * c_mutual + residue * s / (s + pole_mutual);
  };
  physics::SectionRlgcSweep section;
  section.layer = "die";
  section.length_m = 100e-6;
  section.frequencies_Hz = kSweep;
  for (double f : kSweep) {
    const double omega = 2 * kPi * f;
    const std::complex<double> self = ground(omega) + mutual(omega), coupling = -mutual(omega);
    physics::RlgcMatrices m;
    m.conductors = 2;
    m.R = {1, 0.5, 0.5, 1};
    m.L = {4e-7, 1e-7, 1e-7, 4e-7};
    m.G = {self.real(), coupling.real(), coupling.real(), self.real()};
    m.C = {self.imag() / omega, coupling.imag() / omega, coupling.imag() / omega,
           self.imag() / omega};
    section.rlgc.push_back(m);
  }
  const physics::ShuntNetworkFit fit = physics::fit_shunt_network(section);
  EXPECT_LT(fit.max_relative_error, 1e-3);
  EXPECT_EQ(fit.signed_branches, 1);
  const physics::RcBranch& between = fit.branch(1, 0);
  bool negative = between.conductance_S < 0 || between.capacitance_F < 0;
  for (double r : between.series_resistance_ohm) negative = negative || r < 0;
  EXPECT_TRUE(negative);
  for (double f : {3.3e7, 2.9e9, 3.3e10}) {
    const std::complex<double> expected = mutual(2 * kPi * f);
    EXPECT_LT(std::abs(between.admittance(f) - expected), 1e-3 * std::abs(expected)) << f;
  }
}

TEST(ShuntFit, CapacitanceFallsFromLinerToSiliconDielectric) {
  // The physics the network must hold: C(f) from the liner-dominated value to the
  // oxide-in-series-with-silicon value, G(f) rising in between.
  test::SyntheticTsv tsv;
  const physics::ShuntNetworkFit fit =
      physics::fit_shunt_network(test::synthetic_section(tsv, 100e-6, kSweep));
  const double eps0 = 8.8541878128e-12;
  const double c_ox = 2 * kPi * 3.9 * eps0 / std::log(5.5 / 5.0);
  const double c_liners = 1 / (1 / c_ox + 1 / (2 * c_ox));
  const double c_low = fit.admittance(1e7)(0, 0).imag() / (2 * kPi * 1e7);
  const double c_high = fit.admittance(4e10)(0, 0).imag() / (2 * kPi * 4e10);
  EXPECT_NEAR(c_low, c_liners, 0.01 * c_liners);
  EXPECT_LT(c_high, 0.3 * c_low);
  EXPECT_GT(fit.admittance(1e10)(0, 0).real(), 100 * fit.admittance(1e7)(0, 0).real());
}

// ---- Ladder vs exact MTL ------------------------------------------------------------

double chain_difference(const physics::LadderModel& ladder,
                        const std::vector<physics::SectionRlgcSweep>& sections, std::size_t k) {
  const solver::ComplexMatrix exact = physics::exact_chain_matrix(sections, {}, {}, k);
  const solver::ComplexMatrix lumped =
      physics::ladder_chain_matrix(ladder, sections.front().frequencies_Hz[k]);
  return solver::max_abs(lumped - exact) / solver::max_abs(exact);
}

TEST(Ladder, ChainMatrixConvergesToExactLineAtSecondOrder) {
  test::SyntheticTsv tsv;
  tsv.signals = 2;
  tsv.sigma_si_S_per_m = 0;                  // constant C: the shunt fit is exact,
  tsv.sigma_cu_S_per_m = 1e12;               // R, L constant: only the segments count
  const std::vector<double> sweep = {40e9};  // R, L and the shunt from this point
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(tsv, 2e-3, sweep, "a"),
      test::synthetic_section(tsv, 1e-3, sweep, "b")};
  double previous = 0;
  for (int segments : {8, 16, 32, 64}) {
    SpiceModelSpec spec;
    spec.segments = segments;
    const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, spec);
    const double difference = chain_difference(ladder, sections, 0);
    if (segments > 8) {
      EXPECT_LT(difference, previous / 3.5) << segments;  // ~4x per doubling
    }
    previous = difference;
  }
  EXPECT_LT(previous, 1e-2);
}

// R and L of the ladder are those of the maximum frequency; with near-ideal metal
// they do not change with frequency, so these tests isolate the shunt network and
// the segmentation (the ladder's R error of a long real line shows in valid_to_Hz).
TEST(Ladder, LossyLineInsertionLossConvergesToExact) {
  test::SyntheticTsv tsv;
  tsv.signals = 2;
  tsv.sigma_cu_S_per_m = 1e12;
  const std::vector<double> sweep = test::log_sweep(1e7, 40e9, 25);
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(tsv, 2e-3, sweep)};
  SpiceModelSpec spec;
  spec.segments = 64;
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, spec);
  for (double error : ladder.validity.insertion_loss_error_dB) EXPECT_LT(error, 0.01);
  EXPECT_EQ(ladder.validity.valid_to_Hz, 40e9);
}

TEST(Ladder, AutomaticSegmentsGiveTenPerWavelength) {
  test::SyntheticTsv tsv;
  const physics::SectionRlgcSweep section = test::synthetic_section(tsv, 2e-3, kSweep);
  // One line: gamma = sqrt(Z Y) exactly.
  const physics::RlgcMatrices m = test::synthetic_rlgc(tsv, 40e9);
  const double omega = 2 * kPi * 40e9;
  const std::complex<double> gamma = std::sqrt(std::complex<double>(m.R[0], omega * m.L[0]) *
                                               std::complex<double>(m.G[0], omega * m.C[0]));
  const int expected = static_cast<int>(std::ceil(10 * 2e-3 * std::abs(gamma) / (2 * kPi)));
  EXPECT_EQ(physics::automatic_segment_count(section, 40e9), expected);
  EXPECT_GT(expected, 1);
  EXPECT_EQ(physics::automatic_segment_count(test::synthetic_section(tsv, 1e-9, kSweep), 40e9), 1);
}

TEST(Ladder, GsgTsvIsValidOverTheWholeSweep) {
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(test::SyntheticTsv{}, 100e-6, kSweep)};
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, {});
  EXPECT_TRUE(ladder.automatic_segments);
  EXPECT_EQ(ladder.max_frequency_Hz, 40e9);
  EXPECT_EQ(ladder.validity.valid_to_Hz, 40e9);
  ASSERT_EQ(ladder.validity.insertion_loss_error_dB.size(), kSweep.size());
  for (double error : ladder.validity.insertion_loss_error_dB) EXPECT_LE(error, 0.1);
}

TEST(Ladder, ValidityEndsAtTheFirstFrequencyBeyondTolerance) {
  test::SyntheticTsv tsv;
  tsv.sigma_cu_S_per_m = 1e12;
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(tsv, 5e-3, kSweep)};
  SpiceModelSpec spec;
  spec.segments = 1;
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, spec);
  const physics::LadderValidity& validity = ladder.validity;
  ASSERT_GT(validity.valid_to_Hz, 0);
  ASSERT_LT(validity.valid_to_Hz, 40e9);
  for (std::size_t k = 0; k < kSweep.size(); ++k) {
    if (kSweep[k] <= validity.valid_to_Hz) {
      EXPECT_LE(validity.insertion_loss_error_dB[k], 0.1);
    } else {
      EXPECT_GT(validity.insertion_loss_error_dB[k], 0.1);  // the first failure
      break;
    }
  }
  // Automatic segments refine the same line until it holds to the maximum frequency.
  const physics::LadderModel automatic = physics::build_ladder_model(sections, {}, {}, {});
  EXPECT_EQ(automatic.validity.valid_to_Hz, 40e9);
}

TEST(Ladder, LongLineTakesSeriesValuesWhereTheLadderHoldsBest) {
  // 1 mm of real copper: R(40 GHz) is ~7 times R(DC); taken at 40 GHz it would
  // spoil the low-frequency insertion loss by more than 0.1 dB.
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(test::SyntheticTsv{}, 1e-3, kSweep)};
  SpiceModelSpec spec;
  spec.segments = 8;
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, spec);
  EXPECT_LT(ladder.sections[0].series_frequency_Hz, 40e9);
  EXPECT_EQ(ladder.validity.valid_to_Hz, 40e9);
}

TEST(Ladder, LinearSweepWithDcPointBuilds) {
  std::vector<double> sweep;
  for (int k = 0; k <= 20; ++k) sweep.push_back(2e9 * k);  // 0, 2, ..., 40 GHz
  sweep[0] = 1;  // the analytic formulas' DC limit, labelled 0 Hz below
  std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(test::SyntheticTsv{}, 100e-6, sweep)};
  sections[0].frequencies_Hz[0] = 0;
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, {});
  EXPECT_EQ(ladder.validity.valid_to_Hz, 40e9);
  EXPECT_LT(ladder.sections[0].shunt.max_relative_error, 1e-3);
  EXPECT_NO_THROW(io::ladder_subcircuit_text(ladder, "dc", "unit test"));
}

TEST(Ladder, BadSpecIsAnInputError) {
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(test::SyntheticTsv{}, 100e-6, kSweep)};
  SpiceModelSpec spec;
  spec.source.key_path = "analyses.signal_integrity.spice.segments";
  spec.segments = -1;
  EXPECT_THROW(physics::build_ladder_model(sections, {}, {}, spec), InputError);
  spec.segments = 0;
  spec.max_frequency_Hz = 100e9;
  EXPECT_THROW(physics::build_ladder_model(sections, {}, {}, spec), InputError);
}

// ---- Ladder netlist -----------------------------------------------------------------

TEST(LadderNetlist, HoldsTheModelsElementsAndPins) {
  test::SyntheticTsv tsv;
  tsv.signals = 2;
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(tsv, 60e-6, kSweep, "die1"),
      test::synthetic_section(tsv, 40e-6, kSweep, "die2")};
  physics::LumpedShunt pads;
  pads.conductors = 2;
  pads.C_F = {10e-15, -2e-15, -2e-15, 10e-15};
  pads.G_S = {0, 0, 0, 0};
  SpiceModelSpec spec;
  spec.segments = 2;
  const physics::LadderModel ladder = physics::build_ladder_model(sections, pads, {}, spec);
  const std::string text = io::ladder_subcircuit_text(ladder, "tsv_ladder", "unit test");

  std::istringstream in(text);
  std::string line;
  std::vector<std::string> pins;
  std::map<std::string, int> node_uses;
  std::map<char, int> elements;
  std::vector<double> couplings, mutual_r;
  bool ended = false, header = false;
  std::map<std::string, std::vector<std::string>> element_nodes;
  while (std::getline(in, line)) {
    if (line.rfind("* tsvfield-ladder:", 0) == 0) header = true;
    if (line.empty() || line[0] == '*') continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w[0] == ".subckt") {
      ASSERT_EQ(w[1], "tsv_ladder");
      pins.assign(w.begin() + 2, w.end());
      continue;
    }
    if (w[0] == ".ends") {
      ended = true;
      continue;
    }
    const char kind = w[0][0];
    ++elements[kind];
    if (kind == 'K') {
      couplings.push_back(std::stod(w[3]));
      continue;
    }
    ASSERT_GE(w.size(), 4u) << line;
    node_uses[w[1]]++;
    node_uses[w[2]]++;
    const double value = std::stod(w.back());
    EXPECT_TRUE(std::isfinite(value)) << line;
    if (kind == 'H') mutual_r.push_back(value);
  }
  EXPECT_TRUE(ended);
  EXPECT_TRUE(header);
  EXPECT_EQ(pins, (std::vector<std::string>{"p1", "p2", "p3", "p4", "ref"}));
  // Series cells: per section 1 + segments; per cell and conductor one R, L, V.
  const int series_cells = 2 * (1 + 2);
  EXPECT_EQ(elements['L'], 2 * series_cells);
  EXPECT_EQ(elements['V'], 2 * series_cells);
  EXPECT_EQ(elements['H'], 2 * series_cells);  // R12 and R21 per cell
  ASSERT_EQ(couplings.size(), static_cast<std::size_t>(series_cells));
  const physics::RlgcMatrices at_max = sections[0].rlgc.back();
  for (double k : couplings)
    EXPECT_NEAR(k, at_max.L[1] / std::sqrt(at_max.L[0] * at_max.L[3]), 1e-9);
  // Mutual R: R12 dl/2 or R12 dl of its section.
  for (double r : mutual_r) {
    const double per_m = at_max.R[1];
    const bool half = std::abs(r - per_m * 15e-6) < 1e-9 * per_m * 15e-6 ||
                      std::abs(r - per_m * 10e-6) < 1e-9 * per_m * 10e-6;
    const bool full = std::abs(r - per_m * 30e-6) < 1e-9 * per_m * 30e-6 ||
                      std::abs(r - per_m * 20e-6) < 1e-9 * per_m * 20e-6;
    EXPECT_TRUE(half || full) << r;
  }
  // Every internal node joins at least two elements (nothing dangles); the pins
  // and the reference are used.
  for (const auto& [name, uses] : node_uses) {
    const bool pin = std::find(pins.begin(), pins.end(), name) != pins.end();
    if (!pin) {
      EXPECT_GE(uses, 2) << name;
    }
  }
  for (const std::string& pin : pins) EXPECT_GE(node_uses[pin], 1) << pin;
  // The near-end pad capacitance: 8 fF to ref, 2 fF between.
  EXPECT_NE(text.find("CN1_1 p1 ref 8e-15"), std::string::npos);
  EXPECT_NE(text.find("CN2_1 p2 p1 2e-15"), std::string::npos);
}

// ---- W element ---------------------------------------------------------------------

physics::SectionRlgcSweep w_form_section() {
  // Data that follow the W element's own formulas exactly.
  const int n = 3;
  physics::SectionRlgcSweep section;
  section.layer = "interposer";
  section.length_m = 100e-6;
  section.signal_names = {"a", "b", "c"};
  section.frequencies_Hz = test::log_sweep(1e7, 4e10, 30);
  for (double f : section.frequencies_Hz) {
    physics::RlgcMatrices m;
    m.conductors = n;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const int lo = std::min(i, j), hi = std::max(i, j);
        const double tag = 1 + hi + 0.1 * lo;  // distinct per lower-triangle entry
        const double ro = (i == j ? 300 : 100) * tag, rs = (i == j ? 2 : 0.5) * tag;
        m.R.push_back(ro + std::sqrt(f) * rs);
        m.L.push_back((i == j ? 4e-7 : 1e-7) * tag + rs / (2 * kPi * std::sqrt(f)));
        m.G.push_back((i == j ? 1 : -0.2) * tag * (1e-3 + f * 1e-12));
        m.C.push_back((i == j ? 3e-10 : -0.5e-10) * tag);
      }
    section.rlgc.push_back(m);
  }
  return section;
}

TEST(WElement, FitRecoversExactRlgcForm) {
  const physics::SectionRlgcSweep section = w_form_section();
  const io::WElementRlgc w = io::fit_w_element_rlgc(section);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int at = i * 3 + j;
      const double tag = 1 + std::max(i, j) + 0.1 * std::min(i, j);
      EXPECT_NEAR(w.Ro[at], (i == j ? 300 : 100) * tag, 1e-6 * tag);
      EXPECT_NEAR(w.Rs[at], (i == j ? 2 : 0.5) * tag, 1e-9 * tag);
      EXPECT_NEAR(w.Lo[at], (i == j ? 4e-7 : 1e-7) * tag, 1e-15 * tag);
      EXPECT_NEAR(w.Go[at], (i == j ? 1 : -0.2) * tag * 1e-3, 1e-12);
      EXPECT_NEAR(w.Gd[at], (i == j ? 1 : -0.2) * tag * 1e-12, 1e-21);
      EXPECT_NEAR(w.Co[at], (i == j ? 3e-10 : -0.5e-10) * tag, 1e-20);
    }
  EXPECT_LT(w.r_fit_error, 1e-9);
  EXPECT_LT(w.c_fit_error, 1e-12);
}

TEST(WElement, RlgcFileListsLowerTrianglesInHspiceOrder) {
  const physics::SectionRlgcSweep section = w_form_section();
  const io::WElementRlgc w = io::fit_w_element_rlgc(section);
  const std::string text = io::w_element_rlgc_file_text(w, "unit test");
  std::istringstream in(text);
  std::vector<std::vector<double>> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '*') continue;
    lines.push_back(numbers_of(line));
  }
  ASSERT_EQ(lines.size(), 1u + 6 * 3);
  ASSERT_EQ(lines[0], std::vector<double>{3});
  const std::vector<const std::vector<double>*> order = {&w.Lo, &w.Co, &w.Ro, &w.Go, &w.Rs, &w.Gd};
  for (std::size_t m = 0; m < order.size(); ++m)
    for (int row = 0; row < 3; ++row) {
      const std::vector<double>& values = lines[1 + m * 3 + row];
      ASSERT_EQ(values.size(), static_cast<std::size_t>(row + 1)) << m << " " << row;
      for (int col = 0; col <= row; ++col) {
        const double expected = (*order[m])[row * 3 + col];
        EXPECT_NEAR(values[col], expected, 1e-9 * std::abs(expected)) << m << row << col;
      }
    }
}

TEST(WElement, TableModelHoldsEverySweepPoint) {
  const physics::SectionRlgcSweep section = w_form_section();
  const std::string text = io::w_element_table_model_text(section, "tsv_t1");
  EXPECT_NE(text.find(".MODEL tsv_t1 W MODELTYPE=TABLE N=3 RMODEL=tsv_t1_r LMODEL=tsv_t1_l "
                      "GMODEL=tsv_t1_g CMODEL=tsv_t1_c"),
            std::string::npos);
  // Each SP table as ADS and HFSS write them for HSPICE: "SP N=3 SPACING=NONUNIFORM
  // VALTYPE=REAL", then DATA=npts (no parentheses), then one line per frequency: f and the
  // lower triangle row by row.
  std::istringstream in(text);
  std::string line, table;
  std::map<std::string, std::vector<std::vector<double>>> rows;
  int data_lines = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '*') continue;
    EXPECT_EQ(line.find_first_of("()"), std::string::npos) << line;
    if (line.rfind(".MODEL tsv_t1_", 0) == 0) {
      table = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(line, ".MODEL " + table + " SP N=3 SPACING=NONUNIFORM VALTYPE=REAL");
      continue;
    }
    if (line.rfind("+ DATA=", 0) == 0) {
      EXPECT_EQ(line, "+ DATA=30");
      ++data_lines;
      continue;
    }
    if (line.rfind("+ ", 0) == 0) rows[table].push_back(numbers_of(line));
  }
  EXPECT_EQ(data_lines, 4);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& [name, data] : rows) {
    ASSERT_EQ(data.size(), 30u) << name;
    const char which = name.back();
    for (std::size_t k = 0; k < data.size(); ++k) {
      ASSERT_EQ(data[k].size(), 7u);
      EXPECT_NEAR(data[k][0], section.frequencies_Hz[k], 1e-11 * section.frequencies_Hz[k]);
      const physics::RlgcMatrices& m = section.rlgc[k];
      const std::vector<double>& values = which == 'r'   ? m.R
                                          : which == 'l' ? m.L
                                          : which == 'g' ? m.G
                                                         : m.C;
      const int lower[6][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 0}, {2, 1}, {2, 2}};
      for (int e = 0; e < 6; ++e) {
        const double expected = values[lower[e][0] * 3 + lower[e][1]];
        EXPECT_NEAR(data[k][1 + e], expected, 1e-9 * std::abs(expected));
      }
    }
  }
}

TEST(SpiceFiles, AreWrittenWithoutTemporaryLeftovers) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("tsvfield_spice_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  test::SyntheticTsv tsv;
  const std::vector<physics::SectionRlgcSweep> sections = {
      test::synthetic_section(tsv, 50e-6, kSweep, "die 1"),
      test::synthetic_section(tsv, 50e-6, kSweep, "die2")};
  const physics::LadderModel ladder = physics::build_ladder_model(sections, {}, {}, {});
  const io::SpiceModelFiles files =
      io::write_spice_models(directory, "gsg", "unit test", ladder, sections);
  EXPECT_TRUE(std::filesystem::exists(files.ladder));
  EXPECT_TRUE(std::filesystem::exists(files.w_netlist));
  ASSERT_EQ(files.rlgc_files.size(), 2u);
  EXPECT_EQ(files.rlgc_files[0].filename(), "gsg_1_die_1.rlgc");
  std::ifstream netlist(files.w_netlist);
  const std::string text((std::istreambuf_iterator<char>(netlist)), {});
  EXPECT_NE(text.find("W1 p1 ref w1_1 ref N=1 L=5e-05 RLGCfile=gsg_1_die_1.rlgc"),
            std::string::npos);
  EXPECT_NE(text.find("W2 w1_1 ref p2 ref N=1 L=5e-05 TABLEMODEL=gsg_t2"), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  std::filesystem::remove_all(directory);
}

}  // namespace
