#pragma once
// Multiconductor transmission-line (MTL) theory: N coupled lines with
// per-unit-length R, L, G, C matrices, their 2N x 2N chain (ABCD) matrices,
// cascades of sections and lumped shunts, and the 2N-port scattering matrix.
//
// Port order, everywhere in tsvfield (Touchstone, SPICE, reports): ports 1..N are
// the near ends (bottom) of signal conductors 1..N, ports N+1..2N their far ends
// (top). For one line: port 1 bottom, port 2 top, S21 the insertion.
#include <string>
#include <vector>

#include "solver/dense_complex.hpp"

namespace tsvfield::physics {

// Per-unit-length matrices at one frequency, N x N row-major (SI units).
struct RlgcMatrices {
  int conductors = 0;
  std::vector<double> R, L, G, C;
};

// One line section over a sweep: what the cross-section solves give.
struct SectionRlgcSweep {
  std::string layer;
  double length_m = 0;
  std::vector<std::string> signal_names;  // row order (matched across sections by net)
  std::vector<double> frequencies_Hz;
  std::vector<RlgcMatrices> rlgc;  // per frequency
};

// A lumped shunt admittance Y = G + j w C (Maxwell form, N x N) at a node of the
// chain (the 3D end corrections: bumps, pads).
struct LumpedShunt {
  int conductors = 0;
  std::vector<double> G_S, C_F;
};

// Chain matrix T of a uniform line of `length_m`: [V(0); I(0)] = T [V(l); I(l)],
// I(l) flowing out of the far end: T = exp([[0, Z], [Y, 0]] * length).
solver::ComplexMatrix line_chain_matrix(const RlgcMatrices& rlgc, double length_m,
                                        double frequency_Hz);
// Chain matrix of a shunt admittance: [[1, 0], [Y, 1]].
solver::ComplexMatrix shunt_chain_matrix(const LumpedShunt& shunt, double frequency_Hz);

// 2N-port scattering matrix of a chain matrix, every port referred to z0 (real).
// The chain matrix of a lossy line grows like exp(alpha l) while S needs its
// exp(-alpha l) part, so the absolute error of S is about 1e-16 exp(2 alpha l):
// negligible for TSV stacks (alpha l of order 1), not for long, very lossy lines;
// for those use line_scattering_matrix and cascade_scattering below.
solver::ComplexMatrix scattering_from_chain(const solver::ComplexMatrix& chain, double z0_ohm);

// (Added by helper "mtl".) S of a uniform line computed stably at any length and
// loss: sections short enough for their chain matrices to be well conditioned,
// cascaded by Redheffer star products. Equal to
// scattering_from_chain(line_chain_matrix(...), z0) where that one is accurate.
solver::ComplexMatrix line_scattering_matrix(const RlgcMatrices& rlgc, double length_m,
                                             double frequency_Hz, double z0_ohm);
// S of two 2N-ports in cascade (Redheffer star product), the far ports (N+1..2N)
// of `near_part` connected to the near ports (1..N) of `far_part`; both referred
// to the same z0. Stable for passive networks, unlike products of chain matrices.
solver::ComplexMatrix cascade_scattering(const solver::ComplexMatrix& near_part,
                                         const solver::ComplexMatrix& far_part);

// Checks of a scattering matrix.
double max_singular_value(const solver::ComplexMatrix& s);  // passive: <= 1
double reciprocity_error(const solver::ComplexMatrix& s);   // max |S_ij - S_ji|

// Figures an SI engineer reads, in dB (20 log10 |S|), for signal i (0-based);
// |S| below 1e-15 counts as 1e-15 (-300 dB), so a figure is never -inf:
double insertion_loss_dB(const solver::ComplexMatrix& s, int signal);  // -|S(N+i, i)| in dB
double return_loss_dB(const solver::ComplexMatrix& s, int signal);     // -|S(i, i)| in dB
// Crosstalk from aggressor j into victim i: near end |S(i, j)|, far end |S(N+i, j)|, dB.
double near_end_crosstalk_dB(const solver::ComplexMatrix& s, int victim, int aggressor);
double far_end_crosstalk_dB(const solver::ComplexMatrix& s, int victim, int aggressor);

}  // namespace tsvfield::physics
