#include "physics/conduction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>

#include "physics/electrical_support.hpp"
#include "solver/hex_element.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::physics {
namespace {

using namespace electrical;
using solver::Vec3;

constexpr double kMinTemperature = 1e-3;  // properties are tabulated for T > 0

solver::HexCoords cell_coords(const mesh::LocalMesh& mesh, std::size_t cell) {
  solver::HexCoords coords;
  for (int a = 0; a < 8; ++a)
    coords[a] = mesh.node_coords[static_cast<std::size_t>(mesh.cells[cell][a])];
  return coords;
}

double face_mean_z(const mesh::LocalMesh& mesh, std::size_t cell, int face) {
  double z = 0;
  for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face)]) {
    z += 0.25 * mesh.node_coords[static_cast<std::size_t>(
                    mesh.cells[cell][static_cast<std::size_t>(a)])][2];
  }
  return z;
}

void mark_face(const mesh::LocalMesh& mesh, std::size_t cell, int face, int group,
               NodeGroupMarks& marks) {
  for (int a : mesh::kHexFaceNodes[static_cast<std::size_t>(face)]) {
    marks.mark(mesh.cells[cell][static_cast<std::size_t>(a)], group);
  }
}

// Marks the top (bottom) face of every local cell of conductor c at the
// conductor's end; returns the number of faces marked.
int mark_conductor_end(const mesh::LocalMesh& mesh, const std::vector<char>& conducting, int c,
                       ConductorEnd end, int group, NodeGroupMarks& marks) {
  const auto& info = mesh.conductors[static_cast<std::size_t>(c)];
  const double z_end = end == ConductorEnd::top ? info.z1 : info.z0;
  const double tolerance = 1e-9 * std::max(std::abs(info.z1 - info.z0), std::abs(z_end)) + 1e-15;
  const int face = end == ConductorEnd::top ? 1 : 0;
  int count = 0;
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (mesh.cell_conductor[cell] != c || !conducting[cell]) continue;
    if (std::abs(face_mean_z(mesh, cell, face) - z_end) > tolerance) continue;
    mark_face(mesh, cell, face, group, marks);
    ++count;
  }
  return count;
}

