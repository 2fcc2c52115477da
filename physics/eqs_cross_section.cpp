// Electro-quasi-static admittance of a cross-section (admittance_sweep): the complex
// problem -div((sigma + j w eps) grad phi) = 0 outside the metals, as the real block
// system [[Ks, -w Ke], [w Ke, Ks]] [Re phi; Im phi] = rhs (Ks: stiffness with sigma,
// Ke: with eps), solved by solver::ComplexBlockSolver (A = Ks, B = Ke): FGMRES with
// the PRESB preconditioner, whose spectrum does not depend on the frequency (real
// eigenvalues in [1/2, 1]); its inner solves with Ks + w Ke use a sparse Cholesky
// factorization: the 2D blocks are small (docs/verification.md compares it with
// BoomerAMG). Conductors are Dirichlet
// groups; the admittance is the FE reaction at their nodes.
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "physics/frequency_sweep.hpp"
#include "physics/per_unit_length.hpp"
#include "solver/complex_block_solver.hpp"
#include "solver/dense_complex.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/petsc_options.hpp"
#include "solver/quad_element.hpp"

namespace tsvfield::physics {
namespace {

using Complex = std::complex<double>;
using solver::ComplexMatrix;
constexpr double kPi = 3.14159265358979323846;
constexpr double kEps0 = 8.8541878128e-12;  // F/m, CODATA 2018
constexpr int kNoGroup = -1;

// ---------------------------------------------------------------------------------
// Which nodes are unknowns and which are held at a potential.

// Equipotential groups: the section's conductors (0..nc-1), then the connected pieces
// of metal outside every conductor (floating), then the reference (the outer boundary
// when there is no return conductor, and nodes no field reaches: both at 0 V).
struct Groups {
  int conductor_count = 0;
  int metal_count = 0;
  int reference = 0;               // index of the reference group
  std::vector<int> node_group;     // per mesh node, kNoGroup: not held
  std::vector<int> signals;        // groups in the order of the matrices' rows
  std::vector<int> floating;       // floating conductors and metal pieces
  std::vector<std::string> names;  // per group, for messages
  int count() const { return reference + 1; }
};

class UnionFind {
 public:
  explicit UnionFind(std::size_t size) : parent_(size) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int find(int item) {
    while (parent_[item] != item) item = parent_[item] = parent_[parent_[item]];
    return item;
  }
  void join(int a, int b) { parent_[find(a)] = find(b); }

 private:
  std::vector<int> parent_;
};

bool is_metal_cell(const CrossSection& section, std::int32_t cell) {
  int material = section.cell_material[cell];
  return material >= 0 && section.materials[material].is_metal;
}

// A cell of the field region: meshed, not metal, not a conductor.
bool is_field_cell(const CrossSection& section, std::int32_t cell) {
  return section.cell_material[cell] >= 0 && section.cell_conductor[cell] < 0 &&
         !is_metal_cell(section, cell);
}

void hold(Groups& groups, std::int32_t node, int group) {
  int& current = groups.node_group[node];
  if (current != kNoGroup && current != group)
    throw InputError(SourceRef{}, "cross-section: " + groups.names[current] + " touches " +
                                      groups.names[group] + ": expected separate conductors");
  current = group;
}

Groups make_groups(const CrossSection& section) {
  const mesh::FootprintMesh& mesh = section.mesh;
  Groups groups;
  groups.conductor_count = static_cast<int>(section.conductors.size());
  groups.node_group.assign(mesh.nodes.size(), kNoGroup);
  for (const auto& conductor : section.conductors)
    groups.names.push_back("'" + conductor.name + "'");

  // Metal outside the conductors: connected pieces (cells sharing a node).
  UnionFind pieces(mesh.nodes.size());
  std::vector<char> metal_node(mesh.nodes.size(), 0);
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    if (section.cell_conductor[cell] >= 0 || !is_metal_cell(section, cell)) continue;
    for (auto node : mesh.cells[cell]) {
      metal_node[node] = 1;
      pieces.join(node, mesh.cells[cell][0]);
    }
  }
  std::vector<int> piece_group(mesh.nodes.size(), kNoGroup);
  for (std::size_t node = 0; node < mesh.nodes.size(); ++node) {
    if (!metal_node[node]) continue;
    int& group = piece_group[pieces.find(static_cast<int>(node))];
    if (group == kNoGroup) {
      group = groups.conductor_count + groups.metal_count++;
      groups.names.push_back("metal outside the conductors (piece " +
                             std::to_string(groups.metal_count) + ")");
    }
  }
  groups.reference = groups.conductor_count + groups.metal_count;
  groups.names.push_back("the outer boundary (reference)");

  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    int conductor = section.cell_conductor[cell];
    if (conductor >= 0)
      for (auto node : mesh.cells[cell]) hold(groups, node, conductor);
  }
  for (std::size_t node = 0; node < mesh.nodes.size(); ++node)
    if (metal_node[node])
      hold(groups, static_cast<std::int32_t>(node),
           piece_group[pieces.find(static_cast<int>(node))]);

