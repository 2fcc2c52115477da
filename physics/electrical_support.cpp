#include "physics/electrical_support.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>

#include "solver/hex_element.hpp"
#include "solver/petsc_options.hpp"

namespace tsvfield::physics::electrical {
namespace {

constexpr double kNoLabel = std::numeric_limits<double>::max();

// Union-find over local nodes.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t size) : parent_(size) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  std::size_t find(std::size_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::size_t> parent_;
};

bool has_prefix(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

double global_sum(double value, MPI_Comm comm) {
  double sum = 0;
  MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  return sum;
}

std::vector<double> cell_point_values(const mesh::LocalMesh& mesh,
                                      const std::vector<double>& node_values) {
  if (node_values.size() != mesh.node_coords.size()) {
    throw std::invalid_argument(
        "cell_point_values: the field's size differs from the mesh's nodes");
  }
  std::vector<double> values(mesh.cells.size() * 9);
  for (std::size_t cell = 0; cell < mesh.cells.size(); ++cell) {
    std::array<double, 8> nodal;
    solver::HexCoords coords;
    for (int a = 0; a < 8; ++a) {
      const auto node = static_cast<std::size_t>(mesh.cells[cell][a]);
      nodal[a] = node_values[node];
      coords[a] = mesh.node_coords[node];
    }
    const auto points = solver::hex_points(coords);
    double mean = 0;
    for (int q = 0; q < 8; ++q) {
      double v = 0;
      for (int a = 0; a < 8; ++a) v += points[q].shape[a] * nodal[a];
      values[cell * 9 + static_cast<std::size_t>(q)] = v;
      mean += nodal[q] / 8;
    }
    values[cell * 9 + 8] = mean;
  }
  return values;
}

double global_max(double value, MPI_Comm comm) {
  double result = 0;
  MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, comm);
  return result;
}

std::vector<int> select_conductors(const mesh::LocalMesh& mesh,
                                   const std::vector<std::string>& entries, const std::string& role,
                                   const SourceRef& where) {
  if (entries.empty()) throw InputError(where, "no conductors listed");
  std::set<int> selected;
  for (const auto& entry : entries) {
    bool found = false;
    for (std::size_t c = 0; c < mesh.conductors.size(); ++c) {
      const auto& name = mesh.conductors[c].name;
      if (name == entry || has_prefix(name, entry + "[")) {
        found = true;
        if (role.empty() || mesh.conductors[c].role == role) selected.insert(static_cast<int>(c));
      }
    }
    if (!found) {
      std::string example = mesh.conductors.empty() ? std::string("(the mesh has no conductors)")
                                                    : "e.g. '" + mesh.conductors.front().name + "'";
      throw InputError(where, "unknown conductor '" + entry +
                                  "' (conductors are named '<layer>/<array>[i,j]', or "
                                  "'<layer>/<array>' for a whole array; " +
                                  example + ")");
    }
  }
  if (selected.empty()) {
    throw InputError(where, "no listed conductor has role '" + role + "'");
  }
  return {selected.begin(), selected.end()};
}

std::vector<int> whole_nets(const mesh::LocalMesh& mesh, const std::vector<int>& conductors) {
  std::set<int> result;
  for (int c : conductors) {
    const int net = mesh.conductors[static_cast<std::size_t>(c)].net;
    result.insert(c);
    if (net < 0) continue;
    for (std::size_t other = 0; other < mesh.conductors.size(); ++other) {
      if (mesh.conductors[other].net == net) result.insert(static_cast<int>(other));
    }
  }
  return {result.begin(), result.end()};
}

std::vector<const Material*> mesh_material_table(const mesh::LocalMesh& mesh,
                                                 const MaterialLibrary& materials,
                                                 const SourceRef& where) {
  std::vector<const Material*> table;
  for (const auto& name : mesh.material_names) {
    const Material* material = materials.find(name);
    if (!material) {
      throw InputError(where, "the mesh uses material '" + name + "', which is not defined");
    }
    table.push_back(material);
  }
  return table;
}

NodeExchange::NodeExchange(const mesh::LocalMesh& mesh, MPI_Comm comm) : mesh_(mesh) {
  std::vector<PetscInt> ghosts;
  for (auto i = static_cast<std::size_t>(mesh.owned_node_count); i < mesh.node_global.size(); ++i) {
    ghosts.push_back(static_cast<PetscInt>(mesh.node_global[i]));
  }
  TSV_CHECK(VecCreateGhost(comm, static_cast<PetscInt>(mesh.owned_node_count),
                           static_cast<PetscInt>(mesh.global_node_count),
                           static_cast<PetscInt>(ghosts.size()), ghosts.data(), vec_.out()));
}

void NodeExchange::combine(std::vector<double>& values, InsertMode mode) const {
  {
    solver::GhostLocalForm local(vec_);
    solver::VecArray array(local.get());
    std::copy(values.begin(), values.end(), array.data());
  }
  TSV_CHECK(VecGhostUpdateBegin(vec_, mode, SCATTER_REVERSE));
  TSV_CHECK(VecGhostUpdateEnd(vec_, mode, SCATTER_REVERSE));
  TSV_CHECK(VecGhostUpdateBegin(vec_, INSERT_VALUES, SCATTER_FORWARD));
  TSV_CHECK(VecGhostUpdateEnd(vec_, INSERT_VALUES, SCATTER_FORWARD));
  solver::GhostLocalForm local(vec_);
  solver::ConstVecArray array(local.get());
  std::copy(array.data(), array.data() + values.size(), values.begin());
}

std::vector<double> component_labels(const mesh::LocalMesh& mesh, const std::vector<char>& active,
                                     const NodeExchange& exchange, MPI_Comm comm) {
  const std::size_t node_count = mesh.node_coords.size();
  DisjointSets sets(node_count);
  std::vector<double> labels(node_count, kNoLabel);
  for (std::size_t c = 0; c < mesh.cells.size(); ++c) {
    if (!active[c]) continue;
    const auto& nodes = mesh.cells[c];
    for (int a = 0; a < 8; ++a) {
      const auto node = static_cast<std::size_t>(nodes[a]);
      labels[node] = static_cast<double>(mesh.node_global[node]);
      if (a > 0) sets.unite(static_cast<std::size_t>(nodes[0]), node);
    }
  }
  // Local components are fixed; labels travel between ranks through shared nodes
  // until no rank sees a change (a few rounds: one per partition crossing).
  std::vector<double> root_min(node_count);
  for (int round = 0;; ++round) {
    std::fill(root_min.begin(), root_min.end(), kNoLabel);
    for (std::size_t i = 0; i < node_count; ++i) {
      auto& m = root_min[sets.find(i)];
      m = std::min(m, labels[i]);
    }
    int changed = 0;
    for (std::size_t i = 0; i < node_count; ++i) {
      const double m = root_min[sets.find(i)];
      if (m < labels[i]) {
        labels[i] = m;
        changed = 1;
      }
    }
    const std::vector<double> before = labels;
    exchange.combine(labels, MIN_VALUES);
    if (labels != before) changed = 1;
    int any = 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, comm);
    if (!any && round > 0) break;
  }
  for (auto& label : labels) {
    if (label == kNoLabel) label = -1;
  }
  return labels;
}

