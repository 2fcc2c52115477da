#include "tests/solver/line_grid.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tsvfield::solver::test_grid {
namespace {

int owned_line_count(int lines, MPI_Comm comm, int* first_line) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int base = lines / size, extra = lines % size;
  *first_line = rank * base + std::min(rank, extra);
  return base + (rank < extra ? 1 : 0);
}

}  // namespace

Problem build_problem(const GridSpec& g, MPI_Comm comm, MatType type) {
  int first_line = 0;
  const int lines = owned_line_count(g.nx * g.ny, comm, &first_line);
  const PetscInt local_rows = static_cast<PetscInt>(lines) * g.nz;
  const PetscInt global_rows = static_cast<PetscInt>(g.nx) * g.ny * g.nz;
  Problem problem;
  TSV_CHECK(MatCreate(comm, problem.a.out()));
  TSV_CHECK(MatSetSizes(problem.a, local_rows, local_rows, global_rows, global_rows));
  TSV_CHECK(MatSetType(problem.a, type));
  TSV_CHECK(MatSeqAIJSetPreallocation(problem.a, 11, nullptr));
  TSV_CHECK(MatMPIAIJSetPreallocation(problem.a, 11, nullptr, 4, nullptr));
  auto index = [&g](int ix, int iy, int iz) {
    return static_cast<PetscInt>((iy * g.nx + ix) * g.nz + iz);
  };
  std::vector<PetscInt> dirichlet_rows;
  for (int line = first_line; line < first_line + lines; ++line) {
    const int ix = line % g.nx, iy = line / g.nx;
    for (int iz = 0; iz < g.nz; ++iz) {
      std::vector<PetscInt> columns{index(ix, iy, iz)};
      const double diagonal = 2 * (g.cx + g.cy + g.cz + g.c2) + g.diagonal_shift;
      std::vector<PetscScalar> values{line == g.negative_line ? -diagonal : diagonal};
      auto couple = [&](int jx, int jy, int jz, double c) {
        if (c == 0 || jx < 0 || jx >= g.nx || jy < 0 || jy >= g.ny || jz < 0 || jz >= g.nz) return;
        columns.push_back(index(jx, jy, jz));
        values.push_back(-c);
      };
      couple(ix - 1, iy, iz, g.cx);
      couple(ix + 1, iy, iz, g.cx);
      couple(ix, iy - 1, iz, g.cy);
      couple(ix, iy + 1, iz, g.cy);
      couple(ix, iy, iz - 1, g.cz);
      couple(ix, iy, iz + 1, g.cz);
      couple(ix, iy, iz - 2, g.c2);
      couple(ix, iy, iz + 2, g.c2);
      const PetscInt row = index(ix, iy, iz);
      TSV_CHECK(MatSetValues(problem.a, 1, &row, static_cast<PetscInt>(columns.size()),
                             columns.data(), values.data(), INSERT_VALUES));
      if (g.dirichlet_bottoms && iz == 0 && (ix + iy) % 3 == 0) dirichlet_rows.push_back(row);
    }
  }
  TSV_CHECK(MatAssemblyBegin(problem.a, MAT_FINAL_ASSEMBLY));
  TSV_CHECK(MatAssemblyEnd(problem.a, MAT_FINAL_ASSEMBLY));
  if (g.dirichlet_bottoms)
    TSV_CHECK(MatZeroRowsColumns(problem.a, static_cast<PetscInt>(dirichlet_rows.size()),
                                 dirichlet_rows.data(), 1.0, nullptr, nullptr));

  problem.layout.start.push_back(0);
  for (int l = 0; l < lines; ++l) {
    for (int iz = 0; iz < g.nz; ++iz) {
      const int partner = g.swap_pairs ? (iz % 2 == 0 ? iz + 1 : iz - 1) : iz;
      const int position = partner < g.nz ? partner : iz;  // an odd top node stays put
      problem.layout.rows.push_back(l * g.nz + position);
    }
    problem.layout.start.push_back(static_cast<std::int32_t>(problem.layout.rows.size()));
  }
  return problem;
}

VecHandle make_vector(Mat a) {
  VecHandle v;
  TSV_CHECK(MatCreateVecs(a, v.out(), nullptr));
  return v;
}

VecHandle pattern_vector(Mat a, double seed) {
  VecHandle v = make_vector(a);
  PetscInt first = 0, end = 0;
  TSV_CHECK(VecGetOwnershipRange(v, &first, &end));
  VecArray values(v);
  for (PetscInt g = first; g < end; ++g)
    values[static_cast<std::size_t>(g - first)] = std::sin(seed * static_cast<double>(g + 1)) + 0.3;
  return v;
}

double relative_residual(Mat a, Vec b, Vec x) {
  VecHandle r = make_vector(a);
  TSV_CHECK(MatMult(a, x, r));
  TSV_CHECK(VecAYPX(r, -1.0, b));
  PetscReal r_norm = 0, b_norm = 0;
  TSV_CHECK(VecNorm(r, NORM_2, &r_norm));
  TSV_CHECK(VecNorm(b, NORM_2, &b_norm));
  return r_norm / b_norm;
}

double max_difference(Vec x, Vec y) {
  VecHandle d;
  TSV_CHECK(VecDuplicate(x, d.out()));
  TSV_CHECK(VecWAXPY(d, -1.0, x, y));
  PetscReal norm = 0;
  TSV_CHECK(VecNorm(d, NORM_INFINITY, &norm));
  return norm;
}

double max_abs(Vec x) {
  PetscReal norm = 0;
  TSV_CHECK(VecNorm(x, NORM_INFINITY, &norm));
  return norm;
}

LineStructure grid_lines(const GridSpec& g, MPI_Comm comm) {
  int first_line = 0;
  const int lines = owned_line_count(g.nx * g.ny, comm, &first_line);
  LineStructure structure;
  structure.footprint_node_count = g.nx * g.ny;
  for (int line = first_line; line < first_line + lines; ++line)
    for (int iz = 0; iz < g.nz; ++iz) {
      structure.footprint_node.push_back(line);
      structure.slot.push_back(2 * iz);
    }
  return structure;
}

}  // namespace tsvfield::solver::test_grid
