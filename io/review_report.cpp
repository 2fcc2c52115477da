#include "io/review_report.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/electrical_review.hpp"
#include "io/review_text.hpp"
#include "io/si_review.hpp"
#include "io/thermal_report.hpp"
#include "io/thermal_review.hpp"

namespace tsvfield::io {
namespace {

std::string header(const ReviewRun& run, const ReviewResults& results) {
  std::string md = "# Design review: " + run.case_name + "\n\n";
  if (!run.description.empty()) md += run.description + "\n\n";
  md += "| | |\n|---|---|\n";
  md += "| case file | `" + run.case_file + "` |\n";
  std::string analyses;
  for (const auto& analysis : run.analyses) analyses += (analyses.empty() ? "" : "; ") + analysis;
  md += "| analyses | " + analyses + " |\n";
  md += text("| mesh | %lld hexahedra, %lld nodes, solved on %d MPI rank%s |\n",
             static_cast<long long>(run.cells), static_cast<long long>(run.nodes), run.ranks,
             run.ranks == 1 ? "" : "s");
  if (results.thermal != nullptr && results.thermal->has_ambient)
    md += "| ambient (of the thermal resistances) | " + ambient_text(*results.thermal) + " |\n";
  md += "| generated | tsvfield " + run.tsvfield_version + ", " + run.generated_utc + " |\n\n";
  return md;
}

std::string files(const ReviewRun& run) {
  std::string md = "## Files of this run\n\n";
  for (const auto& file : run.other_outputs) md += "- `" + file + "`\n";
  const bool fields = std::any_of(
      run.other_outputs.begin(), run.other_outputs.end(),
      [](const auto& file) { return file.ends_with(".pvtu") || file.ends_with(".pvd"); });
  if (fields) md += "\nOpen the `.pvtu` (or `.pvd`) files in ParaView for the full fields.\n";
  return md;
}

std::string compose(const std::filesystem::path& output_dir, const ReviewRun& run,
                    const ReviewResults& results, const mesh::StackGeometry& geometry,
                    const std::optional<ThermalDrawings>& drawings) {
  std::vector<ReviewText> parts;
  if (results.thermal != nullptr)
    parts.push_back(thermal_review_text(output_dir, geometry, *results.thermal, *drawings));
  if (results.conduction != nullptr) parts.push_back(conduction_review_text(*results.conduction));
  for (const auto& [treatment, capacitance] : results.capacitances)
    parts.push_back(capacitance_review_text(treatment, *capacitance));
  if (results.signal_integrity != nullptr)
    parts.push_back(si_review_text(output_dir, *results.signal_integrity));

  std::string md = header(run, results) + "## Findings\n\n";
  for (const auto& part : parts) md += part.findings;
  md += "\n";
  for (const auto& part : parts) md += part.body;
  md +=
      "## Solvers\n\n| analysis | method | iterations | final residual | converged | "
      "setup / solve (s) |\n|---|---|---|---:|---|---:|\n";
  for (const auto& part : parts) md += part.solvers;
  return md + "\n" + files(run);
}

}  // namespace

void write_review(const std::filesystem::path& output_dir, const ReviewRun& run,
                  const ReviewResults& results, const mesh::LocalMesh& mesh,
                  const mesh::StackGeometry& geometry, MPI_Comm comm) {
  // Every rank draws (collective) before rank 0 writes, so that a failed write on
  // rank 0 cannot leave the others waiting in a reduction.
  std::optional<ThermalDrawings> drawings;
  if (results.thermal != nullptr)
    drawings = draw_thermal_pictures(mesh, geometry, *results.thermal, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string failure;
  if (rank == 0) {
    try {
      write_file_atomically(output_dir / "report.md",
                            compose(output_dir, run, results, geometry, drawings));
    } catch (const std::exception& error) {
      failure = error.what();
      if (failure.empty()) failure = "the design-review report could not be written";
    }
  }
  // Every rank learns of a failure on rank 0 and throws it.
  int length = static_cast<int>(failure.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  if (length == 0) return;
  failure.resize(static_cast<std::size_t>(length));
  MPI_Bcast(failure.data(), length, MPI_CHAR, 0, comm);
  throw std::runtime_error(failure);
}

}  // namespace tsvfield::io
