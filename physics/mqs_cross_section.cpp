// Magneto-quasi-static cross-section solve: per-unit-length R(f), L(f) of the
// signal conductors (physics/per_unit_length.hpp, impedance_sweep).
//
// Discretisation: bilinear quads (solver/quad_element), A_z = 0 on the boundary of
// the meshed region (outer footprint edges and edges next to void cells). Scaled by
// mu0 (nonmagnetic materials), the complex problem is
//   (K + j w M) A = mu0 b_k,   K = int grad N . grad N,   M = mu0 int sigma N N,
// with b_k = int_{conductor k} sigma N, and conductor currents
//   I_j = int_j sigma (V'_j - j w A) = G_j V'_j - j w b_j^T A.
// Only metal cells of conductors conduct: metal cells that belong to no conductor
// are treated as insulators (they would otherwise be shorted to the boundary).
//
// Real 2x2 block form [[K, -w M], [w M, K]] [Ar; Ai] = [mu0 b_k; 0], solved with
// FGMRES and the PRESB preconditioner (Axelsson, Neytcheva, Ahmad 2014)
//   P = [[K, -w M], [w M, K + 2 w M]],
// whose preconditioned spectrum is real and lies in [1/2, 1] for every w (K SPD, M
// SPSD), so the iteration count does not grow with frequency. Applying P^-1 takes
// two solves with K + w M, factored once per frequency (sparse Cholesky by default:
// the 2D systems are small, and an exact block solve keeps the outer method at its
// frequency-independent iteration count; BoomerAMG is an option override away).
// The block-diagonal preconditioner diag(K + w M, K + w M) is available with
// -<prefix>mqs_preconditioner blockdiag; its spectrum (1 + j t) / (1 + t), t >= 0,
// reaches towards +-j as the skin depth shrinks, so it needs more iterations at
// high frequency.
//
// Reduction: the admittance Y (all metal conductors, relative to the boundary) is
// written in the variables W_s = V'_s - v_r (signals), v_r (the tied returns) and
// W_f = V'_f - v_r (floating); the currents conjugate to them are I_s, the total
// current and I_f. Inverting Yt = T^T Y T and keeping the signal block imposes
// zero total and zero floating current: Z = (Yt^-1)_ss. Without a return conductor
// the boundary is the return (v_r is absent). At f = 0 the first-order expansion
// Y(w) = Y0 - j w Y1 (Y1_jk = b_j^T A0^(k), A0 the magnetostatic solution) gives
// R = (Yt0^-1)_ss and L = (Yt0^-1 Yt1 Yt0^-1)_ss exactly.
#include <petscksp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <unordered_map>
#include <vector>

#include "mesh/input_error.hpp"
#include "physics/per_unit_length.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/quad_element.hpp"

