#pragma once
// The electrical parts of the design-review report (io/review_report): DC conduction
// (terminals, IR drop, Joule power, resistance matrix) and capacitance matrices.
// Plain formatting of the physics results, rank 0 only.
#include <string>

#include "io/review_text.hpp"
#include "physics/conduction.hpp"
#include "physics/electrostatics.hpp"

namespace tsvfield::io {

ReviewText conduction_review_text(const physics::ConductionResults& results);

// `treatment`: the silicon treatment's name ("dielectric", "grounded").
ReviewText capacitance_review_text(const std::string& treatment,
                                   const physics::CapacitanceResults& results);

// A named square matrix (row-major) as a Markdown table, entries times `scale` in
// "%.4g"; `corner` heads the name column (the quantity and its unit).
std::string matrix_markdown(const std::string& corner, const std::vector<std::string>& names,
                            const std::vector<double>& values, double scale);

}  // namespace tsvfield::io