  bool has_return = false;
  for (int c = 0; c < groups.conductor_count; ++c) {
    ConductorRole role = section.conductors[c].role;
    has_return = has_return || role == ConductorRole::ret;
    if (role == ConductorRole::signal) groups.signals.push_back(c);
    if (role == ConductorRole::floating) groups.floating.push_back(c);
  }
  for (int m = 0; m < groups.metal_count; ++m)
    groups.floating.push_back(groups.conductor_count + m);
  if (!has_return) {
    // The outer boundary of the meshed region: edges of meshed cells with no meshed
    // neighbour.
    for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
      if (section.cell_material[cell] < 0) continue;
      for (int edge = 0; edge < 4; ++edge) {
        int neighbour = mesh.cell_neighbours[cell][edge];
        if (neighbour >= 0 && section.cell_material[neighbour] >= 0) continue;
        for (int end : {edge, (edge + 1) % 4}) {
          std::int32_t node = mesh.cells[cell][end];
          if (groups.node_group[node] == kNoGroup) groups.node_group[node] = groups.reference;
        }
      }
    }
  }
  return groups;
}

// ---------------------------------------------------------------------------------
// Assembly.

// The columns of a group's nodes summed, restricted to the free rows (by symmetry also
// the group's row sums): nonzero only next to the group, so stored sparse.
struct GroupColumn {
  std::vector<int> rows;
  std::vector<double> sigma, eps;
  const std::vector<double>& values(bool use_eps) const { return use_eps ? eps : sigma; }
};

// The FE matrices of one field problem: the free-free blocks of the sigma and eps
// stiffness (CSR, same pattern), every group's column, and the group-group sums.
struct FieldSystem {
  int free_count = 0;
  std::vector<int> node_free;  // per mesh node: unknown index or -1
  std::vector<int> row_start, columns;
  std::vector<double> sigma_values, eps_values;
  std::vector<GroupColumn> group_columns;                  // [group]
  std::vector<double> sigma_group_group, eps_group_group;  // [group * count + group]
  int group_count = 0;
};

struct GroupEntry {
  int group, row;
  double sigma, eps;
};

// Sums the entries of every (group, row) into sparse group columns.
std::vector<GroupColumn> group_columns(std::vector<GroupEntry> entries, int group_count) {
  std::sort(entries.begin(), entries.end(), [](const GroupEntry& a, const GroupEntry& b) {
    return a.group != b.group ? a.group < b.group : a.row < b.row;
  });
  std::vector<GroupColumn> columns(group_count);
  for (const GroupEntry& entry : entries) {
    GroupColumn& column = columns[entry.group];
    if (column.rows.empty() || column.rows.back() != entry.row) {
      column.rows.push_back(entry.row);
      column.sigma.push_back(0.0);
      column.eps.push_back(0.0);
    }
    column.sigma.back() += entry.sigma;
    column.eps.back() += entry.eps;
  }
  return columns;
}

