#pragma once
// The signal-integrity part of the design-review report (io/review_report): the
// sections and sweep, insertion and return loss and worst crosstalk per signal at
// the report frequencies, per-unit-length R, L, G, C there, passivity and
// reciprocity, and two charts in DIR/report/ (|S| of transmission and reflection
// against frequency). Rank 0 only.
#include <filesystem>

#include "io/review_text.hpp"
#include "physics/signal_integrity.hpp"

namespace tsvfield::io {

// Writes the charts and returns the text. Throws std::runtime_error naming a file it
// cannot write.
ReviewText si_review_text(const std::filesystem::path& output_dir,
                          const physics::SignalIntegrityResults& results);

}  // namespace tsvfield::io
