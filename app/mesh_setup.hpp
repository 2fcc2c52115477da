#pragma once
// Building the distributed mesh of a case, shared by `mesh` and `run`.
#include <mpi.h>

#include "io/case.hpp"
#include "mesh/extrude.hpp"
#include "mesh/progress.hpp"

namespace tsvfield::app {

// Generates the mesh inside the PETSc log stage "Mesh", with progress lines. Layers
// joined by an interface resistance get doubled nodes at their interface.
mesh::GeneratedMesh build_mesh(const io::Case& the_case, MPI_Comm comm, Progress& progress);

}  // namespace tsvfield::app
