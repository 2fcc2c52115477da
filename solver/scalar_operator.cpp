#include "solver/scalar_operator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "mesh/cell_prefetch.hpp"
#include "solver/matrix_arrays.hpp"

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

// Tests set -scalar_operator_generic_assembly to compare the extruded-mesh shortcuts of
// create_matrix() and jacobian() against the generic paths alone.
bool generic_assembly() {
  PetscBool set = PETSC_FALSE;
  TSV_CHECK(PetscOptionsHasName(nullptr, nullptr, "-scalar_operator_generic_assembly", &set));
  return set == PETSC_TRUE;
}

// Start/finish of a ghost update in one call (no overlap wanted here).
void ghost_update(Vec v, InsertMode mode, ScatterMode direction) {
  TSV_CHECK(VecGhostUpdateBegin(v, mode, direction));
  TSV_CHECK(VecGhostUpdateEnd(v, mode, direction));
}

// One cell's Jacobian block dR/du + shift dR/d(udot).
struct CellJacobian {
  const ScalarOperatorSpec& spec;
  bool transient = false;
  double shift = 0;

  // Any cell: the 2x2x2 Gauss sums point by point.
  HexMatrix general(std::int32_t cell, const HexCoords& coords,
                    const ElementValues& element) const {
    const HexPoints points = hex_points(coords);
    HexMatrix ke{};
    for (int q = 0; q < kHexQuadraturePoints; ++q) {
      const HexPoint& p = points[q];
      const PointState state = interpolate(p, element);
      const PointContext ctx{cell, q, p.position, state.u};
      const DiffusionValue k = spec.diffusion(ctx);
      ScalarValue c{};
      if (transient) c = spec.capacity(ctx);
      // d(k(u) grad u)/du_b = k grad N_b + k'(u) N_b grad u
      const Vec3 dflux = {k.derivative[0] * state.grad[0], k.derivative[1] * state.grad[1],
                          k.derivative[2] * state.grad[2]};
      for (int a = 0; a < 8; ++a) {
        const Vec3 ka = {k.value[0] * p.gradient[a][0], k.value[1] * p.gradient[a][1],
                         k.value[2] * p.gradient[a][2]};
        const double nonlinear_a = spec.nonlinear ? dot(p.gradient[a], dflux) : 0.0;
        for (int b = 0; b < 8; ++b) {
          double value = dot(ka, p.gradient[b]) + nonlinear_a * p.shape[b];
          if (transient) {
            if (spec.lumped_capacity) {
              if (a == b) value += shift * c.value * p.shape[a];
              if (spec.nonlinear) value += p.shape[a] * c.derivative * p.shape[b] * element.udot[a];
            } else {
              value += p.shape[a] * p.shape[b] *
                       (shift * c.value + (spec.nonlinear ? c.derivative * state.udot : 0.0));
            }
          }
          ke[a][b] += p.weight * value;
        }
      }
    }
    return ke;
  }

  // A vertical prism with coefficients that do not depend on u and are the same
  // at its 8 Gauss points (evaluated there with the same point data as
  // general()): the same Gauss sums from the footprint's in-plane sums
  // (reused while consecutive cells share the footprint). False otherwise.
  bool prism(std::int32_t cell, const HexCoords& coords, const ElementValues& element,
             std::optional<PrismFootprint>& footprint, HexMatrix& ke) const {
    if (spec.nonlinear || !is_vertical_prism(coords)) return false;
    if (!footprint || !footprint->matches(coords)) footprint = prism_footprint(coords);
    Vec3 k{};
    double c = 0;
    const int checked_points = spec.coefficients_per_cell ? 1 : kHexQuadraturePoints;
    for (int q = 0; q < checked_points; ++q) {
      const auto& shape = hex_gauss_shape(q);
      double u = 0;
      for (int a = 0; a < 8; ++a) u += shape[a] * element.u[a];
      const PointContext ctx{cell, q, prism_point_position(*footprint, coords, q), u};
      const Vec3 kq = spec.diffusion(ctx).value;
      if (q == 0) k = kq;
      if (kq != k) return false;
      if (transient) {
        const double cq = spec.capacity(ctx).value;
        if (q == 0) c = cq;
        if (cq != c) return false;
      }
    }
    const double height = coords[4][2] - coords[0][2];
    ke = prism_stiffness(*footprint, height, k);
    if (transient) {
      const HexMatrix mass = prism_mass(*footprint, height, shift * c);
      for (int a = 0; a < 8; ++a) {
        for (int b = 0; b < 8; ++b) {
          // Lumped: the row sum on the diagonal (sum_b N_b = 1).
          ke[a][spec.lumped_capacity ? a : b] += mass[a][b];
        }
      }
    }
    return true;
  }
};

