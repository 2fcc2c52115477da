#pragma once
// Per-unit-length parameters of the lines of a cross-section (multiconductor
// transmission-line theory): for N signal conductors against the return,
//   Z(f) = R(f) + j 2 pi f L(f)   from the magneto-quasi-static solve,
//   Y(f) = G(f) + j 2 pi f C(f)   from the electro-quasi-static solve,
// all N x N, row-major, symmetric. C is a Maxwell matrix (positive diagonal,
// non-positive off-diagonals); G is positive semi-definite but not always of
// Maxwell sign: through a lossy substrate behind the liners an off-diagonal can be
// positive (two liner capacitances in series with a silicon resistance give
// Re Y_12 > 0).
//
// Both solves are 2D, complex, and written as real 2x2 block systems on PETSc's
// real scalars, one per frequency and excitation. Frequencies are independent, so
// they are spread over the ranks of `comm` (each rank solves its share on
// PETSC_COMM_SELF) and gathered: results do not depend on the rank count.
#include <mpi.h>

#include <string>
#include <vector>

#include "physics/cross_section.hpp"

namespace tsvfield::physics {

inline constexpr double kVacuumPermeability = 1.25663706212e-6;  // H/m, CODATA 2018

struct SectionSolveStats {
  int unknowns = 0;
  int max_iterations = 0;  // largest Krylov iteration count of any solve
  int min_iterations = 0;
  double seconds = 0;  // wall time of the sweep (slowest rank)
};

// Magneto-quasi-static: -div(1/mu grad A_z) + j w sigma A_z = sigma V'_k in metal
// conductor k (V'_k its voltage drop per unit length), A_z = 0 on the outer
// boundary; only metals conduct (a semiconductor's eddy currents are neglected:
// its skin depth is millimetres). Currents I_k = integral sigma (V'_k - j w A_z).
// The return conductors are tied (equal V') and carry minus the signal currents;
// floating conductors carry no net current.
struct ImpedanceSweep {
  std::vector<double> frequencies_Hz;
  std::vector<std::vector<double>> R_ohm_per_m;  // [frequency] N x N
  std::vector<std::vector<double>> L_H_per_m;
  // Skin depth of the best metal conductor at each frequency, and whether the
  // mesh resolves it (outermost conductor ring <= skin depth / 2).
  std::vector<double> skin_depth_m;
  std::vector<char> skin_depth_resolved;
  SectionSolveStats stats;
};

// Electro-quasi-static: -div((sigma + j w eps) grad phi) = 0 outside the metals,
// phi = 1 on conductor k, 0 on the others; return conductors are the reference
// (0 V); floating conductors carry no net current. With no return conductor the
// outer boundary is the reference, otherwise it is insulating. At f = 0, G is the
// conductance problem's and C the limit of Im Y / w as w -> 0 (with lossy silicon
// behind a liner: the liner-dominated capacitance, not the permittivity problem's).
struct AdmittanceSweep {
  std::vector<double> frequencies_Hz;
  std::vector<std::vector<double>> G_S_per_m;  // [frequency] N x N
  std::vector<std::vector<double>> C_F_per_m;
  SectionSolveStats stats;
};

struct SectionSolveOptions {
  std::string prefix;  // PETSc options prefix ("si_mqs_", "si_eqs_")
  double relative_tolerance = 1e-10;
};

// Collective on comm. Throws SolverError when a solve fails, InputError when the
// cross-section has no signal conductor.
ImpedanceSweep impedance_sweep(const CrossSection& section,
                               const std::vector<double>& frequencies_Hz, MPI_Comm comm,
                               const SectionSolveOptions& options = {"si_mqs_", 1e-10});
AdmittanceSweep admittance_sweep(const CrossSection& section,
                                 const std::vector<double>& frequencies_Hz, MPI_Comm comm,
                                 const SectionSolveOptions& options = {"si_eqs_", 1e-10});

// The signal conductors of a section, in the order of the matrices' rows.
std::vector<int> signal_conductors(const CrossSection& section);

}  // namespace tsvfield::physics
