// `tsvfield mesh CASE`: build the distributed mesh, print its statistics, write it
// for ParaView (DIR/mesh.pvtu) and the statistics as DIR/mesh_statistics.json.
#include <cstdio>

#include "app/case_setup.hpp"
#include "app/commands.hpp"
#include "app/mesh_setup.hpp"
#include "io/mesh_report.hpp"
#include "io/vtk_writer.hpp"
#include "mesh/mesh_statistics.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::app {

void mesh_command(const CommandLine& line, MPI_Comm comm) {
  Progress progress(comm);
  io::Case the_case = load_case(line, progress);
  std::string output_dir = prepare_output_dir(the_case, line, comm);
  mesh::GeneratedMesh generated = build_mesh(the_case, comm, progress);
  mesh::MeshStatistics statistics = mesh::compute_mesh_statistics(generated, comm);
  {
    solver::ScopedLogStage stage("Output");
    progress.step("writing " + output_dir + "/mesh.pvtu");
    io::write_pvtu(output_dir + "/mesh", generated.mesh, {}, {}, comm);
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    io::write_json_file(output_dir + "/mesh_statistics.json", io::mesh_statistics_json(statistics));
    std::fputs(mesh::format_mesh_statistics(statistics).c_str(), stdout);
    std::printf("\nParaView: %s/mesh.pvtu\nstatistics: %s/mesh_statistics.json\n",
                output_dir.c_str(), output_dir.c_str());
  }
}

}  // namespace tsvfield::app
