#include "app/mesh_setup.hpp"

#include <string>

#include "solver/petsc_handles.hpp"

namespace tsvfield::app {
namespace {

mesh::MeshOptions mesh_options(const io::Case& the_case, Progress& progress) {
  mesh::MeshOptions options;
  for (const auto& interface : the_case.thermal.interfaces) {
    options.split_interfaces.push_back(
        {interface.lower_layer, interface.upper_layer, interface.source});
  }
  options.progress = [&progress](int percent) { progress.percent("meshing", percent); };
  return options;
}

}  // namespace

mesh::GeneratedMesh build_mesh(const io::Case& the_case, MPI_Comm comm, Progress& progress) {
  solver::ScopedLogStage stage("Mesh");
  progress.step("meshing");
  mesh::GeneratedMesh generated =
      mesh::generate_mesh(the_case.stack, the_case.mesh, mesh_options(the_case, progress), comm);
  progress.step("mesh: " + std::to_string(generated.mesh.global_cell_count) + " hexahedra, " +
                std::to_string(generated.mesh.global_node_count) + " nodes");
  return generated;
}

}  // namespace tsvfield::app
