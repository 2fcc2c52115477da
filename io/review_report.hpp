#pragma once
// The design-review report: DIR/report.md, a Markdown page a packaging engineer can
// put in front of a review as it is, with its pictures in DIR/report/. What was run;
// the findings of every analysis at the top; then the thermal results (dies, power
// blocks, a section through the hottest point and each die from above, heat balance:
// io/thermal_review), DC conduction and capacitance (io/electrical_review), signal
// integrity (io/si_review), the solvers' statistics and the run's files.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "mesh/stack_geometry.hpp"
#include "physics/conduction.hpp"
#include "physics/electrostatics.hpp"
#include "physics/signal_integrity.hpp"
#include "physics/thermal_results.hpp"

namespace tsvfield::io {

// What the report says about the run itself.
struct ReviewRun {
  std::string case_name, case_file, description;
  std::vector<std::string> analyses;  // e.g. "thermal: steady", "DC conduction"
  std::string tsvfield_version;
  std::string generated_utc;  // e.g. "2026-11-26 12:00 UTC"
  int ranks = 1;
  std::int64_t cells = 0, nodes = 0;
  std::vector<std::string> other_outputs;  // files of the run beside the report (rank 0)
};

// The results to report; null (or empty) for an analysis the case does not have.
struct ReviewResults {
  const physics::ThermalResults* thermal = nullptr;
  const physics::ConductionResults* conduction = nullptr;
  std::vector<std::pair<std::string, const physics::CapacitanceResults*>> capacitances;
  const physics::SignalIntegrityResults* signal_integrity = nullptr;
};

// Writes DIR/report.md and DIR/report/*.png (every file atomically). Collective over
// `comm`: the thermal pictures gather every rank's cells first, then rank 0 writes;
// a failure there is thrown (std::runtime_error, naming the file) on every rank.
void write_review(const std::filesystem::path& output_dir, const ReviewRun& run,
                  const ReviewResults& results, const mesh::LocalMesh& mesh,
                  const mesh::StackGeometry& geometry, MPI_Comm comm);

}  // namespace tsvfield::io
