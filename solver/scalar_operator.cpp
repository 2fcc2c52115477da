#include "solver/scalar_operator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace tsvfield::solver {
namespace {

using mesh::kHexFaceNodes;

// Face-local node order -> hex-local node index.
int face_node(int face, int i) {
  return kHexFaceNodes[static_cast<std::size_t>(face)][i];
}

double dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

double global_sum(double value, MPI_Comm comm) {
  double sum = 0;
  MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  return sum;
}

// One cell's nodal values of u, and of du/dt in transient problems (zero otherwise).
struct ElementValues {
  std::array<double, 8> u{}, udot{};
};

ElementValues gather_element(const std::array<std::int32_t, 8>& nodes, const double* u_local,
                             const double* udot_local) {
  ElementValues values;
  for (int a = 0; a < 8; ++a) {
    const auto node = static_cast<std::size_t>(nodes[a]);
    values.u[a] = u_local[node];
    if (udot_local) values.udot[a] = udot_local[node];
  }
  return values;
}

// u, du/dt and grad u interpolated at one Gauss point.
struct PointState {
  double u = 0, udot = 0;
  Vec3 grad{};
};

PointState interpolate(const HexPoint& p, const ElementValues& element) {
  PointState state;
  for (int a = 0; a < 8; ++a) {
    state.u += p.shape[a] * element.u[a];
    state.udot += p.shape[a] * element.udot[a];
    for (int i = 0; i < 3; ++i) state.grad[i] += p.gradient[a][i] * element.u[a];
  }
  return state;
}

// Start/finish of a ghost update in one call (no overlap wanted here).
void ghost_update(Vec v, InsertMode mode, ScatterMode direction) {
  TSV_CHECK(VecGhostUpdateBegin(v, mode, direction));
  TSV_CHECK(VecGhostUpdateEnd(v, mode, direction));
}

}  // namespace

ScalarOperator::ScalarOperator(const mesh::LocalMesh& mesh, ScalarOperatorSpec spec, MPI_Comm comm)
    : mesh_(mesh), spec_(std::move(spec)), comm_(comm) {
  if (!spec_.diffusion) throw std::invalid_argument("ScalarOperator: no diffusion coefficient");
  if (mesh_.global_node_count > std::numeric_limits<PetscInt>::max()) {
    throw std::invalid_argument("ScalarOperator: " + std::to_string(mesh_.global_node_count) +
                                " nodes exceed PETSc's 32-bit index range");
  }
  global_index_.resize(mesh_.node_global.size());
  for (std::size_t i = 0; i < global_index_.size(); ++i) {
    global_index_[i] = static_cast<PetscInt>(mesh_.node_global[i]);
  }
  validate();
  match_interface_nodes();
  work_u_ = create_vector();
  work_udot_ = create_vector();
  work_r_ = create_vector();
  merge_dirichlet();
}

void ScalarOperator::validate() const {
  const auto cell_count = static_cast<std::int32_t>(mesh_.cells.size());
  const auto node_count = static_cast<std::int32_t>(mesh_.node_coords.size());
  if (mesh_.node_global.size() != mesh_.node_coords.size() ||
      mesh_.ghost_owner_rank.size() !=
          static_cast<std::size_t>(mesh_.local_node_count() - mesh_.owned_node_count)) {
    throw std::invalid_argument("ScalarOperator: inconsistent LocalMesh node arrays");
  }
  for (const auto& cell : mesh_.cells) {
    for (auto node : cell) {
      if (node < 0 || node >= node_count) {
        throw std::invalid_argument("ScalarOperator: cell node index out of range");
      }
    }
  }
  auto check_cell = [&](std::int32_t cell, int face, const char* what) {
    if (cell < 0 || cell >= cell_count || face < 0 || face >= mesh::kHexFaceCount) {
      throw std::invalid_argument(std::string("ScalarOperator: ") + what +
                                  " refers to a cell/face out of range");
    }
  };
  for (const auto& group : spec_.loads) {
    for (const auto& load : group.volume) check_cell(load.cell, 0, "volume load");
    for (const auto& load : group.faces) check_cell(load.cell, load.face, "face load");
  }
  for (const auto& face : spec_.robin) check_cell(face.cell, face.face, "Robin face");
  for (const auto& pair : spec_.interfaces) {
    check_cell(pair.cell_below, 1, "interface coupling");
    check_cell(pair.cell_above, 0, "interface coupling");
  }
  for (const auto& node : spec_.dirichlet) {
    if (node.node < 0 || node.node >= node_count) {
      throw std::invalid_argument("ScalarOperator: Dirichlet node out of range");
    }
  }
  // Every cell must have a positive Jacobian at its Gauss points.
  for (std::int32_t cell = 0; cell < cell_count; ++cell) hex_points(cell_coords(cell));
}

