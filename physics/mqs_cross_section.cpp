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
// Real 2x2 block form [[K, -w M], [w M, K]] [Ar; Ai] = [mu0 b_k; 0], solved by
// solver::ComplexBlockSolver (A = K, B = M): FGMRES with the PRESB preconditioner,
// whose preconditioned spectrum lies in [1/2, 1] for every w, so the iteration count
// does not grow with frequency; -<prefix>block_preconditioner diagonal selects
// diag(K + w M, K + w M), whose count grows as the skin depth shrinks.
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
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <unordered_map>
#include <vector>

#include "mesh/input_error.hpp"
#include "physics/frequency_sweep.hpp"
#include "physics/per_unit_length.hpp"
#include "solver/complex_block_solver.hpp"
#include "solver/dense_complex.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/quad_element.hpp"

namespace tsvfield::physics {
namespace {

using Complex = std::complex<double>;
using solver::ComplexMatrix;
using solver::ConstVecArray;
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
// Admittance of the metal conductors and its reduction to the signals' loop
// impedance.

// Z = Yt^-1; a singular Yt is a solver failure, not a bug.
ComplexMatrix invert_admittance(const ComplexMatrix& admittance) {
  try {
    return solver::inverse(admittance);
  } catch (const std::runtime_error& error) {
    throw SolverError(std::string("magneto-quasi-static cross-section: singular conductor "
                                  "admittance (") +
                      error.what() + ")");
  }
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
ComplexMatrix reduce(const Reduction& reduction, const ComplexMatrix& admittance) {
  ComplexMatrix reduced(reduction.variables, reduction.variables);
  for (int i = 0; i < admittance.rows(); ++i)
    for (int j = 0; j < admittance.cols(); ++j)
      for (int u : reduction.terms[static_cast<std::size_t>(i)])
        for (int v : reduction.terms[static_cast<std::size_t>(j)])
          reduced(u, v) += admittance(i, j);
  return reduced;
}

// R and L (N x N, row-major, symmetrised) from the signal block of a matrix.
void store_signal_block(const ComplexMatrix& matrix, int signals, double omega, bool dc_inductance,
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
void solve_frequency(const MqsProblem& problem, const Reduction& reduction, double frequency_Hz,
                     const SectionSolveOptions& options, IterationCounter& counter,
                     double* resistance, double* inductance) {
  const double omega = 2 * std::numbers::pi * frequency_Hz;
  const PetscInt n = problem.unknowns;
  const int conductors = static_cast<int>(problem.conductors.size());
  solver::ComplexBlockSolver solver(
      problem.stiffness, problem.mass, omega,
      {options.prefix, options.relative_tolerance, "magneto-quasi-static cross-section solve"});
  VecHandle rhs = solver.create_vector(), solution = solver.create_vector();
  // Y = Y_real + j Y_imag; at DC Y_imag collects Y1 (Y = Y0 - j w Y1).
  ComplexMatrix admittance(conductors, conductors), first_order(conductors, conductors);
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
    counter.add(solver.solve(rhs, solution));
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
  const ComplexMatrix impedance = invert_admittance(reduce(reduction, admittance));
  if (omega > 0) {
    store_signal_block(impedance, reduction.signals, omega, false, resistance, inductance);
  } else {
    // Z(w) = (Yt0 - j w Yt1)^-1 = Z0 + j w Z0 Yt1 Z0 + O(w^2).
    store_signal_block(impedance, reduction.signals, 1, false, resistance, inductance);
    const ComplexMatrix slope = impedance * reduce(reduction, first_order) * impedance;
    store_signal_block(slope, reduction.signals, 1, true, resistance, inductance);
  }
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

}  // namespace

ImpedanceSweep impedance_sweep(const CrossSection& section,
                               const std::vector<double>& frequencies_Hz, MPI_Comm comm,
                               const SectionSolveOptions& options) {
  solver::ScopedLogStage stage("SI MQS sweep");
  const double start = MPI_Wtime();

  // Deterministic on every rank: input errors are thrown by all of them together.
  MqsProblem problem;
  const std::vector<int> signals = signal_conductors(section);
  check_input(section, frequencies_Hz, signals);
  solver::block_preconditioner_choice(options.prefix);  // a bad value fails on every rank
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
  IterationCounter counter;
  const std::vector<std::size_t> mine = local_frequencies(count, comm);
  run_collectively(
      comm,
      [&] {
        if (mine.empty()) return;
        assemble(section, problem);
        const Reduction reduction = make_reduction(section, problem, signals);
        for (std::size_t f : mine) {
          double* resistance = results.data() + f * 2 * n2;
          solve_frequency(problem, reduction, frequencies_Hz[f], options, counter, resistance,
                          resistance + n2);
        }
      },
      "magneto-quasi-static cross-section solve failed");
  gather_by_sum(results, comm);
  for (std::size_t f = 0; f < count; ++f) {
    const double* resistance = results.data() + f * 2 * n2;
    sweep.R_ohm_per_m.emplace_back(resistance, resistance + n2);
    sweep.L_H_per_m.emplace_back(resistance + n2, resistance + 2 * n2);
  }
  fill_skin_depths(section, sweep);
  sweep.stats = gather_stats(counter, 2 * problem.unknowns, start, comm);
  return sweep;
}

}  // namespace tsvfield::physics
