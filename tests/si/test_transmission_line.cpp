// Multiconductor transmission lines (physics/transmission_line.*): S-parameters
// against closed forms computed here independently (the lossless line's ABCD
// matrix, the even/odd modes of a symmetric coupled pair, a lumped shunt), the
// chain convention (a matched line delays), passivity and reciprocity of lossy
// lines, cascades, and the dB figures.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "physics/transmission_line.hpp"

namespace tsvfield::physics {
namespace {

using solver::Complex;
using solver::ComplexMatrix;

const Complex j(0, 1);
constexpr double pi = std::numbers::pi;

// Textbook 2-port S from ABCD, both ports referred to the real z0 (Pozar, Table 4.2).
struct TwoPortS {
  Complex s11, s12, s21, s22;
};

TwoPortS s_from_abcd(Complex a, Complex b, Complex c, Complex d, double z0) {
  const Complex denominator = a + b / z0 + c * z0 + d;
  return {(a + b / z0 - c * z0 - d) / denominator, 2.0 * (a * d - b * c) / denominator,
          2.0 / denominator, (-a + b / z0 - c * z0 + d) / denominator};
}

// A uniform line of propagation constant gamma = sqrt(z y) and length l:
// A = D = cosh(gamma l), B = z sinh(gamma l) / gamma, C = y sinh(gamma l) / gamma
// (even in gamma, so the branch of the square root does not matter).
TwoPortS uniform_line_s(Complex z, Complex y, double length, double z0) {
  const Complex gamma = std::sqrt(z * y);
  const Complex gl = gamma * length;
  const Complex sinh_over_gamma = std::abs(gamma) > 0 ? std::sinh(gl) / gamma : Complex(length);
  return s_from_abcd(std::cosh(gl), z * sinh_over_gamma, y * sinh_over_gamma, std::cosh(gl), z0);
}

RlgcMatrices single_line(double r, double l, double g, double c) {
  return {1, {r}, {l}, {g}, {c}};
}

ComplexMatrix line_s(const RlgcMatrices& rlgc, double length, double frequency, double z0) {
  return scattering_from_chain(line_chain_matrix(rlgc, length, frequency), z0);
}

// (a) Lossless line, Z0 = sqrt(L/C) = 63.2 ohm against 50 ohm ports, through
// quarter-, half- and full-wave points: S against the closed-form ABCD solution
// A = D = cos(bl), B = j Z0 sin(bl), C = j sin(bl) / Z0.
TEST(TransmissionLine, LosslessLineMatchesClosedFormAbcdThroughHalfWaveResonance) {
  const double inductance = 4e-7, capacitance = 1e-10, length = 5e-3, z0 = 50;
  const double line_impedance = std::sqrt(inductance / capacitance);
  const double velocity = 1 / std::sqrt(inductance * capacitance);
  const double half_wave_Hz = velocity / (2 * length);
  const RlgcMatrices rlgc = single_line(0, inductance, 0, capacitance);
  double worst = 0;
  for (double fraction : {0.0, 1e-4, 0.13, 0.5, 0.77, 1.0, 1.37, 2.0, 3.1}) {
    const double frequency = fraction * half_wave_Hz;
    const double bl = 2 * pi * frequency / velocity * length;
    const TwoPortS expected = s_from_abcd(std::cos(bl), j * line_impedance * std::sin(bl),
                                          j * std::sin(bl) / line_impedance, std::cos(bl), z0);
    const ComplexMatrix s = line_s(rlgc, length, frequency, z0);
    ASSERT_EQ(s.rows(), 2);
    const double error =
        std::max({std::abs(s(0, 0) - expected.s11), std::abs(s(0, 1) - expected.s12),
                  std::abs(s(1, 0) - expected.s21), std::abs(s(1, 1) - expected.s22)});
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-10) << "f = " << frequency << " Hz (" << fraction << " x half wave)";
  }
  // At the half-wave resonance the line is transparent: S11 = 0, S21 = -1.
  const ComplexMatrix resonant = line_s(rlgc, length, half_wave_Hz, z0);
  EXPECT_LT(std::abs(resonant(0, 0)), 1e-10);
  EXPECT_LT(std::abs(resonant(1, 0) + 1.0), 1e-10);
  // At the quarter wave it is a quarter-wave transformer: S11 = (Z0^2/z0 - z0)/(Z0^2/z0 + z0).
  const ComplexMatrix quarter = line_s(rlgc, length, 0.5 * half_wave_Hz, z0);
  const double transformed = line_impedance * line_impedance / z0;
  EXPECT_LT(std::abs(quarter(0, 0) - (transformed - z0) / (transformed + z0)), 1e-10);
  std::printf(
      "[ measured ] lossless line vs closed-form ABCD: max |S error| %.2e (half wave %.4g GHz)\n",
      worst, half_wave_Hz * 1e-9);
}

// A matched lossless line only delays: S11 = 0, S21 = exp(-j w l / v). This pins
// the sign convention of the chain matrix (I(l) flowing out of the far end).
TEST(TransmissionLine, MatchedLosslessLineIsAPureDelay) {
  const double inductance = 2.5e-7, capacitance = 1e-10, length = 2e-3;  // Z0 = 50 ohm
  const double velocity = 1 / std::sqrt(inductance * capacitance);
  for (double frequency : {1e6, 3e9, 40e9}) {
    const ComplexMatrix s =
        line_s(single_line(0, inductance, 0, capacitance), length, frequency, 50.0);
    const Complex delay = std::exp(-j * (2 * pi * frequency * length / velocity));
    EXPECT_LT(std::abs(s(0, 0)), 1e-12);
    EXPECT_LT(std::abs(s(1, 0) - delay), 1e-12) << frequency;
    EXPECT_LT(std::abs(s(0, 1) - delay), 1e-12) << frequency;
  }
}

// Electrically tiny and nearly lossless (where a detour through Z or Y would be
// ill conditioned), and a large lumped shunt, against closed forms.
TEST(TransmissionLine, ShortLineAndLargeShuntAreAccurate) {
  const RlgcMatrices rlgc = single_line(1e-3, 4e-7, 1e-9, 1e-10);
  for (double length : {1e-9, 1e-6}) {
    for (double frequency : {1e3, 1e9}) {
      const double omega = 2 * pi * frequency;
      const TwoPortS expected =
          uniform_line_s(Complex(1e-3, omega * 4e-7), Complex(1e-9, omega * 1e-10), length, 50);
      const ComplexMatrix s = line_s(rlgc, length, frequency, 50);
      EXPECT_LT(std::abs(s(0, 0) - expected.s11), 1e-14) << length << " m, " << frequency;
      EXPECT_LT(std::abs(s(1, 0) - expected.s21), 1e-14) << length << " m, " << frequency;
    }
  }
  // A shunt Y to ground between two z0 ports: S11 = -z0 Y / (2 + z0 Y), S21 = 2 / (2 + z0 Y).
  const LumpedShunt shunt{1, {1e3}, {2e-9}};
  const double frequency = 5e9;
  const Complex y = 1e3 + j * (2 * pi * frequency * 2e-9);
  const ComplexMatrix s = scattering_from_chain(shunt_chain_matrix(shunt, frequency), 50);
  EXPECT_LT(std::abs(s(0, 0) + 50.0 * y / (2.0 + 50.0 * y)), 1e-14);
  EXPECT_LT(std::abs(s(1, 0) - 2.0 / (2.0 + 50.0 * y)), 1e-14);
  EXPECT_LT(std::abs(s(0, 1) - s(1, 0)), 1e-16);
}

// (b) Lossy symmetric coupled pair against its even/odd-mode decomposition:
// with Q = [[1, 1], [1, -1]] / sqrt(2), every N x N block of S is Q diag(even, odd) Q.
TEST(TransmissionLine, LossySymmetricCoupledPairMatchesEvenOddModes) {
  const double rs = 350, rm = 60, ls = 4.2e-7, lm = 1.6e-7, gs = 3.0, gm = -1.1, cs = 2.1e-10,
               cm = -0.7e-10, length = 3e-3, z0 = 50;
  const RlgcMatrices rlgc{
      2, {rs, rm, rm, rs}, {ls, lm, lm, ls}, {gs, gm, gm, gs}, {cs, cm, cm, cs}};
  double worst = 0;
  for (double frequency : {0.0, 1e7, 1e9, 7.3e9, 20e9, 40e9}) {
    const double omega = 2 * pi * frequency;
    const TwoPortS even = uniform_line_s(Complex(rs + rm, omega * (ls + lm)),
                                         Complex(gs + gm, omega * (cs + cm)), length, z0);
    const TwoPortS odd = uniform_line_s(Complex(rs - rm, omega * (ls - lm)),
                                        Complex(gs - gm, omega * (cs - cm)), length, z0);
    // Q diag(e, o) Q = [[e + o, e - o], [e - o, e + o]] / 2.
    auto modal_block = [](Complex e, Complex o) {
      ComplexMatrix block(2, 2);
      block(0, 0) = block(1, 1) = 0.5 * (e + o);
      block(0, 1) = block(1, 0) = 0.5 * (e - o);
      return block;
    };
    ComplexMatrix expected(4, 4);
    expected.set_block(0, 0, modal_block(even.s11, odd.s11));
    expected.set_block(0, 2, modal_block(even.s12, odd.s12));
    expected.set_block(2, 0, modal_block(even.s21, odd.s21));
    expected.set_block(2, 2, modal_block(even.s22, odd.s22));
    const ComplexMatrix s = line_s(rlgc, length, frequency, z0);
    const double error = solver::max_abs(s - expected);
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-10) << "f = " << frequency;
  }
  std::printf("[ measured ] lossy coupled pair vs even/odd modes: max |S error| %.2e\n", worst);
}

