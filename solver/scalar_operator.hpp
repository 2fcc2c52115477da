#pragma once
// The generic scalar operator of DESIGN decision 1, on a distributed hex mesh:
//
//   c(u) du/dt - div(k(u) grad u) = sum_g s_g f_g      in the domain,
//   -k du/dn = h (u - u_ref)        on Robin faces,
//   -k du/dn = G (u_this - u_other) on interface face pairs (contact conductance),
//   u = g                           on Dirichlet nodes,
//   k du/dn = face load             on loaded faces (adiabatic elsewhere).
//
// k is a diagonal (kx, ky, kz) coefficient evaluated per Gauss point by a
// callback that may depend on u (nonlinear problems get the exact Jacobian from
// its derivative). Heat conduction, DC conduction (-div(sigma grad V) = 0) and
// electrostatics (-div(eps grad phi) = 0) are all instances. The operator
// evaluates residuals and Jacobians; the solvers (KSP/SNES/TS) live in
// solver/linear_solve.hpp and the physics.
#include <petscmat.h>
#include <petscvec.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "solver/hex_element.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

// Where a coefficient is evaluated: a Gauss point of a local cell.
struct PointContext {
  std::int32_t cell = 0;  // local cell index
  int point = 0;          // Gauss point 0..7
  Vec3 position{};
  double u = 0;  // solution at the point
};

// Diagonal diffusion coefficient and its derivative with respect to u.
struct DiffusionValue {
  Vec3 value{};
  Vec3 derivative{};
};
struct ScalarValue {
  double value = 0;
  double derivative = 0;
};

struct VolumeLoad {
  std::int32_t cell = 0;
  double density = 0;  // per unit volume (W/m^3 for heat)
};
struct FaceLoad {
  std::int32_t cell = 0;
  std::int8_t face = 0;
  double density = 0;  // per unit area, into the domain (W/m^2 for heat)
};
// Flux into the domain = coefficient * (reference - u)  (convection: h, T_ambient).
struct RobinFace {
  std::int32_t cell = 0;
  std::int8_t face = 0;
  double coefficient = 0;
  double reference = 0;
};
// Coupling of the two sides of a doubled-node interface with a conductance per
// unit area (1/R for a thermal contact resistance R in m^2 K/W).
struct InterfaceCoupling {
  std::int32_t cell_below = 0;  // its top face (1) is on the interface
  std::int32_t cell_above = 0;  // its bottom face (0) is on the interface
  double conductance = 0;
};
struct DirichletNode {
  std::int32_t node = 0;  // local node (owned or ghost)
  double value = 0;
};

// A load that one scale multiplies (a power source and its time trace).
struct LoadGroup {
  std::vector<VolumeLoad> volume;
  std::vector<FaceLoad> faces;
  // Optional density (per unit volume) evaluated at every Gauss point of every
  // local cell, for manufactured solutions and analytic sources.
  std::function<double(const Vec3&)> density_function;
};

struct ScalarOperatorSpec {
  std::function<DiffusionValue(const PointContext&)> diffusion;  // required
  bool nonlinear = false;  // the coefficients depend on u (Jacobian gets their derivative)
  // The coefficients depend on the cell alone (not on the point or on u): the
  // assembly of a prism cell evaluates them once instead of at each Gauss point.
  bool coefficients_per_cell = false;
  std::function<ScalarValue(const PointContext&)> capacity;  // transient problems only
  bool lumped_capacity = false;
  std::vector<LoadGroup> loads;
  std::vector<RobinFace> robin;
  std::vector<InterfaceCoupling> interfaces;
  std::vector<DirichletNode> dirichlet;  // a node listed twice gets the mean value
};

class ScalarOperator {
 public:
  // Validates the spec against the mesh (indices in range, cells not inverted,
  // interface faces matching) and merges Dirichlet nodes across ranks.
  ScalarOperator(const mesh::LocalMesh& mesh, ScalarOperatorSpec spec, MPI_Comm comm);

  MPI_Comm comm() const { return comm_; }
  const mesh::LocalMesh& mesh() const { return mesh_; }
  const ScalarOperatorSpec& spec() const { return spec_; }
  std::size_t load_count() const { return spec_.loads.size(); }

  // A ghosted vector laid out like the mesh's nodes (owned, then ghosts).
  VecHandle create_vector() const;
  // An AIJ matrix with exactly the nonzeros of the operator (counted from the
  // connectivity, ghost rows' columns sent to their owners), pattern inserted.
  MatHandle create_matrix() const;

