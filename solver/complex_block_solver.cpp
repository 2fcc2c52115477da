#include "solver/complex_block_solver.hpp"

#include <string>
#include <vector>

#include "mesh/input_error.hpp"

namespace tsvfield::solver {

// State of the shell preconditioner: the solver of S = A + w B and views of the halves.
struct ComplexBlockSolver::ShellContext {
  BlockPreconditioner kind = BlockPreconditioner::presb;
  Mat a = nullptr;       // not owned
  KSP inner = nullptr;   // solves with S, not owned
  VecHandle f, g, x, y;  // views (VecPlaceArray) of the halves of residual and correction
  VecHandle sum, h;      // work
};

}  // namespace tsvfield::solver

// Outside tsvfield::solver: PetscCall expands to a call of PETSc's PetscError(), which
// solver::PetscError (the exception) would hide.
namespace {

PetscErrorCode apply_block_preconditioner(PC pc, Vec residual, Vec correction) {
  tsvfield::solver::ComplexBlockSolver::ShellContext* context = nullptr;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &context));
  PetscInt n = 0;
  PetscCall(VecGetLocalSize(context->f, &n));
  const PetscScalar* r = nullptr;
  PetscScalar* z = nullptr;
  PetscCall(VecGetArrayRead(residual, &r));
  PetscCall(VecGetArray(correction, &z));
  PetscCall(VecPlaceArray(context->f, r));
  PetscCall(VecPlaceArray(context->g, r + n));
  PetscCall(VecPlaceArray(context->x, z));
  PetscCall(VecPlaceArray(context->y, z + n));
  if (context->kind == tsvfield::solver::BlockPreconditioner::diagonal) {
    PetscCall(KSPSolve(context->inner, context->f, context->x));
    PetscCall(KSPSolve(context->inner, context->g, context->y));
  } else {
    // P [x; y] = [f; g]:  S (x + y) = f + g  and  S y = A (x + y) - f.
    PetscCall(VecWAXPY(context->sum, 1.0, context->f, context->g));
    PetscCall(KSPSolve(context->inner, context->sum, context->h));
    PetscCall(MatMult(context->a, context->h, context->sum));
    PetscCall(VecAXPY(context->sum, -1.0, context->f));
    PetscCall(KSPSolve(context->inner, context->sum, context->y));
    PetscCall(VecWAXPY(context->x, -1.0, context->y, context->h));
  }
  PetscCall(VecResetArray(context->f));
  PetscCall(VecResetArray(context->g));
  PetscCall(VecResetArray(context->x));
  PetscCall(VecResetArray(context->y));
  PetscCall(VecRestoreArrayRead(residual, &r));
  PetscCall(VecRestoreArray(correction, &z));
  PetscFunctionReturn(0);
}

}  // namespace

namespace tsvfield::solver {
namespace {

PetscInt square_size(Mat matrix) {
  PetscInt rows = 0, cols = 0;
  TSV_CHECK(MatGetSize(matrix, &rows, &cols));
  if (rows != cols) throw PetscError("complex block solve: the matrices must be square");
  return rows;
}

VecHandle sequential_vector(PetscInt size) {
  VecHandle vector;
  TSV_CHECK(VecCreateSeq(PETSC_COMM_SELF, size, vector.out()));
  return vector;
}

VecHandle array_view(PetscInt size) {
  VecHandle vector;
  TSV_CHECK(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, size, nullptr, vector.out()));
  return vector;
}

PetscInt row_length(Mat matrix, PetscInt row) {
  PetscInt count = 0;
  TSV_CHECK(MatGetRow(matrix, row, &count, nullptr, nullptr));
  const PetscInt length = count;  // MatRestoreRow zeroes the count
  TSV_CHECK(MatRestoreRow(matrix, row, &count, nullptr, nullptr));
  return length;
}

// Appends `scale` times row `row` of `matrix`, its columns shifted by `offset`.
void append_row(Mat matrix, PetscInt row, double scale, PetscInt offset,
                std::vector<PetscInt>& cols, std::vector<PetscScalar>& values) {
  PetscInt count = 0;
  const PetscInt* row_cols = nullptr;
  const PetscScalar* row_values = nullptr;
  TSV_CHECK(MatGetRow(matrix, row, &count, &row_cols, &row_values));
  for (PetscInt i = 0; i < count; ++i) {
    cols.push_back(row_cols[i] + offset);
    values.push_back(scale * row_values[i]);
  }
  TSV_CHECK(MatRestoreRow(matrix, row, &count, &row_cols, &row_values));
}

}  // namespace