// Free nodes of the field cells whose `active` flag is set, after pinning the nodes of
// pieces of the active region that no held node reaches (their potential is
// undetermined and draws no current).
std::vector<int> number_free_nodes(const CrossSection& section, const Groups& groups,
                                   const std::vector<char>& active) {
  const mesh::FootprintMesh& mesh = section.mesh;
  UnionFind pieces(mesh.nodes.size());
  std::vector<char> in_field(mesh.nodes.size(), 0);
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    if (!active[cell]) continue;
    for (auto node : mesh.cells[cell]) {
      in_field[node] = 1;
      pieces.join(node, mesh.cells[cell][0]);
    }
  }
  std::vector<char> anchored(mesh.nodes.size(), 0);
  for (std::size_t node = 0; node < mesh.nodes.size(); ++node)
    if (in_field[node] && groups.node_group[node] != kNoGroup)
      anchored[pieces.find(static_cast<int>(node))] = 1;
  std::vector<int> node_free(mesh.nodes.size(), -1);
  int count = 0;
  for (std::size_t node = 0; node < mesh.nodes.size(); ++node)
    if (in_field[node] && groups.node_group[node] == kNoGroup &&
        anchored[pieces.find(static_cast<int>(node))])
      node_free[node] = count++;
  return node_free;
}

FieldSystem assemble(const CrossSection& section, const Groups& groups,
                     const std::vector<double>& cell_sigma, const std::vector<double>& cell_eps,
                     const std::vector<char>& active) {
  const mesh::FootprintMesh& mesh = section.mesh;
  FieldSystem system;
  system.node_free = number_free_nodes(section, groups, active);
  system.free_count = 0;
  for (int index : system.node_free) system.free_count = std::max(system.free_count, index + 1);
  system.group_count = groups.count();
  const int n = system.free_count, g = system.group_count;

  // Sparsity: the free neighbours (through active cells) of every free node.
  std::vector<std::vector<int>> neighbours(n);
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    if (!active[cell]) continue;
    for (auto a : mesh.cells[cell]) {
      int row = system.node_free[a];
      if (row < 0) continue;
      for (auto b : mesh.cells[cell])
        if (system.node_free[b] >= 0) neighbours[row].push_back(system.node_free[b]);
    }
  }
  system.row_start.assign(n + 1, 0);
  for (int row = 0; row < n; ++row) {
    auto& list = neighbours[row];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    system.row_start[row + 1] = system.row_start[row] + static_cast<int>(list.size());
  }
  system.columns.reserve(system.row_start[n]);
  for (const auto& list : neighbours)
    system.columns.insert(system.columns.end(), list.begin(), list.end());
  system.sigma_values.assign(system.columns.size(), 0.0);
  system.eps_values.assign(system.columns.size(), 0.0);
  std::vector<GroupEntry> group_entries;
  system.sigma_group_group.assign(static_cast<std::size_t>(g) * g, 0.0);
  system.eps_group_group.assign(static_cast<std::size_t>(g) * g, 0.0);

  auto entry = [&](int row, int column) -> std::size_t {
    auto begin = system.columns.begin() + system.row_start[row];
    auto end = system.columns.begin() + system.row_start[row + 1];
    return static_cast<std::size_t>(std::lower_bound(begin, end, column) - system.columns.begin());
  };
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    if (!active[cell]) continue;
    solver::QuadCoords coords;
    for (int a = 0; a < 4; ++a) coords[a] = mesh.nodes[mesh.cells[cell][a]];
    const solver::QuadMatrix unit = solver::quad_stiffness(solver::quad_points(coords), 1.0);
    for (int a = 0; a < 4; ++a) {
      std::int32_t node_a = mesh.cells[cell][a];
      int row = system.node_free[node_a], group_a = groups.node_group[node_a];
      for (int b = 0; b < 4; ++b) {
        std::int32_t node_b = mesh.cells[cell][b];
        int column = system.node_free[node_b], group_b = groups.node_group[node_b];
        double ks = cell_sigma[cell] * unit[a][b], ke = cell_eps[cell] * unit[a][b];
        if (row >= 0 && column >= 0) {
          std::size_t k = entry(row, column);
          system.sigma_values[k] += ks;
          system.eps_values[k] += ke;
        } else if (row >= 0 && group_b != kNoGroup) {
          group_entries.push_back({group_b, row, ks, ke});
        } else if (group_a != kNoGroup && group_b != kNoGroup) {
          system.sigma_group_group[static_cast<std::size_t>(group_a) * g + group_b] += ks;
          system.eps_group_group[static_cast<std::size_t>(group_a) * g + group_b] += ke;
        }
      }
    }
  }
  system.group_columns = group_columns(std::move(group_entries), g);
  return system;
}

