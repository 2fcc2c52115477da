// Multiconductor transmission lines: chain matrices by the matrix exponential of
// the telegrapher system, lumped shunts, the 2N-port scattering matrix of a chain
// matrix, and the figures (dB) an SI engineer reads.
#include "physics/transmission_line.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace tsvfield::physics {
namespace {

using solver::Complex;
using solver::ComplexMatrix;

void require_matrix(const std::vector<double>& values, int conductors, const char* name) {
  if (values.size() != static_cast<std::size_t>(conductors) * static_cast<std::size_t>(conductors))
    throw std::invalid_argument(std::string("transmission line: ") + name + " has " +
                                std::to_string(values.size()) + " entries, expected " +
                                std::to_string(conductors * conductors) + " for " +
                                std::to_string(conductors) + " conductors");
  for (double v : values)
    if (!std::isfinite(v))
      throw std::invalid_argument(std::string("transmission line: ") + name +
                                  " has a non-finite entry");
}

void require_frequency(double frequency_Hz) {
  if (!std::isfinite(frequency_Hz) || frequency_Hz < 0)
    throw std::invalid_argument("transmission line: frequency must be finite and >= 0, got " +
                                std::to_string(frequency_Hz));
}

// resistive + j omega reactive, N x N.
ComplexMatrix complex_per_length(const std::vector<double>& resistive,
                                 const std::vector<double>& reactive, int conductors,
                                 double omega) {
  ComplexMatrix out(conductors, conductors);
  for (int row = 0; row < conductors; ++row)
    for (int col = 0; col < conductors; ++col) {
      const std::size_t k = static_cast<std::size_t>(row) * conductors + col;
      out(row, col) = Complex(resistive[k], omega * reactive[k]);
    }
  return out;
}

// The 2N x 2N scattering matrix needs the size of a chain matrix.
int conductors_of_chain(const ComplexMatrix& m, const char* what) {
  if (m.rows() != m.cols() || m.rows() % 2 != 0 || m.rows() == 0)
    throw std::invalid_argument(std::string(what) + ": expected a 2N x 2N matrix, got " +
                                std::to_string(m.rows()) + "x" + std::to_string(m.cols()));
  return m.rows() / 2;
}

void require_signal(const ComplexMatrix& s, int signal, const char* what) {
  const int conductors = conductors_of_chain(s, what);
  if (signal < 0 || signal >= conductors)
    throw std::out_of_range(std::string(what) + ": signal " + std::to_string(signal) +
                            " outside 0.." + std::to_string(conductors - 1));
}

// 20 log10 |value|, floored at -300 dB (|value| 1e-15, rounding noise for an S
// of order 1), the convention of the SI results for "no coupling at all", so an
// exact zero gives a finite number rather than -inf in reports.
double decibels(Complex value) {
  return 20 * std::log10(std::max(std::abs(value), 1e-15));
}

void validate_line(const RlgcMatrices& rlgc, double length_m, double frequency_Hz) {
  const int n = rlgc.conductors;
  if (n < 1)
    throw std::invalid_argument("transmission line: conductor count must be >= 1, got " +
                                std::to_string(n));
  require_matrix(rlgc.R, n, "R");
  require_matrix(rlgc.L, n, "L");
  require_matrix(rlgc.G, n, "G");
  require_matrix(rlgc.C, n, "C");
  require_frequency(frequency_Hz);
  if (!std::isfinite(length_m) || length_m < 0)
    throw std::invalid_argument("transmission line: length must be finite and >= 0, got " +
                                std::to_string(length_m));
}

}  // namespace