  // Unconstrained residual R(u, udot) = K(u) u + C(u) udot + Robin + interface
  // - sum_g scale_g f_g. At Dirichlet rows it holds the reaction (the flux the
  // constraint supplies). udot may be null (steady). scales.size() == load_count().
  void residual(Vec u, Vec udot, std::span<const double> scales, Vec r) const;
  // The part of -R that does not depend on u: sum_g scale_g f_g plus the Robin
  // reference terms int h u_ref v. For a linear steady problem A u = b, b is
  // this (the same as -R(0), without the cell loop of a residual).
  void load_vector(std::span<const double> scales, Vec b) const;
  // J = dR/du + shift dR/d(udot). J must come from create_matrix().
  void jacobian(Vec u, Vec udot, double shift, Mat jacobian) const;

  // Dirichlet constraints (owned rows): u_d = g_d; r_d = u_d - g_d; rows and
  // columns of J zeroed with 1 on the diagonal (keeps a symmetric J symmetric).
  void apply_dirichlet_values(Vec u) const;
  void constrain_residual(Vec u, Vec r) const;
  void constrain_jacobian(Mat jacobian) const;
  // For the linear system A u = b: eliminate the Dirichlet rows and columns
  // (MatZeroRowsColumns), moving the known values to b.
  void constrain_linear_system(Mat a, Vec b) const;
  bool has_dirichlet() const { return global_dirichlet_count_ > 0; }

  // Solution values at every local node (owned, then ghosts), in mesh order.
  std::vector<double> local_values(Vec u) const;

  // Frees the ghosted work vectors until the next evaluation needs them again. The
  // steady linear solve calls it after assembly, so that the preconditioner's setup
  // reuses their pages (fresh pages are slow on virtual machines) and the peak of
  // memory holds two node-sized vectors fewer.
  void release_work_vectors() const;

  // Global sums used for the heat (charge) balance.
  double dirichlet_reaction(Vec unconstrained_residual) const;     // sum of R over Dirichlet rows
  double load_total(std::size_t group) const;                      // integral of f_g (scale 1)
  double robin_outflow(const std::vector<double>& local_u) const;  // int h (u - u_ref)
  // The parts of those sums at one reference: the Dirichlet rows whose prescribed value,
  // and the Robin faces whose reference value, is exactly `reference` (a node that two
  // conditions with different values share has their mean, and belongs to neither).
  double dirichlet_reaction(Vec unconstrained_residual, double reference) const;
  double robin_outflow(const std::vector<double>& local_u, double reference) const;
  double total_volume() const;

  // -k grad u at each local cell's centroid, and the cell's volume.
  std::vector<Vec3> cell_flux(const std::vector<double>& local_u) const;

 private:
  // Node sets coupled by an interface pair (the cells are the other sets).
  std::vector<std::array<std::int32_t, 8>> interface_node_sets() const;
  HexCoords cell_coords(std::int32_t cell) const;
  // The cell's volume; prisms from `footprint`, kept from the last prism of the column.
  double cell_volume(std::int32_t cell, std::optional<PrismFootprint>& footprint) const;
  FaceCoords face_coords(std::int32_t cell, int face) const;
  void gather_local(Vec global, Vec ghosted_work) const;
  // The ghosted work vectors of u, r and du/dt, each made on first use (steady problems
  // never need du/dt's).
  Vec u_work() const;
  Vec r_work() const;
  Vec transient_work() const;
  // Terms added to a local (ghosted) residual array: the listed volume and face
  // loads (subtracted), and the Robin terms (u_local null: u = 0).
  void add_listed_loads(std::span<const double> scales, double* r_local) const;
  void add_robin_terms(const double* u_local, double* r_local) const;
  void validate() const;
  void merge_dirichlet();
  // dirichlet_reaction and robin_outflow over the rows (faces) whose value `keep` accepts.
  template <typename Keep>
  double dirichlet_reaction_where(Vec unconstrained_residual, Keep keep) const;
  template <typename Keep>
  double robin_outflow_where(const std::vector<double>& local_u, Keep keep) const;
  void match_interface_nodes();

  const mesh::LocalMesh& mesh_;
  ScalarOperatorSpec spec_;
  MPI_Comm comm_;
  std::vector<PetscInt> global_index_;  // per local node
  // Per interface pair: above-cell node index (0..3) matching below-cell node 4 + i.
  std::vector<std::array<int, 4>> interface_match_;
  std::vector<PetscInt> dirichlet_rows_;  // owned, global
  std::vector<std::int32_t> dirichlet_local_;
  std::vector<double> dirichlet_values_;
  PetscInt global_dirichlet_count_ = 0;
  mutable VecHandle work_u_, work_udot_, work_r_;
};

}  // namespace tsvfield::solver