// ---------------------------------------------------------------------------------
// PETSc matrices and solves (each rank on PETSC_COMM_SELF).

// sigma_factor Ks + eps_factor Ke of the free-free block, as a symmetric SeqAIJ matrix.
solver::MatHandle coefficient_matrix(const FieldSystem& system, double sigma_factor,
                                     double eps_factor) {
  const int n = system.free_count;
  std::vector<PetscInt> nonzeros(static_cast<std::size_t>(n));
  for (int row = 0; row < n; ++row)
    nonzeros[row] = system.row_start[row + 1] - system.row_start[row];
  solver::MatHandle matrix;
  TSV_CHECK(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 0, nonzeros.data(), matrix.out()));
  std::vector<PetscInt> columns;
  std::vector<PetscScalar> values;
  for (int row = 0; row < n; ++row) {
    columns.clear();
    values.clear();
    for (int k = system.row_start[row]; k < system.row_start[row + 1]; ++k) {
      columns.push_back(system.columns[k]);
      values.push_back(sigma_factor * system.sigma_values[k] + eps_factor * system.eps_values[k]);
    }
    const PetscInt global_row = row;
    TSV_CHECK(MatSetValues(matrix, 1, &global_row, static_cast<PetscInt>(columns.size()),
                           columns.data(), values.data(), INSERT_VALUES));
  }
  TSV_CHECK(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatSetOption(matrix, MAT_SYMMETRIC, PETSC_TRUE));
  return matrix;
}

// The real problems at f = 0 (sigma and eps separately): CG with a sparse Cholesky
// factorization (nested dissection), overridable under -<prefix>dc_.... The complex
// problems' defaults are solver::ComplexBlockSolver's (-<prefix>block_...).
void set_solver_defaults(const std::string& prefix) {
  solver::set_default_option(prefix, "dc_pc_type", "cholesky");
  solver::set_default_option(prefix, "dc_pc_factor_mat_ordering_type", "nd");
}

