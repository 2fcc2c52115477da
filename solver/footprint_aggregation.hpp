#pragma once
// Coarsening of the 2D footprint for the column multigrid (solver/column_multigrid):
// smoothed aggregation on a small 2D operator that every rank holds whole. The
// 3D prolongator is this 2D one applied on every node plane of the extruded mesh.
//
// Aggregates are grown from strong connections (|a_ij| >= theta sqrt(a_ii a_jj)),
// so that a thin insulating liner ring or a bond layer's weak in-plane coupling
// separates copper from silicon; the tentative prolongator is piecewise constant
// on aggregates and is smoothed by one damped Jacobi step with the filtered
// operator (weak couplings lumped onto the diagonal), omega = 4 / (3 rho(D^-1 A)).
// Everything is deterministic, so every rank builds the same hierarchy.
#include <cstdint>
#include <vector>

namespace tsvfield::solver {

// A sparse matrix in compressed rows (sorted column indices in each row).
struct CsrMatrix {
  std::int32_t row_count = 0;
  std::int32_t column_count = 0;
  std::vector<std::int32_t> row_start;  // row_count + 1 entries
  std::vector<std::int32_t> column;
  std::vector<double> value;
};

struct AggregationOptions {
  double strength_threshold = 0.08;  // theta above
  bool smooth_prolongator = true;    // false: plain (unsmoothed) aggregation
  // Entries of a smoothed prolongator row smaller than this fraction of the row's
  // largest are dropped and the row rescaled to keep its sum (caps coarse fill).
  double prolongator_drop_tolerance = 0.0;
};

struct FootprintCoarsening {
  std::vector<std::int32_t> aggregate_of_node;  // per fine node, every node in one aggregate
  CsrMatrix prolongator;                        // fine nodes x aggregates
  CsrMatrix coarse_operator;                    // prolongator^T * operator * prolongator
};

// `operator_2d` is symmetric with a non-negative diagonal and non-positive
// off-diagonal entries (a vertically summed conduction operator); a zero row
// (an isolated node) becomes an aggregate of its own. Throws std::invalid_argument
// for a malformed matrix.
FootprintCoarsening coarsen_footprint(const CsrMatrix& operator_2d,
                                      const AggregationOptions& options);

// The same with the strength of connection supplied by the caller: `strength`
// has exactly the pattern of `operator_2d`, and j is strongly connected to i
// when strength_ij > 0 and strength_ij >= options.strength_threshold (the
// diagonal is ignored). Weak couplings are also what the filtered operator
// lumps. Throws std::invalid_argument for a malformed matrix or a pattern
// different from the operator's.
FootprintCoarsening coarsen_footprint(const CsrMatrix& operator_2d, const CsrMatrix& strength,
                                      const AggregationOptions& options);

// C = A * B and C = A^T (small helpers the coarsening needs; exposed for tests).
CsrMatrix multiply(const CsrMatrix& a, const CsrMatrix& b);
CsrMatrix transpose(const CsrMatrix& a);

}  // namespace tsvfield::solver
