#include "solver/linear_solve.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include "mesh/input_error.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::solver {

std::string ksp_reason_name(KSPConvergedReason reason) {
  return KSPConvergedReasons[reason];
}

namespace {

// The value of "-<prefix><name>" in the options database, or "" when unset.
std::string option_value(const std::string& prefix, const char* name) {
  char value[64] = "";
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetString(nullptr, prefix.c_str(), name, value, sizeof value, &set));
  return set ? std::string(value) : std::string();
}

std::string describe(const ColumnMultigridSummary& summary) {
  std::string text = "column multigrid, " + std::to_string(summary.levels) + " levels (rows";
  for (std::size_t l = 0; l < summary.level_rows.size(); ++l)
    text += " " + std::to_string(summary.level_rows[l]) + " on " +
            std::to_string(summary.level_lines[l]) + " lines";
  char complexity[32];
  std::snprintf(complexity, sizeof complexity, "%.2f", summary.operator_complexity);
  text += std::string("), operator complexity ") + complexity;
  const std::int64_t patterns =
      summary.finest_smoother ? summary.finest_smoother->pattern_count() : 0;
  if (patterns > 0)
    text += ", finest level read through " + std::to_string(patterns) + " shared row patterns";
  if (summary.levels_with_sweep_residual > 0)
    text += ", residual from the pre-smoother on " +
            std::to_string(summary.levels_with_sweep_residual) + " of " +
            std::to_string(summary.levels - 1) + " smoothed levels";
  return text;
}

// What a column-multigrid shell keeps between setups.
struct ColumnMultigridShell {
  LineStructure lines;
  std::string prefix;
  PC inner = nullptr;  // the PCMG of the last setup
  std::string description;
  int builds = 0;

  ~ColumnMultigridShell() {
    if (inner) PCDestroy(&inner);
  }
};

constexpr const char* kShellName = "column multigrid (rebuilt at each setup)";

PetscErrorCode column_multigrid_shell_setup(PC pc) {
  using ::PetscError;  // PETSc's, for PetscCall / SETERRQ (not solver::PetscError)
  ColumnMultigridShell* shell = nullptr;
  PetscCall(PCShellGetContext(pc, &shell));
  try {
    Mat preconditioner_matrix = nullptr;
    TSV_CHECK(PCGetOperators(pc, nullptr, &preconditioner_matrix));
    MPI_Comm comm = PETSC_COMM_WORLD;
    TSV_CHECK(PetscObjectGetComm(reinterpret_cast<PetscObject>(pc), &comm));
    // The previous hierarchy goes before the new one is built (memory).
    if (shell->inner) TSV_CHECK(PCDestroy(&shell->inner));
    TSV_CHECK(PCCreate(comm, &shell->inner));
    PC inner = shell->inner;
    TSV_CHECK(PCSetOptionsPrefix(inner, shell->prefix.c_str()));
    TSV_CHECK(PCSetOperators(inner, preconditioner_matrix, preconditioner_matrix));
    TSV_CHECK(PCSetFromOptions(inner));
    shell->description = describe(setup_column_multigrid(inner, preconditioner_matrix, shell->lines,
                                                         column_multigrid_options(shell->prefix)));
    TSV_CHECK(PCSetUp(inner));
    ++shell->builds;
  } catch (const std::exception& error) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "column multigrid setup failed: %s", error.what());
  }
  return 0;
}

PetscErrorCode column_multigrid_shell_apply(PC pc, Vec x, Vec y) {
  using ::PetscError;  // PETSc's, for PetscCall / SETERRQ (not solver::PetscError)
  ColumnMultigridShell* shell = nullptr;
  PetscCall(PCShellGetContext(pc, &shell));
  PetscCall(PCApply(shell->inner, x, y));
  return 0;
}

PetscErrorCode column_multigrid_shell_destroy(PC pc) {
  using ::PetscError;  // PETSc's, for PetscCall / SETERRQ (not solver::PetscError)
  ColumnMultigridShell* shell = nullptr;
  PetscCall(PCShellGetContext(pc, &shell));
  delete shell;
  return 0;
}

}  // namespace

void install_column_multigrid_shell(PC pc, const LineStructure& lines) {
  const char* prefix = nullptr;
  TSV_CHECK(PCGetOptionsPrefix(pc, &prefix));
  auto shell = std::make_unique<ColumnMultigridShell>();
  shell->lines = lines;
  shell->prefix = prefix ? prefix : "";
  TSV_CHECK(PCSetType(pc, PCSHELL));
  // The PC owns the context from here: its destroy callback deletes it.
  TSV_CHECK(PCShellSetDestroy(pc, column_multigrid_shell_destroy));
  TSV_CHECK(PCShellSetContext(pc, shell.release()));
  TSV_CHECK(PCShellSetSetUp(pc, column_multigrid_shell_setup));
  TSV_CHECK(PCShellSetApply(pc, column_multigrid_shell_apply));
  TSV_CHECK(PCShellSetName(pc, kShellName));
}

std::string column_multigrid_shell_description(PC pc) {
  PetscBool is_shell = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCSHELL, &is_shell));
  if (!is_shell) return "";
  const char* name = nullptr;
  TSV_CHECK(PCShellGetName(pc, &name));
  if (name == nullptr || std::string(name) != kShellName) return "";
  ColumnMultigridShell* shell = nullptr;
  TSV_CHECK(PCShellGetContext(pc, &shell));
  if (shell->builds == 0) return "";
  return shell->description + "; built " + std::to_string(shell->builds) +
         (shell->builds == 1 ? " time" : " times");
}