// The conductor of a net at its top (bottom) end.
int net_end_conductor(const mesh::LocalMesh& mesh, int c, ConductorEnd end) {
  int best = c;
  for (int member : whole_nets(mesh, {c})) {
    const auto& a = mesh.conductors[static_cast<std::size_t>(member)];
    const auto& b = mesh.conductors[static_cast<std::size_t>(best)];
    if (end == ConductorEnd::top ? a.z1 > b.z1 : a.z0 < b.z0) best = member;
  }
  return best;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void mark_terminal(const mesh::LocalMesh& mesh, const std::vector<char>& conducting,
                   const TerminalSpec& terminal, int group, NodeGroupMarks& marks, MPI_Comm comm) {
  int faces = 0;
  switch (terminal.kind) {
    case TerminalKind::conductor_end:
      for (int c : select_conductors(mesh, terminal.conductors, terminal.role, terminal.source)) {
        faces += mark_conductor_end(mesh, conducting, c, terminal.end, group, marks);
      }
      break;
    case TerminalKind::net_end: {
      std::set<int> ends;
      for (int c : select_conductors(mesh, terminal.conductors, terminal.role, terminal.source)) {
        ends.insert(net_end_conductor(mesh, c, terminal.end));
      }
      for (int c : ends)
        faces += mark_conductor_end(mesh, conducting, c, terminal.end, group, marks);
      break;
    }
    case TerminalKind::surface: {
      const auto it =
          std::find(mesh.surface_names.begin(), mesh.surface_names.end(), terminal.surface);
      if (it == mesh.surface_names.end()) {
        throw InputError(terminal.source, "unknown surface '" + terminal.surface +
                                              "' (surfaces: " + joined(mesh.surface_names) + ")");
      }
      const auto tag = static_cast<std::int32_t>(it - mesh.surface_names.begin());
      for (const auto& face : mesh.surface_faces) {
        if (face.tag != tag || !conducting[static_cast<std::size_t>(face.cell)]) continue;
        mark_face(mesh, static_cast<std::size_t>(face.cell), face.face, group, marks);
        ++faces;
      }
      break;
    }
  }
  int total = 0;
  MPI_Allreduce(&faces, &total, 1, MPI_INT, MPI_SUM, comm);
  if (total == 0) {
    throw InputError(terminal.source,
                     "terminal '" + terminal.name +
                         "' touches no conducting cell (is the material a conductor?)");
  }
}

void validate_spec(const ConductionSpec& spec) {
  if (spec.terminals.empty()) throw InputError(spec.source, "no terminals");
  std::set<std::string> names;
  bool any_voltage = false;
  for (const auto& terminal : spec.terminals) {
    if (terminal.name.empty()) throw InputError(terminal.source, "a terminal needs a name");
    if (!names.insert(terminal.name).second) {
      throw InputError(terminal.source, "terminal '" + terminal.name + "' is defined twice");
    }
    const double value =
        terminal.drive == TerminalDrive::voltage ? terminal.voltage : terminal.current;
    if (!std::isfinite(value))
      throw InputError(terminal.source, "the terminal's value is not a number");
    any_voltage |= terminal.drive == TerminalDrive::voltage;
  }
  if (!any_voltage) {
    throw InputError(spec.source,
                     "at least one terminal must have a fixed voltage (the reference)");
  }
  std::set<std::string> listed;
  for (const auto& name : spec.resistance_terminals) {
    if (!names.count(name)) {
      throw InputError(spec.source, "resistance matrix: unknown terminal '" + name + "'");
    }
    if (!listed.insert(name).second) {
      throw InputError(spec.source, "resistance matrix: terminal '" + name + "' listed twice");
    }
  }
  if (!(spec.temperature_K > 0)) throw InputError(spec.source, "temperature must be above 0 K");
  if (!(spec.relative_tolerance > 0 && spec.relative_tolerance < 1)) {
    throw InputError(spec.source, "relative tolerance must lie in (0, 1)");
  }
}

// Every terminal in `checked` must share a conducting region with a terminal in
// `references`, or its potential (or the matrix) is undetermined.
void require_reference(const std::vector<double>& labels, const std::vector<int>& node_group,
                       const std::vector<char>& checked, const std::vector<char>& references,
                       const ConductionSpec& spec, const std::string& why, MPI_Comm comm) {
  std::vector<char> flagged(node_group.size());
  for (std::size_t i = 0; i < node_group.size(); ++i) {
    flagged[i] = node_group[i] >= 0 && references[static_cast<std::size_t>(node_group[i])];
  }
  const std::vector<double> reached = flagged_components(labels, flagged, comm);
  int failing = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < node_group.size(); ++i) {
    const int g = node_group[i];
    if (g < 0 || !checked[static_cast<std::size_t>(g)]) continue;
    if (!std::binary_search(reached.begin(), reached.end(), labels[i]))
      failing = std::min(failing, g);
  }
  int first = 0;
  MPI_Allreduce(&failing, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first != std::numeric_limits<int>::max()) {
    const auto& terminal = spec.terminals[static_cast<std::size_t>(first)];
    throw InputError(terminal.source, "terminal '" + terminal.name + "': " + why);
  }
}

