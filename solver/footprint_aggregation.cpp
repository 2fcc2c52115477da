// Smoothed aggregation on the 2D footprint operator (Vanek, Mandel, Brezina 1996):
// strength of connection, greedy aggregation in three passes, the piecewise
// constant tentative prolongator, one damped Jacobi step with the filtered
// operator, optional dropping of small prolongator entries, and the Galerkin
// coarse operator. Every step is a single pass over the matrix entries with
// dense work arrays (O(nnz)), and the node order fixes every choice, so the
// result is identical on every rank.
#include "solver/footprint_aggregation.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace tsvfield::solver {
namespace {

constexpr std::int32_t unaggregated = -1;

[[noreturn]] void fail(const char* what, const std::string& message) {
  throw std::invalid_argument(std::string(what) + ": " + message);
}

std::string shape_of(const CsrMatrix& m) {
  return std::to_string(m.row_count) + " x " + std::to_string(m.column_count);
}

// Structure checks shared by every entry point: sizes, monotone row starts,
// column indices in range and strictly increasing within each row.
void validate_csr(const CsrMatrix& m, const char* what) {
  if (m.row_count < 0 || m.column_count < 0) fail(what, "negative dimension (" + shape_of(m) + ")");
  if (m.row_start.size() != static_cast<std::size_t>(m.row_count) + 1)
    fail(what, "row_start has " + std::to_string(m.row_start.size()) +
                   " entries, expected row_count + 1 = " + std::to_string(m.row_count + 1));
  if (m.row_start.front() != 0)
    fail(what, "row_start[0] is " + std::to_string(m.row_start.front()) + ", expected 0");
  for (std::int32_t row = 0; row < m.row_count; ++row)
    if (m.row_start[row + 1] < m.row_start[row])
      fail(what, "row_start decreases at row " + std::to_string(row) + " (" +
                     std::to_string(m.row_start[row]) + " -> " +
                     std::to_string(m.row_start[row + 1]) + ")");
  const auto entry_count = static_cast<std::size_t>(m.row_start.back());
  if (m.column.size() != entry_count || m.value.size() != entry_count)
    fail(what, "row_start ends at " + std::to_string(entry_count) + " but there are " +
                   std::to_string(m.column.size()) + " column indices and " +
                   std::to_string(m.value.size()) + " values");
  for (std::int32_t row = 0; row < m.row_count; ++row) {
    for (std::int32_t k = m.row_start[row]; k < m.row_start[row + 1]; ++k) {
      const std::int32_t col = m.column[k];
      if (col < 0 || col >= m.column_count)
        fail(what, "row " + std::to_string(row) + " has column index " + std::to_string(col) +
                       " outside 0 .. " + std::to_string(m.column_count - 1));
      if (k > m.row_start[row] && col <= m.column[k - 1])
        fail(what, "column indices of row " + std::to_string(row) +
                       " are not strictly increasing (" + std::to_string(m.column[k - 1]) +
                       " then " + std::to_string(col) + ")");
    }
  }
}

// The footprint operator must be square with finite entries and a non-negative
// diagonal (a missing diagonal entry counts as zero).
void validate_operator(const CsrMatrix& a) {
  const char* what = "coarsen_footprint: operator_2d";
  validate_csr(a, what);
  if (a.row_count != a.column_count) fail(what, "is not square (" + shape_of(a) + ")");
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k) {
      if (!std::isfinite(a.value[k]))
        fail(what, "entry (" + std::to_string(row) + ", " + std::to_string(a.column[k]) +
                       ") is not finite");
      if (a.column[k] == row && a.value[k] < 0)
        fail(what, "diagonal entry of row " + std::to_string(row) + " is negative (" +
                       std::to_string(a.value[k]) + ")");
    }
  }
}

void validate_options(const AggregationOptions& options) {
  const char* what = "coarsen_footprint: options";
  if (!(options.strength_threshold >= 0 && options.strength_threshold <= 1))
    fail(what, "strength_threshold must be in [0, 1], found " +
                   std::to_string(options.strength_threshold));
  if (!(options.prolongator_drop_tolerance >= 0 && options.prolongator_drop_tolerance < 1))
    fail(what, "prolongator_drop_tolerance must be in [0, 1), found " +
                   std::to_string(options.prolongator_drop_tolerance));
}