namespace tsvfield::physics {
namespace {

using Complex = std::complex<double>;
using solver::ConstVecArray;
using solver::KspHandle;
using solver::MatHandle;
using solver::VecHandle;

// ---------------------------------------------------------------------------
// The discrete problem (identical on every rank that solves frequencies).

struct MqsProblem {
  int unknowns = 0;                        // free nodes (A_z not fixed to 0)
  std::vector<int> node_unknown;           // per mesh node, -1: fixed or not meshed
  std::vector<int> conductors;             // section conductors holding metal (matrix order)
  std::vector<double> conductance;         // G_j = int_j sigma (S*m): DC admittance per length
  std::vector<std::vector<double>> loads;  // b_j = int_j sigma N, over the unknowns
  MatHandle stiffness;                     // K
  MatHandle mass;                          // M (same nonzero pattern as K)
};

bool cell_meshed(const CrossSection& section, std::size_t cell) {
  return section.cell_material[cell] >= 0;
}

// sigma of a cell that carries current, else 0.
double cell_conductivity(const CrossSection& section, std::size_t cell) {
  const int material = section.cell_material[cell];
  if (material < 0 || section.cell_conductor[cell] < 0) return 0;
  const SectionMaterial& entry = section.materials[static_cast<std::size_t>(material)];
  return entry.is_metal && entry.conductivity_S_m > 0 ? entry.conductivity_S_m : 0;
}

// Numbers the nodes of meshed cells that are not on the boundary of the meshed
// region (edges used by exactly one meshed cell).
void number_unknowns(const CrossSection& section, MqsProblem& problem) {
  const auto& mesh = section.mesh;
  auto edge_key = [](std::int64_t a, std::int64_t b) {
    return a < b ? (a << 32) | b : (b << 32) | a;
  };
  std::unordered_map<std::int64_t, int> edge_use;
  edge_use.reserve(mesh.cells.size() * 3);
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (!cell_meshed(section, cell)) continue;
    for (int e = 0; e < 4; ++e)
      ++edge_use[edge_key(mesh.cells[cell][e], mesh.cells[cell][(e + 1) % 4])];
  }
  enum : char { kUnused, kFree, kFixed };
  std::vector<char> state(mesh.nodes.size(), kUnused);
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (!cell_meshed(section, cell)) continue;
    for (int e = 0; e < 4; ++e) {
      const auto a = mesh.cells[cell][e], b = mesh.cells[cell][(e + 1) % 4];
      const bool boundary = edge_use[edge_key(a, b)] == 1;
      for (auto node : {a, b})
        if (boundary)
          state[node] = kFixed;
        else if (state[node] == kUnused)
          state[node] = kFree;
    }
  }
  problem.node_unknown.assign(mesh.nodes.size(), -1);
  for (std::size_t node = 0; node < mesh.nodes.size(); ++node)
    if (state[node] == kFree) problem.node_unknown[node] = problem.unknowns++;
}

std::array<PetscInt, 4> cell_unknowns(const CrossSection& section, const MqsProblem& problem,
                                      std::size_t cell) {
  std::array<PetscInt, 4> rows{};
  for (int a = 0; a < 4; ++a) rows[a] = problem.node_unknown[section.mesh.cells[cell][a]];
  return rows;
}

solver::QuadPoints cell_points(const CrossSection& section, std::size_t cell) {
  solver::QuadCoords coords;
  for (int a = 0; a < 4; ++a) coords[a] = section.mesh.nodes[section.mesh.cells[cell][a]];
  return solver::quad_points(coords);
}

// Exact nonzeros per row of K (free-node couplings through meshed cells).
std::vector<PetscInt> row_nonzeros(const CrossSection& section, const MqsProblem& problem) {
  std::vector<std::vector<PetscInt>> pattern(static_cast<std::size_t>(problem.unknowns));
  for (std::size_t cell = 0; cell < section.mesh.cells.size(); ++cell) {
    if (!cell_meshed(section, cell)) continue;
    const auto rows = cell_unknowns(section, problem, cell);
    for (PetscInt row : rows)
      if (row >= 0)
        for (PetscInt col : rows)
          if (col >= 0) pattern[static_cast<std::size_t>(row)].push_back(col);
  }
  std::vector<PetscInt> nonzeros(pattern.size());
  for (std::size_t row = 0; row < pattern.size(); ++row) {
    auto& cols = pattern[row];
    std::sort(cols.begin(), cols.end());
    nonzeros[row] = static_cast<PetscInt>(std::unique(cols.begin(), cols.end()) - cols.begin());
  }
  return nonzeros;
}

