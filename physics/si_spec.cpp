#include "physics/si_spec.hpp"

#include <cmath>
#include <string>

namespace tsvfield::physics {
namespace {

// The reader validates sweeps with positions; this guards callers that build one by hand.
void check_sweep(const FrequencySweep& sweep) {
  if (sweep.points < 1)
    throw InputError(sweep.source, "expected at least one frequency point, found " +
                                       std::to_string(sweep.points));
  if (!std::isfinite(sweep.start_Hz) || !std::isfinite(sweep.stop_Hz) || sweep.start_Hz < 0)
    throw InputError(sweep.source, "expected finite frequencies >= 0 Hz");
  if (sweep.points > 1 && !(sweep.stop_Hz > sweep.start_Hz))
    throw InputError(sweep.source, "expected a stop frequency above the start frequency");
  if (sweep.spacing == FrequencySpacing::log && !(sweep.start_Hz > 0))
    throw InputError(sweep.source, "expected a start frequency > 0 Hz for log spacing");
}

}  // namespace

std::vector<double> sweep_frequencies(const FrequencySweep& sweep) {
  check_sweep(sweep);
  if (sweep.points == 1) return {sweep.start_Hz};
  const int intervals = sweep.points - 1;
  std::vector<double> frequencies(static_cast<std::size_t>(sweep.points));
  const bool log_spacing = sweep.spacing == FrequencySpacing::log;
  const double log_start = log_spacing ? std::log(sweep.start_Hz) : 0.0;
  const double log_stop = log_spacing ? std::log(sweep.stop_Hz) : 0.0;
  for (int i = 0; i <= intervals; ++i) {
    // Interpolate from both ends so the rounding is symmetric; the endpoints are
    // set exactly below (a report frequency given as the stop must match it).
    const double t = static_cast<double>(i) / intervals;
    frequencies[static_cast<std::size_t>(i)] = log_spacing
                                                   ? std::exp((1 - t) * log_start + t * log_stop)
                                                   : (1 - t) * sweep.start_Hz + t * sweep.stop_Hz;
  }
  frequencies.front() = sweep.start_Hz;
  frequencies.back() = sweep.stop_Hz;
  return frequencies;
}

}  // namespace tsvfield::physics