std::vector<double> diagonal_of(const CsrMatrix& a) {
  std::vector<double> diagonal(a.row_count, 0.0);
  for (std::int32_t row = 0; row < a.row_count; ++row)
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k)
      if (a.column[k] == row) diagonal[row] = a.value[k];
  return diagonal;
}

// Per entry of `a`: 1 when `is_strong(k, row, column)` says the off-diagonal
// coupling is strong. A node with a zero diagonal has no strong couplings (it is
// isolated), which also keeps theta = 0 from linking everything. A zero entry is
// weak unless `zero_entries_may_be_strong` (a caller-supplied strength decides).
template <typename Strong>
std::vector<char> strong_entries(const CsrMatrix& a, const std::vector<double>& diagonal,
                                 Strong is_strong, bool zero_entries_may_be_strong = false) {
  std::vector<char> strong(a.value.size(), 0);
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    if (diagonal[row] <= 0) continue;
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k) {
      const std::int32_t col = a.column[k];
      if (col == row || diagonal[col] <= 0) continue;
      if (a.value[k] == 0 && !zero_entries_may_be_strong) continue;
      strong[k] = is_strong(k, row, col);
    }
  }
  return strong;
}

// The classical test |a_ij| >= theta sqrt(a_ii a_jj).
std::vector<char> strong_entries(const CsrMatrix& a, const std::vector<double>& diagonal,
                                 double theta) {
  return strong_entries(a, diagonal, [&](std::int32_t k, std::int32_t row, std::int32_t col) {
    return std::abs(a.value[k]) >= theta * std::sqrt(diagonal[row] * diagonal[col]);
  });
}

// A caller-supplied strength matrix must have exactly the operator's pattern
// (one strength value per operator entry) with finite values.
void validate_strength(const CsrMatrix& strength, const CsrMatrix& a) {
  const char* what = "coarsen_footprint: strength";
  validate_csr(strength, what);
  if (strength.row_count != a.row_count || strength.column_count != a.column_count)
    fail(what, "is " + shape_of(strength) + " but the operator is " + shape_of(a));
  if (strength.row_start != a.row_start || strength.column != a.column)
    fail(what, "does not have the sparsity pattern of the operator");
  for (std::size_t k = 0; k < strength.value.size(); ++k)
    if (!std::isfinite(strength.value[k]))
      fail(what, "entry in column " + std::to_string(strength.column[k]) + " is not finite");
}

// Strong couplings from a caller-supplied strength s_ij (same pattern as A):
// strong when s_ij > 0 and s_ij >= theta, also where a_ij is zero (two parts of
// one copper core whose smoothed basis functions cancel their coupling). Nodes
// with a zero diagonal stay isolated, as above.
std::vector<char> strong_entries_given(const CsrMatrix& a, const std::vector<double>& diagonal,
                                       const CsrMatrix& strength, double theta) {
  return strong_entries(
      a, diagonal,
      [&](std::int32_t k, std::int32_t, std::int32_t) {
        return strength.value[k] > 0 && strength.value[k] >= theta;
      },
      true);
}

struct Aggregation {
  std::vector<std::int32_t> aggregate_of_node;
  std::int32_t aggregate_count = 0;
};

// Pass 1: a node with strong neighbours, none of them aggregated yet, becomes
// the root of an aggregate made of itself and those neighbours.
void aggregate_around_free_roots(const CsrMatrix& a, const std::vector<char>& strong,
                                 Aggregation& result) {
  auto& owner = result.aggregate_of_node;
  for (std::int32_t node = 0; node < a.row_count; ++node) {
    if (owner[node] != unaggregated) continue;
    bool has_strong_neighbour = false;
    bool neighbourhood_free = true;
    for (std::int32_t k = a.row_start[node]; k < a.row_start[node + 1]; ++k) {
      if (!strong[k]) continue;
      has_strong_neighbour = true;
      if (owner[a.column[k]] != unaggregated) {
        neighbourhood_free = false;
        break;
      }
    }
    if (!has_strong_neighbour || !neighbourhood_free) continue;
    const std::int32_t aggregate = result.aggregate_count++;
    owner[node] = aggregate;
    for (std::int32_t k = a.row_start[node]; k < a.row_start[node + 1]; ++k)
      if (strong[k]) owner[a.column[k]] = aggregate;
  }
}