MatHandle create_matrix(const std::vector<PetscInt>& nonzeros) {
  MatHandle matrix;
  const auto size = static_cast<PetscInt>(nonzeros.size());
  TSV_CHECK(MatCreateSeqAIJ(PETSC_COMM_SELF, size, size, 0, nonzeros.data(), matrix.out()));
  TSV_CHECK(MatSetOption(matrix, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return matrix;
}

// G_j = int_j sigma of every section conductor (0: no metal cell).
std::vector<double> conductor_conductances(const CrossSection& section) {
  std::vector<double> conductance(section.conductors.size(), 0);
  for (std::size_t cell = 0; cell < section.mesh.cells.size(); ++cell) {
    const double sigma = cell_conductivity(section, cell);
    if (sigma > 0)
      conductance[static_cast<std::size_t>(section.cell_conductor[cell])] +=
          sigma * solver::quad_area(cell_points(section, cell));
  }
  return conductance;
}

// K, M, the metal conductors (matrix order), their conductances and loads.
void assemble(const CrossSection& section, MqsProblem& problem) {
  const std::vector<double> conductance = conductor_conductances(section);
  std::vector<int> matrix_index(conductance.size(), -1);
  for (std::size_t c = 0; c < conductance.size(); ++c) {
    if (!(conductance[c] > 0)) continue;
    matrix_index[c] = static_cast<int>(problem.conductors.size());
    problem.conductors.push_back(static_cast<int>(c));
    problem.conductance.push_back(conductance[c]);
  }
  problem.loads.assign(problem.conductors.size(),
                       std::vector<double>(static_cast<std::size_t>(problem.unknowns), 0.0));

  const auto nonzeros = row_nonzeros(section, problem);
  problem.stiffness = create_matrix(nonzeros);
  problem.mass = create_matrix(nonzeros);
  for (std::size_t cell = 0; cell < section.mesh.cells.size(); ++cell) {
    if (!cell_meshed(section, cell)) continue;
    const auto points = cell_points(section, cell);
    const auto rows = cell_unknowns(section, problem, cell);
    const double sigma = cell_conductivity(section, cell);
    // Zero mass blocks outside the metals keep M's pattern equal to K's.
    const auto stiffness = solver::quad_stiffness(points, 1.0);
    const auto mass = solver::quad_mass(points, kVacuumPermeability * sigma);
    TSV_CHECK(MatSetValues(problem.stiffness, 4, rows.data(), 4, rows.data(), &stiffness[0][0],
                           ADD_VALUES));
    TSV_CHECK(MatSetValues(problem.mass, 4, rows.data(), 4, rows.data(), &mass[0][0], ADD_VALUES));
    if (sigma > 0) {
      auto& load = problem.loads[static_cast<std::size_t>(
          matrix_index[static_cast<std::size_t>(section.cell_conductor[cell])])];
      const auto cell_load = solver::quad_load(points, sigma);
      for (int a = 0; a < 4; ++a)
        if (rows[a] >= 0) load[static_cast<std::size_t>(rows[a])] += cell_load[a];
    }
  }
  for (Mat matrix : {problem.stiffness.get(), problem.mass.get()}) {
    TSV_CHECK(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY));
    TSV_CHECK(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY));
  }
}

// ---------------------------------------------------------------------------
// The real block system at one angular frequency and its preconditioner.

