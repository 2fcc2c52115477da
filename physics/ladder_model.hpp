#pragma once
// Lumped RLGC ladder model of the coupled TSV lines, for SPICE (io/spice_model).
//
// Each line section (bottom to top) is cut into `segments` equal T-cells:
//   half series branch (R dl/2, L dl/2) - shunt network (Y(f) dl) - half series branch,
// adjacent half branches of one section merged. Lumped end shunts (3D end
// corrections) sit at the port nodes.
//
// Series branch: R and L (N x N) taken at one sweep point: the one nearest the
// model's maximum frequency (where the loss the ladder must reproduce is largest;
// the skin-effect change of R is tiny against 50 ohm for a 100 um TSV), unless the
// ladder is then not valid up to the maximum frequency (a long line, whose R
// error shows at low frequency): then the sweep point giving the highest
// validity is taken. Mutual L becomes K couplings, mutual R (the common return)
// current-controlled sources.
//
// Shunt network: for TSVs in lossy silicon, G(f) and C(f) change strongly over
// the band (liner-dominated C at low frequency, oxide in series with silicon at
// high frequency, transition near sigma_si / (2 pi eps_si) scaled by the liner).
// A constant G, C cannot follow that, so each Maxwell branch of Y(f) = G + j w C
// (conductor i to the reference: sum_j Y_ij; between i and j: -Y_ij) is fitted by
// an RC admittance in Foster form,
//   y(s) = g0 + s c_inf + sum_k s / (R_k + 1 / (s C_k)),
// i.e. a conductance, a capacitance and series R-C branches in parallel, with
// every element non-negative (non-negative least squares on poles 1/(R_k C_k)
// log-spaced over the sweep, the poles it keeps then moved to minimise the
// misfit): realised with R and C elements only, passive by construction (except
// where a branch between conductors is no RC function: see fit_shunt_network). The standard TSV
// circuit (liner C_ox in series with silicon G_si || C_si) is the one-pole case:
//   c_inf = C_ox C_si / (C_ox + C_si),  C_1 = C_ox - c_inf,
//   R_1 = (C_ox + C_si)^2 / (G_si C_ox^2),  pole 1/(R_1 C_1) = G_si / (C_ox + C_si).
//
// The ladder's own 2N x 2N chain matrix is computed from the same element values
// the netlist holds, and compared with the exact MTL chain (physics/
// transmission_line) at every sweep frequency: `valid_to_Hz` is the highest sweep
// frequency up to which every signal's insertion loss (50 ohm ports) stays within
// `tolerance_dB` of the exact one.
#include <string>
#include <vector>

#include "physics/si_spec.hpp"
#include "physics/transmission_line.hpp"
#include "solver/dense_complex.hpp"

namespace tsvfield::physics {

// One two-terminal RC admittance in Foster form. Per unit length in a fit
// (S/m, F/m, series ohm*m and F/m); per segment once scaled by its length.
struct RcBranch {
  double conductance_S = 0;                   // g0
  double capacitance_F = 0;                   // c_inf
  std::vector<double> series_resistance_ohm;  // R_k
  std::vector<double> series_capacitance_F;   // C_k (same size as R_k)

  solver::Complex admittance(double frequency_Hz) const;
  // The branch of a piece `length_m` long: admittance times length.
  RcBranch scaled(double length_m) const;
};

// The fitted per-unit-length shunt network of one section.
struct ShuntNetworkFit {
  int conductors = 0;
  // Lower triangle row by row: (0,0), (1,0), (1,1), (2,0), ... Branch (i,i) joins
  // conductor i and the reference, branch (i,j) conductors i and j.
  std::vector<RcBranch> branches;
  std::vector<double> pole_frequencies_Hz;  // the candidate poles of the fit
  // Branches between conductors fitted with signed elements (see fit_shunt_network).
  int signed_branches = 0;
  // max over the sweep of max_ij |Y_fit - Y|_ij / max_ij |Y|_ij (the denominator
  // floored at 1e-9 of the sweep's largest |Y_ij|), and where.
  double max_relative_error = 0;
  double worst_frequency_Hz = 0;