bool column_multigrid_wanted(const LineStructure& lines, const std::string& prefix) {
  if (lines.footprint_node_count <= 0 || preconditioner_chosen(prefix)) return false;
  PetscBool wanted = PETSC_TRUE, set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetBool(nullptr, prefix.c_str(), "-column_mg", &wanted, &set));
  return wanted == PETSC_TRUE;
}

bool share_matrix_with_hypre(MatHandle& a, const std::string& prefix) {
  const std::string hypre_type = option_value(prefix, "-pc_hypre_type");
  const std::string pc_type = option_value(prefix, "-pc_type");
  if (!(pc_type.empty() || pc_type == "hypre") ||
      !(hypre_type.empty() || hypre_type == "boomeramg")) {
    return false;
  }
  PetscBool aij = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(a.get()), &aij, MATMPIAIJ,
                                      MATSEQAIJ, ""));
  if (!aij) return false;
  // In place (MAT_INPLACE_MATRIX) keeps the AIJ arrays alive in PETSc 3.18: a
  // new matrix, then the AIJ one destroyed, is what frees them.
  MatHandle converted;
  TSV_CHECK(MatConvert(a, MATHYPRE, MAT_INITIAL_MATRIX, converted.out()));
  a = std::move(converted);
  return true;
}

SolveStats solve_linear_system(Mat a, Vec b, Vec x, const std::string& prefix,
                               double relative_tolerance, bool symmetric,
                               const LineStructure* lines) {
  MPI_Comm comm = PETSC_COMM_WORLD;
  TSV_CHECK(PetscObjectGetComm(reinterpret_cast<PetscObject>(a), &comm));
  KspHandle ksp;
  TSV_CHECK(KSPCreate(comm, ksp.out()));
  TSV_CHECK(KSPSetOperators(ksp, a, a));
  TSV_CHECK(KSPSetOptionsPrefix(ksp, prefix.c_str()));
  TSV_CHECK(KSPSetType(ksp, symmetric ? KSPCG : KSPGMRES));
  TSV_CHECK(KSPSetTolerances(ksp, relative_tolerance, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  TSV_CHECK(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(ksp, &pc));
  if (!lines) set_default_preconditioner(pc, prefix);
  TSV_CHECK(KSPSetFromOptions(ksp));
  // CG's true residual norm makes the tolerance mean what it says (and closes
  // the heat balance); keep the user's choice if they made one.
  PetscBool is_cg = PETSC_FALSE, norm_set = PETSC_FALSE;
  TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(ksp.get()), KSPCG, &is_cg));
  TSV_CHECK(PetscOptionsHasName(nullptr, prefix.c_str(), "-ksp_norm_type", &norm_set));
  if (is_cg && !norm_set) TSV_CHECK(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));

  SolveStats stats;
  MatHandle product;  // CG's operator when the column multigrid provides one
  PetscLogDouble start = 0, middle = 0, end = 0;
  TSV_CHECK(PetscTime(&start));
  {
    ScopedLogStage stage("setup");
    if (lines) {
      const ColumnMultigridOptions options = column_multigrid_options(prefix);
      const ColumnMultigridSummary summary = setup_column_multigrid(pc, a, *lines, options);
      stats.preconditioner = describe(summary);
      // CG's products read the fine matrix as the sweeps do (row patterns, no column
      // array); the preconditioner keeps `a`.
      if (options.pattern_product && summary.finest_smoother &&
          summary.finest_smoother->uses_row_patterns()) {
        product = smoother_product_matrix(summary.finest_smoother, a);
        TSV_CHECK(KSPSetOperators(ksp, product, a));
        // PCMG takes its finest level's operator from Amat by default, which would
        // replace `a` there and with it the residual the pre-smoother leaves.
        TSV_CHECK(PCSetUseAmat(pc, PETSC_FALSE));
      }
    }
    TSV_CHECK(KSPSetUp(ksp));
  }

  TSV_CHECK(PetscTime(&middle));
  {
    ScopedLogStage stage("solve");
    TSV_CHECK(KSPSolve(ksp, b, x));
  }
  TSV_CHECK(PetscTime(&end));
  KSPType ksp_type = nullptr;
  PCType pc_type = nullptr;
  TSV_CHECK(KSPGetType(ksp, &ksp_type));
  TSV_CHECK(PCGetType(pc, &pc_type));
  KSPConvergedReason reason;
  PetscInt iterations = 0;
  PetscReal norm = 0;
  TSV_CHECK(KSPGetConvergedReason(ksp, &reason));
  TSV_CHECK(KSPGetIterationNumber(ksp, &iterations));
  TSV_CHECK(KSPGetResidualNorm(ksp, &norm));
  stats.method = std::string(ksp_type ? ksp_type : "?") + "+" +
                 (lines ? "column_mg" : (pc_type ? pc_type : "?"));
  stats.iterations = static_cast<int>(iterations);
  stats.residual_norm = norm;
  stats.converged_reason = ksp_reason_name(reason);
  stats.setup_seconds = middle - start;
  stats.solve_seconds = end - middle;
  if (reason < 0) {
    throw SolverError("linear solver (" + stats.method + ", options prefix -" + prefix +
                      ") did not converge: " + stats.converged_reason + " after " +
                      std::to_string(iterations) + " iterations, residual " + std::to_string(norm));
  }
  return stats;
}

}  // namespace tsvfield::solver