// [[K, -w M], [w M, K]], explicit so that any PETSc preconditioner can be tried on it.
MatHandle block_operator(const MqsProblem& problem, double omega) {
  const PetscInt n = problem.unknowns;
  std::vector<PetscInt> nonzeros(static_cast<std::size_t>(2 * n));
  for (PetscInt row = 0; row < n; ++row) {
    PetscInt count = 0;
    TSV_CHECK(MatGetRow(problem.stiffness, row, &count, nullptr, nullptr));
    nonzeros[static_cast<std::size_t>(row)] = nonzeros[static_cast<std::size_t>(row + n)] =
        2 * count;
    TSV_CHECK(MatRestoreRow(problem.stiffness, row, &count, nullptr, nullptr));
  }
  MatHandle block = create_matrix(nonzeros);
  std::vector<PetscInt> cols;
  std::vector<PetscScalar> upper, lower;
  for (PetscInt row = 0; row < n; ++row) {
    PetscInt count = 0, mass_count = 0;
    const PetscInt *k_cols = nullptr, *m_cols = nullptr;
    const PetscScalar *k_values = nullptr, *m_values = nullptr;
    TSV_CHECK(MatGetRow(problem.stiffness, row, &count, &k_cols, &k_values));
    TSV_CHECK(MatGetRow(problem.mass, row, &mass_count, &m_cols, &m_values));
    if (mass_count != count || !std::equal(k_cols, k_cols + count, m_cols))
      throw solver::PetscError("MQS mass and stiffness patterns differ");
    cols.assign(k_cols, k_cols + count);
    for (PetscInt i = 0; i < count; ++i) cols.push_back(k_cols[i] + n);
    upper.assign(k_values, k_values + count);  // row of [K, -w M]
    lower.resize(static_cast<std::size_t>(count));
    for (PetscInt i = 0; i < count; ++i) {
      upper.push_back(-omega * m_values[i]);
      lower[static_cast<std::size_t>(i)] = omega * m_values[i];  // row of [w M, K]
    }
    lower.insert(lower.end(), k_values, k_values + count);
    const PetscInt width = 2 * count;  // MatRestoreRow zeroes the counts
    TSV_CHECK(MatRestoreRow(problem.mass, row, &mass_count, &m_cols, &m_values));
    TSV_CHECK(MatRestoreRow(problem.stiffness, row, &count, &k_cols, &k_values));
    const PetscInt lower_row = row + n;
    TSV_CHECK(MatSetValues(block, 1, &row, width, cols.data(), upper.data(), INSERT_VALUES));
    TSV_CHECK(MatSetValues(block, 1, &lower_row, width, cols.data(), lower.data(), INSERT_VALUES));
  }
  TSV_CHECK(MatAssemblyBegin(block, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(block, MAT_FINAL_ASSEMBLY));
  return block;
}

enum class BlockPreconditioner { presb, blockdiag };

// State of the shell preconditioner: the solver of K + w M and views of the halves.
struct ShellContext {
  BlockPreconditioner kind = BlockPreconditioner::presb;
  Mat stiffness = nullptr;
  KSP shifted_solver = nullptr;  // K + w M
  VecHandle f, g, x, y;          // views (VecPlaceArray) of the halves
  VecHandle sum, h;              // work
};

PetscErrorCode apply_block_preconditioner(PC pc, Vec residual, Vec correction) {
  ShellContext* context = nullptr;
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
  if (context->kind == BlockPreconditioner::blockdiag) {
    PetscCall(KSPSolve(context->shifted_solver, context->f, context->x));
    PetscCall(KSPSolve(context->shifted_solver, context->g, context->y));
  } else {
    // P [x; y] = [f; g]:  (K + wM)(x + y) = f + g  and  (K + wM) y = K (x + y) - f.
    PetscCall(VecWAXPY(context->sum, 1.0, context->f, context->g));
    PetscCall(KSPSolve(context->shifted_solver, context->sum, context->h));
    PetscCall(MatMult(context->stiffness, context->h, context->sum));
    PetscCall(VecAXPY(context->sum, -1.0, context->f));
    PetscCall(KSPSolve(context->shifted_solver, context->sum, context->y));
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

BlockPreconditioner preconditioner_choice(const std::string& prefix) {
  char value[64] = "presb";
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsGetString(nullptr, prefix.c_str(), "-mqs_preconditioner", value,
                                  sizeof(value), &set));
  const std::string choice = value;
  if (choice == "presb") return BlockPreconditioner::presb;
  if (choice == "blockdiag") return BlockPreconditioner::blockdiag;
  throw InputError(SourceRef{"", 0, 0, "-" + prefix + "mqs_preconditioner"},
                   "expected presb or blockdiag, found '" + choice + "'");
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

// Outer FGMRES on the block operator with the shell preconditioner, set up for one
// frequency; every option may be overridden with -<prefix>... (outer) and
// -<prefix>block_... (the K + w M solves).
class BlockSolver {
 public:
  BlockSolver(const MqsProblem& problem, double omega, const SectionSolveOptions& options,
              BlockPreconditioner kind) {
    const PetscInt n = problem.unknowns;
    operator_ = block_operator(problem, omega);
    TSV_CHECK(MatDuplicate(problem.stiffness, MAT_COPY_VALUES, shifted_.out()));
    TSV_CHECK(MatAXPY(shifted_, omega, problem.mass, SAME_NONZERO_PATTERN));

    TSV_CHECK(KSPCreate(PETSC_COMM_SELF, shifted_solver_.out()));
    TSV_CHECK(KSPSetOperators(shifted_solver_, shifted_, shifted_));
    TSV_CHECK(KSPSetType(shifted_solver_, KSPPREONLY));
    PC shifted_pc = nullptr;
    TSV_CHECK(KSPGetPC(shifted_solver_, &shifted_pc));
    TSV_CHECK(PCSetType(shifted_pc, PCCHOLESKY));
    TSV_CHECK(PCFactorSetMatOrderingType(shifted_pc, MATORDERINGND));
    TSV_CHECK(KSPSetOptionsPrefix(shifted_solver_, (options.prefix + "block_").c_str()));
    TSV_CHECK(KSPSetFromOptions(shifted_solver_));
    TSV_CHECK(KSPSetUp(shifted_solver_));

    context_.kind = kind;
    context_.stiffness = problem.stiffness;
    context_.shifted_solver = shifted_solver_;
    context_.f = array_view(n);
    context_.g = array_view(n);
    context_.x = array_view(n);
    context_.y = array_view(n);
    context_.sum = sequential_vector(n);
    context_.h = sequential_vector(n);

    TSV_CHECK(KSPCreate(PETSC_COMM_SELF, solver_.out()));
    TSV_CHECK(KSPSetOperators(solver_, operator_, operator_));
    TSV_CHECK(KSPSetType(solver_, KSPFGMRES));
    TSV_CHECK(KSPGMRESSetRestart(solver_, 100));
    TSV_CHECK(
        KSPSetTolerances(solver_, options.relative_tolerance, PETSC_DEFAULT, PETSC_DEFAULT, 1000));
    PC pc = nullptr;
    TSV_CHECK(KSPGetPC(solver_, &pc));
    TSV_CHECK(PCSetType(pc, PCSHELL));
    TSV_CHECK(PCShellSetContext(pc, &context_));
    TSV_CHECK(PCShellSetApply(pc, apply_block_preconditioner));
    TSV_CHECK(PCShellSetName(pc, context_.kind == BlockPreconditioner::presb
                                     ? "PRESB [[K,-wM],[wM,K+2wM]]"
                                     : "block diagonal (K+wM, K+wM)"));
    TSV_CHECK(KSPSetOptionsPrefix(solver_, options.prefix.c_str()));
    TSV_CHECK(KSPSetFromOptions(solver_));
    TSV_CHECK(KSPSetUp(solver_));
    prefix_ = options.prefix;
  }
  BlockSolver(const BlockSolver&) = delete;
  BlockSolver& operator=(const BlockSolver&) = delete;

  // Solves for x (zero initial guess); returns the iteration count.
  int solve(Vec rhs, Vec x) {
    TSV_CHECK(VecSet(x, 0.0));
    TSV_CHECK(KSPSolve(solver_, rhs, x));
    KSPConvergedReason reason;
    TSV_CHECK(KSPGetConvergedReason(solver_, &reason));
    PetscInt iterations = 0;
    TSV_CHECK(KSPGetIterationNumber(solver_, &iterations));
    if (reason < 0) {
      throw SolverError("magneto-quasi-static cross-section solve (options prefix -" + prefix_ +
                        ") did not converge: " + KSPConvergedReasons[reason] + " after " +
                        std::to_string(iterations) + " iterations");
    }
    return static_cast<int>(iterations);
  }

 private:
  MatHandle operator_, shifted_;
  KspHandle shifted_solver_;
  ShellContext context_;  // destroyed after solver_ (declared before it)
  KspHandle solver_;
  std::string prefix_;
};

// ---------------------------------------------------------------------------
// Admittance of the metal conductors and its reduction to the signals' loop
// impedance.

// Dense complex square matrix, row-major.
struct DenseMatrix {
  int size = 0;
  std::vector<Complex> values;
  explicit DenseMatrix(int n) : size(n), values(static_cast<std::size_t>(n * n)) {}
  Complex& operator()(int row, int col) {
    return values[static_cast<std::size_t>(row * size + col)];
  }
  Complex operator()(int row, int col) const {
    return values[static_cast<std::size_t>(row * size + col)];
  }
};

DenseMatrix multiply(const DenseMatrix& a, const DenseMatrix& b) {
  DenseMatrix product(a.size);
  for (int i = 0; i < a.size; ++i)
    for (int k = 0; k < a.size; ++k)
      for (int j = 0; j < a.size; ++j) product(i, j) += a(i, k) * b(k, j);
  return product;
}

// Gauss-Jordan with partial pivoting (a few tens of conductors).
DenseMatrix inverse(DenseMatrix a) {
  const int n = a.size;
  DenseMatrix result(n);
  for (int i = 0; i < n; ++i) result(i, i) = 1;
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int row = col + 1; row < n; ++row)
      if (std::abs(a(row, col)) > std::abs(a(pivot, col))) pivot = row;
    if (!(std::abs(a(pivot, col)) > 0))
      throw SolverError("magneto-quasi-static cross-section: singular conductor admittance");
    for (int j = 0; j < n; ++j) {
      std::swap(a(col, j), a(pivot, j));
      std::swap(result(col, j), result(pivot, j));
    }
    const Complex scale = 1.0 / a(col, col);
    for (int j = 0; j < n; ++j) {
      a(col, j) *= scale;
      result(col, j) *= scale;
    }
    for (int row = 0; row < n; ++row) {
      if (row == col || a(row, col) == Complex(0)) continue;
      const Complex factor = a(row, col);
      for (int j = 0; j < n; ++j) {
        a(row, j) -= factor * a(col, j);
        result(row, j) -= factor * result(col, j);
      }
    }
  }
  return result;
}

// T: metal-conductor voltages from the reduced variables [W_s; v_r; W_f].
struct Reduction {
  int signals = 0;
  int variables = 0;
  std::vector<std::vector<int>> terms;  // per metal conductor: the variables summed into V'
};

Reduction make_reduction(const CrossSection& section, const MqsProblem& problem,
                         const std::vector<int>& signals) {
  Reduction reduction;
  reduction.signals = static_cast<int>(signals.size());
  bool has_return = false;
  for (int c : problem.conductors)
    has_return =
        has_return || section.conductors[static_cast<std::size_t>(c)].role == ConductorRole::ret;
  const int return_variable = has_return ? reduction.signals : -1;
  int next = reduction.signals + (has_return ? 1 : 0);
  for (int c : problem.conductors) {
    const auto role = section.conductors[static_cast<std::size_t>(c)].role;
    std::vector<int> terms;
    if (role == ConductorRole::signal) {
      terms.push_back(
          static_cast<int>(std::find(signals.begin(), signals.end(), c) - signals.begin()));
    } else if (role == ConductorRole::floating) {
      terms.push_back(next++);
    }
    if (has_return) terms.push_back(return_variable);
    reduction.terms.push_back(terms);
  }
  reduction.variables = next;
  return reduction;
}

// T^T Y T.
DenseMatrix reduce(const Reduction& reduction, const DenseMatrix& admittance) {
  DenseMatrix reduced(reduction.variables);
  for (int i = 0; i < admittance.size; ++i)
    for (int j = 0; j < admittance.size; ++j)
      for (int u : reduction.terms[static_cast<std::size_t>(i)])
        for (int v : reduction.terms[static_cast<std::size_t>(j)])
          reduced(u, v) += admittance(i, j);
  return reduced;
}

// R and L (N x N, row-major, symmetrised) from the signal block of a matrix.
void store_signal_block(const DenseMatrix& matrix, int signals, double omega, bool dc_inductance,
                        double* resistance, double* inductance) {
  for (int i = 0; i < signals; ++i)
    for (int j = 0; j < signals; ++j) {
      const Complex z = 0.5 * (matrix(i, j) + matrix(j, i));
      const auto index = static_cast<std::size_t>(i * signals + j);
      if (dc_inductance) {
        inductance[index] = z.real();
      } else {
        resistance[index] = z.real();
        inductance[index] = z.imag() / omega;
      }
    }
}

// One frequency: the admittance of all metal conductors from one solve each, then
// the loop R and L of the signals into resistance/inductance (N x N each).
int solve_frequency(const MqsProblem& problem, const Reduction& reduction, double frequency_Hz,
                    const SectionSolveOptions& options, BlockPreconditioner kind,
                    int& min_iterations, double* resistance, double* inductance) {
  const double omega = 2 * std::numbers::pi * frequency_Hz;
  const PetscInt n = problem.unknowns;
  const int conductors = static_cast<int>(problem.conductors.size());
  BlockSolver solver(problem, omega, options, kind);
  VecHandle rhs = sequential_vector(2 * n), solution = sequential_vector(2 * n);
  // Y = Y_real + j Y_imag; at DC Y_imag collects Y1 (Y = Y0 - j w Y1).
  DenseMatrix admittance(conductors), first_order(conductors);
  int max_iterations = 0;
  for (int k = 0; k < conductors; ++k) {
    {
      solver::VecArray values(rhs);
      const auto& load = problem.loads[static_cast<std::size_t>(k)];
      for (PetscInt i = 0; i < n; ++i) {
        values[static_cast<std::size_t>(i)] =
            kVacuumPermeability * load[static_cast<std::size_t>(i)];
        values[static_cast<std::size_t>(i + n)] = 0;
      }
    }
    const int iterations = solver.solve(rhs, solution);
    max_iterations = std::max(max_iterations, iterations);
    min_iterations = std::min(min_iterations, iterations);
    ConstVecArray a(solution);
    for (int j = 0; j < conductors; ++j) {
      const auto& load = problem.loads[static_cast<std::size_t>(j)];
      double real = 0, imag = 0;  // b_j^T A
      for (PetscInt i = 0; i < n; ++i) {
        real += load[static_cast<std::size_t>(i)] * a[static_cast<std::size_t>(i)];
        imag += load[static_cast<std::size_t>(i)] * a[static_cast<std::size_t>(i + n)];
      }
      const double direct = j == k ? problem.conductance[static_cast<std::size_t>(k)] : 0.0;
      admittance(j, k) = Complex(direct, 0) - Complex(0, omega) * Complex(real, imag);
      first_order(j, k) = real;
    }
  }
  const DenseMatrix impedance = inverse(reduce(reduction, admittance));
  if (omega > 0) {
    store_signal_block(impedance, reduction.signals, omega, false, resistance, inductance);
  } else {
    // Z(w) = (Yt0 - j w Yt1)^-1 = Z0 + j w Z0 Yt1 Z0 + O(w^2).
    store_signal_block(impedance, reduction.signals, 1, false, resistance, inductance);
    const DenseMatrix slope =
        multiply(multiply(impedance, reduce(reduction, first_order)), impedance);
    store_signal_block(slope, reduction.signals, 1, true, resistance, inductance);
  }
  return max_iterations;
}

// ---------------------------------------------------------------------------
// Checks, skin depth, and the parallel sweep.

void check_input(const CrossSection& section, const std::vector<double>& frequencies_Hz,
                 const std::vector<int>& signals) {
  const SourceRef where{"", 0, 0, "cross-section '" + section.layer + "'"};
  const std::size_t cells = section.mesh.cells.size();
  if (section.cell_material.size() != cells || section.cell_conductor.size() != cells)
    throw InputError(where, "cell_material and cell_conductor must have one entry per cell");
  for (std::size_t cell = 0; cell < cells; ++cell) {
    const int material = section.cell_material[cell], conductor = section.cell_conductor[cell];
    if (material >= static_cast<int>(section.materials.size()) ||
        conductor >= static_cast<int>(section.conductors.size()) ||
        (material < 0 && conductor >= 0))
      throw InputError(
          where, "cell " + std::to_string(cell) + " refers to a missing material or conductor");
  }
  if (signals.empty())
    throw InputError(where, "no signal conductor: the impedance sweep needs at least one");
  for (double f : frequencies_Hz)
    if (!(f >= 0) || !std::isfinite(f))
      throw InputError(
          where, "frequencies must be finite and non-negative, found " + std::to_string(f) + " Hz");
  const std::vector<double> conductance = conductor_conductances(section);
  for (std::size_t c = 0; c < section.conductors.size(); ++c) {
    const auto& conductor = section.conductors[c];
    if (!(conductance[c] > 0) && conductor.role != ConductorRole::floating)
      throw InputError(where, "conductor '" + conductor.name +
                                  "' has no metal cell: it cannot carry a line current");
  }
}

double best_metal_conductivity(const CrossSection& section) {
  double best = 0;
  for (std::size_t cell = 0; cell < section.mesh.cells.size(); ++cell)
    best = std::max(best, cell_conductivity(section, cell));
  return best;
}

void fill_skin_depths(const CrossSection& section, ImpedanceSweep& sweep) {
  const double sigma = best_metal_conductivity(section);
  for (double f : sweep.frequencies_Hz) {
    const double depth = f > 0 ? 1 / std::sqrt(std::numbers::pi * f * kVacuumPermeability * sigma)
                               : std::numeric_limits<double>::infinity();
    sweep.skin_depth_m.push_back(depth);
    const double cell = section.conductor_surface_cell_m;
    // Unknown surface cell (0): resolved only at DC.
    sweep.skin_depth_resolved.push_back(f == 0 || (cell > 0 && cell <= 0.5 * depth) ? 1 : 0);
  }
}

// Agrees on failure across ranks: every rank throws the first failing rank's message.
void rethrow_collectively(const std::string& local_error, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int failing = local_error.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &failing, 1, MPI_INT, MPI_MIN, comm);
  if (failing == size) return;
  int length = static_cast<int>(local_error.size());
  MPI_Bcast(&length, 1, MPI_INT, failing, comm);
  std::string message = local_error;
  message.resize(static_cast<std::size_t>(length));
  MPI_Bcast(message.data(), length, MPI_CHAR, failing, comm);
  throw SolverError(message);
}

}  // namespace