// Pass 2: every remaining node joins the pass-1 aggregate it is most strongly
// coupled to (sum of |a_ij| over its strong neighbours in that aggregate; the
// first such aggregate wins a tie). Only pass-1 membership counts, so the
// aggregates do not creep along chains of pass-2 nodes.
void attach_to_strongest_aggregate(const CsrMatrix& a, const std::vector<char>& strong,
                                   Aggregation& result) {
  const std::vector<std::int32_t> first_pass = result.aggregate_of_node;
  std::vector<std::pair<std::int32_t, double>> coupling;  // (aggregate, summed |a_ij|)
  for (std::int32_t node = 0; node < a.row_count; ++node) {
    if (first_pass[node] != unaggregated) continue;
    coupling.clear();
    for (std::int32_t k = a.row_start[node]; k < a.row_start[node + 1]; ++k) {
      if (!strong[k]) continue;
      const std::int32_t aggregate = first_pass[a.column[k]];
      if (aggregate == unaggregated) continue;
      auto found = std::find_if(coupling.begin(), coupling.end(),
                                [&](const auto& entry) { return entry.first == aggregate; });
      if (found == coupling.end())
        coupling.emplace_back(aggregate, std::abs(a.value[k]));
      else
        found->second += std::abs(a.value[k]);
    }
    if (coupling.empty()) continue;
    auto best = coupling.begin();
    for (auto it = coupling.begin(); it != coupling.end(); ++it)
      if (it->second > best->second) best = it;
    result.aggregate_of_node[node] = best->first;
  }
}

// Pass 3: what is left forms aggregates with its still unaggregated strong
// neighbours; a node without any (an isolated node) is an aggregate of its own.
void aggregate_leftovers(const CsrMatrix& a, const std::vector<char>& strong, Aggregation& result) {
  auto& owner = result.aggregate_of_node;
  for (std::int32_t node = 0; node < a.row_count; ++node) {
    if (owner[node] != unaggregated) continue;
    const std::int32_t aggregate = result.aggregate_count++;
    owner[node] = aggregate;
    for (std::int32_t k = a.row_start[node]; k < a.row_start[node + 1]; ++k)
      if (strong[k] && owner[a.column[k]] == unaggregated) owner[a.column[k]] = aggregate;
  }
}

Aggregation aggregate_nodes(const CsrMatrix& a, const std::vector<char>& strong) {
  Aggregation result;
  result.aggregate_of_node.assign(a.row_count, unaggregated);
  aggregate_around_free_roots(a, strong, result);
  attach_to_strongest_aggregate(a, strong, result);
  aggregate_leftovers(a, strong, result);
  return result;
}

CsrMatrix tentative_prolongator(const Aggregation& aggregation) {
  CsrMatrix p;
  p.row_count = static_cast<std::int32_t>(aggregation.aggregate_of_node.size());
  p.column_count = aggregation.aggregate_count;
  p.row_start.resize(p.row_count + 1);
  for (std::int32_t row = 0; row <= p.row_count; ++row) p.row_start[row] = row;
  p.column = aggregation.aggregate_of_node;
  p.value.assign(p.row_count, 1.0);
  return p;
}

// The filtered operator A_f keeps the diagonal and the strong couplings of A and
// lumps the weak ones onto the diagonal, so its row sums equal those of A.
// Only its diagonal is stored; the off-diagonals are A's strong entries.
std::vector<double> filtered_diagonal(const CsrMatrix& a, const std::vector<char>& strong) {
  std::vector<double> diagonal(a.row_count, 0.0);
  for (std::int32_t row = 0; row < a.row_count; ++row)
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k)
      if (a.column[k] == row || !strong[k]) diagonal[row] += a.value[k];
  return diagonal;
}

