#include "physics/ladder_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tsvfield::physics {
namespace {

using solver::Complex;
using solver::ComplexMatrix;

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr int kPolesPerDecade = 6;
constexpr int kPoleRefinementPasses = 3;
constexpr std::size_t kMaxRefinedPoles = 6;
constexpr double kSignedFitThreshold = 1e-3;
constexpr double kSignedFitFloor = 1e-3;
constexpr int kMaxSegmentDoublings = 5;
constexpr std::size_t kSeriesCandidates = 12;

// ---- Small dense real least squares (column-major m x n, m >= n) ----------------

// Minimises |A x - b| by Householder QR; columns are pre-scaled to unit norm so
// the badly scaled Foster basis (conductance, capacitance, poles) stays well posed.
std::vector<double> least_squares(std::vector<double> a, int rows, int cols,
                                  std::vector<double> b) {
  std::vector<double> scale(cols, 1.0);
  for (int j = 0; j < cols; ++j) {
    double norm = 0;
    for (int i = 0; i < rows; ++i) norm += a[j * rows + i] * a[j * rows + i];
    norm = std::sqrt(norm);
    if (norm > 0) {
      scale[j] = 1 / norm;
      for (int i = 0; i < rows; ++i) a[j * rows + i] *= scale[j];
    }
  }
  std::vector<double> diagonal(cols, 0.0);
  for (int k = 0; k < cols; ++k) {
    double norm = 0;
    for (int i = k; i < rows; ++i) norm += a[k * rows + i] * a[k * rows + i];
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    const double alpha = a[k * rows + k] > 0 ? -norm : norm;
    a[k * rows + k] -= alpha;  // Householder vector v = x - alpha e_k, stored in place
    const double v_norm2 = norm * norm - 2 * alpha * (a[k * rows + k] + alpha) + alpha * alpha;
    diagonal[k] = alpha;
    if (v_norm2 <= 0) continue;
    auto reflect = [&](double* column) {
      double dot = 0;
      for (int i = k; i < rows; ++i) dot += a[k * rows + i] * column[i];
      const double factor = 2 * dot / v_norm2;
      for (int i = k; i < rows; ++i) column[i] -= factor * a[k * rows + i];
    };
    for (int j = k + 1; j < cols; ++j) reflect(&a[j * rows]);
    reflect(b.data());
  }
  std::vector<double> x(cols, 0.0);
  const double tiny = 1e-13 * std::abs(diagonal.empty() ? 0.0 : diagonal[0]);
  for (int k = cols - 1; k >= 0; --k) {
    if (std::abs(diagonal[k]) <= tiny) continue;  // rank deficient: leave at zero
    double sum = b[k];
    for (int j = k + 1; j < cols; ++j) sum -= a[j * rows + k] * x[j];
    x[k] = sum / diagonal[k];
  }
  for (int j = 0; j < cols; ++j) x[j] *= scale[j];
  return x;
}

// Non-negative least squares (Lawson and Hanson 1974): min |A x - b|, x >= 0.
std::vector<double> non_negative_least_squares(const std::vector<double>& a, int rows, int cols,
                                               const std::vector<double>& b) {
  std::vector<double> x(cols, 0.0);
  std::vector<char> in_passive_set(cols, 0);
  auto gradient = [&] {
    std::vector<double> residual = b;
    for (int j = 0; j < cols; ++j)
      for (int i = 0; i < rows; ++i) residual[i] -= a[j * rows + i] * x[j];
    std::vector<double> w(cols, 0.0);
    for (int j = 0; j < cols; ++j) {
      double norm = 0, dot = 0;
      for (int i = 0; i < rows; ++i) {
        dot += a[j * rows + i] * residual[i];
        norm += a[j * rows + i] * a[j * rows + i];
      }
      w[j] = norm > 0 ? dot / std::sqrt(norm) : 0;  // scale-free test
    }
    return w;
  };
  auto solve_passive = [&] {
    std::vector<int> passive;
    for (int j = 0; j < cols; ++j)
      if (in_passive_set[j]) passive.push_back(j);
    std::vector<double> sub(static_cast<std::size_t>(rows) * passive.size());
    for (std::size_t p = 0; p < passive.size(); ++p)
      std::copy_n(&a[static_cast<std::size_t>(passive[p]) * rows], rows, &sub[p * rows]);
    const std::vector<double> z_passive =
        least_squares(sub, rows, static_cast<int>(passive.size()), b);
    std::vector<double> z(cols, 0.0);
    for (std::size_t p = 0; p < passive.size(); ++p) z[passive[p]] = z_passive[p];
    return z;
  };
  double b_norm = 0;
  for (double value : b) b_norm += value * value;
  const double tolerance = 1e-12 * std::sqrt(b_norm);
  for (int outer = 0; outer < 3 * cols + 3; ++outer) {
    const std::vector<double> w = gradient();
    int best = -1;
    for (int j = 0; j < cols; ++j)
      if (!in_passive_set[j] && w[j] > tolerance && (best < 0 || w[j] > w[best])) best = j;
    if (best < 0) break;
    in_passive_set[best] = 1;
    for (int inner = 0; inner < 3 * cols + 3; ++inner) {
      const std::vector<double> z = solve_passive();
      bool feasible = true;
      for (int j = 0; j < cols; ++j)
        if (in_passive_set[j] && z[j] <= 0) feasible = false;
      if (feasible) {
        x = z;
        break;
      }
      // Step from x towards z until the first passive unknown reaches zero; drop it.
      double step = 1;
      int blocking = -1;
      for (int j = 0; j < cols; ++j)
        if (in_passive_set[j] && z[j] <= 0) {
          const double ratio = x[j] / (x[j] - z[j]);
          if (blocking < 0 || ratio < step) {
            step = ratio;
            blocking = j;
          }
        }
      for (int j = 0; j < cols; ++j) {
        if (!in_passive_set[j]) continue;
        x[j] += step * (z[j] - x[j]);
        if (j == blocking || x[j] <= 0) {
          x[j] = 0;
          in_passive_set[j] = 0;
        }
      }
    }
  }
  for (double& value : x) value = std::max(value, 0.0);
  return x;
}

// ---- Shunt fit ----------------------------------------------------------------------

int conductor_count(const SectionRlgcSweep& section) {
  if (section.rlgc.empty()) return 0;
  return section.rlgc.front().conductors;
}

void check_section(const SectionRlgcSweep& section) {
  const std::size_t points = section.frequencies_Hz.size();
  if (points == 0 || section.rlgc.size() != points)
    throw std::invalid_argument("section '" + section.layer +
                                "': RLGC sweep is empty or does not match its frequencies");
  const int n = conductor_count(section);
  if (n <= 0) throw std::invalid_argument("section '" + section.layer + "': no conductor");
  const std::size_t entries = static_cast<std::size_t>(n) * n;
  for (std::size_t k = 0; k < points; ++k) {
    const RlgcMatrices& m = section.rlgc[k];
    if (m.conductors != n || m.R.size() != entries || m.L.size() != entries ||
        m.G.size() != entries || m.C.size() != entries)
      throw std::invalid_argument("section '" + section.layer +
                                  "': RLGC matrices of inconsistent size");
    for (const std::vector<double>* values : {&m.R, &m.L, &m.G, &m.C})
      for (double value : *values)
        if (!std::isfinite(value))
          throw std::invalid_argument("section '" + section.layer + "': non-finite RLGC value");
    if (!std::isfinite(section.frequencies_Hz[k]) || section.frequencies_Hz[k] < 0 ||
        (k > 0 && section.frequencies_Hz[k] <= section.frequencies_Hz[k - 1]))
      throw std::invalid_argument("section '" + section.layer +
                                  "': frequencies must be ascending and non-negative");
  }
  if (!(section.length_m > 0))
    throw std::invalid_argument("section '" + section.layer + "': length must be positive");
}

std::size_t lower_index(int row, int col) {
  if (row < col) std::swap(row, col);
  return static_cast<std::size_t>(row) * (row + 1) / 2 + col;
}

// Admittance of Maxwell branch (i, j) of Y = G + j w C at one sweep point.
Complex branch_admittance_data(const RlgcMatrices& m, int i, int j, double omega) {
  const int n = m.conductors;
  auto entry = [&](int r, int c) {
    const std::size_t at = static_cast<std::size_t>(r) * n + c;
    return Complex(m.G[at], omega * m.C[at]);
  };
  if (i != j) return -entry(i, j);
  Complex sum = 0;
  for (int c = 0; c < n; ++c) sum += entry(i, c);
  return sum;
}

std::vector<double> candidate_poles_Hz(const std::vector<double>& frequencies_Hz) {
  std::vector<double> positive;
  for (double f : frequencies_Hz)
    if (f > 0) positive.push_back(f);
  if (positive.size() < 2) return {};
  const double low = positive.front(), high = positive.back();
  const double decades = std::log10(high / low);
  if (decades < 1e-3) return {};
  const int count = std::max(2, static_cast<int>(std::ceil(kPolesPerDecade * decades)) + 1);
  std::vector<double> poles(count);
  for (int k = 0; k < count; ++k) poles[k] = low * std::pow(high / low, double(k) / (count - 1));
  return poles;
}

// Weighted least squares of one branch on fixed poles: unknowns g0, c_inf, a_k of
// y = g0 + j w c_inf + sum a_k j w/(j w + p_k), each equation weighted by
// 1/max(|y(f)|, floor) (relative error). Non-negative unknowns, or signed ones
// (as differences of non-negative pairs). Returns the unknowns and the residual.
struct BranchFitSetup {
  const std::vector<double>& frequencies_Hz;
  const std::vector<Complex>& data;
  double weight_floor = 0;  // absolute, S/m
  bool signed_unknowns = false;
};

struct BranchSolution {
  std::vector<double> unknowns;  // g0, c_inf, a_1 .. a_K
  double residual = 0;
};

BranchSolution solve_branch(const BranchFitSetup& setup, const std::vector<double>& poles_Hz) {
  const int points = static_cast<int>(setup.frequencies_Hz.size());
  const int terms = 2 + static_cast<int>(poles_Hz.size());
  const int cols = setup.signed_unknowns ? 2 * terms : terms;
  const int rows = 2 * points;
  std::vector<double> a(static_cast<std::size_t>(rows) * cols, 0.0), b(rows, 0.0);
  for (int f = 0; f < points; ++f) {
    const double omega = kTwoPi * setup.frequencies_Hz[f];
    const double weight = 1 / std::max(std::abs(setup.data[f]), setup.weight_floor);
    const int re = 2 * f, im = 2 * f + 1;
    a[0 * rows + re] = weight;
    a[1 * rows + im] = weight * omega;
    for (std::size_t k = 0; k < poles_Hz.size(); ++k) {
      const double p = kTwoPi * poles_Hz[k];
      const double denominator = omega * omega + p * p;
      a[(2 + k) * rows + re] = weight * omega * omega / denominator;
      a[(2 + k) * rows + im] = weight * omega * p / denominator;
    }
    b[re] = weight * setup.data[f].real();
    b[im] = weight * setup.data[f].imag();
  }
  if (setup.signed_unknowns)
    for (std::size_t i = 0; i < static_cast<std::size_t>(rows) * terms; ++i)
      a[static_cast<std::size_t>(rows) * terms + i] = -a[i];
  const std::vector<double> x = non_negative_least_squares(a, rows, cols, b);
  BranchSolution solution;
  solution.unknowns.assign(x.begin(), x.begin() + terms);
  if (setup.signed_unknowns)
    for (int j = 0; j < terms; ++j) solution.unknowns[j] -= x[terms + j];
  double residual2 = 0;
  for (int i = 0; i < rows; ++i) {
    double value = -b[i];
    for (int j = 0; j < cols; ++j) value += a[j * rows + i] * x[j];
    residual2 += value * value;
  }
  solution.residual = std::sqrt(residual2);
  return solution;
}

// The fit on the candidate poles, then the poles it keeps moved one at a time
// (golden-section search in log p, a few passes) to where the residual is
// smallest: a fixed grid alone leaves errors of about 1% between its poles.
std::pair<BranchSolution, std::vector<double>> fit_with_pole_refinement(
    const BranchFitSetup& setup, const std::vector<double>& candidate_poles_Hz) {
  BranchSolution best = solve_branch(setup, candidate_poles_Hz);
  std::vector<double> poles;
  for (std::size_t k = 0; k < candidate_poles_Hz.size(); ++k)
    if (best.unknowns[2 + k] != 0) poles.push_back(candidate_poles_Hz[k]);
  best = solve_branch(setup, poles);
  // Refining costs a least-squares solve per trial and pole: done for the few
  // poles a smooth admittance needs, not for a signed fit that spreads over many.
  if (poles.size() > kMaxRefinedPoles) return {best, poles};
  const double grid_step = std::log(10.0) / kPolesPerDecade;
  const double golden = (std::sqrt(5.0) - 1) / 2;
  for (int pass = 0; pass < kPoleRefinementPasses; ++pass)
    for (std::size_t k = 0; k < poles.size(); ++k) {
      auto residual_at = [&](double log_pole) {
        std::vector<double> trial = poles;
        trial[k] = std::exp(log_pole);
        return solve_branch(setup, trial).residual;
      };
      double low = std::log(poles[k]) - grid_step, high = std::log(poles[k]) + grid_step;
      double x1 = high - golden * (high - low), x2 = low + golden * (high - low);
      double r1 = residual_at(x1), r2 = residual_at(x2);
      for (int step = 0; step < 16; ++step) {  // bracket: 0.618^16 = 5e-4 of a step
        if (r1 < r2) {
          high = x2, x2 = x1, r2 = r1;
          x1 = high - golden * (high - low), r1 = residual_at(x1);
        } else {
          low = x1, x1 = x2, r1 = r2;
          x2 = low + golden * (high - low), r2 = residual_at(x2);
        }
      }
      std::vector<double> trial = poles;
      trial[k] = std::exp(r1 < r2 ? x1 : x2);
      BranchSolution moved = solve_branch(setup, trial);
      if (moved.residual < best.residual) {
        best = std::move(moved);
        poles = std::move(trial);
      }
    }
  return {best, poles};
}

RcBranch branch_of(const BranchSolution& solution, const std::vector<double>& poles_Hz,
                   const std::vector<double>& frequencies_Hz, double largest) {
  // Terms below 1e-12 of the branch's largest admittance change nothing but
  // would become absurd elements (a 1e300 ohm resistor): dropped.
  const double negligible = 1e-12 * largest;
  const double highest_omega = kTwoPi * frequencies_Hz.back();
  const std::vector<double>& x = solution.unknowns;
  RcBranch branch;
  branch.conductance_S = std::abs(x[0]) > negligible ? x[0] : 0;
  branch.capacitance_F = std::abs(x[1]) * highest_omega > negligible ? x[1] : 0;
  for (std::size_t k = 0; k < poles_Hz.size(); ++k) {
    const double residue = x[2 + k];  // a_k = 1/R_k, p_k = 1/(R_k C_k)
    if (!(std::abs(residue) > negligible)) continue;
    branch.series_resistance_ohm.push_back(1 / residue);
    branch.series_capacitance_F.push_back(residue / (kTwoPi * poles_Hz[k]));
  }
  return branch;
}

// Largest misfit of a branch relative to max(|y(f)|, floor).
double branch_misfit(const RcBranch& branch, const std::vector<double>& frequencies_Hz,
                     const std::vector<Complex>& data, double floor) {
  double worst = 0;
  for (std::size_t k = 0; k < frequencies_Hz.size(); ++k)
    worst = std::max(worst, std::abs(branch.admittance(frequencies_Hz[k]) - data[k]) /
                                std::max(std::abs(data[k]), floor));
  return worst;
}

// Fits one branch with non-negative elements (passive, an RC admittance). A
// branch between two conductors is a transfer admittance, which need not be an
// RC function (with a common return liner, C of distant conductors changes sign
// over the band): when the non-negative fit misses by more than
// kSignedFitThreshold, a fit with signed elements is taken if it is twice better.
RcBranch fit_branch(const std::vector<double>& frequencies_Hz, const std::vector<Complex>& data,
                    const std::vector<double>& candidate_poles_Hz, bool mutual, bool& is_signed) {
  is_signed = false;
  double largest = 0;
  for (const Complex& y : data) largest = std::max(largest, std::abs(y));
  if (largest == 0) return {};
  const BranchFitSetup non_negative{frequencies_Hz, data, 1e-9 * largest, false};
  const auto [solution, poles] = fit_with_pole_refinement(non_negative, candidate_poles_Hz);
  RcBranch branch = branch_of(solution, poles, frequencies_Hz, largest);
  if (!mutual) return branch;
  const double floor = kSignedFitFloor * largest;
  const double misfit = branch_misfit(branch, frequencies_Hz, data, floor);
  if (misfit <= kSignedFitThreshold) return branch;
  const BranchFitSetup signed_setup{frequencies_Hz, data, floor, true};
  const auto [signed_solution, signed_poles] =
      fit_with_pole_refinement(signed_setup, candidate_poles_Hz);
  RcBranch signed_branch = branch_of(signed_solution, signed_poles, frequencies_Hz, largest);
  if (branch_misfit(signed_branch, frequencies_Hz, data, floor) < 0.5 * misfit) {
    is_signed = true;
    return signed_branch;
  }
  return branch;
}

// ---- Chain matrices -----------------------------------------------------------------

ComplexMatrix series_cell_chain(const LadderSection& section, int n, double length_m,
                                double omega) {
  ComplexMatrix chain = ComplexMatrix::identity(2 * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * n + j;
      chain(i, n + j) = Complex(section.R_ohm_per_m[at], omega * section.L_H_per_m[at]) * length_m;
    }
  return chain;
}

ComplexMatrix shunt_cell_chain(const ShuntNetworkFit& shunt, int n, double length_m,
                               double frequency_Hz) {
  ComplexMatrix chain = ComplexMatrix::identity(2 * n);
  chain.set_block(n, 0, Complex(length_m, 0) * shunt.admittance(frequency_Hz));
  return chain;
}

std::size_t nearest_sweep_index(const std::vector<double>& frequencies_Hz, double target_Hz) {
  std::size_t best = 0;
  double best_distance = INFINITY;
  for (std::size_t k = 0; k < frequencies_Hz.size(); ++k) {
    const double f = frequencies_Hz[k];
    const double distance =
        (f > 0 && target_Hz > 0) ? std::abs(std::log(f / target_Hz)) : std::abs(f - target_Hz);
    if (distance < best_distance) {
      best_distance = distance;
      best = k;
    }
  }
  return best;
}

void check_shunt(const LumpedShunt& shunt, int n, const char* which) {
  if (shunt.conductors == 0) return;
  const std::size_t entries = static_cast<std::size_t>(n) * n;
  if (shunt.conductors != n || shunt.G_S.size() != entries || shunt.C_F.size() != entries)
    throw std::invalid_argument(std::string(which) +
                                " end shunt does not match the number of signals");
}

LadderSection make_section(const SectionRlgcSweep& sweep, double max_frequency_Hz, int segments) {
  LadderSection section;
  section.layer = sweep.layer;
  section.length_m = sweep.length_m;
  section.segments = segments;
  const std::size_t series_index = nearest_sweep_index(sweep.frequencies_Hz, max_frequency_Hz);
  section.series_frequency_Hz = sweep.frequencies_Hz[series_index];
  section.R_ohm_per_m = sweep.rlgc[series_index].R;
  section.L_H_per_m = sweep.rlgc[series_index].L;
  section.shunt = fit_shunt_network(sweep);
  return section;
}

// Largest insertion-loss difference up to valid_to_Hz.
double worst_error_in_band(const LadderValidity& validity) {
  double worst = 0;
  for (std::size_t k = 0; k < validity.frequencies_Hz.size(); ++k)
    if (validity.frequencies_Hz[k] <= validity.valid_to_Hz)
      worst = std::max(worst, validity.insertion_loss_error_dB[k]);
  return worst;
}

// R and L come from one sweep point. The maximum frequency's is kept when the
// ladder holds to there; otherwise (a long line, whose skin-effect R matters at
// low frequency) up to kSeriesCandidates sweep points below it are tried and the
// one valid to the highest frequency (then with the smallest error) is kept.
void choose_series_frequency(LadderModel& ladder, const std::vector<SectionRlgcSweep>& sweeps,
                             double reference_impedance_ohm, double tolerance_dB) {
  if (ladder.validity.valid_to_Hz >= ladder.max_frequency_Hz * (1 - 1e-12)) return;
  const std::vector<double>& frequencies = sweeps.front().frequencies_Hz;
  const std::size_t last = nearest_sweep_index(frequencies, ladder.max_frequency_Hz);
  const std::size_t stride = std::max<std::size_t>(1, (last + 1) / kSeriesCandidates);
  for (std::size_t k = last; k-- > 0;) {
    if ((last - k) % stride != 0) continue;
    LadderModel trial = ladder;
    for (std::size_t s = 0; s < sweeps.size(); ++s) {
      trial.sections[s].series_frequency_Hz = frequencies[k];
      trial.sections[s].R_ohm_per_m = sweeps[s].rlgc[k].R;
      trial.sections[s].L_H_per_m = sweeps[s].rlgc[k].L;
    }
    trial.validity = assess_ladder_validity(trial, sweeps, reference_impedance_ohm, tolerance_dB);
    const bool higher = trial.validity.valid_to_Hz > ladder.validity.valid_to_Hz;
    const bool as_high_smaller_error =
        trial.validity.valid_to_Hz == ladder.validity.valid_to_Hz &&
        worst_error_in_band(trial.validity) < worst_error_in_band(ladder.validity);
    if (higher || as_high_smaller_error) ladder = std::move(trial);
  }
}

}  // namespace

