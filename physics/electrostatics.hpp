#pragma once
// Electrostatics on the distributed mesh: the Maxwell capacitance matrix of
// named conductors embedded in liners, silicon and dielectrics.
//
// Conductor interiors are equipotentials: every node of a conductor's cells is
// a Dirichlet node (1 V on conductor j, 0 V on the others and on ground), and
// -div(eps grad phi) = 0 is solved in the dielectric cells. The charge on
// conductor i is the sum of the FE residual K phi over its nodes (the reaction
// of the constraint, exact for the discrete problem), not a surface-flux
// estimate: C_ij = Q_i(phi_j). The matrix and one preconditioner setup serve all
// N right-hand sides.
//
// What is what: cells of the listed conductors' nets are the conductors; every
// other conductor cell (TSVs, bumps) and every other material that conducts
// (sigma > 0: metal layers) is grounded; the `semiconductors` (silicon) are a
// dielectric (eps_r) or grounded, as ElectrostaticSpec::silicon says; all other
// cells are dielectrics with the material's eps_r. Exterior surfaces not listed
// as ground are insulating (zero normal D), i.e. symmetry planes.
#include <mpi.h>

#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/material.hpp"
#include "solver/linear_solve.hpp"

namespace tsvfield::physics {

inline constexpr double kVacuumPermittivity = 8.8541878128e-12;  // F/m, CODATA 2018

struct ElectrostaticOptions {
  std::string prefix = "electrostatic_";
  std::vector<std::string> petsc_options;
  bool keep_potentials = false;  // keep the potential of every excitation (fields)
};

struct CapacitanceResults {
  std::vector<std::string> names;       // the conductors, in spec order
  std::vector<double> capacitance_F;    // Maxwell matrix, row-major N x N: Q_i = sum_j C_ij V_j
  std::vector<double> ground_charge_C;  // charge on ground when conductor j is at 1 V (per j)
  // max |C_ij - C_ji| / max |C_ii|: symmetric to solver tolerance.
  double asymmetry = 0;
  solver::SolveStats solver;  // iterations summed over the N solves; one setup
  int solve_count = 0;
  // With keep_potentials: potential_V[j] per local node for conductor j at 1 V.
  std::vector<std::vector<double>> potential_V;
  std::vector<char> dielectric;  // per local cell: part of the solved region
};

// Collective on comm. Throws InputError for bad input (unknown conductor or
// surface, a conductor touching another or ground, a single conductor with no
// ground) and SolverError when the linear solver fails.
CapacitanceResults capacitance_matrix(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                      const ElectrostaticSpec& spec, MPI_Comm comm,
                                      const ElectrostaticOptions& options = {});

}  // namespace tsvfield::physics
