// Verification of the magneto-quasi-static cross-section solve (impedance_sweep)
// against the Bessel-function solution of a round copper wire (r = 5 um), from DC
// to 40 GHz.
//
// Separating the wire's internal impedance from the rest, without using the solver:
// the return is a coaxial copper shield (cells from 6 um to 8 um; oxide between).
// The exact loop impedance of a coax is
//   Z = Z_wire + j w mu0/(2 pi) ln(a/r) + Z_shield,
// with Z_wire = (k / (2 pi r sigma)) J0(kr)/J1(kr), k^2 = -j w mu sigma, written with
// q = sqrt(j w mu sigma) (k = j q, J_n(j z) = j^n I_n(z)) as
//   Z_wire = (q / (2 pi r sigma)) I0(qr) / I1(qr),
// and the shield's own internal impedance (current on its inner surface r = a,
// no field beyond r = b)
//   Z_shield = (q / (2 pi a sigma)) (I0(qa) K1(qb) + K0(qa) I1(qb))
//                                 / (I1(qb) K1(qa) - I1(qa) K1(qb)).
// The wire's measured R and internal L are the solver's loop values minus the
// exact external and shield terms; they must match Z_wire within 2%. At DC the
// closed forms are R = 1/(sigma pi r^2) + 1/(sigma pi (b^2 - a^2)), L = mu/(8 pi) +
// mu/(2 pi) ln(a/r) + L_tube, L_tube = mu/(2 pi) [b^4 ln(b/a)/(b^2-a^2)^2
// - (3 b^2 - a^2)/(4 (b^2 - a^2))].
//
// The modified Bessel functions of complex argument are implemented here: power
// series for |z| up to 8 (K) or 30 (I), the asymptotic expansions beyond, and
// checked against tabulated values (Abramowitz & Stegun tables 9.8 and 9.12).
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "mqs_polar_section.hpp"
#include "physics/per_unit_length.hpp"