// Random-looking but physical (symmetric positive definite; Maxwell-form G, C)
// per-unit-length matrices of N lines with a lossy, silicon-like G.
RlgcMatrices lossy_lines(int n, double silicon_conductance) {
  RlgcMatrices rlgc{n, {}, {}, {}, {}};
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col) {
      const bool diagonal = row == col;
      const double distance = std::abs(row - col);
      rlgc.R.push_back(diagonal ? 400.0 + 30 * row : 50.0 / distance);
      rlgc.L.push_back(diagonal ? 4e-7 + 2e-8 * row : 1.5e-7 / distance);
      rlgc.G.push_back(diagonal ? silicon_conductance * (n + 0.5)
                                : -silicon_conductance / distance);
      rlgc.C.push_back(diagonal ? 2e-10 * (n + 0.5) : -0.6e-10 / distance);
    }
  return rlgc;
}

// (c) Passivity and reciprocity of lossy lines, silicon-like G included, from DC to
// 100 GHz and from electrically tiny to long lines, with lumped pad shunts too.
// The chain-matrix route is checked where alpha l is moderate (TSV stacks); the
// stable route (line_scattering_matrix, cascade_scattering) on every length.
TEST(TransmissionLine, LossyLinesArePassiveAndReciprocal) {
  double largest_sigma = 0, largest_asymmetry = 0;
  for (int n : {1, 2, 3, 4})
    for (double silicon_g : {0.0, 1.0, 50.0})
      for (double length : {1e-6, 1e-4, 3e-3, 3e-2, 0.3})
        for (double frequency : {0.0, 1e6, 1e9, 1e10, 4e10, 1e11}) {
          const RlgcMatrices rlgc = lossy_lines(n, silicon_g);
          LumpedShunt pad{n, std::vector<double>(n * n, 0.0), std::vector<double>(n * n, 0.0)};
          for (int i = 0; i < n; ++i) {
            pad.G_S[i * n + i] = 0.2;
            pad.C_F[i * n + i] = 5e-14;
          }
          const ComplexMatrix s_pad = scattering_from_chain(shunt_chain_matrix(pad, frequency), 50);
          const ComplexMatrix s_line = line_scattering_matrix(rlgc, length, frequency, 50);
          std::vector<ComplexMatrix> networks = {
              s_line, cascade_scattering(cascade_scattering(s_pad, s_line), s_pad)};
          if (length <= 3e-3) {
            const ComplexMatrix chain = line_chain_matrix(rlgc, length, frequency);
            const ComplexMatrix pad_chain = shunt_chain_matrix(pad, frequency);
            networks.push_back(scattering_from_chain(chain, 50));
            networks.push_back(scattering_from_chain(pad_chain * chain * pad_chain, 50));
          }
          for (const ComplexMatrix& s : networks) {
            const double sigma = max_singular_value(s), asymmetry = reciprocity_error(s);
            largest_sigma = std::max(largest_sigma, sigma);
            largest_asymmetry = std::max(largest_asymmetry, asymmetry);
            EXPECT_LE(sigma, 1 + 1e-12)
                << n << " lines, G " << silicon_g << ", " << length << " m, " << frequency << " Hz";
            EXPECT_LT(asymmetry, 1e-12)
                << n << " lines, G " << silicon_g << ", " << length << " m, " << frequency << " Hz";
          }
        }
  std::printf("[ measured ] lossy lines: largest singular value %.15f, largest |S - S^T| %.2e\n",
              largest_sigma, largest_asymmetry);
}