// Rows that a Jacobi step may touch: a strong coupling and a clearly positive
// filtered diagonal. (For an M-matrix the first implies the second; the guard
// matters for isolated nodes and for positive off-diagonals of stretched quads.)
std::vector<char> smoothable_rows(const CsrMatrix& a, const std::vector<char>& strong,
                                  const std::vector<double>& diagonal,
                                  const std::vector<double>& filtered) {
  std::vector<char> smoothable(a.row_count, 0);
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    bool has_strong = false;
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1] && !has_strong; ++k)
      has_strong = strong[k] != 0;
    smoothable[row] = has_strong && filtered[row] > 1e-12 * diagonal[row];
  }
  return smoothable;
}

// y = D_f^-1 A_f x on the smoothable rows (zero elsewhere).
void apply_scaled_filtered(const CsrMatrix& a, const std::vector<char>& strong,
                           const std::vector<double>& filtered, const std::vector<char>& smoothable,
                           const std::vector<double>& x, std::vector<double>& y) {
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    if (!smoothable[row]) {
      y[row] = 0;
      continue;
    }
    double sum = filtered[row] * x[row];
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k)
      if (strong[k]) sum += a.value[k] * x[a.column[k]];
    y[row] = sum / filtered[row];
  }
}

// A fixed pseudo-random value in [-1, 1) per node (splitmix64), so the power
// iteration starts the same way on every rank and is not orthogonal to the top
// eigenvector (a constant start would lie in the near null space).
double start_value(std::int32_t node) {
  std::uint64_t z = static_cast<std::uint64_t>(node) + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
}

// Largest row sum of |D_f^-1 A_f|: an upper bound on the spectral radius.
double gershgorin_bound(const CsrMatrix& a, const std::vector<char>& strong,
                        const std::vector<double>& filtered, const std::vector<char>& smoothable) {
  double bound = 0;
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    if (!smoothable[row]) continue;
    double sum = std::abs(filtered[row]);
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k)
      if (strong[k]) sum += std::abs(a.value[k]);
    bound = std::max(bound, sum / filtered[row]);
  }
  return bound;
}

// Spectral radius of D_f^-1 A_f by 15 power iterations. D_f^-1 A_f is
// self-adjoint in the D_f inner product, so the growth ||T x||_D / ||x||_D is a
// lower bound that converges faster than the Rayleigh quotient; the Gershgorin
// bound caps it (which matters only for a non-symmetric input).
double estimate_spectral_radius(const CsrMatrix& a, const std::vector<char>& strong,
                                const std::vector<double>& filtered,
                                const std::vector<char>& smoothable) {
  constexpr int iterations = 15;
  const auto d_norm = [&](const std::vector<double>& v) {
    double sum = 0;
    for (std::int32_t row = 0; row < a.row_count; ++row)
      if (smoothable[row]) sum += filtered[row] * v[row] * v[row];
    return std::sqrt(sum);
  };
  std::vector<double> x(a.row_count), y(a.row_count);
  for (std::int32_t row = 0; row < a.row_count; ++row)
    x[row] = smoothable[row] ? start_value(row) : 0.0;
  double x_norm = d_norm(x);
  double estimate = 0;
  for (int iteration = 0; iteration < iterations && x_norm > 0; ++iteration) {
    apply_scaled_filtered(a, strong, filtered, smoothable, x, y);
    const double y_norm = d_norm(y);
    estimate = y_norm / x_norm;
    if (y_norm == 0) break;
    for (std::int32_t row = 0; row < a.row_count; ++row) x[row] = y[row] / y_norm;
    x_norm = 1;
  }
  return std::min(estimate, gershgorin_bound(a, strong, filtered, smoothable));
}

// Sorts a row's (column, value) pairs and appends the nonzero ones to `m`.
void append_row(std::vector<std::pair<std::int32_t, double>>& entries, CsrMatrix& m) {
  std::sort(entries.begin(), entries.end());
  for (const auto& [col, value] : entries) {
    if (value == 0) continue;
    m.column.push_back(col);
    m.value.push_back(value);
  }
  m.row_start.push_back(static_cast<std::int32_t>(m.column.size()));
}

