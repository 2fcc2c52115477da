#include "physics/electrothermal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "mesh/input_error.hpp"
#include "physics/electrical_support.hpp"
#include "physics/thermal_solver.hpp"
#include "solver/linear_solve.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics {
namespace {

using electrical::global_max;
using solver::MatHandle;
using solver::ScalarOperator;
using solver::VecHandle;

void validate(const ThermalSpec& thermal, const CouplingSpec& coupling) {
  if (thermal.analysis.type == ThermalAnalysisType::transient) {
    throw InputError(thermal.analysis.source,
                     "electro-thermal coupling needs a steady thermal analysis");
  }
  if (!(coupling.tolerance > 0 && coupling.tolerance < 1)) {
    throw InputError(coupling.source, "coupling tolerance must lie in (0, 1)");
  }
  if (coupling.max_iterations < 1) {
    throw InputError(coupling.source, "coupling max_iterations must be at least 1");
  }
}

// The thermal operator with k evaluated at the previous temperature iterate.
solver::ScalarOperatorSpec lagged_spec(const ThermalProblem& problem, const mesh::LocalMesh& mesh,
                                       const std::vector<double>& temperature) {
  solver::ScalarOperatorSpec spec = problem.spec;
  auto points =
      std::make_shared<const std::vector<double>>(electrical::cell_point_values(mesh, temperature));
  auto diffusion = problem.spec.diffusion;
  spec.nonlinear = false;
  // (coefficients_per_cell stays as copied: a per-cell k ignores the lagged temperatures.)
  spec.diffusion = [diffusion, points](const solver::PointContext& p) {
    solver::PointContext lagged = p;
    lagged.u = (*points)[static_cast<std::size_t>(p.cell) * 9 +
                         static_cast<std::size_t>(p.point < 0 ? 8 : p.point)];
    solver::DiffusionValue k = diffusion(lagged);
    k.derivative = {0, 0, 0};
    return k;
  };
  return spec;
}

VecHandle global_vector(const ScalarOperator& op, const std::vector<double>& local) {
  VecHandle v = op.create_vector();
  solver::VecArray values(v);
  for (std::int64_t i = 0; i < op.mesh().owned_node_count; ++i) {
    values[static_cast<std::size_t>(i)] = local[static_cast<std::size_t>(i)];
  }
  return v;
}

void set_joule_load(solver::LoadGroup& load, const ConductionResults& conduction) {
  load.volume.clear();
  for (std::size_t cell = 0; cell < conduction.joule_heat_W_m3.size(); ++cell) {
    if (conduction.joule_heat_W_m3[cell] > 0) {
      load.volume.push_back({static_cast<std::int32_t>(cell), conduction.joule_heat_W_m3[cell]});
    }
  }
}

}  // namespace

ElectrothermalResults solve_electrothermal(const mesh::LocalMesh& mesh,
                                           const MaterialLibrary& materials,
                                           const ConductionSpec& conduction,
                                           const ThermalSpec& thermal, const StackRegions& regions,
                                           const CouplingSpec& coupling, MPI_Comm comm,
                                           const ElectrothermalOptions& options) {
  solver::insert_options(options.petsc_options);
  validate(thermal, coupling);
  ThermalProblem problem = build_thermal_problem(mesh, materials, thermal, regions, comm);
  // The Joule heat: one more load group, its densities absolute (scale 1).
  problem.spec.loads.emplace_back();
  ThermalLoad joule;
  joule.name = "joule heat";
  joule.power = 1.0;
  problem.loads.push_back(joule);
  std::vector<double> scales;
  for (const auto& load : problem.loads) scales.push_back(load.scale(0.0, false));

  ElectrothermalResults results;
  std::vector<double> temperature(mesh.node_coords.size(),
                                  thermal.analysis.reference_temperature_K);
  std::unique_ptr<ScalarOperator> op;
  VecHandle t;
  double previous_power = std::numeric_limits<double>::quiet_NaN();
  bool converged = false;
  for (int iteration = 1; iteration <= coupling.max_iterations && !converged; ++iteration) {
    ConductionTemperatureField field;
    field.node_K = &temperature;
    results.conduction =
        solve_conduction(mesh, materials, conduction, field, comm, options.conduction);
    set_joule_load(problem.spec.loads.back(), results.conduction);

    op = std::make_unique<ScalarOperator>(mesh, lagged_spec(problem, mesh, temperature), comm);
    if (iteration == 1) require_heat_sink(*op, thermal, comm);
    t = global_vector(*op, temperature);
    results.thermal.solver = solve_steady_linear_heat(*op, scales, t, options.thermal_prefix,
                                                      thermal.analysis.relative_tolerance);
    std::vector<double> updated = op->local_values(t);

    CouplingIteration step;
    step.iteration = iteration;
    double change = 0, t_max = -std::numeric_limits<double>::max(),
           t_min = std::numeric_limits<double>::max();
    for (std::size_t i = 0; i < updated.size(); ++i) {
      change = std::max(change, std::abs(updated[i] - temperature[i]));
      t_max = std::max(t_max, updated[i]);
      t_min = std::min(t_min, updated[i]);
    }
    step.temperature_change_K = global_max(change, comm);
    step.max_temperature_K = global_max(t_max, comm);
    const double rise = std::max(1.0, step.max_temperature_K + global_max(-t_min, comm));
    step.joule_power_W = results.conduction.joule_power_W;
    step.power_change = std::abs(step.joule_power_W - previous_power) /
                        std::max(std::abs(step.joule_power_W), 1e-300);
    if (!std::isfinite(step.power_change)) step.power_change = 1.0;  // first iteration
    step.linear_iterations =
        results.conduction.solver.iterations + results.thermal.solver.iterations;
    results.history.push_back(step);
    if (options.progress) {
      char line[160];
      std::snprintf(
          line, sizeof line,
          "electrothermal: iteration %d, dT %.3e K, dP/P %.3e, T_max %.3f K, Joule %.4e W",
          iteration, step.temperature_change_K, step.power_change, step.max_temperature_K,
          step.joule_power_W);
      options.progress(line);
    }
    previous_power = step.joule_power_W;
    temperature = std::move(updated);
    converged = step.temperature_change_K <= coupling.tolerance * rise &&
                step.power_change <= coupling.tolerance;
  }
  results.iterations = static_cast<int>(results.history.size());
  if (!converged) {
    const auto& last = results.history.back();
    throw SolverError(
        "electro-thermal coupling did not converge in " + std::to_string(coupling.max_iterations) +
        " iterations: last temperature change " + std::to_string(last.temperature_change_K) +
        " K, Joule power change " + std::to_string(last.power_change) + " (tolerance " +
        std::to_string(coupling.tolerance) + ")");
  }

  solver::ScopedLogStage stage("postprocess");
  for (double value : temperature) {
    if (!std::isfinite(value)) throw SolverError("the thermal solution holds a NaN or infinity");
  }
  results.thermal.temperature_K = temperature;
  results.thermal.heat_balance = heat_balance(*op, problem, scales, t, nullptr, temperature);
  refer_to_ambient(results.thermal);  // the resistances in the statistics refer to it
  compute_temperature_stats(mesh, regions, problem, scales, temperature, comm, results.thermal);
  results.thermal.heat_flux_W_m2 = op->cell_flux(temperature);
  return results;
}

}  // namespace tsvfield::physics