// The stable route equals the chain route where the latter is accurate, and the
// closed form of a long, very lossy line (alpha l ~ 40) where it is not.
TEST(TransmissionLine, StableRouteMatchesChainRouteAndLongLossyClosedForm) {
  const RlgcMatrices coupled = lossy_lines(3, 5.0);
  double worst = 0;
  for (double frequency : {0.0, 1e9, 4e10}) {
    const ComplexMatrix via_chain = line_s(coupled, 2e-3, frequency, 50);
    const ComplexMatrix stable = line_scattering_matrix(coupled, 2e-3, frequency, 50);
    worst = std::max(worst, solver::max_abs(via_chain - stable));
  }
  EXPECT_LT(worst, 1e-12);
  const double r = 400, l = 4e-7, g = 200, c = 9e-10, length = 0.05, frequency = 2e10;
  const double omega = 2 * pi * frequency;
  const TwoPortS expected =
      uniform_line_s(Complex(r, omega * l), Complex(g, omega * c), length, 50);
  const ComplexMatrix s = line_scattering_matrix(single_line(r, l, g, c), length, frequency, 50);
  // S12 of the closed form needs AD - BC = 1 to cancel exp(2 alpha l): compare S11, S21, S22.
  const double closed_form_error =
      std::max({std::abs(s(0, 0) - expected.s11), std::abs(s(1, 0) - expected.s21),
                std::abs(s(1, 1) - expected.s22)});
  std::printf(
      "[ measured ] stable vs chain route: %.2e; long lossy line (|S21| = %.2e) vs closed "
      "form: %.2e\n",
      worst, std::abs(expected.s21), closed_form_error);
  EXPECT_LT(closed_form_error, 1e-12);
  EXPECT_LT(std::abs(s(1, 0) - expected.s21), 1e-6 * std::abs(expected.s21));
  EXPECT_LT(std::abs(s(0, 1) - s(1, 0)), 1e-6 * std::abs(expected.s21));
}

