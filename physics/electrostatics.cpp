#include "physics/electrostatics.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "physics/conduction.hpp"
#include "physics/electrical_support.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::physics {
namespace {

using namespace electrical;

constexpr int kDielectricCell = -1;

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void validate_spec(const ElectrostaticSpec& spec) {
  if (spec.conductors.empty()) throw InputError(spec.source, "no conductors listed");
  std::set<std::string> names;
  for (const auto& conductor : spec.conductors) {
    if (conductor.name.empty()) throw InputError(conductor.source, "a conductor needs a name");
    if (!names.insert(conductor.name).second) {
      throw InputError(conductor.source, "conductor '" + conductor.name + "' is defined twice");
    }
  }
  if (!(spec.relative_tolerance > 0 && spec.relative_tolerance < 1)) {
    throw InputError(spec.source, "relative tolerance must lie in (0, 1)");
  }
  if (!(spec.temperature_K > 0)) throw InputError(spec.source, "temperature must be above 0 K");
}

// Per local cell: the group whose equipotential it belongs to (0..n-1 a listed
// conductor, n ground), or kDielectricCell.
std::vector<int> classify_cells(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                const ElectrostaticSpec& spec) {
  const int n = static_cast<int>(spec.conductors.size());
  std::vector<int> conductor_group(mesh.conductors.size(), n);  // unlisted: ground
  for (int g = 0; g < n; ++g) {
    const auto& item = spec.conductors[static_cast<std::size_t>(g)];
    for (int c :
         whole_nets(mesh, select_conductors(mesh, item.conductors, item.role, item.source))) {
      auto& group = conductor_group[static_cast<std::size_t>(c)];
      if (group != n && group != g) {
        throw InputError(item.source,
                         "conductor '" + mesh.conductors[static_cast<std::size_t>(c)].name +
                             "' (whole nets are taken) is already part of '" +
                             spec.conductors[static_cast<std::size_t>(group)].name + "'");
      }
      group = g;
    }
  }
  const auto table = mesh_material_table(mesh, materials, spec.source);
  std::vector<int> material_group(table.size(), kDielectricCell);
  for (std::size_t m = 0; m < table.size(); ++m) {
    const bool semiconductor = std::find(spec.semiconductors.begin(), spec.semiconductors.end(),
                                         mesh.material_names[m]) != spec.semiconductors.end();
    if (semiconductor) {
      material_group[m] = spec.silicon == SiliconTreatment::grounded ? n : kDielectricCell;
    } else if (material_conducts(*table[m], 0.0, spec.temperature_K)) {
      material_group[m] = n;  // metal outside the listed conductors: grounded
    } else if (!(table[m]->relative_permittivity > 0)) {
      throw InputError(spec.source, "material '" + mesh.material_names[m] +
                                        "' has no positive relative permittivity");
    }
  }
  std::vector<int> cell_group(mesh.cells.size());
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    const int conductor = mesh.cell_conductor[cell];
    cell_group[cell] = conductor >= 0
                           ? conductor_group[static_cast<std::size_t>(conductor)]
                           : material_group[static_cast<std::size_t>(mesh.cell_material[cell])];
  }
  return cell_group;
}

void mark_ground_surfaces(const mesh::LocalMesh& mesh, const ElectrostaticSpec& spec, int ground,
                          NodeGroupMarks& marks) {
  for (const auto& name : spec.ground_surfaces) {
    const auto it = std::find(mesh.surface_names.begin(), mesh.surface_names.end(), name);
    if (it == mesh.surface_names.end()) {
      throw InputError(spec.source, "unknown ground surface '" + name +
                                        "' (surfaces: " + joined(mesh.surface_names) + ")");
    }
    const auto tag = static_cast<std::int32_t>(it - mesh.surface_names.begin());
    for (const auto& face : mesh.surface_faces) {
      if (face.tag != tag) continue;
      for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face.face)]) {
        marks.mark(mesh.cells[static_cast<std::size_t>(face.cell)][static_cast<std::size_t>(a)],
                   ground);
      }
    }
  }
}

}  // namespace