// ---- RcBranch / ShuntNetworkFit ---------------------------------------------------------

Complex RcBranch::admittance(double frequency_Hz) const {
  const double omega = kTwoPi * frequency_Hz;
  Complex y(conductance_S, omega * capacitance_F);
  for (std::size_t k = 0; k < series_resistance_ohm.size(); ++k) {
    if (omega == 0) continue;  // a series capacitor blocks DC
    y += 1.0 / Complex(series_resistance_ohm[k], -1 / (omega * series_capacitance_F[k]));
  }
  return y;
}

RcBranch RcBranch::scaled(double length_m) const {
  RcBranch piece = *this;
  piece.conductance_S *= length_m;
  piece.capacitance_F *= length_m;
  for (double& r : piece.series_resistance_ohm) r /= length_m;
  for (double& c : piece.series_capacitance_F) c *= length_m;
  return piece;
}

const RcBranch& ShuntNetworkFit::branch(int row, int col) const {
  return branches.at(lower_index(row, col));
}

ComplexMatrix ShuntNetworkFit::admittance(double frequency_Hz) const {
  ComplexMatrix y(conductors, conductors);
  for (int i = 0; i < conductors; ++i)
    for (int j = 0; j <= i; ++j) {
      const Complex branch_y = branch(i, j).admittance(frequency_Hz);
      if (i == j) {
        y(i, i) += branch_y;
      } else {
        y(i, i) += branch_y;
        y(j, j) += branch_y;
        y(i, j) -= branch_y;
        y(j, i) -= branch_y;
      }
    }
  return y;
}