void ScalarOperator::match_interface_nodes() {
  interface_match_.reserve(spec_.interfaces.size());
  for (const auto& pair : spec_.interfaces) {
    const auto& below = mesh_.cells[static_cast<std::size_t>(pair.cell_below)];
    const auto& above = mesh_.cells[static_cast<std::size_t>(pair.cell_above)];
    std::array<int, 4> match{};
    for (int i = 0; i < 4; ++i) {
      const auto& xb = mesh_.node_coords[static_cast<std::size_t>(below[4 + i])];
      double best = std::numeric_limits<double>::max();
      for (int j = 0; j < 4; ++j) {
        const auto& xa = mesh_.node_coords[static_cast<std::size_t>(above[j])];
        const double d = std::hypot(xa[0] - xb[0], xa[1] - xb[1], xa[2] - xb[2]);
        if (d < best) {
          best = d;
          match[i] = j;
        }
      }
    }
    interface_match_.push_back(match);
  }
}

void ScalarOperator::merge_dirichlet() {
  // Sum values and counts on every copy of a node into its owner, so a
  // constraint seen only by a ghosting rank reaches the owning rank.
  VecHandle count = create_vector();
  VecHandle value = create_vector();
  {
    GhostLocalForm count_local(count), value_local(value);
    TSV_CHECK(VecSet(count_local.get(), 0.0));
    TSV_CHECK(VecSet(value_local.get(), 0.0));
    VecArray counts(count_local.get()), values(value_local.get());
    for (const auto& node : spec_.dirichlet) {
      counts[static_cast<std::size_t>(node.node)] += 1;
      values[static_cast<std::size_t>(node.node)] += node.value;
    }
  }
  ghost_update(count, ADD_VALUES, SCATTER_REVERSE);
  ghost_update(value, ADD_VALUES, SCATTER_REVERSE);
  ConstVecArray counts(count), values(value);
  for (std::int64_t i = 0; i < mesh_.owned_node_count; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (counts[k] > 0) {
      dirichlet_local_.push_back(static_cast<std::int32_t>(i));
      dirichlet_rows_.push_back(global_index_[k]);
      dirichlet_values_.push_back(values[k] / counts[k]);
    }
  }
  auto local_count = static_cast<PetscInt>(dirichlet_rows_.size());
  MPI_Allreduce(&local_count, &global_dirichlet_count_, 1, MPIU_INT, MPI_SUM, comm_);
}

HexCoords ScalarOperator::cell_coords(std::int32_t cell) const {
  HexCoords coords;
  const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
  for (int a = 0; a < kHexNodes; ++a)
    coords[a] = mesh_.node_coords[static_cast<std::size_t>(nodes[a])];
  return coords;
}

FaceCoords ScalarOperator::face_coords(std::int32_t cell, int face) const {
  FaceCoords coords;
  const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
  for (int a = 0; a < kFaceNodes; ++a) {
    coords[a] = mesh_.node_coords[static_cast<std::size_t>(nodes[face_node(face, a)])];
  }
  return coords;
}