  const RcBranch& branch(int row, int col) const;  // either order
  // N x N Maxwell admittance per unit length (S/m) of the fitted network.
  solver::ComplexMatrix admittance(double frequency_Hz) const;
};

// Fits the shunt network of `section` over its whole sweep. Branches to the
// reference always get non-negative elements. A branch between two conductors is
// a transfer admittance that need not be an RC function (with a common return,
// the C between distant conductors can change sign over the band): when its
// non-negative fit misses by more than 1e-3 (relative), a fit with signed
// elements (negative R and C in the netlist; fine in AC analysis) replaces it if
// it is at least twice as close.
// Throws std::invalid_argument when the sweep is empty or inconsistent.
ShuntNetworkFit fit_shunt_network(const SectionRlgcSweep& section);

struct LadderSection {
  std::string layer;
  double length_m = 0;
  int segments = 0;
  double series_frequency_Hz = 0;              // sweep point R and L come from
  std::vector<double> R_ohm_per_m, L_H_per_m;  // N x N, row-major
  ShuntNetworkFit shunt;
};

// How the ladder compares with the exact MTL at each sweep frequency.
struct LadderValidity {
  double tolerance_dB = 0.1;
  double reference_impedance_ohm = 50;
  std::vector<double> frequencies_Hz;
  std::vector<double> insertion_loss_error_dB;  // worst signal, per frequency
  // Highest sweep frequency f such that every sweep frequency <= f is within
  // tolerance; 0 when even the first one is not.
  double valid_to_Hz = 0;
};

struct LadderModel {
  int conductors = 0;
  std::vector<std::string> signal_names;
  std::vector<LadderSection> sections;        // bottom to top
  LumpedShunt near_end_shunt, far_end_shunt;  // conductors == 0: none
  double max_frequency_Hz = 0;                // the band the model is built for
  bool automatic_segments = false;
  LadderValidity validity;
};

// Builds the ladder of `sections` (bottom to top, all on the same sweep and
// signals) with optional end shunts (conductors == 0: none).
// spec.segments > 0: that many segments per section. 0: enough for lambda/10 at
// the maximum frequency in each section; then, while the ladder is not valid up
// to the maximum frequency, segments are doubled (at most 5 times).
// The ladder's validity (tolerance_dB, 50 ohm ports) is in LadderModel::validity.
// spec.max_frequency_Hz == 0: the sweep's highest frequency.
// Throws InputError (spec.source) for a negative segment count or a maximum
// frequency outside the sweep, std::invalid_argument for inconsistent sections.
LadderModel build_ladder_model(const std::vector<SectionRlgcSweep>& sections,
                               const LumpedShunt& near_end, const LumpedShunt& far_end,
                               const SpiceModelSpec& spec, double reference_impedance_ohm = 50,
                               double tolerance_dB = 0.1);

// Segments giving lambda/10 at `frequency_Hz` for a section (at least 1).
int automatic_segment_count(const SectionRlgcSweep& section, double frequency_Hz);

// The ladder's cells from the near (bottom) end to the far (top) end: what the
// chain matrix multiplies and what the netlist writer emits, in that order.
struct LadderCell {
  enum class Kind { near_shunt, series, shunt, far_shunt };
  Kind kind = Kind::series;
  int section = -1;     // series and shunt cells
  double length_m = 0;  // series: dl/2 at a section's ends, dl inside; shunt: dl
};
std::vector<LadderCell> ladder_cells(const LadderModel& ladder);

// 2N x 2N chain matrix of the ladder (same convention as line_chain_matrix).
solver::ComplexMatrix ladder_chain_matrix(const LadderModel& ladder, double frequency_Hz);

// Exact MTL chain of the sections at sweep point `frequency_index`, end shunts included.
solver::ComplexMatrix exact_chain_matrix(const std::vector<SectionRlgcSweep>& sections,
                                         const LumpedShunt& near_end, const LumpedShunt& far_end,
                                         std::size_t frequency_index);

// Insertion-loss comparison of ladder and exact MTL at every sweep frequency.
LadderValidity assess_ladder_validity(const LadderModel& ladder,
                                      const std::vector<SectionRlgcSweep>& sections,
                                      double reference_impedance_ohm, double tolerance_dB);

}  // namespace tsvfield::physics
