// `tsvfield materials`: the built-in material library at 300 K and 4 K.
#include <cstdio>

#include "app/commands.hpp"
#include "physics/material.hpp"
#include "physics/material_table.hpp"

namespace tsvfield::app {

void materials_command(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return;
  std::fputs(physics::format_material_table(physics::MaterialLibrary::builtin()).c_str(), stdout);
}

}  // namespace tsvfield::app