// A KSP on PETSC_COMM_SELF for `matrix` (preconditioned with `preconditioner`).
solver::KspHandle make_ksp(Mat matrix, Mat preconditioner, const std::string& prefix, KSPType type,
                           double relative_tolerance) {
  solver::KspHandle ksp;
  TSV_CHECK(KSPCreate(PETSC_COMM_SELF, ksp.out()));
  TSV_CHECK(KSPSetOperators(ksp, matrix, preconditioner));
  TSV_CHECK(KSPSetOptionsPrefix(ksp, prefix.c_str()));
  TSV_CHECK(KSPSetType(ksp, type));
  TSV_CHECK(KSPSetTolerances(ksp, relative_tolerance, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  return ksp;
}

int solve(KSP ksp, Vec rhs, Vec solution, const std::string& what) {
  TSV_CHECK(KSPSolve(ksp, rhs, solution));
  KSPConvergedReason reason;
  PetscInt iterations = 0;
  TSV_CHECK(KSPGetConvergedReason(ksp, &reason));
  TSV_CHECK(KSPGetIterationNumber(ksp, &iterations));
  if (reason < 0)
    throw SolverError("electro-quasi-static cross-section solve (" + what +
                      ") did not converge: " + KSPConvergedReasons[reason] + " after " +
                      std::to_string(iterations) + " iterations");
  return static_cast<int>(iterations);
}

// The coefficient `use_eps` part of a group column dotted with a vector of free values.
double dot(const GroupColumn& column, bool use_eps, const PetscScalar* values) {
  const std::vector<double>& coefficients = column.values(use_eps);
  double sum = 0;
  for (std::size_t k = 0; k < column.rows.size(); ++k)
    sum += coefficients[k] * values[column.rows[k]];
  return sum;
}

// The admittance among `measured` groups (rows) of exciting each `measured` group
// (columns) at 1 V, the others at 0 V, at angular frequency w > 0.
std::vector<Complex> complex_admittance(const FieldSystem& system, const std::vector<int>& measured,
                                        double w, const SectionSolveOptions& options,
                                        IterationCounter& counter) {
  const int n = system.free_count, g = system.group_count;
  const int m = static_cast<int>(measured.size());
  std::vector<Complex> admittance(static_cast<std::size_t>(m) * m);
  auto group_sum = [&](const std::vector<double>& sums, int h, int k) {
    return sums[static_cast<std::size_t>(h) * g + k];
  };
  if (n == 0) {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        admittance[static_cast<std::size_t>(i) * m + j] =
            Complex(group_sum(system.sigma_group_group, measured[i], measured[j]),
                    w * group_sum(system.eps_group_group, measured[i], measured[j]));
    return admittance;
  }
  solver::MatHandle sigma_stiffness = coefficient_matrix(system, 1, 0);
  solver::MatHandle eps_stiffness = coefficient_matrix(system, 0, 1);
  solver::ComplexBlockSolver solver(
      sigma_stiffness, eps_stiffness, w,
      {options.prefix, options.relative_tolerance,
       "electro-quasi-static cross-section solve (f = " + std::to_string(w / (2 * kPi)) + " Hz)"});
  solver::VecHandle rhs = solver.create_vector(), solution = solver.create_vector();
  for (int j = 0; j < m; ++j) {
    const int excited = measured[j];
    TSV_CHECK(VecSet(rhs, 0.0));
    {
      const GroupColumn& column = system.group_columns[excited];
      solver::VecArray values(rhs);
      for (std::size_t k = 0; k < column.rows.size(); ++k) {
        values[column.rows[k]] = -column.sigma[k];
        values[n + column.rows[k]] = -w * column.eps[k];
      }
    }
    counter.add(solver.solve(rhs, solution));
    solver::ConstVecArray u(solution);
    const PetscScalar* real = u.data();
    const PetscScalar* imaginary = u.data() + n;
    for (int i = 0; i < m; ++i) {
      const int h = measured[i];
      const GroupColumn& column = system.group_columns[h];
      double re = dot(column, false, real) - w * dot(column, true, imaginary) +
                  group_sum(system.sigma_group_group, h, excited);
      double im = dot(column, false, imaginary) + w * dot(column, true, real) +
                  w * group_sum(system.eps_group_group, h, excited);
      admittance[static_cast<std::size_t>(i) * m + j] = Complex(re, im);
    }
  }
  return admittance;
}

// The same for one real coefficient (sigma: use_eps false, eps: true) at f = 0.
std::vector<double> real_admittance(const FieldSystem& system, const std::vector<int>& measured,
                                    bool use_eps, const SectionSolveOptions& options,
                                    IterationCounter& counter) {
  const int n = system.free_count, g = system.group_count;
  const int m = static_cast<int>(measured.size());
  const auto& group_sums = use_eps ? system.eps_group_group : system.sigma_group_group;
  std::vector<double> admittance(static_cast<std::size_t>(m) * m);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j)
      admittance[static_cast<std::size_t>(i) * m + j] =
          group_sums[static_cast<std::size_t>(measured[i]) * g + measured[j]];
  if (n == 0) return admittance;
  solver::MatHandle matrix = coefficient_matrix(system, use_eps ? 0.0 : 1.0, use_eps ? 1.0 : 0.0);
  solver::KspHandle ksp =
      make_ksp(matrix, matrix, options.prefix + "dc_", KSPCG, options.relative_tolerance);
  TSV_CHECK(KSPSetFromOptions(ksp));
  TSV_CHECK(KSPSetUp(ksp));
  solver::VecHandle rhs, solution;
  TSV_CHECK(MatCreateVecs(matrix, solution.out(), rhs.out()));
  for (int j = 0; j < m; ++j) {
    TSV_CHECK(VecSet(rhs, 0.0));
    {
      const GroupColumn& column = system.group_columns[measured[j]];
      solver::VecArray values(rhs);
      for (std::size_t k = 0; k < column.rows.size(); ++k)
        values[column.rows[k]] = -column.values(use_eps)[k];
    }
    TSV_CHECK(VecSet(solution, 0.0));
    counter.add(solve(ksp, rhs, solution, use_eps ? "f = 0, permittivity" : "f = 0, conductivity"));
    solver::ConstVecArray u(solution);
    for (int i = 0; i < m; ++i)
      admittance[static_cast<std::size_t>(i) * m + j] +=
          dot(system.group_columns[measured[i]], use_eps, u.data());
  }
  return admittance;
}

// ---------------------------------------------------------------------------------
// Reduction to the signal block.

// Eliminates the floating groups (the last `floating` of the m = signals + floating
// measured groups) with zero net current: Y_SS - Y_SF Y_FF^-1 Y_FS. Floating groups
// without any admittance (isolated at this frequency: zero row) are dropped.
std::vector<Complex> reduce_floating(const std::vector<Complex>& y, int signals, int floating) {
  const int m = signals + floating;
  double largest = 0;
  for (int i = 0; i < m; ++i) largest = std::max(largest, std::abs(y[i * m + i]));
  std::vector<int> kept;
  for (int f = signals; f < m; ++f)
    if (std::abs(y[f * m + f]) > 1e-13 * largest) kept.push_back(f);
  const int k = static_cast<int>(kept.size());
  ComplexMatrix reduced(signals, signals), ff(k, k), fs(k, signals), sf(signals, k);
  for (int i = 0; i < signals; ++i)
    for (int j = 0; j < signals; ++j) reduced(i, j) = y[i * m + j];
  if (k == 0) return reduced.data();
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < k; ++b) ff(a, b) = y[kept[a] * m + kept[b]];
    for (int j = 0; j < signals; ++j) {
      fs(a, j) = y[kept[a] * m + j];
      sf(j, a) = y[j * m + kept[a]];
    }
  }
  ComplexMatrix ff_inverse_fs;
  try {
    ff_inverse_fs = solver::solve(ff, fs);
  } catch (const std::runtime_error& error) {
    throw SolverError(std::string("cross-section: the floating conductors' admittance is "
                                  "singular (") +
                      error.what() + ")");
  }
  return (reduced - sf * ff_inverse_fs).data();
}

