#pragma once
// DC conduction on the distributed mesh: -div(sigma(T) grad V) = 0 in the
// conducting cells, terminals as equipotentials (fixed voltage, or floating with
// a given total current), the resistance matrix between terminals, IR drop,
// current density, electric field and Joule heat.
//
// Only conducting cells take part: insulating cells get sigma = 0 in the
// scalar operator, and every node that no conducting cell holds, or whose
// conducting component reaches no terminal (a floating TSV, isolated silicon
// behind a liner), is pinned at 0 V by a Dirichlet constraint. The mesh,
// numbering and ghosts stay those of the whole stack (fields are written on the
// same mesh as the thermal ones); no tiny artificial conductivity is needed.
//
// Current-driven terminals are solved by superposition: one solve per such
// terminal (held at 1 V, the others at 0 V) plus one with the given voltages
// give the terminal currents as a linear function of the unknown terminal
// voltages; a small dense system fixes them, and a last solve gives the field.
// All solves share one matrix and one preconditioner setup.
#include <mpi.h>

#include <array>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/material.hpp"
#include "solver/linear_solve.hpp"

namespace tsvfield::physics {

// The temperature field sigma(T) is evaluated at, per local node (owned, then
// ghosts), e.g. a thermal solution; null: ConductionSpec::temperature_K everywhere.
struct ConductionTemperatureField {
  const std::vector<double>* node_K = nullptr;
};

struct ConductionOptions {
  std::string prefix = "conduction_";      // PETSc options prefix
  std::vector<std::string> petsc_options;  // from the case file; the command line wins
};

struct TerminalResult {
  std::string name;
  double voltage_V = 0;
  double current_A = 0;  // into the conductors through the terminal
  bool current_driven = false;
};

struct ConductionResults {
  std::vector<TerminalResult> terminals;  // in spec order
  // Resistance matrix between ConductionSpec::resistance_terminals (row-major,
  // N x N): V_i = sum_j R_ij I_j with every other terminal at 0 V; and the
  // short-circuit conductance matrix G = R^-1 (I_i = sum_j G_ij V_j).
  std::vector<std::string> matrix_terminals;
  std::vector<double> resistance_ohm;
  std::vector<double> conductance_S;
  double joule_power_W = 0;        // volume integral of sigma |grad V|^2
  double terminal_power_W = 0;     // sum of V_i I_i over the terminals (equals joule_power_W)
  double current_imbalance_A = 0;  // sum of the terminal currents (0 up to solver tolerance)
  double max_potential_V = 0, min_potential_V = 0;  // over the conducting nodes
  solver::SolveStats solver;  // iterations summed over all solves; setup done once
  int solve_count = 0;
  // Fields on this rank's part of the mesh (insulating cells: zero).
  std::vector<double> potential_V;                        // per local node
  std::vector<std::array<double, 3>> electric_field_V_m;  // per local cell, -grad V at the centroid
  std::vector<std::array<double, 3>>
      current_density_A_m2;             // per local cell, sigma E at the centroid
  std::vector<double> joule_heat_W_m3;  // per local cell, cell average
  std::vector<char> conducting;         // per local cell
};

// Solves the conduction problem (collective on comm). Throws InputError for bad
// input (unknown conductor or surface, empty terminal, no voltage terminal in a
// terminal's conducting region, touching terminals, singular resistance matrix)
// and SolverError when the linear solver fails.
ConductionResults solve_conduction(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                   const ConductionSpec& spec,
                                   const ConductionTemperatureField& temperature, MPI_Comm comm,
                                   const ConductionOptions& options = {});

// Whether a material conducts: its sigma at `temperature_K` exceeds `threshold`.
bool material_conducts(const Material& material, double threshold, double temperature_K);

}  // namespace tsvfield::physics
