#pragma once
// Text tables the driver prints about a case: the resolved stack (for `check`).
#include <string>

#include "io/case.hpp"
#include "mesh/stack_geometry.hpp"

namespace tsvfield::app {

// Every layer with its z-range, thickness, material, TSV and bump counts and power,
// then the totals.
std::string format_stack_report(const io::Case& the_case, const mesh::StackGeometry& geometry);

}  // namespace tsvfield::app
