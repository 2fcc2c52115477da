// The signal-integrity analysis of the resolved case (case.resolved.json
// "signal_integrity"): every key as the run uses it, defaults filled in, SI units.
#include "io/case_json.hpp"

namespace tsvfield::io {

JsonValue si_case_json(const Case& the_case) {
  if (!the_case.signal_integrity) return JsonValue();
  const physics::SignalIntegritySpec& spec = *the_case.signal_integrity;
  JsonValue sweep = JsonValue::object();
  sweep.set("start_Hz", spec.sweep.start_Hz)
      .set("stop_Hz", spec.sweep.stop_Hz)
      .set("points", spec.sweep.points)
      .set("spacing", spec.sweep.spacing == physics::FrequencySpacing::log ? "log" : "linear");
  JsonValue spice = JsonValue::object();
  spice.set("segments", spec.spice.segments).set("max_frequency_Hz", spec.spice.max_frequency_Hz);
  JsonValue value = JsonValue::object();
  value.set("layers", JsonValue::array(spec.layers))
      .set("arrays", JsonValue::array(spec.arrays))
      .set("signal_roles", JsonValue::array(spec.signal_roles))
      .set("return_roles", JsonValue::array(spec.return_roles))
      .set("frequencies", std::move(sweep))
      .set("reference_impedance_ohm", spec.reference_impedance_ohm)
      .set("report_frequencies_Hz", JsonValue::array(spec.report_frequencies_Hz))
      .set("temperature_K", spec.temperature_K)
      .set("semiconductors", JsonValue::array(spec.semiconductors))
      .set("metal_threshold_S_m", spec.metal_threshold)
      .set("depletion_thickness_m", spec.depletion_thickness)
      .set("circle_segments", spec.circle_segments)
      .set("skin_depth_fraction", spec.skin_depth_fraction)
      .set("end_corrections", spec.end_corrections)
      .set("spice", std::move(spice))
      .set("touchstone_name", spec.touchstone_name);
  return value;
}

}  // namespace tsvfield::io