// P = (I - omega D_f^-1 A_f) P_tent, row by row; rows that cannot be smoothed
// keep their tentative entry.
CsrMatrix smoothed_prolongator(const CsrMatrix& a, const std::vector<char>& strong,
                               const std::vector<double>& filtered,
                               const std::vector<char>& smoothable, const Aggregation& aggregation,
                               double omega) {
  const auto& owner = aggregation.aggregate_of_node;
  CsrMatrix p;
  p.row_count = a.row_count;
  p.column_count = aggregation.aggregate_count;
  p.row_start.reserve(a.row_count + 1);
  p.row_start.push_back(0);
  p.column.reserve(a.value.size());
  p.value.reserve(a.value.size());
  std::vector<std::int32_t> slot_of_aggregate(aggregation.aggregate_count, -1);
  std::vector<std::pair<std::int32_t, double>> entries;
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    entries.clear();
    entries.emplace_back(owner[row], 1.0);
    if (smoothable[row]) {
      const double scale = omega / filtered[row];
      slot_of_aggregate[owner[row]] = 0;
      entries[0].second -= scale * filtered[row];
      for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k) {
        if (!strong[k]) continue;
        const std::int32_t aggregate = owner[a.column[k]];
        if (slot_of_aggregate[aggregate] < 0) {
          slot_of_aggregate[aggregate] = static_cast<std::int32_t>(entries.size());
          entries.emplace_back(aggregate, 0.0);
        }
        entries[slot_of_aggregate[aggregate]].second -= scale * a.value[k];
      }
      for (const auto& entry : entries) slot_of_aggregate[entry.first] = -1;
    }
    append_row(entries, p);
  }
  return p;
}

// Drops the entries of each row below `tolerance` times the row's largest
// magnitude and rescales the kept ones so the row sum is unchanged. A row whose
// kept entries would sum to zero or flip the sign of the sum is left as it is.
CsrMatrix drop_small_entries(const CsrMatrix& p, double tolerance) {
  CsrMatrix result;
  result.row_count = p.row_count;
  result.column_count = p.column_count;
  result.row_start.reserve(p.row_count + 1);
  result.row_start.push_back(0);
  for (std::int32_t row = 0; row < p.row_count; ++row) {
    const std::int32_t begin = p.row_start[row], end = p.row_start[row + 1];
    double largest = 0, row_sum = 0, kept_sum = 0;
    for (std::int32_t k = begin; k < end; ++k) {
      largest = std::max(largest, std::abs(p.value[k]));
      row_sum += p.value[k];
    }
    const double cutoff = tolerance * largest;
    for (std::int32_t k = begin; k < end; ++k)
      if (std::abs(p.value[k]) >= cutoff) kept_sum += p.value[k];
    const bool can_rescale = kept_sum != 0 && row_sum / kept_sum > 0;
    const double scale = can_rescale ? row_sum / kept_sum : 1.0;
    for (std::int32_t k = begin; k < end; ++k) {
      if (can_rescale && std::abs(p.value[k]) < cutoff) continue;
      result.column.push_back(p.column[k]);
      result.value.push_back(p.value[k] * scale);
    }
    result.row_start.push_back(static_cast<std::int32_t>(result.column.size()));
  }
  return result;
}

// Transpose by counting sort over columns; rows come out sorted because the
// source rows are visited in increasing order.
CsrMatrix transpose_unchecked(const CsrMatrix& a) {
  CsrMatrix t;
  t.row_count = a.column_count;
  t.column_count = a.row_count;
  t.row_start.assign(a.column_count + 1, 0);
  for (const std::int32_t col : a.column) ++t.row_start[col + 1];
  for (std::int32_t row = 0; row < t.row_count; ++row) t.row_start[row + 1] += t.row_start[row];
  t.column.resize(a.column.size());
  t.value.resize(a.value.size());
  std::vector<std::int32_t> next(t.row_start.begin(), t.row_start.end() - 1);
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    for (std::int32_t k = a.row_start[row]; k < a.row_start[row + 1]; ++k) {
      const std::int32_t slot = next[a.column[k]]++;
      t.column[slot] = row;
      t.value[slot] = a.value[k];
    }
  }
  return t;
}