std::vector<double> flagged_components(const std::vector<double>& labels,
                                       const std::vector<char>& flagged, MPI_Comm comm) {
  std::set<double> local;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (flagged[i] && labels[i] >= 0) local.insert(labels[i]);
  }
  std::vector<double> mine(local.begin(), local.end());
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)),
      offsets(static_cast<std::size_t>(ranks) + 1, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int r = 0; r < ranks; ++r) offsets[r + 1] = offsets[r] + counts[r];
  std::vector<double> all(static_cast<std::size_t>(offsets.back()));
  MPI_Allgatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                 MPI_DOUBLE, comm);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

void pin_unreached_nodes(const std::vector<double>& labels, std::vector<int>& node_group,
                         MPI_Comm comm) {
  std::vector<char> constrained(node_group.size());
  for (std::size_t i = 0; i < node_group.size(); ++i) constrained[i] = node_group[i] >= 0;
  const std::vector<double> reached = flagged_components(labels, constrained, comm);
  for (std::size_t i = 0; i < node_group.size(); ++i) {
    if (node_group[i] != kFreeNode) continue;
    if (labels[i] < 0 || !std::binary_search(reached.begin(), reached.end(), labels[i])) {
      node_group[i] = kPinnedNode;
    }
  }
}

NodeGroupMarks::NodeGroupMarks(std::size_t node_count)
    : high(node_count, kFreeNode), low(node_count, std::numeric_limits<int>::max()) {}

void NodeGroupMarks::mark(std::int32_t node, int group) {
  const auto i = static_cast<std::size_t>(node);
  high[i] = std::max(high[i], group);
  low[i] = std::min(low[i], group);
}