// A lossless network is unitary: every singular value of S is 1.
TEST(TransmissionLine, LosslessCoupledLinesAreUnitary) {
  RlgcMatrices rlgc = lossy_lines(3, 0.0);
  std::fill(rlgc.R.begin(), rlgc.R.end(), 0.0);
  for (double frequency : {1e8, 1e10, 6e10}) {
    const std::vector<double> sigma = solver::singular_values(line_s(rlgc, 4e-3, frequency, 50));
    for (double value : sigma) EXPECT_NEAR(value, 1.0, 1e-12) << frequency;
  }
}

// (d) Two sections of length l/2 in cascade equal one section of length l.
TEST(TransmissionLine, CascadeOfTwoHalvesEqualsWholeLine) {
  const RlgcMatrices rlgc = lossy_lines(3, 2.0);
  const double length = 5e-3;
  double worst = 0;
  for (double frequency : {0.0, 1e8, 1e10, 5e10}) {
    const ComplexMatrix half = line_chain_matrix(rlgc, length / 2, frequency);
    const ComplexMatrix s_cascade = scattering_from_chain(half * half, 50);
    const ComplexMatrix s_whole = line_s(rlgc, length, frequency, 50);
    const ComplexMatrix s_half = scattering_from_chain(half, 50);
    const double error = std::max(solver::max_abs(s_cascade - s_whole),
                                  solver::max_abs(cascade_scattering(s_half, s_half) - s_whole));
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-12) << frequency;
  }
  std::printf("[ measured ] cascade of two halves vs whole line: max |S difference| %.2e\n", worst);
}