VecHandle ScalarOperator::create_vector() const {
  VecHandle vec;
  const auto owned = static_cast<PetscInt>(mesh_.owned_node_count);
  const auto ghosts = static_cast<PetscInt>(global_index_.size()) - owned;
  TSV_CHECK(VecCreateGhost(comm_, owned, static_cast<PetscInt>(mesh_.global_node_count), ghosts,
                           global_index_.data() + owned, vec.out()));
  return vec;
}

std::vector<std::array<std::int32_t, 8>> ScalarOperator::interface_node_sets() const {
  // An interface pair couples the 4 nodes below with the 4 above.
  std::vector<std::array<std::int32_t, 8>> sets;
  sets.reserve(spec_.interfaces.size());
  for (const auto& pair : spec_.interfaces) {
    std::array<std::int32_t, 8> nodes;
    for (int i = 0; i < 4; ++i) {
      nodes[i] = mesh_.cells[static_cast<std::size_t>(pair.cell_below)][4 + i];
      nodes[4 + i] = mesh_.cells[static_cast<std::size_t>(pair.cell_above)][i];
    }
    sets.push_back(nodes);
  }
  return sets;
}

MatHandle ScalarOperator::create_matrix() const {
  const auto owned = static_cast<PetscInt>(mesh_.owned_node_count);
  const auto global = static_cast<PetscInt>(mesh_.global_node_count);
  const auto begin = static_cast<PetscInt>(mesh_.owned_node_begin);
  const std::size_t local_count = global_index_.size();
  // Coupled node sets: the cells (not copied), then the interface pairs.
  const std::size_t cell_count = mesh_.cells.size();
  const auto pairs = interface_node_sets();
  auto node_set = [&](std::size_t k) -> const std::array<std::int32_t, 8>& {
    return k < cell_count ? mesh_.cells[k] : pairs[k - cell_count];
  };
  const std::size_t set_count = cell_count + pairs.size();

  // Node -> coupled sets (CSR), then each row's columns as sorted global indices.
  std::vector<std::size_t> offset(local_count + 1, 0);
  for (std::size_t k = 0; k < set_count; ++k) {
    for (auto node : node_set(k)) ++offset[static_cast<std::size_t>(node) + 1];
  }
  for (std::size_t i = 0; i < local_count; ++i) offset[i + 1] += offset[i];
  std::vector<std::int32_t> members(offset.back());  // set indices (< 2^31 cells per rank)
  {
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::size_t k = 0; k < set_count; ++k) {
      for (auto node : node_set(k))
        members[fill[static_cast<std::size_t>(node)]++] = static_cast<std::int32_t>(k);
    }
  }
  auto row_columns = [&](std::size_t row, std::vector<PetscInt>& columns) {
    columns.clear();
    for (std::size_t m = offset[row]; m < offset[row + 1]; ++m) {
      for (auto node : node_set(static_cast<std::size_t>(members[m])))
        columns.push_back(global_index_[static_cast<std::size_t>(node)]);
    }
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  };

  // Rows of ghost nodes get entries from this rank's cells: send their columns
  // to the owners, who merge them with their own (exact pattern, no hashing).
  int ranks = 1;
  MPI_Comm_size(comm_, &ranks);
  std::vector<PetscInt> columns;
  std::vector<std::vector<PetscInt>> outgoing(static_cast<std::size_t>(ranks));
  for (std::size_t row = static_cast<std::size_t>(owned); row < local_count; ++row) {
    auto& buffer = outgoing[static_cast<std::size_t>(
        mesh_.ghost_owner_rank[row - static_cast<std::size_t>(owned)])];
    row_columns(row, columns);
    buffer.push_back(global_index_[row]);
    buffer.push_back(static_cast<PetscInt>(columns.size()));
    buffer.insert(buffer.end(), columns.begin(), columns.end());
  }
  std::vector<int> send_counts(static_cast<std::size_t>(ranks)),
      receive_counts(static_cast<std::size_t>(ranks));
  std::vector<int> send_offsets(static_cast<std::size_t>(ranks) + 1, 0),
      receive_offsets(static_cast<std::size_t>(ranks) + 1, 0);
  for (int r = 0; r < ranks; ++r)
    send_counts[static_cast<std::size_t>(r)] =
        static_cast<int>(outgoing[static_cast<std::size_t>(r)].size());
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, comm_);
  std::vector<PetscInt> send_buffer;
  for (int r = 0; r < ranks; ++r) {
    send_offsets[static_cast<std::size_t>(r) + 1] =
        send_offsets[static_cast<std::size_t>(r)] + send_counts[static_cast<std::size_t>(r)];
    receive_offsets[static_cast<std::size_t>(r) + 1] =
        receive_offsets[static_cast<std::size_t>(r)] + receive_counts[static_cast<std::size_t>(r)];
    send_buffer.insert(send_buffer.end(), outgoing[static_cast<std::size_t>(r)].begin(),
                       outgoing[static_cast<std::size_t>(r)].end());
  }
  outgoing.clear();
  std::vector<PetscInt> receive_buffer(static_cast<std::size_t>(receive_offsets.back()));
  MPI_Alltoallv(send_buffer.data(), send_counts.data(), send_offsets.data(), MPIU_INT,
                receive_buffer.data(), receive_counts.data(), receive_offsets.data(), MPIU_INT,
                comm_);
  std::map<std::size_t, std::vector<PetscInt>> remote;  // owned row -> columns from other ranks
  for (std::size_t k = 0; k < receive_buffer.size();) {
    const auto row = static_cast<std::size_t>(receive_buffer[k] - begin);
    const auto n = static_cast<std::size_t>(receive_buffer[k + 1]);
    auto& list = remote[row];
    list.insert(list.end(), receive_buffer.begin() + static_cast<long>(k) + 2,
                receive_buffer.begin() + static_cast<long>(k + 2 + n));
    k += 2 + n;
  }

  // The owned rows' pattern in CSR (global columns). Handing it to PETSc whole
  // fills the matrix row by row and assembles it (values zero), far cheaper
  // than inserting zero element blocks, and fixes the structure exactly.
  std::vector<PetscInt> row_start(static_cast<std::size_t>(owned) + 1, 0);
  std::vector<PetscInt> pattern;
  pattern.reserve(static_cast<std::size_t>(owned) * 27);
  for (std::size_t row = 0; row < static_cast<std::size_t>(owned); ++row) {
    row_columns(row, columns);
    if (auto it = remote.find(row); it != remote.end()) {
      columns.insert(columns.end(), it->second.begin(), it->second.end());
      std::sort(columns.begin(), columns.end());
      columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    }
    pattern.insert(pattern.end(), columns.begin(), columns.end());
    row_start[row + 1] = static_cast<PetscInt>(pattern.size());
  }
  offset = {};
  members = {};

  MatHandle matrix;
  TSV_CHECK(MatCreate(comm_, matrix.out()));
  TSV_CHECK(MatSetSizes(matrix, owned, owned, global, global));
  TSV_CHECK(MatSetType(matrix, MATAIJ));
  // One of the two applies (sequential or MPI AIJ), the other is ignored.
  TSV_CHECK(MatSeqAIJSetPreallocationCSR(matrix, row_start.data(), pattern.data(), nullptr));
  TSV_CHECK(MatMPIAIJSetPreallocationCSR(matrix, row_start.data(), pattern.data(), nullptr));
  TSV_CHECK(MatSetOption(matrix, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return matrix;
}

void ScalarOperator::gather_local(Vec global, Vec ghosted_work) const {
  TSV_CHECK(VecCopy(global, ghosted_work));
  ghost_update(ghosted_work, INSERT_VALUES, SCATTER_FORWARD);
}

std::vector<double> ScalarOperator::local_values(Vec u) const {
  gather_local(u, work_u_);
  GhostLocalForm local(work_u_);
  ConstVecArray values(local.get());
  return std::vector<double>(values.data(), values.data() + global_index_.size());
}

void ScalarOperator::add_listed_loads(std::span<const double> scales, double* r_local) const {
  for (std::size_t g = 0; g < spec_.loads.size(); ++g) {
    for (const auto& load : spec_.loads[g].volume) {
      const HexPoints points = hex_points(cell_coords(load.cell));
      std::array<double, 8> density;
      density.fill(scales[g] * load.density);
      const HexVector fe = hex_load(points, density);
      const auto& nodes = mesh_.cells[static_cast<std::size_t>(load.cell)];
      for (int a = 0; a < 8; ++a) r_local[static_cast<std::size_t>(nodes[a])] -= fe[a];
    }
    for (const auto& load : spec_.loads[g].faces) {
      const FaceVector fe =
          face_load(face_points(face_coords(load.cell, load.face)), scales[g] * load.density);
      const auto& nodes = mesh_.cells[static_cast<std::size_t>(load.cell)];
      for (int a = 0; a < 4; ++a) {
        r_local[static_cast<std::size_t>(nodes[face_node(load.face, a)])] -= fe[a];
      }
    }
  }
}

// Robin faces: int h (u - u_ref) v; u_local null means u = 0 (the load part).
void ScalarOperator::add_robin_terms(const double* u_local, double* r_local) const {
  for (const auto& face : spec_.robin) {
    const FacePoints points = face_points(face_coords(face.cell, face.face));
    const auto& nodes = mesh_.cells[static_cast<std::size_t>(face.cell)];
    std::array<std::size_t, 4> fn;
    for (int a = 0; a < 4; ++a) fn[a] = static_cast<std::size_t>(nodes[face_node(face.face, a)]);
    for (const auto& p : points) {
      double uq = 0;
      if (u_local) {
        for (int a = 0; a < 4; ++a) uq += p.shape[a] * u_local[fn[a]];
      }
      const double outflow = face.coefficient * (uq - face.reference);
      for (int a = 0; a < 4; ++a) r_local[fn[a]] += p.weight * p.shape[a] * outflow;
    }
  }
}

void ScalarOperator::load_vector(std::span<const double> scales, Vec b) const {
  if (scales.size() != spec_.loads.size()) {
    throw std::invalid_argument("ScalarOperator::load_vector: one scale per load group expected");
  }
  {
    GhostLocalForm r_form(work_r_);
    TSV_CHECK(VecSet(r_form.get(), 0.0));
    VecArray r_local(r_form.get());
    bool any_function = false;
    for (const auto& group : spec_.loads) any_function |= static_cast<bool>(group.density_function);
    if (any_function) {
      for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
        const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
        HexVector re{};
        for (const auto& p : hex_points(cell_coords(cell))) {
          double source = 0;
          for (std::size_t g = 0; g < spec_.loads.size(); ++g) {
            if (spec_.loads[g].density_function) {
              source += scales[g] * spec_.loads[g].density_function(p.position);
            }
          }
          for (int a = 0; a < 8; ++a) re[a] -= p.weight * p.shape[a] * source;
        }
        for (int a = 0; a < 8; ++a) r_local[static_cast<std::size_t>(nodes[a])] += re[a];
      }
    }
    add_listed_loads(scales, r_local.data());
    add_robin_terms(nullptr, r_local.data());
  }
  ghost_update(work_r_, ADD_VALUES, SCATTER_REVERSE);
  TSV_CHECK(VecCopy(work_r_, b));
  TSV_CHECK(VecScale(b, -1.0));
}