ImpedanceSweep impedance_sweep(const CrossSection& section,
                               const std::vector<double>& frequencies_Hz, MPI_Comm comm,
                               const SectionSolveOptions& options) {
  solver::ScopedLogStage stage("SI MQS sweep");
  const double start = MPI_Wtime();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);

  // Deterministic on every rank: input errors are thrown by all of them together.
  MqsProblem problem;
  const std::vector<int> signals = signal_conductors(section);
  check_input(section, frequencies_Hz, signals);
  const BlockPreconditioner kind = preconditioner_choice(options.prefix);
  number_unknowns(section, problem);
  if (problem.unknowns == 0)
    throw InputError(SourceRef{"", 0, 0, "cross-section '" + section.layer + "'"},
                     "the mesh has no interior node");

  ImpedanceSweep sweep;
  sweep.frequencies_Hz = frequencies_Hz;
  const std::size_t count = frequencies_Hz.size();
  const std::size_t n2 = signals.size() * signals.size();
  // Per frequency: R then L; zeros for frequencies other ranks solve.
  std::vector<double> results(count * 2 * n2, 0.0);
  int max_iterations = 0, min_iterations = INT_MAX;
  std::string error;
  try {
    if (static_cast<std::size_t>(rank) < count) {
      assemble(section, problem);
      const Reduction reduction = make_reduction(section, problem, signals);
      for (std::size_t f = static_cast<std::size_t>(rank); f < count;
           f += static_cast<std::size_t>(size)) {
        double* resistance = results.data() + f * 2 * n2;
        max_iterations = std::max(
            max_iterations, solve_frequency(problem, reduction, frequencies_Hz[f], options, kind,
                                            min_iterations, resistance, resistance + n2));
      }
    }
  } catch (const std::exception& failure) {
    error = failure.what();
    if (error.empty()) error = "magneto-quasi-static cross-section solve failed";
  }
  rethrow_collectively(error, comm);

  MPI_Allreduce(MPI_IN_PLACE, results.data(), static_cast<int>(results.size()), MPI_DOUBLE, MPI_SUM,
                comm);
  MPI_Allreduce(MPI_IN_PLACE, &max_iterations, 1, MPI_INT, MPI_MAX, comm);
  MPI_Allreduce(MPI_IN_PLACE, &min_iterations, 1, MPI_INT, MPI_MIN, comm);
  for (std::size_t f = 0; f < count; ++f) {
    const double* resistance = results.data() + f * 2 * n2;
    sweep.R_ohm_per_m.emplace_back(resistance, resistance + n2);
    sweep.L_H_per_m.emplace_back(resistance + n2, resistance + 2 * n2);
  }
  fill_skin_depths(section, sweep);
  sweep.stats.unknowns = 2 * problem.unknowns;
  sweep.stats.max_iterations = max_iterations;
  sweep.stats.min_iterations = count > 0 ? min_iterations : 0;
  double seconds = MPI_Wtime() - start;
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
  sweep.stats.seconds = seconds;
  return sweep;
}

}  // namespace tsvfield::physics