ShuntNetworkFit fit_shunt_network(const SectionRlgcSweep& section) {
  check_section(section);
  const int n = conductor_count(section);
  ShuntNetworkFit fit;
  fit.conductors = n;
  fit.pole_frequencies_Hz = candidate_poles_Hz(section.frequencies_Hz);
  const std::size_t points = section.frequencies_Hz.size();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      std::vector<Complex> data(points);
      for (std::size_t k = 0; k < points; ++k)
        data[k] = branch_admittance_data(section.rlgc[k], i, j, kTwoPi * section.frequencies_Hz[k]);
      bool is_signed = false;
      fit.branches.push_back(
          fit_branch(section.frequencies_Hz, data, fit.pole_frequencies_Hz, i != j, is_signed));
      if (is_signed) ++fit.signed_branches;
    }
  // Misfit relative to each frequency's largest |Y_ij|, floored at 1e-9 of the
  // sweep's (a liner blocks DC: Y(0) ~ 0 makes a plain relative error meaningless).
  auto data_at = [&](std::size_t k, int i, int j) {
    const std::size_t at = static_cast<std::size_t>(i) * n + j;
    return Complex(section.rlgc[k].G[at],
                   kTwoPi * section.frequencies_Hz[k] * section.rlgc[k].C[at]);
  };
  double sweep_largest = 0;
  for (std::size_t k = 0; k < points; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        sweep_largest = std::max(sweep_largest, std::abs(data_at(k, i, j)));
  for (std::size_t k = 0; k < points; ++k) {
    const double f = section.frequencies_Hz[k];
    const ComplexMatrix model = fit.admittance(f);
    double largest = 1e-9 * sweep_largest, worst = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        largest = std::max(largest, std::abs(data_at(k, i, j)));
        worst = std::max(worst, std::abs(model(i, j) - data_at(k, i, j)));
      }
    const double relative = largest > 0 ? worst / largest : worst;
    if (relative > fit.max_relative_error) {
      fit.max_relative_error = relative;
      fit.worst_frequency_Hz = f;
    }
  }
  return fit;
}