void ScalarOperator::residual(Vec u, Vec udot, std::span<const double> scales, Vec r) const {
  if (scales.size() != spec_.loads.size()) {
    throw std::invalid_argument("ScalarOperator::residual: one scale per load group expected");
  }
  const bool transient = udot != nullptr && static_cast<bool>(spec_.capacity);
  gather_local(u, work_u_);
  if (transient) gather_local(udot, work_udot_);
  {
    GhostLocalForm u_form(work_u_), r_form(work_r_);
    TSV_CHECK(VecSet(r_form.get(), 0.0));
    ConstVecArray u_local(u_form.get());
    VecArray r_local(r_form.get());
    std::optional<GhostLocalForm> udot_form;
    std::optional<ConstVecArray> udot_local;
    if (transient) {
      udot_form.emplace(work_udot_);
      udot_local.emplace(udot_form->get());
    }
    const double* udot_values = transient ? udot_local->data() : nullptr;

    // Cell terms: diffusion, capacity, analytic sources.
    for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
      const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
      const HexPoints points = hex_points(cell_coords(cell));
      const ElementValues element = gather_element(nodes, u_local.data(), udot_values);
      HexVector re{};
      for (int q = 0; q < kHexQuadraturePoints; ++q) {
        const HexPoint& p = points[q];
        const PointState state = interpolate(p, element);
        const PointContext ctx{cell, q, p.position, state.u};
        const DiffusionValue k = spec_.diffusion(ctx);
        const Vec3 flux = {k.value[0] * state.grad[0], k.value[1] * state.grad[1],
                           k.value[2] * state.grad[2]};
        double storage = 0;
        if (transient) storage = spec_.capacity(ctx).value * state.udot;
        double source = 0;
        for (std::size_t g = 0; g < spec_.loads.size(); ++g) {
          if (spec_.loads[g].density_function) {
            source += scales[g] * spec_.loads[g].density_function(p.position);
          }
        }
        for (int a = 0; a < 8; ++a) {
          double value = dot(p.gradient[a], flux);
          if (!transient || !spec_.lumped_capacity) value += p.shape[a] * storage;
          re[a] += p.weight * (value - p.shape[a] * source);
        }
        if (transient && spec_.lumped_capacity) {
          // Lumped: capacity at the point times the node's own rate.
          const double c = spec_.capacity(ctx).value;
          for (int a = 0; a < 8; ++a) re[a] += p.weight * p.shape[a] * c * element.udot[a];
        }
      }
      for (int a = 0; a < 8; ++a) r_local[static_cast<std::size_t>(nodes[a])] += re[a];
    }

    add_listed_loads(scales, r_local.data());
    add_robin_terms(u_local.data(), r_local.data());
    // Interface pairs: int G (u_below - u_above) (v_below - v_above).
    for (std::size_t k = 0; k < spec_.interfaces.size(); ++k) {
      const auto& pair = spec_.interfaces[k];
      const FacePoints points = face_points(face_coords(pair.cell_below, 1));
      const auto& below = mesh_.cells[static_cast<std::size_t>(pair.cell_below)];
      const auto& above = mesh_.cells[static_cast<std::size_t>(pair.cell_above)];
      for (const auto& p : points) {
        double jump = 0;
        for (int i = 0; i < 4; ++i) {
          jump += p.shape[i] * (u_local[static_cast<std::size_t>(below[4 + i])] -
                                u_local[static_cast<std::size_t>(above[interface_match_[k][i]])]);
        }
        const double flux = pair.conductance * jump;
        for (int i = 0; i < 4; ++i) {
          r_local[static_cast<std::size_t>(below[4 + i])] += p.weight * p.shape[i] * flux;
          r_local[static_cast<std::size_t>(above[interface_match_[k][i]])] -=
              p.weight * p.shape[i] * flux;
        }
      }
    }
  }
  ghost_update(work_r_, ADD_VALUES, SCATTER_REVERSE);
  TSV_CHECK(VecCopy(work_r_, r));
}