ComplexMatrix line_chain_matrix(const RlgcMatrices& rlgc, double length_m, double frequency_Hz) {
  validate_line(rlgc, length_m, frequency_Hz);
  const int n = rlgc.conductors;
  const double omega = 2 * std::numbers::pi * frequency_Hz;
  const ComplexMatrix z = complex_per_length(rlgc.R, rlgc.L, n, omega);
  const ComplexMatrix y = complex_per_length(rlgc.G, rlgc.C, n, omega);
  // Balance the generator with an impedance scale: |Z| and |Y| differ by ~1e4 in
  // SI units, and exp(D^-1 M D) = D^-1 exp(M) D keeps the Pade scaling (driven by
  // the norm) from being set by the large block alone.
  const double z_size = solver::max_abs(z), y_size = solver::max_abs(y);
  const double impedance_scale = (z_size > 0 && y_size > 0) ? std::sqrt(z_size / y_size) : 1.0;

  ComplexMatrix generator(2 * n, 2 * n);
  generator.set_block(0, n, Complex(length_m / impedance_scale) * z);
  generator.set_block(n, 0, Complex(length_m * impedance_scale) * y);
  ComplexMatrix chain = solver::exponential(generator);
  chain.set_block(0, n, Complex(impedance_scale) * chain.block(0, n, n, n));
  chain.set_block(n, 0, Complex(1 / impedance_scale) * chain.block(n, 0, n, n));
  return chain;
}

ComplexMatrix shunt_chain_matrix(const LumpedShunt& shunt, double frequency_Hz) {
  const int n = shunt.conductors;
  if (n < 1)
    throw std::invalid_argument("lumped shunt: conductor count must be >= 1, got " +
                                std::to_string(n));
  require_matrix(shunt.G_S, n, "shunt G");
  require_matrix(shunt.C_F, n, "shunt C");
  require_frequency(frequency_Hz);
  const double omega = 2 * std::numbers::pi * frequency_Hz;
  ComplexMatrix chain = ComplexMatrix::identity(2 * n);
  chain.set_block(n, 0, complex_per_length(shunt.G_S, shunt.C_F, n, omega));
  return chain;
}

// With a = (V + z0 I) / (2 sqrt z0), b = (V - z0 I) / (2 sqrt z0) at every port
// (port currents into the network: I1 at the near end, -I(l) at the far end), the
// chain relations V1 = A V2 + B I2, I1 = C V2 + D I2 become
//   [[1, -(A + B/z0)], [-1, -(z0 C + D)]] b = [[-1, A - B/z0], [-1, z0 C - D]] a.
// The left matrix is invertible whenever A + B/z0 + z0 C + D is (the usual
// 2-port denominator), which stays well conditioned both for a short, nearly
// lossless line (A, D ~ 1; B, C ~ 0: no Z- or Y-matrix singularity) and for a
// large shunt admittance (z0 C dominates), unlike the detour through Z or Y.
ComplexMatrix scattering_from_chain(const ComplexMatrix& chain, double z0_ohm) {
  const int n = conductors_of_chain(chain, "scattering_from_chain");
  if (!std::isfinite(z0_ohm) || z0_ohm <= 0)
    throw std::invalid_argument("scattering_from_chain: reference impedance must be > 0, got " +
                                std::to_string(z0_ohm));
  const ComplexMatrix a = chain.block(0, 0, n, n);
  const ComplexMatrix b_norm = Complex(1 / z0_ohm) * chain.block(0, n, n, n);
  const ComplexMatrix c_norm = Complex(z0_ohm) * chain.block(n, 0, n, n);
  const ComplexMatrix d = chain.block(n, n, n, n);
  const ComplexMatrix identity = ComplexMatrix::identity(n);
  const ComplexMatrix minus_identity = Complex(-1) * identity;

  ComplexMatrix reflected(2 * n, 2 * n), incident(2 * n, 2 * n);
  reflected.set_block(0, 0, identity);
  reflected.set_block(0, n, Complex(-1) * (a + b_norm));
  reflected.set_block(n, 0, minus_identity);
  reflected.set_block(n, n, Complex(-1) * (c_norm + d));
  incident.set_block(0, 0, minus_identity);
  incident.set_block(0, n, a - b_norm);
  incident.set_block(n, 0, minus_identity);
  incident.set_block(n, n, c_norm - d);
  return solver::solve(reflected, incident);
}