// ---- Segments ---------------------------------------------------------------------------

int automatic_segment_count(const SectionRlgcSweep& section, double frequency_Hz) {
  check_section(section);
  const int n = conductor_count(section);
  const std::size_t index = nearest_sweep_index(section.frequencies_Hz, frequency_Hz);
  const RlgcMatrices& m = section.rlgc[index];
  const double omega = kTwoPi * frequency_Hz;
  // |gamma|^2 of every mode is an eigenvalue of Z Y, bounded by its Frobenius norm:
  // the segment count errs on the safe side for coupled lines, exact for one line.
  const ComplexMatrix z =
      ComplexMatrix::from_real(n, n, m.R) + Complex(0, omega) * ComplexMatrix::from_real(n, n, m.L);
  const ComplexMatrix y =
      ComplexMatrix::from_real(n, n, m.G) + Complex(0, omega) * ComplexMatrix::from_real(n, n, m.C);
  const ComplexMatrix zy = z * y;
  double frobenius2 = 0;
  for (const Complex& value : zy.data()) frobenius2 += std::norm(value);
  const double gamma_bound = std::sqrt(std::sqrt(frobenius2));
  const double wavelength = kTwoPi / std::max(gamma_bound, 1e-300);
  return std::max(1, static_cast<int>(std::ceil(10 * section.length_m / wavelength - 1e-9)));
}