void ScalarOperator::jacobian(Vec u, Vec udot, double shift, Mat jacobian) const {
  const bool transient = udot != nullptr && static_cast<bool>(spec_.capacity);
  gather_local(u, work_u_);
  if (transient) gather_local(udot, work_udot_);
  TSV_CHECK(MatZeroEntries(jacobian));
  {
    GhostLocalForm u_form(work_u_);
    ConstVecArray u_local(u_form.get());
    std::optional<GhostLocalForm> udot_form;
    std::optional<ConstVecArray> udot_local;
    if (transient) {
      udot_form.emplace(work_udot_);
      udot_local.emplace(udot_form->get());
    }
    const double* udot_values = transient ? udot_local->data() : nullptr;
    for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
      const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
      const HexPoints points = hex_points(cell_coords(cell));
      const ElementValues element = gather_element(nodes, u_local.data(), udot_values);
      HexMatrix ke{};
      for (int q = 0; q < kHexQuadraturePoints; ++q) {
        const HexPoint& p = points[q];
        const PointState state = interpolate(p, element);
        const PointContext ctx{cell, q, p.position, state.u};
        const DiffusionValue k = spec_.diffusion(ctx);
        ScalarValue c{};
        if (transient) c = spec_.capacity(ctx);
        // d(k(u) grad u)/du_b = k grad N_b + k'(u) N_b grad u
        const Vec3 dflux = {k.derivative[0] * state.grad[0], k.derivative[1] * state.grad[1],
                            k.derivative[2] * state.grad[2]};
        for (int a = 0; a < 8; ++a) {
          const Vec3 ka = {k.value[0] * p.gradient[a][0], k.value[1] * p.gradient[a][1],
                           k.value[2] * p.gradient[a][2]};
          const double nonlinear_a = spec_.nonlinear ? dot(p.gradient[a], dflux) : 0.0;
          for (int b = 0; b < 8; ++b) {
            double value = dot(ka, p.gradient[b]) + nonlinear_a * p.shape[b];
            if (transient) {
              if (spec_.lumped_capacity) {
                if (a == b) value += shift * c.value * p.shape[a];
                if (spec_.nonlinear)
                  value += p.shape[a] * c.derivative * p.shape[b] * element.udot[a];
              } else {
                value += p.shape[a] * p.shape[b] *
                         (shift * c.value + (spec_.nonlinear ? c.derivative * state.udot : 0.0));
              }
            }
            ke[a][b] += p.weight * value;
          }
        }
      }
      std::array<PetscInt, 8> rows;
      for (int a = 0; a < 8; ++a) rows[a] = global_index_[static_cast<std::size_t>(nodes[a])];
      TSV_CHECK(MatSetValues(jacobian, 8, rows.data(), 8, rows.data(), &ke[0][0], ADD_VALUES));
    }
  }
  for (const auto& face : spec_.robin) {
    const FaceMatrix me =
        face_mass(face_points(face_coords(face.cell, face.face)), face.coefficient);
    const auto& nodes = mesh_.cells[static_cast<std::size_t>(face.cell)];
    std::array<PetscInt, 4> rows;
    for (int a = 0; a < 4; ++a) {
      rows[a] = global_index_[static_cast<std::size_t>(nodes[face_node(face.face, a)])];
    }
    TSV_CHECK(MatSetValues(jacobian, 4, rows.data(), 4, rows.data(), &me[0][0], ADD_VALUES));
  }
  for (std::size_t k = 0; k < spec_.interfaces.size(); ++k) {
    const auto& pair = spec_.interfaces[k];
    const FaceMatrix me = face_mass(face_points(face_coords(pair.cell_below, 1)), pair.conductance);
    const auto& below = mesh_.cells[static_cast<std::size_t>(pair.cell_below)];
    const auto& above = mesh_.cells[static_cast<std::size_t>(pair.cell_above)];
    std::array<PetscInt, 8> rows;
    for (int i = 0; i < 4; ++i) {
      rows[i] = global_index_[static_cast<std::size_t>(below[4 + i])];
      rows[4 + i] = global_index_[static_cast<std::size_t>(above[interface_match_[k][i]])];
    }
    // [M -M; -M M]
    std::array<std::array<double, 8>, 8> block{};
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        block[i][j] = me[i][j];
        block[4 + i][4 + j] = me[i][j];
        block[i][4 + j] = -me[i][j];
        block[4 + i][j] = -me[i][j];
      }
    }
    TSV_CHECK(MatSetValues(jacobian, 8, rows.data(), 8, rows.data(), &block[0][0], ADD_VALUES));
  }
  TSV_CHECK(MatAssemblyBegin(jacobian, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(jacobian, MAT_FINAL_ASSEMBLY));
}

