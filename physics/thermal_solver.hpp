#pragma once
// The distributed thermal solver: steady linear (CG + BoomerAMG), steady
// nonlinear k(T) (Newton with the exact Jacobian, line search and power
// continuation) and transient (PETSc TS, BDF2 or backward Euler). The driver
// calls solve_thermal(); everything else here is its parts.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "physics/material.hpp"
#include "physics/thermal_problem.hpp"
#include "physics/thermal_results.hpp"
#include "physics/thermal_spec.hpp"
#include "solver/linear_solve.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics {

// One transient output frame: the step, its time and the temperature at every
// local node (owned, then ghosts).
struct ThermalFrame {
  int step = 0;
  double time = 0;
  const std::vector<double>& temperature_K;
};

// A steady linear system A x = b as it was solved (constraints applied), for bench
// programs that solve it again under other settings. Valid during the call only.
struct SteadyLinearSystem {
  Mat matrix = nullptr;
  Vec rhs = nullptr;
  const solver::LineStructure* lines = nullptr;  // null when the column multigrid is off
  double relative_tolerance = 0;
};

struct ThermalSolveOptions {
  // PETSc options prefix of this problem's KSP/SNES/TS: "-thermal_ksp_rtol 1e-10".
  std::string prefix = "thermal_";
  // Options from the case file, as words; the command line wins over them.
  std::vector<std::string> petsc_options;
  // Transient: called at step 0, every analysis.output_every steps and at the end.
  std::function<void(const ThermalFrame&)> on_output;
  // Progress lines ("thermal: Newton iteration 2, |F| = 3.1e-05"); the driver prints
  // them on rank 0. Called on every rank; may be empty.
  std::function<void(const std::string&)> progress;
  // Called on every rank after a steady linear solve with its system (bench_thermal
  // -bench_variants solves it again under other settings); may be empty.
  std::function<void(const SteadyLinearSystem&)> after_steady_linear_solve;
};

// Solves the thermal problem on the distributed mesh (collective on comm).
// Throws InputError for bad input and SolverError when a solver does not converge.
ThermalResults solve_thermal(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                             const ThermalSpec& spec, const StackRegions& regions, MPI_Comm comm,
                             const ThermalSolveOptions& options = {});

// Parts shared with the electro-thermal coupling (physics/electrothermal):

// Throws InputError when no surface removes heat (no fixed temperature, no
// convection): the temperature would be undetermined and CG would stall.
void require_heat_sink(const solver::ScalarOperator& op, const ThermalSpec& spec, MPI_Comm comm);

// One steady linear heat solve, CG + the column multigrid on meshes from the mesher
// (else BoomerAMG), for the correction from the guess t (its Dirichlet values are
// applied first), so the tolerance refers to the heat flow and not to the size of the
// fixed temperatures. `progress` and `after_solve` (see ThermalSolveOptions) may be empty.
solver::SolveStats solve_steady_linear_heat(
    const solver::ScalarOperator& op, const std::vector<double>& scales, Vec t,
    const std::string& prefix, double relative_tolerance,
    const std::function<void(const std::string&)>& progress = {},
    const std::function<void(const SteadyLinearSystem&)>& after_solve = {});

}  // namespace tsvfield::physics
