// `tsvfield check CASE`: validate the case and its geometry, print the resolved stack.
#include <cstdio>

#include "app/case_setup.hpp"
#include "app/commands.hpp"
#include "app/stack_report.hpp"
#include "mesh/stack_geometry.hpp"

namespace tsvfield::app {

void check_command(const CommandLine& line, MPI_Comm comm) {
  Progress progress(comm);
  io::Case the_case = load_case(line, progress);
  mesh::StackGeometry geometry = mesh::build_stack_geometry(the_case.stack);
  progress.step("geometry is valid");
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::fputs(format_stack_report(the_case, geometry).c_str(), stdout);
}

}  // namespace tsvfield::app
