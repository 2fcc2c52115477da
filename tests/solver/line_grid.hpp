#pragma once
// Test problems for the line smoother and the Krylov methods built on it: an anisotropic
// Laplacian on a box of vertical lines, with the helpers the tests share.
#include <petscksp.h>

#include "solver/column_smoother.hpp"
#include "solver/line_transfer.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::solver::test_grid {

// A 7-point (plus optional iz +- 2) Laplacian on nx x ny x nz nodes with zero
// Dirichlet values outside the box; global row (iy * nx + ix) * nz + iz, so every
// line (ix, iy) is contiguous and whole lines are split over the ranks.
struct GridSpec {
  int nx = 4, ny = 3, nz = 7;
  double cx = 1, cy = 1, cz = 1;
  double c2 = 0;                   // coupling to iz +- 2: pentadiagonal lines
  bool dirichlet_bottoms = false;  // identity rows (MatZeroRowsColumns) at some line bottoms
  bool swap_pairs = false;         // layout order 1,0,3,2,...: a tridiagonal line of band 2
  double diagonal_shift = 0;       // added to every diagonal (negative: indefinite)
  int negative_line = -1;          // this line's diagonals are negated (an indefinite block)
};

struct Problem {
  MatHandle a;
  LineLayout layout;
};

Problem build_problem(const GridSpec& g, MPI_Comm comm, MatType type = MATAIJ);

// The lines of build_problem's matrix as the column multigrid takes them: line
// iy * nx + ix, slot 2 iz (the mesher's numbering without doubled nodes).
LineStructure grid_lines(const GridSpec& g, MPI_Comm comm);

VecHandle make_vector(Mat a);
// A deterministic, non-smooth vector: entry g = sin(seed * (g + 1)) + 0.3.
VecHandle pattern_vector(Mat a, double seed);
double relative_residual(Mat a, Vec b, Vec x);  // ||b - A x|| / ||b||
double max_difference(Vec x, Vec y);            // max |x - y|
double max_abs(Vec x);

}  // namespace tsvfield::solver::test_grid
