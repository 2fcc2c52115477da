#pragma once
// The signal-integrity part of `tsvfield run`: per-unit-length RLGC of every line
// section, the 2N-port S-matrix, the SPICE models. Prints the report on rank 0,
// writes <stem>.s<2N>p (Touchstone 1.1), the SPICE files, si_rlgc_<layer>.csv and
// si_sparameters.csv, and fills summary["si"].
#include <mpi.h>

#include <string>

#include "io/case.hpp"
#include "io/json_writer.hpp"
#include "mesh/extrude.hpp"
#include "mesh/progress.hpp"
#include "physics/signal_integrity.hpp"

namespace tsvfield::app {

// Collective on comm; returns the results (for the report). Throws InputError /
// SolverError from the physics.
physics::SignalIntegrityResults run_signal_integrity_analysis(const io::Case& the_case,
                                                              const mesh::GeneratedMesh& generated,
                                                              const std::string& output_dir,
                                                              MPI_Comm comm, Progress& progress,
                                                              io::JsonValue& summary);

}  // namespace tsvfield::app