BlockPreconditioner block_preconditioner_choice(const std::string& prefix) {
  char value[64] = "presb";
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetString(nullptr, prefix.c_str(), "-block_preconditioner", value,
                                  sizeof(value), &set));
  const std::string choice = value;
  if (choice == "presb") return BlockPreconditioner::presb;
  if (choice == "diagonal") return BlockPreconditioner::diagonal;
  throw InputError(SourceRef{"", 0, 0, "-" + prefix + "block_preconditioner"},
                   "expected presb or diagonal, found '" + choice + "'");
}

MatHandle complex_block_matrix(Mat a, Mat b, double omega) {
  const PetscInt n = square_size(a);
  if (square_size(b) != n) throw PetscError("complex block solve: A and B differ in size");
  // The A and B parts of a row lie in different column halves: no overlap.
  std::vector<PetscInt> nonzeros(static_cast<std::size_t>(2 * n));
  for (PetscInt row = 0; row < n; ++row)
    nonzeros[static_cast<std::size_t>(row)] = nonzeros[static_cast<std::size_t>(row + n)] =
        row_length(a, row) + row_length(b, row);
  MatHandle block;
  TSV_CHECK(MatCreateSeqAIJ(PETSC_COMM_SELF, 2 * n, 2 * n, 0, nonzeros.data(), block.out()));
  TSV_CHECK(MatSetOption(block, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  std::vector<PetscInt> cols;
  std::vector<PetscScalar> values;
  for (PetscInt row = 0; row < n; ++row) {
    cols.clear();  // row of [A, -w B]
    values.clear();
    append_row(a, row, 1.0, 0, cols, values);
    append_row(b, row, -omega, n, cols, values);
    TSV_CHECK(MatSetValues(block, 1, &row, static_cast<PetscInt>(cols.size()), cols.data(),
                           values.data(), INSERT_VALUES));
    cols.clear();  // row of [w B, A]
    values.clear();
    append_row(b, row, omega, 0, cols, values);
    append_row(a, row, 1.0, n, cols, values);
    const PetscInt lower_row = row + n;
    TSV_CHECK(MatSetValues(block, 1, &lower_row, static_cast<PetscInt>(cols.size()), cols.data(),
                           values.data(), INSERT_VALUES));
  }
  TSV_CHECK(MatAssemblyBegin(block, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(block, MAT_FINAL_ASSEMBLY));
  return block;
}

MatHandle shifted_matrix(Mat a, Mat b, double omega) {
  MatHandle shifted;
  TSV_CHECK(MatDuplicate(a, MAT_COPY_VALUES, shifted.out()));
  TSV_CHECK(MatAXPY(shifted, omega, b, UNKNOWN_NONZERO_PATTERN));
  TSV_CHECK(MatSetOption(shifted, MAT_SYMMETRIC, PETSC_TRUE));
  return shifted;
}

ComplexBlockSolver::ComplexBlockSolver(Mat a, Mat b, double omega,
                                       const ComplexBlockSolverOptions& options)
    : half_size_(square_size(a)), options_(options), context_(std::make_unique<ShellContext>()) {
  const BlockPreconditioner kind = block_preconditioner_choice(options.prefix);
  operator_ = complex_block_matrix(a, b, omega);
  shifted_ = shifted_matrix(a, b, omega);

  // Solves with S: sparse Cholesky unless overridden by -<prefix>block_....
  TSV_CHECK(KSPCreate(PETSC_COMM_SELF, inner_.out()));
  TSV_CHECK(KSPSetOperators(inner_, shifted_, shifted_));
  TSV_CHECK(KSPSetType(inner_, KSPPREONLY));
  PC inner_pc = nullptr;
  TSV_CHECK(KSPGetPC(inner_, &inner_pc));
  TSV_CHECK(PCSetType(inner_pc, PCCHOLESKY));
  TSV_CHECK(PCFactorSetMatOrderingType(inner_pc, MATORDERINGND));
  TSV_CHECK(KSPSetOptionsPrefix(inner_, (options.prefix + "block_").c_str()));
  TSV_CHECK(KSPSetFromOptions(inner_));
  // An iterative inner solve that breaks down must not pass silently: the error
  // reaches the outer KSPSolve, which TSV_CHECK turns into a throw. (PETSc lets
  // nested solves stop at their iteration limit: FGMRES still converges to the outer
  // tolerance with inexact inner solves.)
  TSV_CHECK(KSPSetErrorIfNotConverged(inner_, PETSC_TRUE));
  TSV_CHECK(KSPSetUp(inner_));

  context_->kind = kind;
  context_->a = a;
  context_->inner = inner_;
  context_->f = array_view(half_size_);
  context_->g = array_view(half_size_);
  context_->x = array_view(half_size_);
  context_->y = array_view(half_size_);
  context_->sum = sequential_vector(half_size_);
  context_->h = sequential_vector(half_size_);

  TSV_CHECK(KSPCreate(PETSC_COMM_SELF, outer_.out()));
  TSV_CHECK(KSPSetOperators(outer_, operator_, operator_));
  TSV_CHECK(KSPSetType(outer_, KSPFGMRES));
  TSV_CHECK(KSPGMRESSetRestart(outer_, 100));
  TSV_CHECK(
      KSPSetTolerances(outer_, options.relative_tolerance, PETSC_DEFAULT, PETSC_DEFAULT, 1000));
  PC pc = nullptr;
  TSV_CHECK(KSPGetPC(outer_, &pc));
  TSV_CHECK(PCSetType(pc, PCSHELL));
  TSV_CHECK(PCShellSetContext(pc, context_.get()));
  TSV_CHECK(PCShellSetApply(pc, apply_block_preconditioner));
  TSV_CHECK(PCShellSetName(pc, kind == BlockPreconditioner::presb ? "PRESB [[A,-wB],[wB,A+2wB]]"
                                                                  : "block diagonal (A+wB, A+wB)"));
  TSV_CHECK(KSPSetOptionsPrefix(outer_, options.prefix.c_str()));
  TSV_CHECK(KSPSetFromOptions(outer_));
  TSV_CHECK(KSPSetUp(outer_));
}

ComplexBlockSolver::~ComplexBlockSolver() = default;

VecHandle ComplexBlockSolver::create_vector() const {
  return sequential_vector(2 * half_size_);
}

int ComplexBlockSolver::solve(Vec rhs, Vec solution) {
  TSV_CHECK(VecSet(solution, 0.0));
  TSV_CHECK(KSPSolve(outer_, rhs, solution));
  KSPConvergedReason reason;
  TSV_CHECK(KSPGetConvergedReason(outer_, &reason));
  PetscInt iterations = 0;
  TSV_CHECK(KSPGetIterationNumber(outer_, &iterations));
  if (reason < 0)
    throw SolverError(options_.description + " (options prefix -" + options_.prefix +
                      ") did not converge: " + KSPConvergedReasons[reason] + " after " +
                      std::to_string(iterations) + " iterations");
  return static_cast<int>(iterations);
}

}  // namespace tsvfield::solver