// Adds element blocks to a matrix from create_matrix. Owned rows go straight
// into the CSR values of its diagonal and off-diagonal blocks (the block's
// columns, sorted, merged with the row's); rows of ghost nodes go through
// MatSetValues (PETSc's stash sends them to their owners at assembly). A matrix
// of another type, or not assembled, gets everything through MatSetValues.
class MatrixAccumulator {
 public:
  MatrixAccumulator(Mat matrix, const std::vector<PetscInt>& global_index, std::size_t owned)
      : matrix_(matrix), global_index_(global_index), owned_(owned) {
    PetscBool is_mpi = PETSC_FALSE, is_seq = PETSC_FALSE, assembled = PETSC_FALSE;
    TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(matrix), MATMPIAIJ, &is_mpi));
    TSV_CHECK(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(matrix), MATSEQAIJ, &is_seq));
    TSV_CHECK(MatAssembled(matrix, &assembled));
    PetscInt rows = 0;
    TSV_CHECK(MatGetLocalSize(matrix, &rows, nullptr));
    if (!(is_mpi || is_seq) || !assembled || static_cast<std::size_t>(rows) != owned) return;
    Mat diag = matrix, off = nullptr;
    const PetscInt* off_global = nullptr;  // global index of each off-diagonal column
    PetscInt off_count = 0;
    if (is_mpi) {
      TSV_CHECK(MatMPIAIJGetSeqAIJ(matrix, &diag, &off, &off_global));
      TSV_CHECK(MatGetSize(off, nullptr, &off_count));
      if (off_count > 0 && !off_global) return;
    }
    // Column of each local node: owned nodes' local index in the diagonal
    // block, ghosts' compressed index in the off-diagonal block (encoded -1 - i).
    column_ = PageArray<PetscInt>(global_index.size());
    for (std::size_t i = 0; i < owned; ++i) column_[i] = static_cast<PetscInt>(i);
    for (std::size_t i = owned; i < global_index.size(); ++i) {
      column_[i] = kNoColumn;
      const PetscInt* found = std::lower_bound(off_global, off_global + off_count, global_index[i]);
      if (found != off_global + off_count && *found == global_index[i])
        column_[i] = -1 - static_cast<PetscInt>(found - off_global);
    }
    open(diag_, diag);
    if (off) open(off_, off);
    direct_ = true;
    if (generic_assembly()) return;
    // Rows whose diagonal-block columns are the previous row's + 1 (one sequential
    // pass): where the next cell is the last one + 1 node-wise, its entries in such
    // rows sit where the last cell's did, found without reading the columns.
    shifted_row_ = PageArray<std::uint8_t>(owned);  // zero-filled
    for (std::size_t row = 1; row < owned; ++row) {
      const PetscInt begin = diag_.start[row], length = diag_.start[row + 1] - begin;
      if (length != begin - diag_.start[row - 1]) continue;
      const PetscInt* previous = diag_.columns + begin - length;
      const PetscInt* current = diag_.columns + begin;
      PetscInt differ = 0;  // (an OR of differences vectorizes)
      for (PetscInt i = 0; i < length; ++i) differ |= current[i] ^ (previous[i] + 1);
      shifted_row_[row] = differ == 0 ? 1 : 0;
    }
    use_shift_ = true;
  }
  ~MatrixAccumulator() {
    // Only reached without finish() when an exception is on its way: give the
    // arrays back without checking.
    for (Block* block : {&diag_, &off_}) {
      if (!block->mat) continue;
      MatSeqAIJRestoreArray(block->mat, &block->values);
      PetscInt n = 0;
      PetscBool done = PETSC_FALSE;
      MatRestoreRowIJ(block->mat, 0, PETSC_FALSE, PETSC_FALSE, &n, &block->start, &block->columns,
                      &done);
    }
  }
  MatrixAccumulator(const MatrixAccumulator&) = delete;
  MatrixAccumulator& operator=(const MatrixAccumulator&) = delete;

  // values[a][b] couples nodes[a] (row) and nodes[b] (column), local node indices.
  template <std::size_t N>
  void add(const std::array<std::int32_t, N>& nodes,
           const std::array<std::array<double, N>, N>& values) {
    // Global indices only for what PETSc's own insertion needs.
    std::array<PetscInt, N> global;
    auto fill_global = [&] {
      for (std::size_t k = 0; k < N; ++k)
        global[k] = global_index_[static_cast<std::size_t>(nodes[k])];
    };
    if (!direct_) {
      fill_global();
      TSV_CHECK(
          MatSetValues(matrix_, N, global.data(), N, global.data(), &values[0][0], ADD_VALUES));
      return;
    }
    // A set of 8 owned nodes, each the last set's + 1 with a shifted row: the last
    // set's sorted columns + 1, each row's entries at the last rows' places.
    if constexpr (N == kMaxSetNodes) {
      bool shifted = last_owned_;
      for (std::size_t k = 0; shifted && k < N; ++k) {
        const auto node = static_cast<std::size_t>(nodes[k]);
        shifted = nodes[k] == last_nodes_[k] + 1 && node < owned_ && shifted_row_[node] != 0;
      }
      if (shifted) {
        for (auto& column : last_columns_) ++column.first;
        for (std::size_t a = 0; a < N; ++a) {
          const PetscInt start = diag_.start[static_cast<std::size_t>(nodes[a])];
          const Positions& at = diag_hints_[a];
          for (std::size_t i = 0; i < N; ++i)
            diag_.values[start + at[i]] += values[a][last_columns_[i].second];
        }
        last_nodes_ = nodes;
        return;
      }
    }
    last_owned_ = false;
    // The set's columns in each block, sorted (insertion sort: N <= 8).
    static_assert(N <= kMaxSetNodes);
    ColumnList diag_columns, off_columns;
    std::size_t diag_count = 0, off_count = 0;
    for (std::size_t k = 0; k < N; ++k) {
      const auto node = static_cast<std::size_t>(nodes[k]);
      const PetscInt column = node < owned_ ? static_cast<PetscInt>(node) : column_[node];
      if (column >= 0) {
        insert_sorted(diag_columns, diag_count, {column, k});
      } else if (column != kNoColumn) {
        insert_sorted(off_columns, off_count, {-1 - column, k});
      }
    }
    bool have_global = false;
    for (std::size_t a = 0; a < N; ++a) {
      const auto row = static_cast<std::size_t>(nodes[a]);
      if (row >= owned_) {
        if (!have_global) fill_global();
        have_global = true;
        TSV_CHECK(
            MatSetValues(matrix_, 1, &global[a], N, global.data(), values[a].data(), ADD_VALUES));
        continue;
      }
      if (diag_count + off_count != N) missing_entry();
      add_row_hinted(diag_, row, diag_columns, diag_count, values[a].data(), diag_hints_[a]);
      add_row(off_, row, off_columns, off_count, values[a].data());
    }
    // All rows owned, all columns in the diagonal block: diag_hints_ hold the
    // places of this set's entries (the next set may be this one shifted).
    if constexpr (N == kMaxSetNodes) {
      if (use_shift_ && !have_global && diag_count == N) {
        last_owned_ = true;
        last_nodes_ = nodes;
        last_columns_ = diag_columns;
      }
    }
  }

  // Gives the arrays back to PETSc (before the matrix is assembled).
  void finish() {
    for (Block* block : {&diag_, &off_}) {
      if (!block->mat) continue;
      TSV_CHECK(MatSeqAIJRestoreArray(block->mat, &block->values));
      PetscInt n = 0;
      PetscBool done = PETSC_FALSE;
      TSV_CHECK(MatRestoreRowIJ(block->mat, 0, PETSC_FALSE, PETSC_FALSE, &n, &block->start,
                                &block->columns, &done));
      block->mat = nullptr;
    }
  }

 private:
  static constexpr PetscInt kNoColumn = std::numeric_limits<PetscInt>::min();
  static constexpr std::size_t kMaxSetNodes = 8;
  // (column in the block, index of the node in the set)
  using ColumnList = std::array<std::pair<PetscInt, std::size_t>, kMaxSetNodes>;
  struct Block {
    Mat mat = nullptr;
    const PetscInt* start = nullptr;    // CSR row starts
    const PetscInt* columns = nullptr;  // CSR columns, sorted in each row
    PetscScalar* values = nullptr;
  };

  static void open(Block& block, Mat mat) {
    PetscInt n = 0;
    PetscBool done = PETSC_FALSE;
    TSV_CHECK(
        MatGetRowIJ(mat, 0, PETSC_FALSE, PETSC_FALSE, &n, &block.start, &block.columns, &done));
    if (!done) throw std::logic_error("ScalarOperator: no CSR access to the matrix");
    block.mat = mat;
    TSV_CHECK(MatSeqAIJGetArray(mat, &block.values));
  }

  static void insert_sorted(ColumnList& list, std::size_t& count,
                            std::pair<PetscInt, std::size_t> entry) {
    std::size_t i = count++;
    for (; i > 0 && list[i - 1].first > entry.first; --i) list[i] = list[i - 1];
    list[i] = entry;
  }

  // Positions in a block's CSR arrays of a row's entries, one per column of a set.
  using Positions = std::array<PetscInt, kMaxSetNodes>;

  // Where each of `columns` (sorted) lies in the block's row (sorted): one merge walk.
  static void find_positions(const Block& block, std::size_t row, const ColumnList& columns,
                             std::size_t count, Positions& at) {
    PetscInt position = block.start[row];
    const PetscInt end = block.start[row + 1];
    for (std::size_t i = 0; i < count; ++i) {
      const PetscInt column = columns[i].first;
      while (position < end && block.columns[position] < column) ++position;
      if (position == end || block.columns[position] != column) missing_entry();
      at[i] = position;
    }
  }

  static void add_at(const Block& block, const Positions& at, const ColumnList& columns,
                     std::size_t count, const double* values) {
    for (std::size_t i = 0; i < count; ++i) block.values[at[i]] += values[columns[i].second];
  }

  // add_row, first trying the positions of `hint` relative to the row's start: the
  // last ones found for the set's node a, since the next cell up a column of an
  // extruded mesh has its entries at the same places in the next rows. Each is
  // checked to hold its column, so a stale hint costs only the search.
  static void add_row_hinted(const Block& block, std::size_t row, const ColumnList& columns,
                             std::size_t count, const double* values, Positions& hint) {
    if (count == 0) return;
    const PetscInt start = block.start[row];
    const PetscInt last = block.start[row + 1] - 1;  // (an empty row misses below)
    bool found = last >= start;
    Positions at{};
    for (std::size_t i = 0; found && i < count; ++i) {
      at[i] = std::min(start + hint[i], last);
      found = block.columns[at[i]] == columns[i].first;
    }
    if (!found) find_positions(block, row, columns, count, at);
    // (also where a hint was clamped: the shifted path reads them as exact places)
    for (std::size_t i = 0; i < count; ++i) hint[i] = at[i] - start;
    add_at(block, at, columns, count, values);
  }

  static void add_row(const Block& block, std::size_t row, const ColumnList& columns,
                      std::size_t count, const double* values) {
    if (count == 0) return;  // (a sequential matrix has no off-diagonal block)
    Positions at{};
    find_positions(block, row, columns, count, at);
    add_at(block, at, columns, count, values);
  }

  [[noreturn]] static void missing_entry() {
    throw std::logic_error(
        "ScalarOperator::jacobian: the matrix lacks an entry of the operator "
        "(it must come from create_matrix())");
  }

  Mat matrix_;
  const std::vector<PetscInt>& global_index_;
  std::size_t owned_;
  bool direct_ = false;
  PageArray<PetscInt> column_;
  Block diag_, off_;
  std::array<Positions, kMaxSetNodes> diag_hints_{};
  // The shifted path: which rows allow it, and the last set of 8 owned nodes with
  // its sorted columns (last_owned_: the last add was such a set).
  bool use_shift_ = false;
  PageArray<std::uint8_t> shifted_row_;
  bool last_owned_ = false;
  std::array<std::int32_t, kMaxSetNodes> last_nodes_{};
  ColumnList last_columns_{};
};

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
  // Every cell must have a positive Jacobian at its Gauss points (prisms: from
  // their footprint, shared by the consecutive cells of a column).
  std::optional<PrismFootprint> footprint;
  for (std::int32_t cell = 0; cell < cell_count; ++cell) {
    const HexCoords coords = cell_coords(cell);
    if (is_vertical_prism(coords)) {
      if (!footprint || !footprint->matches(coords)) footprint = prism_footprint(coords);
      check_prism(*footprint, coords);
    } else {
      hex_points(coords);
    }
  }
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
  // constraint seen only by a ghosting rank reaches the owning rank (in the
  // work vectors, free until the first evaluation).
  auto listed = static_cast<long long>(spec_.dirichlet.size());
  long long any_listed = 0;
  MPI_Allreduce(&listed, &any_listed, 1, MPI_LONG_LONG, MPI_MAX, comm_);
  if (any_listed == 0) return;  // global_dirichlet_count_ stays 0
  Vec count = u_work(), value = r_work();
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
  const std::size_t owned = static_cast<std::size_t>(mesh_.owned_node_count);
  const std::size_t local_count = global_index_.size();
  // Coupled node sets: the cells (not copied), then the interface pairs.
  const std::size_t cell_count = mesh_.cells.size();
  const auto pairs = interface_node_sets();
  auto node_set = [&](std::size_t k) -> const std::array<std::int32_t, 8>& {
    return k < cell_count ? mesh_.cells[k] : pairs[k - cell_count];
  };
  const std::size_t set_count = cell_count + pairs.size();
  constexpr std::size_t kSetNodes = 8;  // cells and interface pairs alike

  // Node -> coupled sets (CSR): counts, starts, then each node's sets filled
  // in at its start (which moves to the next node's start) and shifted back.
  PageArray<std::size_t> offset(local_count + 1);  // zero-filled
  for (std::size_t k = 0; k < set_count; ++k) {
    for (auto node : node_set(k)) ++offset[static_cast<std::size_t>(node) + 1];
  }
  std::size_t most_sets = 0;  // of one node
  for (std::size_t i = 0; i < local_count; ++i) {
    most_sets = std::max(most_sets, offset[i + 1]);
    offset[i + 1] += offset[i];
  }
  PageArray<std::int32_t> members(offset[local_count]);  // set indices (< 2^31 cells per rank)
  for (std::size_t k = 0; k < set_count; ++k) {
    for (auto node : node_set(k))
      members[offset[static_cast<std::size_t>(node)]++] = static_cast<std::int32_t>(k);
  }
  for (std::size_t i = local_count; i > 0; --i) offset[i] = offset[i - 1];
  offset[0] = 0;
  // The distinct local nodes coupled to a row's node: a mark per node (the
  // last row that listed it; rows are < 2^31, see the constructor) instead of
  // sorting the sets' repeated nodes, written without a branch.
  PageArray<std::int32_t> last_row(local_count);
  std::fill(last_row.data(), last_row.data() + local_count, -1);
  std::vector<std::int32_t> neighbour_buffer(most_sets * kSetNodes);
  std::span<const std::int32_t> neighbours;
  auto row_neighbours = [&](std::size_t row) {
    const auto mark = static_cast<std::int32_t>(row);
    std::int32_t* out = neighbour_buffer.data();
    std::size_t count = 0;
    for (std::size_t m = offset[row]; m < offset[row + 1]; ++m) {
      for (auto node : node_set(static_cast<std::size_t>(members[m]))) {
        auto& last = last_row[static_cast<std::size_t>(node)];
        out[count] = node;
        count += last != mark ? 1 : 0;
        last = mark;
      }
    }
    neighbours = {out, count};
  };
  // Sets k whose successor k + 1 is set k with every node + 1 (consecutive cells
  // of a column of an extruded mesh).
  const bool generic = generic_assembly();
  std::vector<std::uint8_t> next_shifted(set_count, 0);
  for (std::size_t k = 0; !generic && k + 1 < cell_count; ++k) {
    bool shifted = true;
    for (std::size_t a = 0; a < kSetNodes; ++a)
      shifted &= mesh_.cells[k + 1][a] == mesh_.cells[k][a] + 1;
    next_shifted[k] = shifted ? 1 : 0;
  }
  // A row whose sets are the previous row's each followed by its shifted successor
  // has the previous row's neighbours + 1: sequential reads instead of the marks.
  auto sets_shifted = [&](std::size_t row) {
    const std::size_t count = offset[row + 1] - offset[row];
    if (offset[row] - offset[row - 1] != count) return false;
    const std::int32_t* previous = members.data() + offset[row - 1];
    const std::int32_t* current = members.data() + offset[row];
    bool shifted = true;
    for (std::size_t m = 0; m < count; ++m) {
      shifted &=
          current[m] == previous[m] + 1 && next_shifted[static_cast<std::size_t>(previous[m])] != 0;
    }
    return shifted;
  };
  // The same, sorted. Along a line of an extruded mesh a row's neighbours are
  // mostly the previous row's plus one (the nodes one level up): known from the
  // sets, or else checked against the marks (as many, and each of those is
  // listed), which spares most rows the sort.
  std::vector<std::int32_t> sorted;
  std::optional<std::size_t> sorted_row;  // whose neighbours `sorted` holds
  auto sorted_neighbours = [&](std::size_t row) {
    if (sorted_row && *sorted_row + 1 == row && sets_shifted(row)) {
      for (auto& node : sorted) ++node;
      sorted_row = row;
      return;
    }
    row_neighbours(row);
    const auto mark = static_cast<std::int32_t>(row);
    bool shifted = sorted_row && *sorted_row + 1 == row && sorted.size() == neighbours.size();
    for (std::size_t i = 0; shifted && i < sorted.size(); ++i) {
      const auto next = static_cast<std::size_t>(sorted[i]) + 1;
      shifted = next < local_count && last_row[next] == mark;
    }
    if (shifted) {
      for (auto& node : sorted) ++node;
    } else {
      sorted.assign(neighbours.begin(), neighbours.end());
      std::sort(sorted.begin(), sorted.end());
    }
    sorted_row = row;
  };

  // Rows of ghost nodes get entries from this rank's cells: send their columns
  // to the owners, who merge them with their own (exact pattern, no hashing).
  int ranks = 1;
  MPI_Comm_size(comm_, &ranks);
  std::vector<std::vector<PetscInt>> outgoing(static_cast<std::size_t>(ranks));
  for (std::size_t row = owned; row < local_count; ++row) {
    auto& buffer = outgoing[static_cast<std::size_t>(mesh_.ghost_owner_rank[row - owned])];
    row_neighbours(row);
    buffer.push_back(global_index_[row]);
    buffer.push_back(static_cast<PetscInt>(neighbours.size()));
    for (auto node : neighbours) buffer.push_back(global_index_[static_cast<std::size_t>(node)]);
  }
  const std::vector<PetscInt> received = exchange_all_to_all(std::move(outgoing), comm_);
  // Received rows (local row, position in `received`), by row.
  const auto begin = static_cast<PetscInt>(mesh_.owned_node_begin);
  const auto end = begin + static_cast<PetscInt>(owned);
  std::vector<std::pair<std::size_t, std::size_t>> remote;
  for (std::size_t k = 0; k < received.size();) {
    remote.emplace_back(static_cast<std::size_t>(received[k] - begin), k);
    k += 2 + static_cast<std::size_t>(received[k + 1]);
  }
  std::sort(remote.begin(), remote.end());

  // An owned row's columns: local ones of the diagonal block, written at `diag`
  // (their count returned), global ones of the off-diagonal block in off_columns,
  // each sorted. Owned nodes come first in local order: the sorted neighbours'
  // diagonal-block part is a prefix.
  std::vector<PetscInt> off_columns;
  auto row_columns = [&](std::size_t row, std::size_t& next_remote, PetscInt* diag) {
    sorted_neighbours(row);
    const auto ghosts = std::lower_bound(sorted.begin(), sorted.end(), owned,
                                         [](std::int32_t node, std::size_t first_ghost) {
                                           return static_cast<std::size_t>(node) < first_ghost;
                                         });
    std::size_t diag_count = std::copy(sorted.begin(), ghosts, diag) - diag;
    off_columns.clear();
    for (auto node = ghosts; node != sorted.end(); ++node)
      off_columns.push_back(global_index_[static_cast<std::size_t>(*node)]);
    bool merged = false;
    for (; next_remote < remote.size() && remote[next_remote].first == row; ++next_remote) {
      const std::size_t at = remote[next_remote].second;
      const auto n = static_cast<std::size_t>(received[at + 1]);
      for (std::size_t c = 0; c < n; ++c) {
        const PetscInt column = received[at + 2 + c];
        if (column >= begin && column < end) {
          diag[diag_count++] = column - begin;
        } else {
          off_columns.push_back(column);
        }
      }
      merged = true;
    }
    // Local order is the diagonal block's order; ghosts' local order need not
    // be their global one.
    std::sort(off_columns.begin(), off_columns.end());
    if (merged) {
      std::sort(diag, diag + diag_count);
      diag_count = static_cast<std::size_t>(std::unique(diag, diag + diag_count) - diag);
      off_columns.erase(std::unique(off_columns.begin(), off_columns.end()), off_columns.end());
    }
    return diag_count;
  };

  // One pass over the rows. The diagonal block's columns go straight into an
  // array mapped at a bound of the row lengths (every member set's nodes, every
  // received column): the pages past the filled part are never touched, and
  // shrink() returns them. The off-diagonal block (rows on the partition
  // boundary only) is small: collected, then copied.
  std::size_t column_bound = received.size();
  for (std::size_t row = 0; row < owned; ++row) {
    column_bound += kSetNodes * (offset[row + 1] - offset[row]);
  }
  auto arrays = std::make_unique<MatrixArrays>();
  arrays->diag_start = PageArray<PetscInt>(owned + 1);
  arrays->off_start = PageArray<PetscInt>(owned + 1);
  arrays->diag_columns = PageArray<PetscInt>(column_bound);
  std::vector<PetscInt> all_off_columns;
  std::size_t next_remote = 0;
  for (std::size_t row = 0; row < owned; ++row) {
    // (within the bound: rows before this one took at most their share)
    const std::size_t diag_count =
        row_columns(row, next_remote, arrays->diag_columns.data() + arrays->diag_start[row]);
    all_off_columns.insert(all_off_columns.end(), off_columns.begin(), off_columns.end());
    arrays->diag_start[row + 1] = arrays->diag_start[row] + static_cast<PetscInt>(diag_count);
    arrays->off_start[row + 1] = static_cast<PetscInt>(all_off_columns.size());
  }
  arrays->diag_columns.shrink(static_cast<std::size_t>(arrays->diag_start[owned]));
  arrays->off_columns = PageArray<PetscInt>(all_off_columns.size());
  std::copy(all_off_columns.begin(), all_off_columns.end(), arrays->off_columns.data());
  all_off_columns = {};
  offset = {};  // the temporaries go before the values are touched
  members = {};
  last_row = {};
  arrays->diag_values = PageArray<PetscScalar>(arrays->diag_columns.size());
  arrays->off_values = PageArray<PetscScalar>(arrays->off_columns.size());
  return matrix_on_arrays(std::move(arrays), static_cast<PetscInt>(owned),
                          static_cast<PetscInt>(mesh_.global_node_count), comm_);
}

