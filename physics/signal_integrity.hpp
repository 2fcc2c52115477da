#pragma once
// The signal-integrity analysis: per-unit-length R, L, G, C of every line section
// (2D cross-section solves, physics/per_unit_length), the 2N-port S-matrix of the
// chain of sections (physics/transmission_line) with the 3D end corrections, and
// the checks every written S-matrix must pass (passivity, reciprocity).
#include <mpi.h>

#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/material.hpp"
#include "physics/per_unit_length.hpp"
#include "physics/si_spec.hpp"
#include "physics/transmission_line.hpp"

namespace tsvfield::physics {

struct SectionResult {
  SectionRlgcSweep rlgc;  // rlgc.frequencies_Hz == SignalIntegrityResults::frequencies_Hz
  int cross_section_cells = 0;
  double conductor_surface_cell_m = 0;  // radial size of the outermost conductor ring
  // The highest frequency whose skin depth the mesh resolves (cell <= depth / 2).
  double skin_depth_resolved_to_Hz = 0;
  SectionSolveStats impedance_stats, admittance_stats;
  // Index of an earlier section with an identical cross-section problem whose
  // solve was reused (-1: solved for this section).
  int impedance_reused_from = -1, admittance_reused_from = -1;
};

// Insertion loss etc. of one signal at one report frequency, in dB.
struct PortFigures {
  double frequency_Hz = 0;
  int signal = 0;
  double insertion_loss_dB = 0;  // -20 log10 |S(N+i, i)|
  double return_loss_dB = 0;     // -20 log10 |S(i, i)|
  // Worst crosstalk into this signal from any other (20 log10, negative); NaN-free:
  // -infinity is written as -300 dB when N == 1 (no aggressor).
  double worst_next_dB = -300, worst_fext_dB = -300;
};

struct SignalIntegrityResults {
  std::vector<std::string> signal_names;  // one per signal net (its bottom conductor's name)
  std::vector<std::string> port_names;    // 2N: "<signal>.near", ..., "<signal>.far"
  std::vector<double> frequencies_Hz;     // the sweep (ascending)
  std::vector<SectionResult> sections;    // bottom to top
  double total_length_m = 0;
  // Lumped shunts at the near (bottom) and far (top) ends from the 3D solve;
  // conductors == 0 when end corrections are off.
  LumpedShunt near_end_shunt, far_end_shunt;
  std::vector<solver::ComplexMatrix> s;  // per frequency, 2N x 2N, ports as above
  double reference_impedance_ohm = 50;
  double max_singular_value = 0;  // over all frequencies
  double max_reciprocity_error = 0;
  std::vector<PortFigures> report;  // per report frequency and signal
};

// Collective on comm. `mesh` (the 3D mesh) is used only for end corrections.
SignalIntegrityResults run_signal_integrity(const mesh::StackGeometry& geometry,
                                            const mesh::MeshControls& mesh_controls,
                                            const mesh::LocalMesh* mesh,
                                            const MaterialLibrary& materials,
                                            const SignalIntegritySpec& spec, MPI_Comm comm);

}  // namespace tsvfield::physics
