#pragma once
// Quantities with units at the border of the program: "50 um", "2.5 W", "85 degC",
// "1e4 W/(m^2*K)" -> SI values. A bare number is taken as SI.
//
// Unit expressions combine symbols with '*', '/', '^' and parentheses and are
// evaluated left to right ("W/m/K" == "W/(m*K)"); the result must have the
// dimension the caller expects. Absolute temperatures accept degC ("85 degC" is
// 358.15 K); inside compound units and for temperature differences degC counts
// like K.
#include <stdexcept>
#include <string>
#include <string_view>

namespace tsvfield::io {

enum class Dimension {
  dimensionless,
  length,
  time,
  frequency,
  temperature,             // absolute: degC is shifted by 273.15
  temperature_difference,  // degC counts like K
  power,
  voltage,
  current,
  resistance,                    // ohm
  thermal_conductivity,          // W/(m*K)
  heat_transfer_coefficient,     // W/(m^2*K)
  thermal_interface_resistance,  // m^2*K/W
  volumetric_heat_capacity,      // J/(m^3*K)
  electrical_conductivity,       // S/m
  electrical_resistivity,        // ohm*m
  heat_flux,                     // W/m^2
  power_density,                 // W/m^3
};

// The text does not parse as a quantity of the expected dimension. The message
// says what was expected and what was found; the case reader adds where.
class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "50 um" with Dimension::length -> 5e-5. Throws UnitError for a malformed
// number, an unknown unit, a unit of another dimension, a non-finite value or
// (for absolute temperatures) a value below 0 K.
double parse_quantity(std::string_view text, Dimension expected);

// "a length", "a thermal conductivity", ...
std::string dimension_description(Dimension dimension);
// The units the error messages list, e.g. "nm, um, mm, cm, m".
std::string accepted_units(Dimension dimension);

}  // namespace tsvfield::io