// Solves A X = B (n x n, n x m, row-major) by Gaussian elimination with partial
// pivoting; returns false when A is singular to round-off.
bool solve_dense(std::vector<double> a, std::vector<double>& b, std::size_t n, std::size_t m) {
  double scale = 0;
  for (double v : a) scale = std::max(scale, std::abs(v));
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pivot = k;
    for (std::size_t i = k + 1; i < n; ++i) {
      if (std::abs(a[i * n + k]) > std::abs(a[pivot * n + k])) pivot = i;
    }
    if (!(std::abs(a[pivot * n + k]) > 1e-12 * scale)) return false;
    for (std::size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[pivot * n + j]);
    for (std::size_t j = 0; j < m; ++j) std::swap(b[k * m + j], b[pivot * m + j]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const double f = a[i * n + k] / a[k * n + k];
      for (std::size_t j = k; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
      for (std::size_t j = 0; j < m; ++j) b[i * m + j] -= f * b[k * m + j];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    for (std::size_t j = 0; j < m; ++j) {
      double v = b[k * m + j];
      for (std::size_t i = k + 1; i < n; ++i) v -= a[k * n + i] * b[i * m + j];
      b[k * m + j] = v / a[k * n + k];
    }
  }
  return true;
}

// Temperatures at the 8 Gauss points and the centroid of every local cell.
class CellTemperatures {
 public:
  CellTemperatures(const mesh::LocalMesh& mesh, const ConductionTemperatureField& field,
                   double constant_K)
      : constant_(constant_K) {
    if (field.node_K) values_ = cell_point_values(mesh, *field.node_K);
  }
  // point -1: the centroid.
  double at(std::int32_t cell, int point) const {
    if (values_.empty()) return constant_;
    return values_[static_cast<std::size_t>(cell) * 9 +
                   static_cast<std::size_t>(point < 0 ? 8 : point)];
  }

 private:
  double constant_;
  std::vector<double> values_;
};

struct Coefficient {
  std::vector<const Material*> cell_material;  // null: insulating cell
  std::shared_ptr<const CellTemperatures> temperature;
  double operator()(std::int32_t cell, int point) const {
    const Material* m = cell_material[static_cast<std::size_t>(cell)];
    if (!m) return 0.0;
    return m->electrical_conductivity(std::max(temperature->at(cell, point), kMinTemperature));
  }
};

void add_stats(solver::SolveStats& total, const solver::SolveStats& one) {
  total.method = one.method;
  total.iterations += one.iterations;
  total.residual_norm = std::max(total.residual_norm, one.residual_norm);
  total.converged_reason = one.converged_reason;
  total.setup_seconds = one.setup_seconds;
  total.solve_seconds += one.solve_seconds;
}

void compute_fields(const mesh::LocalMesh& mesh, const Coefficient& sigma,
                    ConductionResults& results) {
  const std::size_t cells = mesh.cells.size();
  results.electric_field_V_m.assign(cells, {0, 0, 0});
  results.current_density_A_m2.assign(cells, {0, 0, 0});
  results.joule_heat_W_m3.assign(cells, 0.0);
  double power = 0;
  for (std::size_t cell = 0; cell < cells; ++cell) {
    if (!results.conducting[cell]) continue;
    const auto coords = cell_coords(mesh, cell);
    std::array<double, 8> v;
    for (int a = 0; a < 8; ++a)
      v[a] = results.potential_V[static_cast<std::size_t>(mesh.cells[cell][a])];
    auto gradient = [&](const solver::HexPoint& p) {
      Vec3 g{};
      for (int a = 0; a < 8; ++a) {
        for (int i = 0; i < 3; ++i) g[i] += p.gradient[a][i] * v[a];
      }
      return g;
    };
    const auto id = static_cast<std::int32_t>(cell);
    const Vec3 g = gradient(solver::hex_point_at(coords, {0, 0, 0}));
    const double s = sigma(id, -1);
    for (int i = 0; i < 3; ++i) {
      results.electric_field_V_m[cell][i] = -g[i];
      results.current_density_A_m2[cell][i] = -s * g[i];
    }
    double heat = 0, volume = 0;
    const auto points = solver::hex_points(coords);
    for (int q = 0; q < 8; ++q) {
      const Vec3 gq = gradient(points[q]);
      heat += points[q].weight * sigma(id, q) * (gq[0] * gq[0] + gq[1] * gq[1] + gq[2] * gq[2]);
      volume += points[q].weight;
    }
    results.joule_heat_W_m3[cell] = heat / volume;
    power += heat;
  }
  results.joule_power_W = power;
}

}  // namespace

