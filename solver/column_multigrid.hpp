#pragma once
// The column multigrid: the preconditioner of the steady linear thermal solve on an
// extruded mesh (the default since issue #4's performance work; -thermal_column_mg false
// gives BoomerAMG, see docs/architecture.md). BoomerAMG spends most of its time
// discovering what the mesher already knows: every node lies on a vertical line over a
// footprint node, and the couplings that make a stack of 30 um dies over 10 mm hard
// (strong vertical, weak in-plane, or the reverse near 1 um liner rings) are along
// those lines. So:
//  - the smoother solves every line exactly (solver/column_smoother: line Gauss-
//    Seidel, forward before and backward after the coarse correction, so the V-cycle
//    is symmetric and CG can use it; the forward sweep leaves PCMG's residual);
//  - coarsening is in the footprint only (solver/footprint_aggregation: smoothed
//    aggregation on the vertically summed in-plane couplings, the same on every node
//    plane), so each coarse level is again a set of lines;
//  - coarse operators are Galerkin (P^T A P); the coarsest level is factored (MUMPS,
//    the whole of it on every rank) when small, else solved by four BoomerAMG V-cycles.
// Line smoothing with semi-coarsening in the other directions is the classic
// combination that stays robust for any strength of the vertical coupling.
#include <petscksp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "solver/column_smoother.hpp"
#include "solver/footprint_aggregation.hpp"
#include "solver/line_transfer.hpp"

namespace tsvfield::mesh {
struct LocalMesh;
}

namespace tsvfield::solver {

// The owned nodes' lines of an extruded mesh; empty (footprint_node_count 0) when the
// mesh carries no extruded structure.
LineStructure line_structure(const mesh::LocalMesh& mesh);

struct ColumnMultigridOptions {
  int max_levels = 8;
  // Stop coarsening when the footprint has at most this many nodes (or stops shrinking).
  std::int32_t coarsest_footprint_nodes = 400;
  // The coarsest level is factored up to this many rows, else solved by BoomerAMG.
  std::int32_t largest_factored_coarse_rows = 20000;
  int smoothing_sweeps = 1;  // line Gauss-Seidel sweeps before and after each correction
  // The pre-smoothing sweep leaves the residual behind (ColumnSmoother::
  // enable_residual_output) instead of PCMG computing it with MatResidual: the same
  // V-cycle up to rounding, one pass over each level's matrix fewer.
  bool residual_from_sweep = true;
  double coarse_strength_threshold = -1;  // below the finest level; < 0: as the finest
  // A row whose in-plane couplings are all below this fraction of its diagonal (it
  // follows its line in the smoother) has no say in the strength of its line's couplings.
  double follower_row_fraction = 0.01;
  // The sweeps (and CG's product, see ColumnMultigridSummary::finest_smoother) read each
  // level's columns as shared row patterns (ColumnSmootherOptions::row_patterns).
  bool row_patterns = true;
  // With row_patterns, solve_linear_system's CG multiplies by the fine matrix through
  // the finest smoother's patterns (smoother_product_matrix) instead of MatMult on AIJ.
  bool pattern_product = true;
  AggregationOptions aggregation;
};

// Reads "-<prefix>column_mg_*" options over the defaults: levels, coarsest_nodes,
// coarse_factor_rows, sweeps, sweep_residual, threshold, coarse_threshold,
// follower_fraction, smooth_prolongator, drop_tolerance, row_patterns, pattern_product.
ColumnMultigridOptions column_multigrid_options(const std::string& prefix);

struct ColumnMultigridSummary {
  int levels = 0;
  std::vector<std::int64_t> level_rows;   // global rows per level, finest first
  std::vector<std::int32_t> level_lines;  // footprint nodes (lines) per level
  double operator_complexity = 0;         // nonzeros of all levels / the fine matrix's
  int levels_with_sweep_residual = 0;     // levels whose residual the pre-smoother leaves
  // The finest level's smoother: its multiply() is the product with the fine matrix that
  // reads what the sweeps read (smoother_product_matrix makes CG's operator of it).
  std::shared_ptr<const ColumnSmoother> finest_smoother;
};

// Makes `pc` (whose operator is `a`, an assembled symmetric positive definite AIJ
// matrix) a PCMG with line smoothers, footprint-coarsened Galerkin levels and a
// factored coarsest level. Collective. The PC owns everything it builds.
ColumnMultigridSummary setup_column_multigrid(PC pc, Mat a, const LineStructure& lines,
                                              const ColumnMultigridOptions& options);

}  // namespace tsvfield::solver