TEST(TransmissionLine, DecibelFigures) {
  ComplexMatrix s(4, 4);
  s(2, 0) = 0.5;               // insertion of signal 0
  s(3, 1) = Complex(0, 0.1);   // insertion of signal 1
  s(0, 0) = -0.01;             // return loss of signal 0
  s(1, 0) = Complex(0.03, 0);  // near-end crosstalk 0 -> 1
  s(3, 0) = Complex(0, -0.2);  // far-end crosstalk 0 -> 1
  EXPECT_NEAR(insertion_loss_dB(s, 0), -20 * std::log10(0.5), 1e-12);
  EXPECT_NEAR(insertion_loss_dB(s, 1), 20.0, 1e-12);
  EXPECT_NEAR(return_loss_dB(s, 0), 40.0, 1e-12);
  EXPECT_NEAR(near_end_crosstalk_dB(s, 1, 0), 20 * std::log10(0.03), 1e-12);
  EXPECT_NEAR(far_end_crosstalk_dB(s, 1, 0), 20 * std::log10(0.2), 1e-12);
  // No coupling at all is -300 dB (the SI results' convention), not -inf.
  EXPECT_EQ(near_end_crosstalk_dB(s, 0, 1), -300.0);
  EXPECT_THROW(insertion_loss_dB(s, 2), std::out_of_range);
  EXPECT_THROW(return_loss_dB(ComplexMatrix(3, 3), 0), std::invalid_argument);
}

TEST(TransmissionLine, BadInputThrows) {
  RlgcMatrices wrong_size{2, {1, 0, 0, 1}, {1e-7}, {0, 0, 0, 0}, {1e-10, 0, 0, 1e-10}};
  EXPECT_THROW(line_chain_matrix(wrong_size, 1e-3, 1e9), std::invalid_argument);
  const RlgcMatrices good = single_line(1, 4e-7, 0, 1e-10);
  EXPECT_THROW(line_chain_matrix(good, -1e-3, 1e9), std::invalid_argument);
  EXPECT_THROW(line_chain_matrix(good, 1e-3, -1.0), std::invalid_argument);
  EXPECT_THROW(line_chain_matrix(good, std::nan(""), 1e9), std::invalid_argument);
  EXPECT_THROW(scattering_from_chain(ComplexMatrix::identity(3), 50), std::invalid_argument);
  EXPECT_THROW(scattering_from_chain(ComplexMatrix::identity(2), 0), std::invalid_argument);
  // Zero length is a through connection.
  const ComplexMatrix s = line_s(good, 0, 1e9, 50);
  EXPECT_LT(std::abs(s(1, 0) - 1.0), 1e-15);
  EXPECT_LT(std::abs(s(0, 0)), 1e-15);
}

}  // namespace
}  // namespace tsvfield::physics