Vec ScalarOperator::u_work() const {
  if (!work_u_) work_u_ = create_vector();
  return work_u_;
}

Vec ScalarOperator::r_work() const {
  if (!work_r_) work_r_ = create_vector();
  return work_r_;
}

Vec ScalarOperator::transient_work() const {
  if (!work_udot_) work_udot_ = create_vector();
  return work_udot_;
}

void ScalarOperator::release_work_vectors() const {
  work_u_.reset();
  work_r_.reset();
  work_udot_.reset();
}

double ScalarOperator::cell_volume(std::int32_t cell,
                                   std::optional<PrismFootprint>& footprint) const {
  const HexCoords coords = cell_coords(cell);
  if (!is_vertical_prism(coords)) return hex_volume(hex_points(coords));
  // A prism: its footprint's area times its height (no Gauss point data).
  if (!footprint || !footprint->matches(coords)) footprint = prism_footprint(coords);
  return prism_volume(*footprint, coords[4][2] - coords[0][2]);
}

void ScalarOperator::gather_local(Vec global, Vec ghosted_work) const {
  TSV_CHECK(VecCopy(global, ghosted_work));
  ghost_update(ghosted_work, INSERT_VALUES, SCATTER_FORWARD);
}

std::vector<double> ScalarOperator::local_values(Vec u) const {
  gather_local(u, u_work());
  GhostLocalForm local(u_work());
  ConstVecArray values(local.get());
  return std::vector<double>(values.data(), values.data() + global_index_.size());
}