// The Galerkin product P^T A P one coarse row at a time: row c gathers
// P_ic a_ij P_jd over the fine rows i that P maps to c, in a dense accumulator
// over the coarse columns. This never forms A P (an array several times larger
// than the result), which is what dominates the cost on a large footprint.
// Every structural entry is kept, exact zeros included, and every row gets its
// diagonal (an explicit zero for an isolated aggregate): the line-wise 3D product
// is preallocated from this pattern, and couplings that sum to zero in 2D (the
// positive sums of stretched cells are zeroed in the 2D operator) are nonzero in
// 3D; dropping them cost 14,000 reallocations and 15 s on cases/hbm_8high.yaml.
CsrMatrix galerkin_product(const CsrMatrix& a, const CsrMatrix& p) {
  const CsrMatrix restriction = transpose_unchecked(p);
  const std::int32_t coarse_count = p.column_count;
  CsrMatrix coarse;
  coarse.row_count = coarse.column_count = coarse_count;
  coarse.row_start.reserve(coarse_count + 1);
  coarse.row_start.push_back(0);
  coarse.column.reserve(static_cast<std::size_t>(coarse_count) * 9);
  coarse.value.reserve(static_cast<std::size_t>(coarse_count) * 9);
  std::vector<double> accumulator(coarse_count, 0.0);
  std::vector<std::int32_t> last_row_seen(coarse_count, -1);
  std::vector<std::int32_t> row_columns;
  for (std::int32_t row = 0; row < coarse_count; ++row) {
    row_columns.clear();
    last_row_seen[row] = row;  // the diagonal is always present
    row_columns.push_back(row);
    for (std::int32_t kr = restriction.row_start[row]; kr < restriction.row_start[row + 1]; ++kr) {
      const std::int32_t fine = restriction.column[kr];
      const double weight = restriction.value[kr];
      for (std::int32_t ka = a.row_start[fine]; ka < a.row_start[fine + 1]; ++ka) {
        const double scaled = weight * a.value[ka];
        const std::int32_t middle = a.column[ka];
        for (std::int32_t kp = p.row_start[middle]; kp < p.row_start[middle + 1]; ++kp) {
          const std::int32_t col = p.column[kp];
          if (last_row_seen[col] != row) {
            last_row_seen[col] = row;
            row_columns.push_back(col);
          }
          accumulator[col] += scaled * p.value[kp];
        }
      }
    }
    std::sort(row_columns.begin(), row_columns.end());
    for (const std::int32_t col : row_columns) {
      const double value = accumulator[col];
      accumulator[col] = 0;
      coarse.column.push_back(col);
      coarse.value.push_back(value);
    }
    coarse.row_start.push_back(static_cast<std::int32_t>(coarse.column.size()));
  }
  return coarse;
}