namespace {

using Complex = std::complex<double>;
using std::numbers::pi;
using tsvfield::physics::kVacuumPermeability;
constexpr double kEulerGamma = 0.57721566490153286061;
constexpr double kMu = kVacuumPermeability;

// ---------------------------------------------------------------------------
// Modified Bessel functions I0, I1, K0, K1 of complex argument (Re z > 0).

Complex bessel_i_series(int order, Complex z) {
  const Complex quarter_square = z * z / 4.0;
  Complex term = order == 0 ? Complex(1) : z / 2.0;
  Complex sum = term;
  for (int k = 1; k < 500; ++k) {
    term *= quarter_square / (static_cast<double>(k) * (k + order));
    sum += term;
    if (std::abs(term) < 1e-17 * std::abs(sum)) break;
  }
  return sum;
}

// A&S 9.6.13 and 9.6.11 (n = 1).
Complex bessel_k_series(int order, Complex z) {
  const Complex quarter_square = z * z / 4.0;
  const Complex log_half = std::log(z / 2.0);
  Complex power = 1;    // (z^2/4)^k / (k! (k + order)!)
  double harmonic = 0;  // H_k
  Complex sum = 0;
  for (int k = 0; k < 500; ++k) {
    if (k > 0) {
      power *= quarter_square / (static_cast<double>(k) * (k + order));
      harmonic += 1.0 / k;
    }
    // order 0: psi(k+1) = H_k - gamma; order 1: psi(k+1) + psi(k+2).
    const double weight = order == 0 ? harmonic : 2 * harmonic + 1.0 / (k + 1) - 2 * kEulerGamma;
    const Complex term = weight * power;
    sum += term;
    if (k > 2 && std::abs(term) < 1e-17 * std::abs(sum)) break;
  }
  if (order == 0) return -(log_half + kEulerGamma) * bessel_i_series(0, z) + sum;
  return 1.0 / z + log_half * bessel_i_series(1, z) - z / 4.0 * sum;
}

// sum_k (+-1)^k a_k(order) / z^k, a_k = prod_{m=1..k} (4 n^2 - (2m-1)^2) / (k! 8^k),
// truncated at its smallest term.
Complex asymptotic_series(int order, Complex z, double sign) {
  const double mu = 4.0 * order * order;
  Complex term = 1, sum = 1;
  double previous = 1e300;
  for (int k = 1; k < 200; ++k) {
    term *= sign * (mu - (2.0 * k - 1) * (2.0 * k - 1)) / (8.0 * k * z);
    if (std::abs(term) >= previous || std::abs(term) < 1e-17) break;
    previous = std::abs(term);
    sum += term;
  }
  return sum;
}

Complex bessel_i(int order, Complex z) {
  if (std::abs(z) <= 30) return bessel_i_series(order, z);
  return std::exp(z) / std::sqrt(2 * pi * z) * asymptotic_series(order, z, -1);
}

Complex bessel_k(int order, Complex z) {
  if (std::abs(z) <= 8) return bessel_k_series(order, z);
  return std::sqrt(pi / (2.0 * z)) * std::exp(-z) * asymptotic_series(order, z, 1);
}

bool near(Complex value, Complex expected, double relative) {
  return std::abs(value - expected) <= relative * std::abs(expected);
}

TEST(ModifiedBessel, MatchesTabulatedValues) {
  // A&S table 9.8 (real argument).
  EXPECT_NEAR(bessel_i(0, 1).real(), 1.266065878, 1e-9);
  EXPECT_NEAR(bessel_i(1, 1).real(), 0.565159104, 1e-9);
  EXPECT_NEAR(bessel_k(0, 1).real(), 0.421024438, 1e-9);
  EXPECT_NEAR(bessel_k(1, 1).real(), 0.601907230, 1e-9);
  EXPECT_TRUE(near(bessel_i(0, 10), 2815.716628, 1e-9));
  EXPECT_TRUE(near(bessel_k(0, 10), 1.778006232e-5, 1e-8));  // asymptotic branch
  // Kelvin functions (A&S table 9.12): ber x + j bei x = I0(x e^{j pi/4}),
  // ker x + j kei x = K0(x e^{j pi/4}).
  const Complex rotation = std::polar(1.0, pi / 4);
  EXPECT_TRUE(near(bessel_i(0, 1.0 * rotation), {0.9843817812, 0.2495660400}, 1e-9));
  EXPECT_TRUE(near(bessel_i(0, 2.0 * rotation), {0.7517341827, 0.9722916273}, 1e-9));
  EXPECT_TRUE(near(bessel_i(0, 5.0 * rotation), {-6.230082479, 0.1160343816}, 1e-9));
  EXPECT_TRUE(near(bessel_k(0, 1.0 * rotation), {0.2867062087, -0.4949946365}, 1e-9));
  EXPECT_TRUE(near(bessel_k(0, 5.0 * rotation), {-0.01151172720, 0.01118758651}, 1e-8));
  EXPECT_TRUE(near(bessel_k(0, 10.0 * rotation), {1.294663301e-4, -3.075245691e-4}, 1e-7));
}

TEST(ModifiedBessel, SeriesAndAsymptoticBranchesAgree) {
  for (double angle : {0.0, pi / 4}) {
    const Complex at_k = std::polar(10.0, angle), at_i = std::polar(25.0, angle);
    for (int order : {0, 1}) {
      const Complex k_asymptotic =
          std::sqrt(pi / (2.0 * at_k)) * std::exp(-at_k) * asymptotic_series(order, at_k, 1);
      EXPECT_TRUE(near(bessel_k_series(order, at_k), k_asymptotic, 1e-6)) << order << angle;
      const Complex i_asymptotic =
          std::exp(at_i) / std::sqrt(2 * pi * at_i) * asymptotic_series(order, at_i, -1);
      EXPECT_TRUE(near(bessel_i_series(order, at_i), i_asymptotic, 1e-9)) << order << angle;
    }
  }
}

// ---------------------------------------------------------------------------
// Exact coax impedances.

struct Exact {
  Complex wire, shield;  // internal impedances (ohm/m)
  double external_L = 0;
};

Exact exact_coax(const tsvfield::test::CoaxGeometry& g, double frequency) {
  const double sigma = g.conductivity, r = g.wire, a = g.shield_inner, b = g.shield_outer;
  const double omega = 2 * pi * frequency;
  Exact exact;
  exact.external_L = kMu / (2 * pi) * std::log(a / r);
  if (frequency == 0) {
    const double tube = b * b - a * a;
    const double tube_L =
        kMu / (2 * pi) *
        (std::pow(b, 4) * std::log(b / a) / (tube * tube) - (3 * b * b - a * a) / (4 * tube));
    exact.wire = {1 / (sigma * pi * r * r), kMu / (8 * pi)};  // (R, L) at DC
    exact.shield = {1 / (sigma * pi * tube), tube_L};
    return exact;
  }
  const Complex q = std::sqrt(Complex(0, omega * kMu * sigma));
  exact.wire = q / (2 * pi * r * sigma) * bessel_i(0, q * r) / bessel_i(1, q * r);
  exact.shield =
      q / (2 * pi * a * sigma) *
      (bessel_i(0, q * a) * bessel_k(1, q * b) + bessel_k(0, q * a) * bessel_i(1, q * b)) /
      (bessel_i(1, q * b) * bessel_k(1, q * a) - bessel_i(1, q * a) * bessel_k(1, q * b));
  // As (R, L) like the DC case.
  exact.wire = {exact.wire.real(), exact.wire.imag() / omega};
  exact.shield = {exact.shield.real(), exact.shield.imag() / omega};
  return exact;
}

TEST(ModifiedBessel, ShieldFormulaTendsToItsDcLimit) {
  const tsvfield::test::CoaxGeometry geometry;
  const Exact dc = exact_coax(geometry, 0), low = exact_coax(geometry, 1.0);
  EXPECT_TRUE(near(low.wire, dc.wire, 1e-6));
  EXPECT_TRUE(near(low.shield, dc.shield, 1e-6));
}

// DC, then 2 points per decade from 1 kHz to 10 GHz, and 40 GHz.
std::vector<double> log_sweep() {
  std::vector<double> frequencies{0};
  for (int decade = 3; decade <= 10; ++decade)
    for (double mantissa : {1.0, 3.0})
      if (mantissa * std::pow(10.0, decade) <= 1e10)
        frequencies.push_back(mantissa * std::pow(10.0, decade));
  frequencies.push_back(4e10);
  return frequencies;
}

// The mesh of the verification: 96 segments, radial cells of 0.03 um at the metal
// surfaces facing the gap (skin depth / 11 at 40 GHz).
tsvfield::test::CoaxGeometry verification_geometry() {
  tsvfield::test::CoaxGeometry geometry;
  geometry.surface_cell = 0.03e-6;
  return geometry;
}
tsvfield::test::PolarMeshControls verification_mesh() {
  tsvfield::test::PolarMeshControls controls;
  controls.segments = 96;
  return controls;
}

TEST(MqsRoundWire, InternalImpedanceMatchesBesselSolutionFromDcTo40GHz) {
  const auto geometry = verification_geometry();
  const auto section = tsvfield::test::coax_section(geometry, verification_mesh());
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const auto frequencies = log_sweep();
  const auto sweep = tsvfield::physics::impedance_sweep(section, frequencies, MPI_COMM_WORLD);
  ASSERT_EQ(sweep.R_ohm_per_m.size(), frequencies.size());
  double worst_R = 0, worst_L = 0;
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    ASSERT_EQ(sweep.R_ohm_per_m[f].size(), 1u);
    const Exact exact = exact_coax(geometry, frequencies[f]);
    const double wire_R = sweep.R_ohm_per_m[f][0] - exact.shield.real();
    const double wire_L = sweep.L_H_per_m[f][0] - exact.external_L - exact.shield.imag();
    const double error_R = std::abs(wire_R / exact.wire.real() - 1);
    const double error_L = std::abs(wire_L / exact.wire.imag() - 1);
    worst_R = std::max(worst_R, error_R);
    worst_L = std::max(worst_L, error_L);
    if (rank == 0)
      std::printf(
          "[ measured ] %8.3g Hz  wire R %.6g ohm/m (error %+.3f%%)  internal L %.6g H/m (error "
          "%+.3f%%)\n",
          frequencies[f], wire_R, 100 * (wire_R / exact.wire.real() - 1), wire_L,
          100 * (wire_L / exact.wire.imag() - 1));
    EXPECT_LT(error_R, 0.02) << frequencies[f] << " Hz: R " << wire_R << " vs "
                             << exact.wire.real();
    EXPECT_LT(error_L, 0.02) << frequencies[f] << " Hz: internal L " << wire_L << " vs "
                             << exact.wire.imag();
  }
  // DC: the exact R (the polygons have the circles' areas) and the magnetostatic L.
  const Exact dc = exact_coax(geometry, 0);
  EXPECT_NEAR(sweep.R_ohm_per_m[0][0] / (dc.wire.real() + dc.shield.real()), 1, 1e-9);
  EXPECT_NEAR(sweep.L_H_per_m[0][0] / (dc.wire.imag() + dc.external_L + dc.shield.imag()), 1, 2e-3);
  // The mesh resolves the skin depth up to 40 GHz; outputs are finite.
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    EXPECT_TRUE(sweep.skin_depth_resolved[f]) << frequencies[f];
    EXPECT_GT(sweep.skin_depth_m[f], 0);
  }
  EXPECT_NEAR(sweep.skin_depth_m.back(), 1 / std::sqrt(pi * 4e10 * kMu * geometry.conductivity),
              1e-15);
  EXPECT_GT(sweep.stats.unknowns, 0);
  EXPECT_GE(sweep.stats.max_iterations, sweep.stats.min_iterations);
  if (rank == 0)
    std::printf(
        "[ measured ] round wire: worst R error %.3g%%, worst internal L error %.3g%%, "
        "iterations %d..%d, %d unknowns\n",
        100 * worst_R, 100 * worst_L, sweep.stats.min_iterations, sweep.stats.max_iterations,
        sweep.stats.unknowns);
}

// The sweep spread over the ranks equals the sweep each rank solves alone.
TEST(MqsRoundWire, ResultsDoNotDependOnTheRankCount) {
  const tsvfield::test::CoaxGeometry geometry;
  const auto section = tsvfield::test::coax_section(geometry, {});
  const std::vector<double> frequencies{0, 1e6, 1e9, 4e10};
  const auto spread = tsvfield::physics::impedance_sweep(section, frequencies, MPI_COMM_WORLD);
  const auto alone = tsvfield::physics::impedance_sweep(section, frequencies, PETSC_COMM_SELF);
  for (std::size_t f = 0; f < frequencies.size(); ++f) {
    EXPECT_EQ(spread.R_ohm_per_m[f], alone.R_ohm_per_m[f]);
    EXPECT_EQ(spread.L_H_per_m[f], alone.L_H_per_m[f]);
  }
}

}  // namespace