// The same for a real admittance (f = 0).
std::vector<double> reduce_floating(const std::vector<double>& y, int signals, int floating) {
  const std::vector<Complex> reduced =
      reduce_floating(std::vector<Complex>(y.begin(), y.end()), signals, floating);
  std::vector<double> real(reduced.size());
  for (std::size_t k = 0; k < reduced.size(); ++k) real[k] = reduced[k].real();
  return real;
}

// ---------------------------------------------------------------------------------
// The sweep.

struct CellCoefficients {
  std::vector<double> sigma, eps;
  std::vector<char> field, conducting;
};

CellCoefficients cell_coefficients(const CrossSection& section) {
  CellCoefficients cells;
  const std::size_t count = section.cell_material.size();
  cells.sigma.assign(count, 0.0);
  cells.eps.assign(count, 0.0);
  cells.field.assign(count, 0);
  cells.conducting.assign(count, 0);
  for (std::size_t cell = 0; cell < count; ++cell) {
    if (!is_field_cell(section, static_cast<std::int32_t>(cell))) continue;
    const SectionMaterial& material = section.materials[section.cell_material[cell]];
    cells.field[cell] = 1;
    cells.eps[cell] = kEps0 * material.relative_permittivity;
    // Only semiconductors are lossy; every other non-metal is a lossless dielectric.
    if (material.is_semiconductor) cells.sigma[cell] = material.conductivity_S_m;
    cells.conducting[cell] = cells.sigma[cell] > 0 ? 1 : 0;
  }
  return cells;
}

// Angular frequency 1e-4 times the lowest dielectric relaxation rate sigma / eps of the
// lossy cells, or 0 when no cell is lossy.
double low_frequency_probe(const CellCoefficients& cells) {
  double slowest = 0;
  for (std::size_t cell = 0; cell < cells.sigma.size(); ++cell)
    if (cells.conducting[cell]) {
      double rate = cells.sigma[cell] / cells.eps[cell];
      slowest = slowest == 0 ? rate : std::min(slowest, rate);
    }
  return 1e-4 * slowest;
}

void validate(const CrossSection& section, const std::vector<double>& frequencies_Hz) {
  if (signal_conductors(section).empty())
    throw InputError(SourceRef{}, "cross-section of layer '" + section.layer +
                                      "': expected at least one signal conductor, found none");
  for (double f : frequencies_Hz)
    if (!(f >= 0) || !std::isfinite(f))
      throw InputError(SourceRef{}, "cross-section of layer '" + section.layer +
                                        "': expected frequencies >= 0, found " + std::to_string(f));
}

}  // namespace