ComplexMatrix cascade_scattering(const ComplexMatrix& near_part, const ComplexMatrix& far_part) {
  const int n = conductors_of_chain(near_part, "cascade_scattering");
  if (far_part.rows() != near_part.rows() || far_part.cols() != near_part.cols())
    throw std::invalid_argument("cascade_scattering: the two S-matrices differ in size");
  const ComplexMatrix a11 = near_part.block(0, 0, n, n), a12 = near_part.block(0, n, n, n);
  const ComplexMatrix a21 = near_part.block(n, 0, n, n), a22 = near_part.block(n, n, n, n);
  const ComplexMatrix b11 = far_part.block(0, 0, n, n), b12 = far_part.block(0, n, n, n);
  const ComplexMatrix b21 = far_part.block(n, 0, n, n), b22 = far_part.block(n, n, n, n);
  const ComplexMatrix identity = ComplexMatrix::identity(n);
  // Waves bouncing between the two parts: (I - B11 A22)^-1 and (I - A22 B11)^-1.
  const ComplexMatrix reflected_from_far = solver::solve(identity - b11 * a22, b11 * a21);
  const ComplexMatrix transmitted = solver::solve(identity - a22 * b11, a21);
  const ComplexMatrix reflected_back = solver::solve(identity - a22 * b11, a22 * b12);
  ComplexMatrix s(2 * n, 2 * n);
  s.set_block(0, 0, a11 + a12 * reflected_from_far);
  s.set_block(0, n, a12 * solver::solve(identity - b11 * a22, b12));
  s.set_block(n, 0, b21 * transmitted);
  s.set_block(n, n, b22 + b21 * reflected_back);
  return s;
}

ComplexMatrix line_scattering_matrix(const RlgcMatrices& rlgc, double length_m, double frequency_Hz,
                                     double z0_ohm) {
  validate_line(rlgc, length_m, frequency_Hz);
  const int n = rlgc.conductors;
  const double omega = 2 * std::numbers::pi * frequency_Hz;
  const double growth = length_m *
                        std::sqrt(solver::max_abs(complex_per_length(rlgc.R, rlgc.L, n, omega)) *
                                  solver::max_abs(complex_per_length(rlgc.G, rlgc.C, n, omega))) *
                        n;
  // Halve until a section's exp(alpha l) is at most e: its S is then accurate to
  // ~1e-15, and each star-product doubling adds only rounding.
  int doublings = 0;
  while (growth > std::ldexp(1.0, doublings) && doublings < 60) ++doublings;
  ComplexMatrix s = scattering_from_chain(
      line_chain_matrix(rlgc, std::ldexp(length_m, -doublings), frequency_Hz), z0_ohm);
  for (int i = 0; i < doublings; ++i) s = cascade_scattering(s, s);
  return s;
}

double max_singular_value(const ComplexMatrix& s) {
  const std::vector<double> sigma = solver::singular_values(s);
  return sigma.empty() ? 0.0 : sigma.front();
}

double reciprocity_error(const ComplexMatrix& s) {
  if (s.rows() != s.cols()) throw std::invalid_argument("reciprocity_error: S is not square");
  return solver::max_abs(s - solver::transpose(s));
}

double insertion_loss_dB(const ComplexMatrix& s, int signal) {
  require_signal(s, signal, "insertion_loss_dB");
  return -decibels(s(s.rows() / 2 + signal, signal));
}

double return_loss_dB(const ComplexMatrix& s, int signal) {
  require_signal(s, signal, "return_loss_dB");
  return -decibels(s(signal, signal));
}

double near_end_crosstalk_dB(const ComplexMatrix& s, int victim, int aggressor) {
  require_signal(s, victim, "near_end_crosstalk_dB");
  require_signal(s, aggressor, "near_end_crosstalk_dB");
  return decibels(s(victim, aggressor));
}

double far_end_crosstalk_dB(const ComplexMatrix& s, int victim, int aggressor) {
  require_signal(s, victim, "far_end_crosstalk_dB");
  require_signal(s, aggressor, "far_end_crosstalk_dB");
  return decibels(s(s.rows() / 2 + victim, aggressor));
}

}  // namespace tsvfield::physics
