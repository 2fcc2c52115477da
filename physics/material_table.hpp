#pragma once
// The text that `tsvfield materials` prints: one row per material with its
// properties at 300 K and 4 K, then the sources of the data.
#include <string>

#include "physics/material.hpp"

namespace tsvfield::physics {

// A table readable in a 100-column terminal: per material the thermal
// conductivity at 300 K and 4 K (x/y/z when anisotropic), rho*c_p and sigma at
// 300 K and 4 K, eps_r, and the description on the line below; then, per
// material, the sources of each property.
std::string format_material_table(const MaterialLibrary& library);

// A value to three significant digits, exponent only outside [0.01, 1e5):
// "0.0263", "148", "1170", "1.66e6", "1e-6", "0".
std::string format_property_value(double value);

}  // namespace tsvfield::physics