// Sparse product without validation (inputs already checked): Gustavson's
// row-by-row algorithm, a symbolic pass that sizes the result exactly (no
// reallocation of large arrays) and a numeric pass with a dense accumulator.
CsrMatrix multiply_unchecked(const CsrMatrix& a, const CsrMatrix& b) {
  CsrMatrix c;
  c.row_count = a.row_count;
  c.column_count = b.column_count;
  c.row_start.assign(a.row_count + 1, 0);
  std::vector<std::int32_t> last_row_seen(b.column_count, -1);
  std::int64_t entry_count = 0;
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    for (std::int32_t ka = a.row_start[row]; ka < a.row_start[row + 1]; ++ka) {
      const std::int32_t middle = a.column[ka];
      for (std::int32_t kb = b.row_start[middle]; kb < b.row_start[middle + 1]; ++kb) {
        if (last_row_seen[b.column[kb]] == row) continue;
        last_row_seen[b.column[kb]] = row;
        ++entry_count;
      }
    }
    if (entry_count > std::numeric_limits<std::int32_t>::max())
      throw std::length_error("multiply: product has more than 2^31 - 1 entries");
    c.row_start[row + 1] = static_cast<std::int32_t>(entry_count);
  }
  c.column.resize(entry_count);
  c.value.resize(entry_count);
  std::vector<double> accumulator(b.column_count, 0.0);
  std::fill(last_row_seen.begin(), last_row_seen.end(), -1);
  for (std::int32_t row = 0; row < a.row_count; ++row) {
    std::int32_t next = c.row_start[row];
    for (std::int32_t ka = a.row_start[row]; ka < a.row_start[row + 1]; ++ka) {
      const double a_value = a.value[ka];
      const std::int32_t middle = a.column[ka];
      for (std::int32_t kb = b.row_start[middle]; kb < b.row_start[middle + 1]; ++kb) {
        const std::int32_t col = b.column[kb];
        if (last_row_seen[col] != row) {
          last_row_seen[col] = row;
          c.column[next++] = col;
        }
        accumulator[col] += a_value * b.value[kb];
      }
    }
    const auto row_begin = c.column.begin() + c.row_start[row];
    std::sort(row_begin, c.column.begin() + next);
    for (std::int32_t k = c.row_start[row]; k < next; ++k) {
      c.value[k] = accumulator[c.column[k]];
      accumulator[c.column[k]] = 0;
    }
  }
  return c;
}

// Aggregation, prolongator and coarse operator for a given strong-coupling mask.
FootprintCoarsening coarsen_with_strength(const CsrMatrix& a, const std::vector<double>& diagonal,
                                          const std::vector<char>& strong,
                                          const AggregationOptions& options) {
  Aggregation aggregation = aggregate_nodes(a, strong);
  CsrMatrix prolongator;
  if (options.smooth_prolongator) {
    const std::vector<double> filtered = filtered_diagonal(a, strong);
    const std::vector<char> smoothable = smoothable_rows(a, strong, diagonal, filtered);
    const double rho = estimate_spectral_radius(a, strong, filtered, smoothable);
    // rho = 0: nothing to smooth (no strong couplings anywhere).
    const double omega = rho > 0 ? 4.0 / (3.0 * rho) : 0.0;
    prolongator = smoothed_prolongator(a, strong, filtered, smoothable, aggregation, omega);
    if (options.prolongator_drop_tolerance > 0)
      prolongator = drop_small_entries(prolongator, options.prolongator_drop_tolerance);
  } else {
    prolongator = tentative_prolongator(aggregation);
  }
  FootprintCoarsening result;
  result.coarse_operator = galerkin_product(a, prolongator);
  result.prolongator = std::move(prolongator);
  result.aggregate_of_node = std::move(aggregation.aggregate_of_node);
  return result;
}

}  // namespace

FootprintCoarsening coarsen_footprint(const CsrMatrix& operator_2d,
                                      const AggregationOptions& options) {
  validate_options(options);
  validate_operator(operator_2d);
  const std::vector<double> diagonal = diagonal_of(operator_2d);
  return coarsen_with_strength(operator_2d, diagonal,
                               strong_entries(operator_2d, diagonal, options.strength_threshold),
                               options);
}

FootprintCoarsening coarsen_footprint(const CsrMatrix& operator_2d, const CsrMatrix& strength,
                                      const AggregationOptions& options) {
  validate_options(options);
  validate_operator(operator_2d);
  validate_strength(strength, operator_2d);
  const std::vector<double> diagonal = diagonal_of(operator_2d);
  return coarsen_with_strength(
      operator_2d, diagonal,
      strong_entries_given(operator_2d, diagonal, strength, options.strength_threshold), options);
}

CsrMatrix multiply(const CsrMatrix& a, const CsrMatrix& b) {
  validate_csr(a, "multiply: left matrix");
  validate_csr(b, "multiply: right matrix");
  if (a.column_count != b.row_count)
    fail("multiply",
         "inner dimensions differ (left is " + shape_of(a) + ", right is " + shape_of(b) + ")");
  return multiply_unchecked(a, b);
}

CsrMatrix transpose(const CsrMatrix& a) {
  validate_csr(a, "transpose");
  return transpose_unchecked(a);
}

}  // namespace tsvfield::solver