std::vector<int> merge_groups(const NodeExchange& exchange, const NodeGroupMarks& marks,
                              const std::vector<std::string>& names,
                              const std::vector<SourceRef>& sources, MPI_Comm comm) {
  // Every copy of a node must agree: the largest and the smallest group seen.
  std::vector<double> high(marks.high.begin(), marks.high.end());
  std::vector<double> low(marks.low.size());
  for (std::size_t i = 0; i < low.size(); ++i) {
    low[i] = marks.low[i] == std::numeric_limits<int>::max() ? kNoLabel : marks.low[i];
  }
  exchange.combine(high, MAX_VALUES);
  exchange.combine(low, MIN_VALUES);
  std::vector<int> node_group(high.size(), kFreeNode);
  // The first conflicting pair (smaller group, larger group), encoded in one
  // integer so that one MIN reduction picks the same pair on every rank.
  constexpr long long kNone = std::numeric_limits<long long>::max();
  constexpr long long kShift = 1LL << 31;
  long long local_pair = kNone;
  for (std::size_t i = 0; i < high.size(); ++i) {
    const int top = static_cast<int>(high[i]);
    if (top < 0) continue;
    node_group[i] = top;
    if (low[i] != high[i]) {
      local_pair = std::min(local_pair, static_cast<long long>(low[i]) * kShift + top);
    }
  }
  long long pair = kNone;
  MPI_Allreduce(&local_pair, &pair, 1, MPI_LONG_LONG, MPI_MIN, comm);
  if (pair != kNone) {
    const auto a = static_cast<std::size_t>(pair / kShift);
    const auto b = static_cast<std::size_t>(pair % kShift);
    throw InputError(sources.at(b), "'" + names.at(b) + "' touches '" + names.at(a) +
                                        "' (they share mesh nodes): they cannot be held at "
                                        "different potentials");
  }
  return node_group;
}

EquipotentialSystem::EquipotentialSystem(
    const mesh::LocalMesh& mesh,
    std::function<solver::DiffusionValue(const solver::PointContext&)> coefficient,
    std::vector<int> node_group, int group_count, MPI_Comm comm, const std::string& prefix,
    double relative_tolerance)
    : node_group_(std::move(node_group)), group_count_(group_count) {
  solver::ScalarOperatorSpec spec;
  spec.diffusion = std::move(coefficient);
  for (std::size_t i = 0; i < node_group_.size(); ++i) {
    if (node_group_[i] != kFreeNode) spec.dirichlet.push_back({static_cast<std::int32_t>(i), 0.0});
  }
  op_ = std::make_unique<solver::ScalarOperator>(mesh, std::move(spec), comm);
  {
    solver::ScopedLogStage stage("assembly");
    stiffness_ = op_->create_matrix();
    solver::VecHandle zero = op_->create_vector();
    TSV_CHECK(VecSet(zero, 0.0));
    op_->jacobian(zero, nullptr, 0.0, stiffness_);
    TSV_CHECK(MatDuplicate(stiffness_, MAT_COPY_VALUES, constrained_.out()));
    op_->constrain_jacobian(constrained_);
    TSV_CHECK(MatSetOption(constrained_, MAT_SYMMETRIC, PETSC_TRUE));
    TSV_CHECK(MatSetOption(constrained_, MAT_SPD, PETSC_TRUE));
  }
  solver::set_elliptic_defaults(prefix, true);
  solver_ = std::make_unique<solver::MultiRhsSolver>(constrained_, prefix, relative_tolerance);
}

EquipotentialSolution EquipotentialSystem::solve(const std::vector<double>& group_values) const {
  if (group_values.size() != static_cast<std::size_t>(group_count_)) {
    throw std::invalid_argument("EquipotentialSystem::solve: one value per group expected");
  }
  const auto owned = static_cast<std::size_t>(op_->mesh().owned_node_count);
  EquipotentialSolution solution;
  solution.u = op_->create_vector();
  solver::VecHandle rhs = op_->create_vector(), correction = op_->create_vector();
  {
    solver::VecArray u(solution.u);
    for (std::size_t i = 0; i < owned; ++i) {
      u[i] = node_group_[i] >= 0 ? group_values[static_cast<std::size_t>(node_group_[i])] : 0.0;
    }
  }
  // u = g + w with w = 0 on the constrained nodes: K_ff w_f = -K_fc g_c.
  TSV_CHECK(MatMult(stiffness_, solution.u, rhs));
  TSV_CHECK(VecScale(rhs, -1.0));
  {
    solver::VecArray b(rhs);
    for (std::size_t i = 0; i < owned; ++i) {
      if (node_group_[i] != kFreeNode) b[i] = 0.0;
    }
  }
  TSV_CHECK(VecSet(correction, 0.0));
  solution.stats = solver_->solve(rhs, correction);
  TSV_CHECK(VecAXPY(solution.u, 1.0, correction));
  // Reactions: the charge (current) the constraint supplies at each node.
  TSV_CHECK(MatMult(stiffness_, solution.u, rhs));
  std::vector<double> local(static_cast<std::size_t>(group_count_), 0.0);
  {
    solver::ConstVecArray r(rhs);
    for (std::size_t i = 0; i < owned; ++i) {
      if (node_group_[i] >= 0) local[static_cast<std::size_t>(node_group_[i])] += r[i];
    }
  }
  solution.group_charge.resize(local.size());
  MPI_Allreduce(local.data(), solution.group_charge.data(), group_count_, MPI_DOUBLE, MPI_SUM,
                op_->comm());
  return solution;
}

}  // namespace tsvfield::physics::electrical
