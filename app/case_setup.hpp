#pragma once
// Steps every case-driven command shares: read the case, hand its PETSc options to
// PETSc, choose the output folder.
#include <mpi.h>

#include <string>

#include "app/cli.hpp"
#include "io/case.hpp"
#include "mesh/progress.hpp"

namespace tsvfield::app {

// Reads and validates the case on every rank (each rank reads the file itself, so
// bad input is reported identically everywhere). Throws InputError.
io::Case load_case(const CommandLine& line, Progress& progress);

// Inserts the case's petsc_options, then the command line's again on top, so that
// the command line wins where both set an option.
void apply_petsc_options(const io::Case& the_case, const CommandLine& line);

// --output DIR, else the case's output.directory. Created (with parents) by rank 0;
// every rank returns after it exists. Throws InputError when it cannot be created.
std::string prepare_output_dir(const io::Case& the_case, const CommandLine& line, MPI_Comm comm);

}  // namespace tsvfield::app