bool material_conducts(const Material& material, double threshold, double temperature_K) {
  const Property& sigma = material.electrical_conductivity;
  return sigma.is_defined() && sigma(temperature_K) > threshold;
}

ConductionResults solve_conduction(const mesh::LocalMesh& mesh, const MaterialLibrary& materials,
                                   const ConductionSpec& spec,
                                   const ConductionTemperatureField& temperature, MPI_Comm comm,
                                   const ConductionOptions& options) {
  solver::insert_options(options.petsc_options);
  validate_spec(spec);
  const auto table = mesh_material_table(mesh, materials, spec.source);
  ConductionResults results;
  Coefficient sigma;
  sigma.temperature =
      std::make_shared<const CellTemperatures>(mesh, temperature, spec.temperature_K);
  results.conducting.resize(mesh.cells.size());
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    const Material* m = table[static_cast<std::size_t>(mesh.cell_material[cell])];
    const bool conducts = material_conducts(*m, spec.insulator_threshold, spec.temperature_K);
    results.conducting[cell] = conducts;
    sigma.cell_material.push_back(conducts ? m : nullptr);
  }

  // Terminal nodes, checked for overlaps across ranks.
  const std::size_t n = spec.terminals.size();
  const NodeExchange exchange(mesh, comm);
  NodeGroupMarks marks(mesh.node_coords.size());
  std::vector<std::string> names;
  std::vector<SourceRef> sources;
  for (std::size_t t = 0; t < n; ++t) {
    mark_terminal(mesh, results.conducting, spec.terminals[t], static_cast<int>(t), marks, comm);
    names.push_back("terminal " + spec.terminals[t].name);
    sources.push_back(spec.terminals[t].source);
  }
  std::vector<int> node_group = merge_groups(exchange, marks, names, sources, comm);

  // Conducting regions: each current-driven or matrix terminal needs a reference.
  const std::vector<double> labels = component_labels(mesh, results.conducting, exchange, comm);
  std::vector<char> voltage(n), current(n), in_matrix(n), not_in_matrix(n);
  std::vector<std::size_t> matrix_index;
  for (const auto& name : spec.resistance_terminals) {
    for (std::size_t t = 0; t < n; ++t) {
      if (spec.terminals[t].name == name) matrix_index.push_back(t);
    }
  }
  for (std::size_t t = 0; t < n; ++t) {
    voltage[t] = spec.terminals[t].drive == TerminalDrive::voltage;
    current[t] = !voltage[t];
    in_matrix[t] = std::find(matrix_index.begin(), matrix_index.end(), t) != matrix_index.end();
    not_in_matrix[t] = !in_matrix[t];
  }
  require_reference(
      labels, node_group, current, voltage, spec,
      "its conductors reach no fixed-voltage terminal, so its potential is undetermined", comm);
  if (!matrix_index.empty()) {
    require_reference(labels, node_group, in_matrix, not_in_matrix, spec,
                      "the resistance matrix needs a terminal outside the matrix (the reference, "
                      "held at 0 V) in the conducting region of every matrix terminal",
                      comm);
  }
  pin_unreached_nodes(labels, node_group, comm);

  auto coefficient = [sigma](const solver::PointContext& p) {
    const double s = sigma(p.cell, p.point);
    return solver::DiffusionValue{{s, s, s}, {0, 0, 0}};
  };
  const EquipotentialSystem system(mesh, coefficient, node_group, static_cast<int>(n), comm,
                                   options.prefix, spec.relative_tolerance);

  // Unit solves: column j of the short-circuit conductance matrix (all terminals).
  std::vector<std::size_t> unit_terminals;
  for (std::size_t t = 0; t < n; ++t) {
    if (current[t] || in_matrix[t]) unit_terminals.push_back(t);
  }
  std::vector<std::vector<double>> conductance_column(n);
  for (std::size_t j : unit_terminals) {
    std::vector<double> values(n, 0.0);
    values[j] = 1.0;
    const auto solution = system.solve(values);
    add_stats(results.solver, solution.stats);
    ++results.solve_count;
    conductance_column[j] = solution.group_charge;
  }

  // Operating point: given voltages; current-driven terminals from I = I0 + G_ff V_f.
  std::vector<double> voltages(n, 0.0);
  for (std::size_t t = 0; t < n; ++t) {
    if (voltage[t]) voltages[t] = spec.terminals[t].voltage;
  }
  auto final_solution = system.solve(voltages);
  add_stats(results.solver, final_solution.stats);
  ++results.solve_count;
  std::vector<std::size_t> floating;
  for (std::size_t t = 0; t < n; ++t) {
    if (current[t]) floating.push_back(t);
  }
  if (!floating.empty()) {
    const std::size_t f = floating.size();
    std::vector<double> g(f * f), rhs(f);
    for (std::size_t i = 0; i < f; ++i) {
      rhs[i] = spec.terminals[floating[i]].current - final_solution.group_charge[floating[i]];
      for (std::size_t j = 0; j < f; ++j)
        g[i * f + j] = conductance_column[floating[j]][floating[i]];
    }
    if (!solve_dense(g, rhs, f, 1)) {
      throw InputError(spec.source,
                       "the current-driven terminals form a singular system "
                       "(two of them tied together?)");
    }
    for (std::size_t i = 0; i < f; ++i) voltages[floating[i]] = rhs[i];
    final_solution = system.solve(voltages);
    add_stats(results.solver, final_solution.stats);
    ++results.solve_count;
  }

  // Resistance matrix between the listed terminals (the others held at 0 V).
  const std::size_t m = matrix_index.size();
  if (m > 0) {
    results.matrix_terminals = spec.resistance_terminals;
    results.conductance_S.resize(m * m);
    std::vector<double> identity(m * m, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      identity[i * m + i] = 1.0;
      for (std::size_t j = 0; j < m; ++j) {
        results.conductance_S[i * m + j] = conductance_column[matrix_index[j]][matrix_index[i]];
      }
    }
    if (!solve_dense(results.conductance_S, identity, m, m)) {
      throw InputError(spec.source, "the resistance matrix is singular (terminals tied together?)");
    }
    results.resistance_ohm = identity;
  }

  // Terminal values, power balance and fields.
  results.potential_V = system.op().local_values(final_solution.u);
  double terminal_power = 0, imbalance = 0;
  for (std::size_t t = 0; t < n; ++t) {
    TerminalResult terminal;
    terminal.name = spec.terminals[t].name;
    terminal.voltage_V = voltages[t];
    terminal.current_A = final_solution.group_charge[t];
    terminal.current_driven = current[t];
    terminal_power += terminal.voltage_V * terminal.current_A;
    imbalance += terminal.current_A;
    results.terminals.push_back(terminal);
  }
  results.terminal_power_W = terminal_power;
  results.current_imbalance_A = imbalance;
  compute_fields(mesh, sigma, results);
  results.joule_power_W = global_sum(results.joule_power_W, comm);
  double v_max = -std::numeric_limits<double>::max(), v_min = std::numeric_limits<double>::max();
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    if (!results.conducting[cell]) continue;
    for (auto node : mesh.cells[cell]) {
      if (node_group[static_cast<std::size_t>(node)] == kPinnedNode) continue;  // floating metal
      v_max = std::max(v_max, results.potential_V[static_cast<std::size_t>(node)]);
      v_min = std::min(v_min, results.potential_V[static_cast<std::size_t>(node)]);
    }
  }
  results.max_potential_V = global_max(v_max, comm);
  results.min_potential_V = -global_max(-v_min, comm);
  for (double v : results.potential_V) {
    if (!std::isfinite(v)) throw SolverError("the conduction solution holds a NaN or infinity");
  }
  return results;
}

}  // namespace tsvfield::physics