void ScalarOperator::apply_dirichlet_values(Vec u) const {
  VecArray values(u);
  for (std::size_t i = 0; i < dirichlet_local_.size(); ++i) {
    values[static_cast<std::size_t>(dirichlet_local_[i])] = dirichlet_values_[i];
  }
}

void ScalarOperator::constrain_residual(Vec u, Vec r) const {
  ConstVecArray u_values(u);
  VecArray r_values(r);
  for (std::size_t i = 0; i < dirichlet_local_.size(); ++i) {
    const auto k = static_cast<std::size_t>(dirichlet_local_[i]);
    r_values[k] = u_values[k] - dirichlet_values_[i];
  }
}

void ScalarOperator::constrain_jacobian(Mat jacobian) const {
  TSV_CHECK(MatZeroRowsColumns(jacobian, static_cast<PetscInt>(dirichlet_rows_.size()),
                               dirichlet_rows_.data(), 1.0, nullptr, nullptr));
}

void ScalarOperator::constrain_linear_system(Mat a, Vec b) const {
  VecHandle known;
  TSV_CHECK(VecDuplicate(b, known.out()));
  TSV_CHECK(VecSet(known, 0.0));
  apply_dirichlet_values(known);
  TSV_CHECK(MatZeroRowsColumns(a, static_cast<PetscInt>(dirichlet_rows_.size()),
                               dirichlet_rows_.data(), 1.0, known, b));
}