// ---- Ladder -----------------------------------------------------------------------------

std::vector<LadderCell> ladder_cells(const LadderModel& ladder) {
  std::vector<LadderCell> cells;
  if (ladder.near_end_shunt.conductors > 0) cells.push_back({LadderCell::Kind::near_shunt, -1, 0});
  for (std::size_t s = 0; s < ladder.sections.size(); ++s) {
    const LadderSection& section = ladder.sections[s];
    const int index = static_cast<int>(s);
    const double dl = section.length_m / section.segments;
    cells.push_back({LadderCell::Kind::series, index, dl / 2});
    for (int k = 0; k < section.segments; ++k) {
      cells.push_back({LadderCell::Kind::shunt, index, dl});
      cells.push_back({LadderCell::Kind::series, index, k + 1 < section.segments ? dl : dl / 2});
    }
  }
  if (ladder.far_end_shunt.conductors > 0) cells.push_back({LadderCell::Kind::far_shunt, -1, 0});
  return cells;
}

ComplexMatrix ladder_chain_matrix(const LadderModel& ladder, double frequency_Hz) {
  const int n = ladder.conductors;
  const double omega = kTwoPi * frequency_Hz;
  ComplexMatrix chain = ComplexMatrix::identity(2 * n);
  for (const LadderCell& cell : ladder_cells(ladder)) {
    switch (cell.kind) {
      case LadderCell::Kind::near_shunt:
        chain = chain * shunt_chain_matrix(ladder.near_end_shunt, frequency_Hz);
        break;
      case LadderCell::Kind::far_shunt:
        chain = chain * shunt_chain_matrix(ladder.far_end_shunt, frequency_Hz);
        break;
      case LadderCell::Kind::series:
        chain = chain * series_cell_chain(ladder.sections[cell.section], n, cell.length_m, omega);
        break;
      case LadderCell::Kind::shunt:
        chain = chain * shunt_cell_chain(ladder.sections[cell.section].shunt, n, cell.length_m,
                                         frequency_Hz);
        break;
    }
  }
  return chain;
}

