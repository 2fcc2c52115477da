#pragma once
// Synthetic but realistic per-unit-length R, L, G, C of TSV lines in lossy
// silicon, from analytic formulas, for the SPICE-model tests (no field solve).
//
// Geometry: Cu TSV radius 5 um (10 um diameter), 0.5 um SiO2 liner, pitch 50 um,
// silicon 10 ohm*cm (sigma 10 S/m, eps_r 11.9). Ground TSVs tied as the return.
//   Liner (per TSV):           C_ox = 2 pi eps_ox / ln(r_ox / r)
//   Silicon, signal to ground: C_sg = pi eps_si / acosh(p / (2 r_ox)) (two-wire),
//                              G = (sigma / eps_si) C (homogeneous silicon)
//   Shunt admittance: the signal liners, the silicon network and the return's
//   liners (all ground TSVs in parallel) in series:
//     Z = diag(1/(j w C_ox)) + ones/(j w C_ox,return) + (G_si + j w C_si)^-1, Y = Z^-1.
//   Wire: R_w = R_dc sqrt(1 + (r / (2 delta))^2), internal L_w = (mu0 / 8 pi) R_dc / R_w;
//   loop matrices R = R_w I + (R_w / 2) ones (two ground wires in parallel as the
//   common return), L = L_ext + L_w I + (L_w / 2) ones.
//   External L of S between two grounds at +-p (GSG):
//     (mu0 / 2 pi) (1.5 ln(p / r) - 0.5 ln 2).
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "physics/transmission_line.hpp"
#include "solver/dense_complex.hpp"

namespace tsvfield::test {

struct SyntheticTsv {
  double radius_m = 5e-6;
  double liner_m = 0.5e-6;
  double pitch_m = 50e-6;
  double sigma_si_S_per_m = 10;  // 10 ohm*cm
  double eps_r_si = 11.9;
  double eps_r_ox = 3.9;
  double sigma_cu_S_per_m = 5.8e7;
  int signals = 1;               // 1: GSG; 2: GSSG (signals coupled, common return)
  double mutual_fraction = 0.5;  // silicon S-S capacitance relative to S-G
};

inline std::vector<double> log_sweep(double start_Hz, double stop_Hz, int points) {
  std::vector<double> f(points);
  for (int k = 0; k < points; ++k)
    f[k] = start_Hz * std::pow(stop_Hz / start_Hz, points > 1 ? double(k) / (points - 1) : 0.0);
  return f;
}

inline physics::RlgcMatrices synthetic_rlgc(const SyntheticTsv& tsv, double frequency_Hz) {
  using solver::Complex;
  using solver::ComplexMatrix;
  constexpr double eps0 = 8.8541878128e-12, mu0 = 1.25663706212e-6;
  const double pi = std::numbers::pi;
  const int n = tsv.signals;
  const double omega = 2 * pi * frequency_Hz;
  const double r_ox = tsv.radius_m + tsv.liner_m;
  const double eps_si = tsv.eps_r_si * eps0;

  const double c_ox = 2 * pi * tsv.eps_r_ox * eps0 / std::log(r_ox / tsv.radius_m);
  const double c_return = 2 * c_ox;  // two ground TSVs' liners in parallel
  const double c_sg = pi * eps_si / std::acosh(tsv.pitch_m / (2 * r_ox));
  const double c_ss = tsv.mutual_fraction * c_sg;
  // Silicon Maxwell matrix: each signal to the grounds (two of them for GSG, one
  // per signal for GSSG), and signal to signal.
  ComplexMatrix c_si(n, n);
  for (int i = 0; i < n; ++i) {
    c_si(i, i) = (n == 1 ? 2 : 1) * c_sg + (n > 1 ? c_ss * (n - 1) : 0.0);
    for (int j = 0; j < n; ++j)
      if (j != i) c_si(i, j) = -c_ss;
  }
  const Complex jw(0, omega);
  const ComplexMatrix y_si = Complex(tsv.sigma_si_S_per_m / eps_si, omega) * c_si;
  ComplexMatrix z = solver::inverse(y_si);
  for (int i = 0; i < n; ++i) {
    z(i, i) += 1.0 / (jw * c_ox);
    for (int j = 0; j < n; ++j) z(i, j) += 1.0 / (jw * c_return);
  }
  const ComplexMatrix y = solver::inverse(z);

  const double r_dc = 1 / (tsv.sigma_cu_S_per_m * pi * tsv.radius_m * tsv.radius_m);
  const double delta = std::sqrt(2 / (omega * mu0 * tsv.sigma_cu_S_per_m));
  const double skin = std::sqrt(1 + std::pow(tsv.radius_m / (2 * delta), 2));
  const double r_wire = r_dc * skin;
  const double l_internal = mu0 / (8 * pi) / skin;
  const double l_self =
      mu0 / (2 * pi) * (1.5 * std::log(tsv.pitch_m / tsv.radius_m) - 0.5 * std::log(2.0));
  const double l_mutual = mu0 / (2 * pi) * 0.5 * std::log(2.0);  // neighbours sharing a ground

  physics::RlgcMatrices m;
  m.conductors = n;
  m.R.assign(n * n, 0);
  m.L.assign(n * n, 0);
  m.G.assign(n * n, 0);
  m.C.assign(n * n, 0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int at = i * n + j;
      m.R[at] = (i == j ? r_wire : 0.0) + r_wire / 2;
      m.L[at] = (i == j ? l_self + l_internal : l_mutual) + l_internal / 2;
      m.G[at] = y(i, j).real();
      m.C[at] = y(i, j).imag() / omega;
    }
  return m;
}

inline physics::SectionRlgcSweep synthetic_section(const SyntheticTsv& tsv, double length_m,
                                                   const std::vector<double>& frequencies_Hz,
                                                   const std::string& layer = "die") {
  physics::SectionRlgcSweep section;
  section.layer = layer;
  section.length_m = length_m;
  for (int i = 0; i < tsv.signals; ++i) section.signal_names.push_back("S" + std::to_string(i + 1));
  section.frequencies_Hz = frequencies_Hz;
  for (double f : frequencies_Hz) section.rlgc.push_back(synthetic_rlgc(tsv, f));
  return section;
}

}  // namespace tsvfield::test
