#pragma once
// The resolved case as JSON: every value the run used, defaults filled in, in SI
// units (metres, watts, kelvin, ...), written beside the results as case.resolved.json
// so a result can always be traced to exactly what produced it.
#include "io/case.hpp"
#include "io/json_writer.hpp"

namespace tsvfield::io {

JsonValue resolved_case_json(const Case& the_case);

// The "electrical" object of the resolved case (io/electrical_case_json.cpp): the
// conduction, electrostatic and electrothermal settings present in the case.
JsonValue electrical_case_json(const Case& the_case);

// The "signal_integrity" object of the resolved case (io/si_case_json.cpp): every
// key of analyses.signal_integrity as the run uses it, SI; null when absent.
JsonValue si_case_json(const Case& the_case);

}  // namespace tsvfield::io