ComplexMatrix exact_chain_matrix(const std::vector<SectionRlgcSweep>& sections,
                                 const LumpedShunt& near_end, const LumpedShunt& far_end,
                                 std::size_t frequency_index) {
  if (sections.empty()) throw std::invalid_argument("exact_chain_matrix: no section");
  const int n = conductor_count(sections.front());
  const double f = sections.front().frequencies_Hz.at(frequency_index);
  ComplexMatrix chain = ComplexMatrix::identity(2 * n);
  if (near_end.conductors > 0) chain = chain * shunt_chain_matrix(near_end, f);
  for (const SectionRlgcSweep& section : sections)
    chain = chain * line_chain_matrix(section.rlgc.at(frequency_index), section.length_m, f);
  if (far_end.conductors > 0) chain = chain * shunt_chain_matrix(far_end, f);
  return chain;
}

LadderValidity assess_ladder_validity(const LadderModel& ladder,
                                      const std::vector<SectionRlgcSweep>& sections,
                                      double reference_impedance_ohm, double tolerance_dB) {
  LadderValidity validity;
  validity.tolerance_dB = tolerance_dB;
  validity.reference_impedance_ohm = reference_impedance_ohm;
  validity.frequencies_Hz = sections.front().frequencies_Hz;
  bool still_valid = true;
  for (std::size_t k = 0; k < validity.frequencies_Hz.size(); ++k) {
    const double f = validity.frequencies_Hz[k];
    const ComplexMatrix s_ladder =
        scattering_from_chain(ladder_chain_matrix(ladder, f), reference_impedance_ohm);
    const ComplexMatrix s_exact = scattering_from_chain(
        exact_chain_matrix(sections, ladder.near_end_shunt, ladder.far_end_shunt, k),
        reference_impedance_ohm);
    double worst = 0;
    for (int signal = 0; signal < ladder.conductors; ++signal)
      worst = std::max(worst, std::abs(insertion_loss_dB(s_ladder, signal) -
                                       insertion_loss_dB(s_exact, signal)));
    validity.insertion_loss_error_dB.push_back(worst);
    if (!(worst <= tolerance_dB)) still_valid = false;
    if (still_valid) validity.valid_to_Hz = f;
  }
  return validity;
}

