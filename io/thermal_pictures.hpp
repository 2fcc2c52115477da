#pragma once
// A distributed nodal field drawn into pictures for the design-review report: a
// layer seen from above and a vertical section through the stack. Every rank draws
// its own cells (trilinear cells drawn face by face as two linear triangles, so a
// field linear in the picture's two coordinates is drawn exactly); the rasters meet
// on rank 0 as the per-pixel maximum. Collective over `comm`.
#include <mpi.h>

#include <vector>

#include "io/raster_image.hpp"
#include "mesh/local_mesh.hpp"

namespace tsvfield::io {

// Layer `layer` (index into mesh.layer_names) seen from above (u = x, v = y): at each
// pixel the largest value over the layer's thickness (on an extruded mesh a field
// linear in z peaks on a cell's bottom or top face, and those are drawn).
// Complete on rank 0; the other ranks' rasters hold only their own cells.
ScalarRaster layer_map(const mesh::LocalMesh& mesh, const std::vector<double>& node_values,
                       int layer, const PixelWindow& window, MPI_Comm comm);

// The vertical plane y = `y` (u = x, v = z): each cell the plane cuts is drawn as the
// quadrilateral between where the plane crosses its bottom and its top face. Exact
// for the mesher's extruded cells (vertical edges); on sheared cells the top face is
// cut at the bottom face's edge parameters. Complete on rank 0.
ScalarRaster vertical_section(const mesh::LocalMesh& mesh, const std::vector<double>& node_values,
                              double y, const PixelWindow& window, MPI_Comm comm);

}  // namespace tsvfield::io
