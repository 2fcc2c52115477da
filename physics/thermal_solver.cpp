#include "physics/thermal_solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <utility>

#include "mesh/input_error.hpp"
#include "solver/linear_solve.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics {
namespace {

using solver::MatHandle;
using solver::ScalarOperator;
using solver::ScopedLogEvent;
using solver::ScopedLogStage;

void report(const ThermalSolveOptions& options, const std::string& message) {
  if (options.progress) options.progress(message);
}
using solver::SolveStats;
using solver::VecHandle;

std::vector<double> load_scales(const ThermalProblem& problem, double time, bool transient) {
  std::vector<double> scales;
  for (const auto& load : problem.loads) scales.push_back(load.scale(time, transient));
  return scales;
}

VecHandle initial_temperature(const ScalarOperator& op, double value) {
  VecHandle t = op.create_vector();
  TSV_CHECK(VecSet(t, value));
  op.apply_dirichlet_values(t);
  return t;
}

// Context of the SNES/TS callbacks; an exception inside a callback is kept
// and rethrown after PETSc returns (it must not cross the C code).
struct CallbackContext {
  const ScalarOperator* op = nullptr;
  const ThermalProblem* problem = nullptr;
  std::vector<double> scales;  // steady: fixed; transient: recomputed per call
  bool transient = false;
  std::exception_ptr error;
};

PetscErrorCode snes_function(SNES, Vec t, Vec r, void* data) {
  auto* ctx = static_cast<CallbackContext*>(data);
  try {
    ctx->op->residual(t, nullptr, ctx->scales, r);
    ctx->op->constrain_residual(t, r);
  } catch (...) {
    ctx->error = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

PetscErrorCode snes_jacobian(SNES, Vec t, Mat, Mat p, void* data) {
  auto* ctx = static_cast<CallbackContext*>(data);
  try {
    ctx->op->jacobian(t, nullptr, 0.0, p);
    ctx->op->constrain_jacobian(p);
  } catch (...) {
    ctx->error = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

struct NewtonOutcome {
  bool converged = false;
  int iterations = 0, linear_iterations = 0;
  double residual_norm = 0;
  std::string reason;
};

PetscErrorCode newton_monitor(SNES, PetscInt iteration, PetscReal norm, void* data) {
  const auto* options = static_cast<const ThermalSolveOptions*>(data);
  char line[128];
  std::snprintf(line, sizeof line, "thermal: Newton iteration %d, |F| = %.3e",
                static_cast<int>(iteration), static_cast<double>(norm));
  try {
    report(*options, line);
  } catch (...) {
    return PETSC_ERR_LIB;  // a failed progress line must not cross PETSc's C code
  }
  return 0;
}

NewtonOutcome run_newton(CallbackContext& ctx, Vec t, const std::string& prefix, double rtol,
                         double atol, const ThermalSolveOptions& options) {
  const ScalarOperator& op = *ctx.op;
  solver::SnesHandle snes;
  TSV_CHECK(SNESCreate(op.comm(), snes.out()));
  TSV_CHECK(SNESSetOptionsPrefix(snes, prefix.c_str()));
  VecHandle r = op.create_vector();
  MatHandle j = op.create_matrix();
  TSV_CHECK(SNESSetFunction(snes, r, snes_function, &ctx));
  TSV_CHECK(SNESSetJacobian(snes, j, j, snes_jacobian, &ctx));
  // Defaults on the objects (any -<prefix>snes_/ksp_ option overrides them):
  // Newton with backtracking, GMRES (the Jacobian with dk/dT is not symmetric).
  TSV_CHECK(SNESSetType(snes, SNESNEWTONLS));
  TSV_CHECK(SNESSetTolerances(snes, atol, rtol, PETSC_DEFAULT, 50, 10000));
  SNESLineSearch line_search = nullptr;
  TSV_CHECK(SNESGetLineSearch(snes, &line_search));
  TSV_CHECK(SNESLineSearchSetType(line_search, SNESLINESEARCHBT));
  KSP ksp = nullptr;
  TSV_CHECK(SNESGetKSP(snes, &ksp));
  TSV_CHECK(KSPSetType(ksp, KSPGMRES));
  TSV_CHECK(KSPSetTolerances(ksp, 1e-8, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp, &pc));
  solver::set_default_preconditioner(pc, prefix);
  TSV_CHECK(
      SNESMonitorSet(snes, newton_monitor, const_cast<ThermalSolveOptions*>(&options), nullptr));
  TSV_CHECK(SNESSetFromOptions(snes));
  PetscErrorCode code = 0;
  {
    ScopedLogStage stage("solve");
    code = SNESSolve(snes, nullptr, t);
  }
  if (ctx.error) std::rethrow_exception(ctx.error);
  TSV_CHECK(code);
  SNESConvergedReason reason;
  PetscInt iterations = 0, linear = 0;
  PetscReal norm = 0;
  TSV_CHECK(SNESGetConvergedReason(snes, &reason));
  TSV_CHECK(SNESGetIterationNumber(snes, &iterations));
  TSV_CHECK(SNESGetLinearSolveIterations(snes, &linear));
  TSV_CHECK(SNESGetFunctionNorm(snes, &norm));
  return {reason > 0, static_cast<int>(iterations), static_cast<int>(linear), norm,
          SNESConvergedReasons[reason]};
}

// Steady nonlinear k(T): Newton with the exact Jacobian and a backtracking line
// search; if it fails from the reference temperature, continuation in the power
// (ramps of 4, then 16 steps) takes it there.
SolveStats solve_steady_nonlinear(const ScalarOperator& op, const ThermalProblem& problem,
                                  const std::vector<double>& scales, Vec t,
                                  const std::string& prefix, double relative_tolerance,
                                  const ThermalSolveOptions& options) {
  solver::set_elliptic_defaults(prefix, false);
  // The absolute tolerance makes the residual small against the power, so the
  // heat balance closes even when the first residual is already small.
  double power = 0;
  for (std::size_t g = 0; g < scales.size(); ++g) power += std::abs(scales[g] * op.load_total(g));
  const double atol = std::max(power, 1e-30) * relative_tolerance * 1e-3;
  CallbackContext ctx{&op, &problem, scales, false, nullptr};
  VecHandle start = op.create_vector();
  TSV_CHECK(VecCopy(t, start));
  SolveStats stats;
  stats.method = "newtonls+gmres+hypre";
  for (int ramp_steps : {1, 4, 16}) {
    TSV_CHECK(VecCopy(start, t));
    bool ok = true;
    for (int step = 1; step <= ramp_steps && ok; ++step) {
      const double fraction = static_cast<double>(step) / ramp_steps;
      for (std::size_t g = 0; g < scales.size(); ++g) ctx.scales[g] = fraction * scales[g];
      if (ramp_steps > 1) {
        report(options, "thermal: power continuation, step " + std::to_string(step) + " of " +
                            std::to_string(ramp_steps));
      }
      const NewtonOutcome outcome = run_newton(ctx, t, prefix, relative_tolerance, atol, options);
      stats.nonlinear_iterations += outcome.iterations;
      stats.iterations += outcome.linear_iterations;
      stats.residual_norm = outcome.residual_norm;
      stats.converged_reason = outcome.reason;
      ok = outcome.converged;
    }
    if (ok) {
      if (ramp_steps > 1)
        stats.method += " (power continuation, " + std::to_string(ramp_steps) + " steps)";
      return stats;
    }
  }
  throw SolverError("nonlinear thermal solve (Newton, options prefix -" + prefix +
                    ") did not converge, even with power continuation: " + stats.converged_reason);
}

// ---- transient ----

struct TransientContext : CallbackContext {
  const ThermalSpec* spec = nullptr;
  const ThermalSolveOptions* options = nullptr;
  std::vector<std::size_t> reported_layers;  // mesh layer indices reported in the history
  ThermalResults* results = nullptr;
  int last_output_step = -1;
  double last_shift = std::numeric_limits<double>::quiet_NaN();
  // The last three accepted states, newest first, for the stored-heat rate.
  std::vector<VecHandle> states;
  std::vector<double> state_times;
};

PetscErrorCode ts_ifunction(TS, PetscReal time, Vec t, Vec tdot, Vec f, void* data) {
  auto* ctx = static_cast<TransientContext*>(data);
  try {
    const auto scales = load_scales(*ctx->problem, time, true);
    ctx->op->residual(t, tdot, scales, f);
    ctx->op->constrain_residual(t, f);
  } catch (...) {
    ctx->error = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

PetscErrorCode ts_ijacobian(TS, PetscReal, Vec t, Vec tdot, PetscReal shift, Mat, Mat p,
                            void* data) {
  auto* ctx = static_cast<TransientContext*>(data);
  try {
    // A linear problem's Jacobian depends on the shift alone: leaving the matrix
    // untouched lets KSP keep its preconditioner (no multigrid setup per step). A
    // fixed step's shift varies in its last digits (BDF2 takes it from the times
    // t_n, which carry rounding): a change below 1e-10 relative, far below the
    // linear solver's tolerance, keeps the matrix.
    if (!ctx->problem->nonlinear && std::abs(shift - ctx->last_shift) <= 1e-10 * std::abs(shift))
      return 0;
    ctx->op->jacobian(t, tdot, shift, p);
    ctx->op->constrain_jacobian(p);
    ctx->last_shift = shift;
  } catch (...) {
    ctx->error = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

void record_step(TransientContext& ctx, int step, double time, Vec t) {
  const std::vector<double> values = ctx.op->local_values(t);
  const auto maxima = layer_max_temperatures(ctx.op->mesh(), values, ctx.op->comm());
  std::vector<double> row;
  for (auto l : ctx.reported_layers) row.push_back(maxima[l]);
  ctx.results->history_time.push_back(time);
  ctx.results->history_layer_max_K.push_back(std::move(row));
  VecHandle copy = ctx.op->create_vector();
  TSV_CHECK(VecCopy(t, copy));
  ctx.states.insert(ctx.states.begin(), std::move(copy));
  ctx.state_times.insert(ctx.state_times.begin(), time);
  if (ctx.states.size() > 3) {
    ctx.states.pop_back();
    ctx.state_times.pop_back();
  }
  const int every = std::max(1, ctx.spec->analysis.output_every);
  if (step % every == 0) {
    char line[96];
    std::snprintf(line, sizeof line, "thermal: time step %d, t = %.6g s", step, time);
    report(*ctx.options, line);
  }
  if (ctx.options->on_output && step % every == 0) {
    ctx.options->on_output(ThermalFrame{step, time, values});
    ctx.last_output_step = step;
  }
}

PetscErrorCode ts_monitor(TS, PetscInt step, PetscReal time, Vec t, void* data) {
  auto* ctx = static_cast<TransientContext*>(data);
  try {
    record_step(*ctx, static_cast<int>(step), time, t);
  } catch (...) {
    ctx->error = std::current_exception();
    return PETSC_ERR_LIB;
  }
  return 0;
}

// dT/dt at the newest state by differentiating the Lagrange polynomial through
// the last `points` states (2: backward Euler, 3: BDF2), as TSBDF does.
VecHandle time_derivative(const TransientContext& ctx, std::size_t points) {
  points = std::min(points, ctx.states.size());
  VecHandle rate = ctx.op->create_vector();
  TSV_CHECK(VecSet(rate, 0.0));
  const auto& tt = ctx.state_times;
  for (std::size_t k = 0; k < points; ++k) {
    double weight = 0;  // d/dt of the k-th Lagrange basis at tt[0]
    for (std::size_t j = 0; j < points; ++j) {
      if (j == k) continue;
      double term = 1 / (tt[k] - tt[j]);
      for (std::size_t i = 0; i < points; ++i) {
        if (i != j && i != k) term *= (tt[0] - tt[i]) / (tt[k] - tt[i]);
      }
      weight += term;
    }
    TSV_CHECK(VecAXPY(rate, weight, ctx.states[k]));
  }
  return rate;
}

SolveStats solve_transient(const ScalarOperator& op, const ThermalProblem& problem,
                           const ThermalSpec& spec, const ThermalSolveOptions& options, Vec t,
                           ThermalResults& results, VecHandle& final_rate) {
  const ThermalAnalysis& analysis = spec.analysis;
  if (!(analysis.end_time > 0) || !(analysis.time_step > 0)) {
    throw InputError(analysis.source, "a transient analysis needs end_time > 0 and time_step > 0");
  }
  const std::string& prefix = options.prefix;
  solver::set_elliptic_defaults(prefix, !problem.nonlinear);

  TransientContext ctx;
  ctx.op = &op;
  ctx.problem = &problem;
  ctx.transient = true;
  ctx.spec = &spec;
  ctx.options = &options;
  ctx.results = &results;
  for (std::size_t l = 0; l < op.mesh().layer_names.size(); ++l) {
    for (const auto& layer : results.layers) {
      if (layer.name == op.mesh().layer_names[l]) ctx.reported_layers.push_back(l);
    }
  }
  solver::TsHandle ts;
  TSV_CHECK(TSCreate(op.comm(), ts.out()));
  TSV_CHECK(TSSetOptionsPrefix(ts, prefix.c_str()));
  VecHandle r = op.create_vector();
  MatHandle j = op.create_matrix();
  TSV_CHECK(TSSetIFunction(ts, r, ts_ifunction, &ctx));
  TSV_CHECK(TSSetIJacobian(ts, j, j, ts_ijacobian, &ctx));
  TSV_CHECK(TSSetProblemType(ts, problem.nonlinear ? TS_NONLINEAR : TS_LINEAR));
  if (analysis.scheme == TimeScheme::bdf2) {
    TSV_CHECK(TSSetType(ts, TSBDF));
    TSV_CHECK(TSBDFSetOrder(ts, 2));
  } else {
    TSV_CHECK(TSSetType(ts, TSBEULER));
  }
  TSV_CHECK(TSSetTime(ts, 0.0));
  TSV_CHECK(TSSetTimeStep(ts, analysis.time_step));
  TSV_CHECK(TSSetMaxTime(ts, analysis.end_time));
  TSV_CHECK(TSSetMaxSteps(ts, 100000000));
  TSV_CHECK(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  TSAdapt adapt = nullptr;
  TSV_CHECK(TSGetAdapt(ts, &adapt));
  TSV_CHECK(TSAdaptSetType(adapt, analysis.adaptive ? TSADAPTBASIC : TSADAPTNONE));
  if (analysis.adaptive) {
    // Local error per step <= 0.01 K + 1e-5 T: absolute temperature is what matters
    // (a relative tolerance alone would allow 0.3 K at 300 K but 4e-5 K at 4 K).
    // Override with -<prefix>ts_atol / -<prefix>ts_rtol.
    TSV_CHECK(TSSetTolerances(ts, 1e-2, nullptr, 1e-5, nullptr));
  }
  // Defaults on the objects (any -<prefix>snes_/ksp_ option overrides them): a
  // linear problem needs one linear solve per step (ksponly, CG on the
  // symmetric shift*C + K); a nonlinear one Newton with GMRES.
  SNES snes = nullptr;
  KSP ksp = nullptr;
  TSV_CHECK(TSGetSNES(ts, &snes));
  TSV_CHECK(SNESSetType(snes, problem.nonlinear ? SNESNEWTONLS : SNESKSPONLY));
  TSV_CHECK(SNESGetKSP(snes, &ksp));
  TSV_CHECK(KSPSetType(ksp, problem.nonlinear ? KSPGMRES : KSPCG));
  TSV_CHECK(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp, &pc));
  // A linear problem's shift * C + K is symmetric positive definite, as the steady
  // K: the column multigrid, rebuilt whenever the shift changes (the first BDF2 steps,
  // adaptive steps). Newton's Jacobian (with dk/dT) is not symmetric: BoomerAMG.
  const solver::LineStructure lines = solver::line_structure(op.mesh());
  const bool column_mg = !problem.nonlinear && solver::column_multigrid_wanted(lines, prefix);
  if (column_mg) {
    solver::install_column_multigrid_shell(pc, lines);
  } else {
    solver::set_default_preconditioner(pc, prefix);
  }
  TSV_CHECK(TSMonitorSet(ts, ts_monitor, &ctx, nullptr));
  TSV_CHECK(TSSetFromOptions(ts));
  PetscErrorCode code = 0;
  {
    ScopedLogStage stage("solve");
    code = TSSolve(ts, t);
  }
  if (ctx.error) std::rethrow_exception(ctx.error);
  TSV_CHECK(code);
  TSConvergedReason reason;
  PetscInt steps = 0, nonlinear = 0, linear = 0;
  PetscReal time = 0;
  TSV_CHECK(TSGetConvergedReason(ts, &reason));
  TSV_CHECK(TSGetStepNumber(ts, &steps));
  TSV_CHECK(TSGetSNESIterations(ts, &nonlinear));
  TSV_CHECK(TSGetKSPIterations(ts, &linear));
  TSV_CHECK(TSGetTime(ts, &time));
  if (reason < 0) {
    throw SolverError("transient thermal solve (options prefix -" + prefix + ") failed at t = " +
                      std::to_string(time) + " s: " + TSConvergedReasons[reason]);
  }
  // The monitor sees the final step too; make sure the last frame is written.
  if (options.on_output && ctx.last_output_step != static_cast<int>(steps)) {
    const std::vector<double> values = op.local_values(t);
    options.on_output(ThermalFrame{static_cast<int>(steps), time, values});
  }
  TSType type = nullptr;
  TSV_CHECK(TSGetType(ts, &type));
  SolveStats stats;
  stats.method = std::string(type ? type : "?") + (column_mg ? "+column_mg" : "");
  stats.preconditioner = solver::column_multigrid_shell_description(pc);
  stats.time_steps = static_cast<int>(steps);
  stats.nonlinear_iterations = static_cast<int>(nonlinear);
  stats.iterations = static_cast<int>(linear);
  stats.converged_reason = TSConvergedReasons[reason];
  results.time = time;
  const bool bdf2 = analysis.scheme == TimeScheme::bdf2 && steps >= 2;
  final_rate = time_derivative(ctx, bdf2 ? 3 : 2);
  return stats;
}

}  // namespace

// Without a fixed temperature or a convection surface the temperature is
// undetermined (pure Neumann problem): say so instead of letting CG stall.
void require_heat_sink(const ScalarOperator& op, const ThermalSpec& spec, MPI_Comm comm) {
  int local = 0;
  for (const auto& face : op.spec().robin) local |= face.coefficient > 0 ? 1 : 0;
  int any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm);
  if (!any && !op.has_dirichlet()) {
    throw InputError(spec.analysis.source,
                     "no fixed-temperature or convection boundary: the temperature is undetermined "
                     "(every surface is adiabatic)");
  }
}

// Steady linear: A T = b with k at the reference temperature, CG + the column
// multigrid on extruded meshes (BoomerAMG otherwise, or when asked for).
SolveStats solve_steady_linear_heat(
    const ScalarOperator& op, const std::vector<double>& scales, Vec t, const std::string& prefix,
    double relative_tolerance, const std::function<void(const std::string&)>& progress,
    const std::function<void(const SteadyLinearSystem&)>& after_solve) {
  MatHandle a;
  VecHandle b = op.create_vector();
  {
    // One pass over the cells: the matrix. The load vector needs none (the
    // problem is linear: b = -R(0) = loads + Robin reference terms).
    ScopedLogStage stage("assembly");
    {
      ScopedLogEvent event("MatrixPattern");
      a = op.create_matrix();
    }
    {
      ScopedLogEvent event("LoadVector");
      op.load_vector(scales, b);
    }
    {
      ScopedLogEvent event("MatrixValues");
      op.jacobian(t, nullptr, 0.0, a);
    }
    {
      ScopedLogEvent event("Constraints");
      op.constrain_linear_system(a, b);
    }
    TSV_CHECK(MatSetOption(a, MAT_SYMMETRIC, PETSC_TRUE));
    TSV_CHECK(MatSetOption(a, MAT_SPD, PETSC_TRUE));
  }
  if (progress) progress("thermal: matrix assembled; preconditioner setup and linear solve");
  solver::set_elliptic_defaults(prefix, true);
  // Solve for the correction from the initial guess (which holds the Dirichlet
  // values): its right-hand side is the load alone, so the relative tolerance
  // refers to the heat flow, not to the size of the fixed temperatures.
  op.apply_dirichlet_values(t);
  VecHandle defect = op.create_vector();
  TSV_CHECK(MatMult(a, t, defect));
  TSV_CHECK(VecAYPX(defect, -1.0, b));
  b.reset();                  // not needed any more: one vector less at the AMG setup's peak
  op.release_work_vectors();  // two more, until the post-processing needs them again
  // Made after b went, so that it reuses b's pages: memory the process has just
  // given back costs no fresh page faults (fresh pages are slow on virtual machines).
  VecHandle correction = op.create_vector();
  TSV_CHECK(VecSet(correction, 0.0));
  // The AIJ matrix is not needed any more (only CG's products): hand it to hypre,
  // which would otherwise copy it. Part of the preconditioner setup.
  const solver::LineStructure lines = solver::line_structure(op.mesh());
  const bool column_mg = solver::column_multigrid_wanted(lines, prefix);
  PetscLogDouble convert_start = 0, convert_end = 0;
  TSV_CHECK(PetscTime(&convert_start));
  if (!column_mg) {
    ScopedLogStage stage("setup");
    solver::share_matrix_with_hypre(a, prefix);
  }
  TSV_CHECK(PetscTime(&convert_end));
  SolveStats stats = solver::solve_linear_system(a, defect, correction, prefix, relative_tolerance,
                                                 true, column_mg ? &lines : nullptr);
  stats.setup_seconds += convert_end - convert_start;
  TSV_CHECK(VecAXPY(t, 1.0, correction));
  if (after_solve)
    after_solve(SteadyLinearSystem{a, defect, column_mg ? &lines : nullptr, relative_tolerance});
  return stats;
}

ThermalResults solve_thermal(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                             const ThermalSpec& spec, const StackRegions& regions, MPI_Comm comm,
                             const ThermalSolveOptions& options) {
  solver::insert_options(options.petsc_options);
  const bool transient = spec.analysis.type == ThermalAnalysisType::transient;
  ThermalProblem problem;
  std::unique_ptr<ScalarOperator> op;
  {
    ScopedLogStage stage("assembly");
    report(options, "thermal: sources, boundary conditions and operator");
    {
      ScopedLogEvent event("ThermalProblem");
      problem = build_thermal_problem(mesh, materials, spec, regions, comm);
    }
    // The operator keeps the spec (loads, faces, constraints): moved, not copied;
    // what the rest reads of the problem is its loads' names and scales.
    ScopedLogEvent event("ScalarOperator");
    op = std::make_unique<ScalarOperator>(mesh, std::move(problem.spec), comm);
  }
  report(options, std::string("thermal: ") +
                      (transient           ? "transient"
                       : problem.nonlinear ? "steady nonlinear k(T)"
                                           : "steady linear") +
                      " solve, " + std::to_string(mesh.global_node_count) + " unknowns");
  require_heat_sink(*op, spec, comm);
  ThermalResults results;
  const double start_temperature =
      transient ? spec.analysis.initial_temperature_K : spec.analysis.reference_temperature_K;
  VecHandle t = initial_temperature(*op, start_temperature);
  VecHandle rate;
  if (transient) {
    // Layer names for the history come from the stats of the initial field.
    compute_temperature_stats(mesh, regions, problem, load_scales(problem, 0, true),
                              op->local_values(t), comm, results);
    results.solver = solve_transient(*op, problem, spec, options, t, results, rate);
  } else if (problem.nonlinear) {
    results.solver =
        solve_steady_nonlinear(*op, problem, load_scales(problem, 0, false), t, options.prefix,
                               spec.analysis.relative_tolerance, options);
  } else {
    results.solver = solve_steady_linear_heat(*op, load_scales(problem, 0, false), t,
                                              options.prefix, spec.analysis.relative_tolerance,
                                              options.progress, options.after_steady_linear_solve);
  }
  report(options, "thermal: " + results.solver.method + " converged in " +
                      std::to_string(results.solver.iterations) + " iterations; post-processing");
  ScopedLogStage stage("postprocess");
  const std::vector<double> scales = load_scales(problem, results.time, transient);
  results.temperature_K = op->local_values(t);
  for (double value : results.temperature_K) {
    if (!std::isfinite(value)) throw SolverError("the thermal solution holds a NaN or infinity");
  }
  {
    ScopedLogEvent event("HeatBalance");
    results.heat_balance = heat_balance(*op, problem, scales, t, rate.get(), results.temperature_K);
  }
  refer_to_ambient(results);  // the resistances in the statistics refer to it
  {
    ScopedLogEvent event("TemperatureStats");
    compute_temperature_stats(mesh, regions, problem, scales, results.temperature_K, comm, results);
  }
  ScopedLogEvent event("CellFlux");
  results.heat_flux_W_m2 = op->cell_flux(results.temperature_K);
  return results;
}

}  // namespace tsvfield::physics
