#pragma once
// Prefetching for passes over a list of cells (one power source's, one die's). Such a
// pass visits the few cells a layer has in each column and then jumps to another
// column's lines, whose node coordinates are not in cache and which the hardware
// prefetcher cannot predict: those misses were about two thirds of the time of the
// power-source and load-vector passes at 8M unknowns (perf).
#include <cstddef>
#include <cstdint>

#include "mesh/local_mesh.hpp"

namespace tsvfield::mesh {

// Call at position k of a pass over `count` listed cells, cell_at(i) giving the i-th
// cell: fetches the node coordinates of the cell kDistance places on (whose
// connectivity was fetched kDistance calls earlier) and the connectivity of the cell
// twice as far. Only hints: no effect on results. Always inlined: without it GCC 12 -O3
// emitted none of the prefetches at the call sites (checked in the assembly).
template <typename CellAt>
[[gnu::always_inline]] inline void prefetch_listed_cells(const LocalMesh& mesh, std::size_t k,
                                                         std::size_t count, CellAt cell_at) {
  constexpr std::size_t kDistance = 8;  // cells; a few hundred ns of work ahead
  if (k + 2 * kDistance < count) {
    __builtin_prefetch(mesh.cells.data() + cell_at(k + 2 * kDistance));
  }
  if (k + kDistance < count) {
    const std::int32_t* nodes = mesh.cells[static_cast<std::size_t>(cell_at(k + kDistance))].data();
    for (int a = 0; a < 8; ++a) __builtin_prefetch(mesh.node_coords.data() + nodes[a]);
  }
}

}  // namespace tsvfield::mesh
