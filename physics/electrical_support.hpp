#pragma once
// Parts shared by DC conduction and electrostatics: selecting conductors and
// their nodes, combining per-node data across ranks, connected components of a
// set of cells, and the "equipotential system": the scalar operator with groups
// of nodes held at given potentials, set up once (one AMG hierarchy) and solved
// for many sets of group potentials, each giving the charge (current) every
// group draws, from the FE reaction K u at its nodes.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "mesh/local_mesh.hpp"
#include "physics/material.hpp"
#include "solver/linear_solve.hpp"
#include "solver/multi_rhs.hpp"
#include "solver/petsc_handles.hpp"
#include "solver/scalar_operator.hpp"

namespace tsvfield::physics::electrical {

inline constexpr int kFreeNode = -1;    // an unknown of the system
inline constexpr int kPinnedNode = -2;  // outside the active cells' reach: held at 0

// Conductor indices (LocalMesh::conductors) named by `entries`: exact names, or
// "<layer>/<array>" for every conductor of an array; `role` (if not empty) keeps
// those with that role. Throws InputError (at `where`) for unknown names or an
// empty selection.
std::vector<int> select_conductors(const mesh::LocalMesh& mesh,
                                   const std::vector<std::string>& entries, const std::string& role,
                                   const SourceRef& where);

// The conductors of the nets of `conductors` (a conductor without net: itself).
std::vector<int> whole_nets(const mesh::LocalMesh& mesh, const std::vector<int>& conductors);

// Material of every mesh material index; throws InputError for unknown names.
std::vector<const Material*> mesh_material_table(const mesh::LocalMesh& mesh,
                                                 const MaterialLibrary& materials,
                                                 const SourceRef& where);

// Combines the copies of every node across ranks: the owner combines all copies
// with `mode` (ADD_VALUES, MAX_VALUES or MIN_VALUES), then every ghost gets the
// owner's value. `values` holds every local node (owned, then ghosts).
class NodeExchange {
 public:
  NodeExchange(const mesh::LocalMesh& mesh, MPI_Comm comm);
  void combine(std::vector<double>& values, InsertMode mode) const;

 private:
  const mesh::LocalMesh& mesh_;
  solver::VecHandle vec_;
};

// Per local node: the smallest global node id of its connected component (cells
// sharing a node are connected) among the `active` cells, or -1 when no active
// cell holds the node. Collective.
std::vector<double> component_labels(const mesh::LocalMesh& mesh, const std::vector<char>& active,
                                     const NodeExchange& exchange, MPI_Comm comm);

// The labels (global) of the components holding at least one node for which
// `flagged` is true. Collective.
std::vector<double> flagged_components(const std::vector<double>& labels,
                                       const std::vector<char>& flagged, MPI_Comm comm);

// Marks kPinnedNode every free node that no active cell holds, or whose
// component holds no constrained node (group >= 0): it would float.
void pin_unreached_nodes(const std::vector<double>& labels, std::vector<int>& node_group,
                         MPI_Comm comm);

// Group marks of the local nodes before they are combined across ranks: the
// largest and the smallest group each node was given on this rank.
struct NodeGroupMarks {
  explicit NodeGroupMarks(std::size_t node_count);
  void mark(std::int32_t node, int group);
  std::vector<int> high, low;
};

// Every node's group after combining all ranks' marks (kFreeNode: none). Throws
// InputError (on every rank, at the source of the larger group) when one node
// was given two groups; names[g] and sources[g] describe group g. Collective.
std::vector<int> merge_groups(const NodeExchange& exchange, const NodeGroupMarks& marks,
                              const std::vector<std::string>& names,
                              const std::vector<SourceRef>& sources, MPI_Comm comm);

struct EquipotentialSolution {
  solver::VecHandle u;               // the potential (owned entries; ghosted vector)
  std::vector<double> group_charge;  // sum of K u over each group's nodes (into the domain)
  solver::SolveStats stats;
};

class EquipotentialSystem {
 public:
  // node_group: per local node kFreeNode, kPinnedNode or a group in [0, group_count),
  // consistent across ranks. The coefficient is assembled once (linear problem).
  EquipotentialSystem(
      const mesh::LocalMesh& mesh,
      std::function<solver::DiffusionValue(const solver::PointContext&)> coefficient,
      std::vector<int> node_group, int group_count, MPI_Comm comm, const std::string& prefix,
      double relative_tolerance);

  // Solves with group g's nodes at group_values[g] (pinned nodes at 0).
  EquipotentialSolution solve(const std::vector<double>& group_values) const;

  const solver::ScalarOperator& op() const { return *op_; }
  const std::vector<int>& node_group() const { return node_group_; }
  int group_count() const { return group_count_; }

 private:
  std::vector<int> node_group_;
  int group_count_ = 0;
  std::unique_ptr<solver::ScalarOperator> op_;
  solver::MatHandle stiffness_;    // unconstrained K (reactions)
  solver::MatHandle constrained_;  // K with the constrained rows/columns eliminated
  std::unique_ptr<solver::MultiRhsSolver> solver_;
};

// Values of a nodal field (per local node) at the 8 Gauss points and the
// centroid of every local cell: entry cell * 9 + point, point 8 the centroid.
std::vector<double> cell_point_values(const mesh::LocalMesh& mesh,
                                      const std::vector<double>& node_values);

// Global sum / max helpers.
double global_sum(double value, MPI_Comm comm);
double global_max(double value, MPI_Comm comm);

}  // namespace tsvfield::physics::electrical