double ScalarOperator::dirichlet_reaction(Vec unconstrained_residual) const {
  ConstVecArray values(unconstrained_residual);
  double sum = 0;
  for (auto node : dirichlet_local_) sum += values[static_cast<std::size_t>(node)];
  return global_sum(sum, comm_);
}

double ScalarOperator::load_total(std::size_t group) const {
  const LoadGroup& load = spec_.loads.at(group);
  double total = 0;
  for (const auto& v : load.volume)
    total += v.density * hex_volume(hex_points(cell_coords(v.cell)));
  for (const auto& f : load.faces) {
    total += f.density * face_area(face_points(face_coords(f.cell, f.face)));
  }
  if (load.density_function) {
    for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
      for (const auto& p : hex_points(cell_coords(cell))) {
        total += p.weight * load.density_function(p.position);
      }
    }
  }
  return global_sum(total, comm_);
}

double ScalarOperator::robin_outflow(const std::vector<double>& local_u) const {
  double total = 0;
  for (const auto& face : spec_.robin) {
    const auto& nodes = mesh_.cells[static_cast<std::size_t>(face.cell)];
    for (const auto& p : face_points(face_coords(face.cell, face.face))) {
      double uq = 0;
      for (int a = 0; a < 4; ++a) {
        uq += p.shape[a] * local_u[static_cast<std::size_t>(nodes[face_node(face.face, a)])];
      }
      total += p.weight * face.coefficient * (uq - face.reference);
    }
  }
  return global_sum(total, comm_);
}

double ScalarOperator::total_volume() const {
  double total = 0;
  for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
    total += hex_volume(hex_points(cell_coords(cell)));
  }
  return global_sum(total, comm_);
}

std::vector<Vec3> ScalarOperator::cell_flux(const std::vector<double>& local_u) const {
  std::vector<Vec3> fluxes(mesh_.cells.size());
  for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
    const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
    const HexPoint p = hex_point_at(cell_coords(cell), {0, 0, 0});
    double uq = 0;
    Vec3 grad{};
    for (int a = 0; a < 8; ++a) {
      const double ua = local_u[static_cast<std::size_t>(nodes[a])];
      uq += p.shape[a] * ua;
      for (int i = 0; i < 3; ++i) grad[i] += p.gradient[a][i] * ua;
    }
    // Gauss point index -1 marks the centroid for callbacks that tabulate per point.
    const DiffusionValue k = spec_.diffusion(PointContext{cell, -1, p.position, uq});
    fluxes[static_cast<std::size_t>(cell)] = {-k.value[0] * grad[0], -k.value[1] * grad[1],
                                              -k.value[2] * grad[2]};
  }
  return fluxes;
}

}  // namespace tsvfield::solver