CapacitanceResults capacitance_matrix(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                      const ElectrostaticSpec& spec, MPI_Comm comm,
                                      const ElectrostaticOptions& options) {
  solver::insert_options(options.petsc_options);
  validate_spec(spec);
  const std::size_t n = spec.conductors.size();
  const int ground = static_cast<int>(n);
  const std::vector<int> cell_group = classify_cells(mesh, materials, spec);

  // Equipotential nodes: every node of a conductor (or ground) cell.
  const NodeExchange exchange(mesh, comm);
  NodeGroupMarks marks(mesh.node_coords.size());
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (cell_group[cell] == kDielectricCell) continue;
    for (auto node : mesh.cells[cell]) marks.mark(node, cell_group[cell]);
  }
  mark_ground_surfaces(mesh, spec, ground, marks);
  std::vector<std::string> names;
  std::vector<SourceRef> sources;
  for (const auto& conductor : spec.conductors) {
    names.push_back("conductor " + conductor.name);
    sources.push_back(conductor.source);
  }
  names.push_back(std::string("ground (unlisted conductors and metal") +
                  (spec.silicon == SiliconTreatment::grounded ? ", grounded silicon" : "") +
                  (spec.ground_surfaces.empty() ? "" : ", ground surfaces") + ")");
  sources.push_back(spec.source);
  std::vector<int> node_group = merge_groups(exchange, marks, names, sources, comm);
  int local_ground = 0;
  for (int g : node_group) local_ground |= g == ground ? 1 : 0;
  int any_ground = 0;
  MPI_Allreduce(&local_ground, &any_ground, 1, MPI_INT, MPI_MAX, comm);
  if (n == 1 && !any_ground) {
    throw InputError(spec.source,
                     "a single conductor needs a ground (another conductor, grounded "
                     "silicon or a ground surface) for its capacitance to be defined");
  }

  CapacitanceResults results;
  results.dielectric.resize(mesh.cells.size());
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    results.dielectric[cell] = cell_group[cell] == kDielectricCell;
  }
  const std::vector<double> labels = component_labels(mesh, results.dielectric, exchange, comm);
  pin_unreached_nodes(labels, node_group, comm);

  // eps_r per cell (eps0 is applied to the charges: better scaled matrices).
  const auto table = mesh_material_table(mesh, materials, spec.source);
  std::vector<double> eps_r(mesh.cells.size(), 0.0);
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (results.dielectric[cell]) {
      eps_r[cell] =
          table[static_cast<std::size_t>(mesh.cell_material[cell])]->relative_permittivity;
    }
  }
  auto coefficient = [eps_r = std::move(eps_r)](const solver::PointContext& p) {
    const double e = eps_r[static_cast<std::size_t>(p.cell)];
    return solver::DiffusionValue{{e, e, e}, {0, 0, 0}};
  };
  const EquipotentialSystem system(mesh, coefficient, node_group, ground + 1, comm, options.prefix,
                                   spec.relative_tolerance);

  for (const auto& conductor : spec.conductors) results.names.push_back(conductor.name);
  results.capacitance_F.assign(n * n, 0.0);
  results.ground_charge_C.assign(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<double> values(n + 1, 0.0);
    values[j] = 1.0;
    const auto solution = system.solve(values);
    for (std::size_t i = 0; i < n; ++i) {
      results.capacitance_F[i * n + j] = kVacuumPermittivity * solution.group_charge[i];
    }
    results.ground_charge_C[j] = kVacuumPermittivity * solution.group_charge[n];
    results.solver.method = solution.stats.method;
    results.solver.iterations += solution.stats.iterations;
    results.solver.residual_norm =
        std::max(results.solver.residual_norm, solution.stats.residual_norm);
    results.solver.converged_reason = solution.stats.converged_reason;
    results.solver.setup_seconds = solution.stats.setup_seconds;
    results.solver.solve_seconds += solution.stats.solve_seconds;
    ++results.solve_count;
    if (options.keep_potentials)
      results.potential_V.push_back(system.op().local_values(solution.u));
  }
  double diagonal = 0, asymmetry = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diagonal = std::max(diagonal, std::abs(results.capacitance_F[i * n + i]));
    for (std::size_t j = 0; j < n; ++j) {
      asymmetry = std::max(
          asymmetry, std::abs(results.capacitance_F[i * n + j] - results.capacitance_F[j * n + i]));
    }
  }
  results.asymmetry = diagonal > 0 ? asymmetry / diagonal : 0.0;
  for (double c : results.capacitance_F) {
    if (!std::isfinite(c)) throw SolverError("the capacitance matrix holds a NaN or infinity");
  }
  return results;
}

}  // namespace tsvfield::physics