void ScalarOperator::add_listed_loads(std::span<const double> scales, double* r_local) const {
  std::optional<PrismFootprint> footprint;  // of the last prism cell (a column shares it)
  for (std::size_t g = 0; g < spec_.loads.size(); ++g) {
    const auto& volume = spec_.loads[g].volume;
    for (std::size_t k = 0; k < volume.size(); ++k) {
      mesh::prefetch_listed_cells(mesh_, k, volume.size(),
                                  [&](std::size_t i) { return volume[i].cell; });
      const auto& load = volume[k];
      const HexCoords coords = cell_coords(load.cell);
      HexVector fe;
      if (is_vertical_prism(coords)) {
        if (!footprint || !footprint->matches(coords)) footprint = prism_footprint(coords);
        fe = prism_load(*footprint, coords[4][2] - coords[0][2], scales[g] * load.density);
      } else {
        std::array<double, 8> density;
        density.fill(scales[g] * load.density);
        fe = hex_load(hex_points(coords), density);
      }
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
    GhostLocalForm r_form(r_work());
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
  ghost_update(r_work(), ADD_VALUES, SCATTER_REVERSE);
  TSV_CHECK(VecCopy(r_work(), b));
  TSV_CHECK(VecScale(b, -1.0));
}

void ScalarOperator::residual(Vec u, Vec udot, std::span<const double> scales, Vec r) const {
  if (scales.size() != spec_.loads.size()) {
    throw std::invalid_argument("ScalarOperator::residual: one scale per load group expected");
  }
  const bool transient = udot != nullptr && static_cast<bool>(spec_.capacity);
  gather_local(u, u_work());
  if (transient) gather_local(udot, transient_work());
  {
    GhostLocalForm u_form(u_work()), r_form(r_work());
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
  ghost_update(r_work(), ADD_VALUES, SCATTER_REVERSE);
  TSV_CHECK(VecCopy(r_work(), r));
}

void ScalarOperator::jacobian(Vec u, Vec udot, double shift, Mat jacobian) const {
  const bool transient = udot != nullptr && static_cast<bool>(spec_.capacity);
  gather_local(u, u_work());
  if (transient) gather_local(udot, transient_work());
  TSV_CHECK(MatZeroEntries(jacobian));
  {
    GhostLocalForm u_form(u_work());
    ConstVecArray u_local(u_form.get());
    std::optional<GhostLocalForm> udot_form;
    std::optional<ConstVecArray> udot_local;
    if (transient) {
      udot_form.emplace(work_udot_);
      udot_local.emplace(udot_form->get());
    }
    const double* udot_values = transient ? udot_local->data() : nullptr;
    MatrixAccumulator accumulator(jacobian, global_index_,
                                  static_cast<std::size_t>(mesh_.owned_node_count));
    const CellJacobian cell_jacobian{spec_, transient, shift};
    std::optional<PrismFootprint> footprint;  // of the last prism cell (a column shares it)
    for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
      const auto& nodes = mesh_.cells[static_cast<std::size_t>(cell)];
      const HexCoords coords = cell_coords(cell);
      const ElementValues element = gather_element(nodes, u_local.data(), udot_values);
      HexMatrix ke;
      if (!cell_jacobian.prism(cell, coords, element, footprint, ke)) {
        ke = cell_jacobian.general(cell, coords, element);
      }
      accumulator.add(nodes, ke);
    }
    for (const auto& face : spec_.robin) {
      const FaceMatrix me =
          face_mass(face_points(face_coords(face.cell, face.face)), face.coefficient);
      const auto& cell_nodes = mesh_.cells[static_cast<std::size_t>(face.cell)];
      std::array<std::int32_t, 4> nodes;
      for (int a = 0; a < 4; ++a) nodes[a] = cell_nodes[face_node(face.face, a)];
      accumulator.add(nodes, me);
    }
    for (std::size_t k = 0; k < spec_.interfaces.size(); ++k) {
      const auto& pair = spec_.interfaces[k];
      const FaceMatrix me =
          face_mass(face_points(face_coords(pair.cell_below, 1)), pair.conductance);
      const auto& below = mesh_.cells[static_cast<std::size_t>(pair.cell_below)];
      const auto& above = mesh_.cells[static_cast<std::size_t>(pair.cell_above)];
      std::array<std::int32_t, 8> nodes;
      for (int i = 0; i < 4; ++i) {
        nodes[i] = below[4 + i];
        nodes[4 + i] = above[interface_match_[k][i]];
      }
      // [M -M; -M M]
      HexMatrix block{};
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
          block[i][j] = me[i][j];
          block[4 + i][4 + j] = me[i][j];
          block[i][4 + j] = -me[i][j];
          block[4 + i][j] = -me[i][j];
        }
      }
      accumulator.add(nodes, block);
    }
    accumulator.finish();
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
  if (global_dirichlet_count_ == 0) return;  // (the same on every rank)
  TSV_CHECK(MatZeroRowsColumns(jacobian, static_cast<PetscInt>(dirichlet_rows_.size()),
                               dirichlet_rows_.data(), 1.0, nullptr, nullptr));
}

void ScalarOperator::constrain_linear_system(Mat a, Vec b) const {
  if (global_dirichlet_count_ == 0) return;  // (the same on every rank)
  VecHandle known;
  TSV_CHECK(VecDuplicate(b, known.out()));
  TSV_CHECK(VecSet(known, 0.0));
  apply_dirichlet_values(known);
  TSV_CHECK(MatZeroRowsColumns(a, static_cast<PetscInt>(dirichlet_rows_.size()),
                               dirichlet_rows_.data(), 1.0, known, b));
}

template <typename Keep>
double ScalarOperator::dirichlet_reaction_where(Vec unconstrained_residual, Keep keep) const {
  ConstVecArray values(unconstrained_residual);
  double sum = 0;
  for (std::size_t i = 0; i < dirichlet_local_.size(); ++i) {
    if (keep(dirichlet_values_[i])) sum += values[static_cast<std::size_t>(dirichlet_local_[i])];
  }
  return global_sum(sum, comm_);
}

double ScalarOperator::dirichlet_reaction(Vec unconstrained_residual) const {
  return dirichlet_reaction_where(unconstrained_residual, [](double) { return true; });
}

double ScalarOperator::dirichlet_reaction(Vec unconstrained_residual, double reference) const {
  return dirichlet_reaction_where(unconstrained_residual,
                                  [reference](double value) { return value == reference; });
}

double ScalarOperator::load_total(std::size_t group) const {
  const LoadGroup& load = spec_.loads.at(group);
  double total = 0;
  std::optional<PrismFootprint> footprint;  // of the last prism cell (a column shares it)
  for (std::size_t k = 0; k < load.volume.size(); ++k) {
    mesh::prefetch_listed_cells(mesh_, k, load.volume.size(),
                                [&](std::size_t i) { return load.volume[i].cell; });
    total += load.volume[k].density * cell_volume(load.volume[k].cell, footprint);
  }
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

template <typename Keep>
double ScalarOperator::robin_outflow_where(const std::vector<double>& local_u, Keep keep) const {
  double total = 0;
  for (const auto& face : spec_.robin) {
    if (!keep(face.reference)) continue;
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

double ScalarOperator::robin_outflow(const std::vector<double>& local_u) const {
  return robin_outflow_where(local_u, [](double) { return true; });
}

double ScalarOperator::robin_outflow(const std::vector<double>& local_u, double reference) const {
  return robin_outflow_where(local_u, [reference](double value) { return value == reference; });
}

double ScalarOperator::total_volume() const {
  double total = 0;
  std::optional<PrismFootprint> footprint;
  for (std::int32_t cell = 0; cell < static_cast<std::int32_t>(mesh_.cells.size()); ++cell) {
    total += cell_volume(cell, footprint);
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
