#include "mesh/partition.hpp"

#include <algorithm>
#include <numeric>

namespace tsvfield::mesh {
namespace {

struct Bisection {
  const FootprintMesh& footprint;
  const std::vector<std::int64_t>& weights;
  std::vector<std::int32_t>& rank_of;

  // Splits cells[begin, end) over ranks [first_rank, first_rank + parts).
  void split(std::vector<std::int32_t>& cells, std::size_t begin, std::size_t end, int first_rank,
             int parts) {
    if (parts == 1 || end - begin <= 1) {
      for (std::size_t k = begin; k < end; ++k) rank_of[cells[k]] = first_rank;
      return;
    }
    // Cut across the longer side of the centroids' bounding box.
    double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
    for (std::size_t k = begin; k < end; ++k)
      for (int d = 0; d < 2; ++d) {
        lo[d] = std::min(lo[d], footprint.cell_centroid[cells[k]][d]);
        hi[d] = std::max(hi[d], footprint.cell_centroid[cells[k]][d]);
      }
    int axis = (hi[0] - lo[0]) >= (hi[1] - lo[1]) ? 0 : 1;
    std::sort(cells.begin() + begin, cells.begin() + end, [&](std::int32_t a, std::int32_t b) {
      double pa = footprint.cell_centroid[a][axis], pb = footprint.cell_centroid[b][axis];
      if (pa != pb) return pa < pb;
      double qa = footprint.cell_centroid[a][1 - axis], qb = footprint.cell_centroid[b][1 - axis];
      if (qa != qb) return qa < qb;
      return a < b;
    });
    int left_parts = parts / 2;
    std::int64_t total = 0;
    for (std::size_t k = begin; k < end; ++k) total += weights[cells[k]];
    // Cut where the running weight reaches the left share (weights of 0 count as a
    // tiny share so that empty regions are still spread).
    double target = static_cast<double>(total) * left_parts / parts;
    std::size_t cut = begin;
    std::int64_t running = 0;
    while (cut < end && static_cast<double>(running + weights[cells[cut]]) <= target) {
      running += weights[cells[cut]];
      ++cut;
    }
    if (cut < end && total > 0) {
      // Take the element straddling the target if that gets closer to it.
      double with = static_cast<double>(running + weights[cells[cut]]);
      if (with - target < target - static_cast<double>(running)) ++cut;
    }
    if (total == 0) cut = begin + (end - begin) * left_parts / parts;
    cut = std::clamp(cut, begin + 1, end - 1);
    split(cells, begin, cut, first_rank, left_parts);
    split(cells, cut, end, first_rank + left_parts, parts - left_parts);
  }
};

}  // namespace

std::vector<std::int32_t> partition_columns(const FootprintMesh& footprint,
                                            const std::vector<std::int64_t>& column_weights,
                                            int parts) {
  std::vector<std::int32_t> rank_of(footprint.cells.size(), 0);
  std::vector<std::int32_t> cells(footprint.cells.size());
  std::iota(cells.begin(), cells.end(), 0);
  if (parts > 1 && !cells.empty()) {
    Bisection bisection{footprint, column_weights, rank_of};
    bisection.split(cells, 0, cells.size(), 0, parts);
  }
  return rank_of;
}

}  // namespace tsvfield::mesh