AdmittanceSweep admittance_sweep(const CrossSection& section,
                                 const std::vector<double>& frequencies_Hz, MPI_Comm comm,
                                 const SectionSolveOptions& options) {
  validate(section, frequencies_Hz);
  double start = MPI_Wtime();
  set_solver_defaults(options.prefix);

  const Groups groups = make_groups(section);
  std::vector<int> measured = groups.signals;
  measured.insert(measured.end(), groups.floating.begin(), groups.floating.end());
  const int signals = static_cast<int>(groups.signals.size());
  const int floating = static_cast<int>(groups.floating.size());
  const std::size_t block = static_cast<std::size_t>(signals) * signals;
  const int frequency_count = static_cast<int>(frequencies_Hz.size());
  const CellCoefficients cells = cell_coefficients(section);

  AdmittanceSweep sweep;
  sweep.frequencies_Hz = frequencies_Hz;
  std::vector<double> g_values(block * frequency_count, 0.0),
      c_values(block * frequency_count, 0.0);
  IterationCounter counter;
  int unknowns = 0;
  run_collectively(
      comm,
      [&] {
        const FieldSystem field = assemble(section, groups, cells.sigma, cells.eps, cells.field);
        unknowns = 2 * field.free_count;
        for (std::size_t f : local_frequencies(frequencies_Hz.size(), comm)) {
          const double frequency = frequencies_Hz[f];
          std::vector<double> g(block), c(block);
          if (frequency > 0) {
            const double w = 2 * kPi * frequency;
            std::vector<Complex> y = reduce_floating(
                complex_admittance(field, measured, w, options, counter), signals, floating);
            for (std::size_t k = 0; k < block; ++k) {
              g[k] = y[k].real();
              c[k] = y[k].imag() / w;
            }
          } else {
            // DC conductance: the real conduction problem (only the lossy cells).
            const FieldSystem conduction =
                assemble(section, groups, cells.sigma, cells.eps, cells.conducting);
            g = reduce_floating(real_admittance(conduction, measured, false, options, counter),
                                signals, floating);
            // C(0) is the limit of Im Y / w: with lossy silicon, the silicon behaves as a
            // conductor (the liner capacitance), not as the dielectric of the permittivity
            // problem. Im Y(w) / w = C(0) + O(w^2), so a probe far below every relaxation
            // frequency sigma / eps gives it to ~1e-8 (PRESB keeps that solve well
            // conditioned); without lossy material it is the permittivity problem.
            const double probe = low_frequency_probe(cells);
            if (probe > 0) {
              std::vector<Complex> y = reduce_floating(
                  complex_admittance(field, measured, probe, options, counter), signals, floating);
              for (std::size_t k = 0; k < block; ++k) c[k] = y[k].imag() / probe;
            } else {
              c = reduce_floating(real_admittance(field, measured, true, options, counter), signals,
                                  floating);
            }
          }
          std::copy(g.begin(), g.end(), g_values.begin() + f * block);
          std::copy(c.begin(), c.end(), c_values.begin() + f * block);
        }
      },
      "electro-quasi-static cross-section solve failed");

  // Every frequency was solved by exactly one rank: the sums are its values.
  gather_by_sum(g_values, comm);
  gather_by_sum(c_values, comm);
  for (int f = 0; f < frequency_count; ++f) {
    sweep.G_S_per_m.emplace_back(g_values.begin() + f * block, g_values.begin() + (f + 1) * block);
    sweep.C_F_per_m.emplace_back(c_values.begin() + f * block, c_values.begin() + (f + 1) * block);
  }
  for (const auto& matrix : sweep.G_S_per_m)
    for (double value : matrix)
      if (!std::isfinite(value)) throw SolverError("the conductance matrix holds a NaN");
  for (const auto& matrix : sweep.C_F_per_m)
    for (double value : matrix)
      if (!std::isfinite(value)) throw SolverError("the capacitance matrix holds a NaN");

  sweep.stats = gather_stats(counter, unknowns, start, comm);
  return sweep;
}

}  // namespace tsvfield::physics
