#pragma once
// Distribution of the footprint columns over MPI ranks: weighted recursive coordinate
// bisection of the 2D cell centroids, weighted by the number of 3D cells in each
// column. Deterministic: every rank computes the same answer without communication.
#include <cstdint>
#include <vector>

#include "mesh/footprint_mesh.hpp"

namespace tsvfield::mesh {

// Rank (0 .. parts-1) of every footprint cell. Columns of weight 0 are assigned too.
std::vector<std::int32_t> partition_columns(const FootprintMesh& footprint,
                                            const std::vector<std::int64_t>& column_weights,
                                            int parts);

}  // namespace tsvfield::mesh