LadderModel build_ladder_model(const std::vector<SectionRlgcSweep>& sections,
                               const LumpedShunt& near_end, const LumpedShunt& far_end,
                               const SpiceModelSpec& spec, double reference_impedance_ohm,
                               double tolerance_dB) {
  if (sections.empty()) throw std::invalid_argument("ladder model: no line section");
  for (const SectionRlgcSweep& section : sections) check_section(section);
  const int n = conductor_count(sections.front());
  const std::vector<double>& frequencies = sections.front().frequencies_Hz;
  for (const SectionRlgcSweep& section : sections)
    if (conductor_count(section) != n || section.frequencies_Hz != frequencies)
      throw std::invalid_argument("ladder model: sections differ in signals or frequencies");
  check_shunt(near_end, n, "near");
  check_shunt(far_end, n, "far");
  if (spec.segments < 0)
    throw InputError(spec.source, "segments must be >= 0 (0: automatic), found " +
                                      std::to_string(spec.segments));
  const double max_frequency =
      spec.max_frequency_Hz > 0 ? spec.max_frequency_Hz : frequencies.back();
  if (spec.max_frequency_Hz < 0 || max_frequency > frequencies.back() * (1 + 1e-12) ||
      max_frequency < frequencies.front() * (1 - 1e-12))
    throw InputError(spec.source, "max_frequency must lie within the sweep (" +
                                      std::to_string(frequencies.front()) + " Hz to " +
                                      std::to_string(frequencies.back()) + " Hz)");

  LadderModel ladder;
  ladder.conductors = n;
  ladder.signal_names = sections.front().signal_names;
  ladder.near_end_shunt = near_end;
  ladder.far_end_shunt = far_end;
  ladder.max_frequency_Hz = max_frequency;
  ladder.automatic_segments = spec.segments == 0;
  for (const SectionRlgcSweep& sweep : sections) {
    const int segments =
        spec.segments > 0 ? spec.segments : automatic_segment_count(sweep, max_frequency);
    ladder.sections.push_back(make_section(sweep, max_frequency, segments));
  }
  ladder.validity = assess_ladder_validity(ladder, sections, reference_impedance_ohm, tolerance_dB);
  choose_series_frequency(ladder, sections, reference_impedance_ohm, tolerance_dB);
  // lambda/10 is a rule of thumb: when it is not enough, refine until the ladder
  // holds to the maximum frequency (or the shunt fit, not the segments, limits it).
  for (int doubling = 0; ladder.automatic_segments && doubling < kMaxSegmentDoublings &&
                         ladder.validity.valid_to_Hz < max_frequency * (1 - 1e-12);
       ++doubling) {
    LadderModel refined = ladder;
    for (LadderSection& section : refined.sections) section.segments *= 2;
    refined.validity =
        assess_ladder_validity(refined, sections, reference_impedance_ohm, tolerance_dB);
    if (refined.validity.valid_to_Hz <= ladder.validity.valid_to_Hz) break;  // no gain
    ladder = std::move(refined);
  }
  return ladder;
}

}  // namespace tsvfield::physics
