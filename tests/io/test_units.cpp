// Units at the border: every accepted spelling converts to the SI value computed
// by hand here, and every rejected input names the expected dimension.
#include <gtest/gtest.h>

#include <string>

#include "io/text_match.hpp"
#include "io/units.hpp"

namespace tsvfield::io {
namespace {

// Relative comparison: conversions are one or two floating-point products.
void expect_si(const std::string& text, Dimension dimension, double expected) {
  SCOPED_TRACE(text);
  const double value = parse_quantity(text, dimension);
  EXPECT_NEAR(value, expected, 1e-12 * std::abs(expected)) << text;
}

// The UnitError message must contain `fragment`.
void expect_error(const std::string& text, Dimension dimension, const std::string& fragment) {
  SCOPED_TRACE(text);
  try {
    const double value = parse_quantity(text, dimension);
    ADD_FAILURE() << "'" << text << "' was accepted as " << value;
  } catch (const UnitError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
        << "message: " << error.what() << "\nexpected fragment: " << fragment;
  }
}

TEST(Units, BareNumbersAreSi) {
  expect_si("0.001", Dimension::length, 1e-3);
  expect_si("5e-5", Dimension::length, 5e-5);
  expect_si("+2.5", Dimension::power, 2.5);
  expect_si("-3", Dimension::heat_flux, -3);
  expect_si("300", Dimension::temperature, 300);
  expect_si("  42  ", Dimension::dimensionless, 42);
}

TEST(Units, Lengths) {
  expect_si("5 nm", Dimension::length, 5e-9);
  expect_si("50 um", Dimension::length, 50e-6);
  expect_si("50um", Dimension::length, 50e-6);
  expect_si("50 \xC2\xB5m", Dimension::length, 50e-6);  // MICRO SIGN
  expect_si("50 \xCE\xBCm", Dimension::length, 50e-6);  // GREEK MU
  expect_si("1.5 mm", Dimension::length, 1.5e-3);
  expect_si("2 cm", Dimension::length, 0.02);
  expect_si("0.25 m", Dimension::length, 0.25);
  expect_si("4 mil", Dimension::length, 4 * 25.4e-6);
}

TEST(Units, PowerAndElectricalQuantities) {
  expect_si("7 uW", Dimension::power, 7e-6);
  expect_si("350 mW", Dimension::power, 0.35);
  expect_si("120 W", Dimension::power, 120);
  expect_si("1.2 kW", Dimension::power, 1200);
  expect_si("800 mV", Dimension::voltage, 0.8);
  expect_si("1.1 V", Dimension::voltage, 1.1);
  expect_si("20 uA", Dimension::current, 20e-6);
  expect_si("5 mA", Dimension::current, 5e-3);
  expect_si("3 A", Dimension::current, 3);
}

TEST(Units, AbsoluteTemperaturesShiftCelsius) {
  expect_si("85 degC", Dimension::temperature, 358.15);
  expect_si("85 C", Dimension::temperature, 358.15);
  expect_si(
      "85 \xC2\xB0"
      "C",
      Dimension::temperature, 358.15);  // DEGREE SIGN
  expect_si("-40 degC", Dimension::temperature, 233.15);
  expect_si("4 K", Dimension::temperature, 4);
  expect_si("0 K", Dimension::temperature, 0);
}

TEST(Units, TemperatureDifferencesDoNotShift) {
  expect_si("10 degC", Dimension::temperature_difference, 10);
  expect_si("10 K", Dimension::temperature_difference, 10);
  expect_si("-5 K", Dimension::temperature_difference, -5);
}

TEST(Units, ThermalQuantities) {
  expect_si("150 W/(m*K)", Dimension::thermal_conductivity, 150);
  expect_si("150 W/m/K", Dimension::thermal_conductivity, 150);
  expect_si("1.4 W / (m * K)", Dimension::thermal_conductivity, 1.4);
  expect_si("0.2 W/(cm*K)", Dimension::thermal_conductivity, 20);
  // degC inside a compound unit is a temperature difference, like K.
  expect_si("150 W/(m*degC)", Dimension::thermal_conductivity, 150);
  expect_si("2e4 W/(m^2*K)", Dimension::heat_transfer_coefficient, 2e4);
  expect_si("2 W/(cm^2*K)", Dimension::heat_transfer_coefficient, 2e4);
  expect_si("2e4 W/m\xC2\xB2/K", Dimension::heat_transfer_coefficient, 2e4);  // SUPERSCRIPT TWO
  expect_si("5e-6 m^2*K/W", Dimension::thermal_interface_resistance, 5e-6);
  expect_si("10 K*mm^2/W", Dimension::thermal_interface_resistance, 10e-6);
  expect_si("0.1 K*cm^2/W", Dimension::thermal_interface_resistance, 0.1e-4);
  expect_si("1.6e6 J/(m^3*K)", Dimension::volumetric_heat_capacity, 1.6e6);
  expect_si("1.6 J/(cm^3*K)", Dimension::volumetric_heat_capacity, 1.6e6);
  expect_si("1e4 W/m^2", Dimension::heat_flux, 1e4);
  expect_si("100 W/cm^2", Dimension::heat_flux, 1e6);
  expect_si("2 W/mm^3", Dimension::power_density, 2e9);
  expect_si("2 W/m**3", Dimension::power_density, 2);
}

TEST(Units, ConductivityAndResistivity) {
  expect_si("5.8e7 S/m", Dimension::electrical_conductivity, 5.8e7);
  expect_si("10 S/cm", Dimension::electrical_conductivity, 1000);
  expect_si("0 S/m", Dimension::electrical_conductivity, 0);
  expect_si("1.7e-8 ohm*m", Dimension::electrical_resistivity, 1.7e-8);
  expect_si("10 ohm*cm", Dimension::electrical_resistivity, 0.1);
  expect_si("1.7 uohm*cm", Dimension::electrical_resistivity, 1.7e-8);
  expect_si("1.7 \xC2\xB5\xCE\xA9*cm", Dimension::electrical_resistivity, 1.7e-8);  // µΩ·cm
  expect_si("10 Ohm*cm", Dimension::electrical_resistivity, 0.1);
}

// Port reference impedances (analyses.signal_integrity.reference_impedance).
TEST(Units, Resistance) {
  expect_si("50 ohm", Dimension::resistance, 50);
  expect_si("50 Ohm", Dimension::resistance, 50);
  expect_si("50 \xCE\xA9", Dimension::resistance, 50);  // GREEK CAPITAL OMEGA
  expect_si("75", Dimension::resistance, 75);
  expect_si("2 kohm", Dimension::resistance, 2000);
  expect_si("500 mohm", Dimension::resistance, 0.5);
  expect_si("1 V/A", Dimension::resistance, 1);
  expect_error("50 ohm*m", Dimension::resistance,
               "expected a resistance (mohm, ohm, kohm), found '50 ohm*m' (an electrical "
               "resistivity)");
  expect_error("50 ohm", Dimension::frequency, "found '50 ohm' (a resistance)");
  expect_error("40 GHz", Dimension::resistance, "found '40 GHz' (a frequency)");
}

TEST(Units, FrequencyAndTime) {
  expect_si("50 Hz", Dimension::frequency, 50);
  expect_si("10 kHz", Dimension::frequency, 1e4);
  expect_si("100 MHz", Dimension::frequency, 1e8);
  expect_si("20 GHz", Dimension::frequency, 2e10);
  expect_si("0 Hz", Dimension::frequency, 0);
  expect_si("2.5e3 MHz", Dimension::frequency, 2.5e9);
  expect_si("3 ps", Dimension::time, 3e-12);
  expect_si("3 ns", Dimension::time, 3e-9);
  expect_si("100 us", Dimension::time, 1e-4);
  expect_si("10 ms", Dimension::time, 1e-2);
  expect_si("2 s", Dimension::time, 2);
  expect_si("1.5 min", Dimension::time, 90);
}

TEST(Units, WrongDimensionSaysWhatWasExpectedAndFound) {
  expect_error("5 W", Dimension::length,
               "expected a length (nm, um, mm, cm, m), found '5 W' (a power)");
  expect_error("85 W", Dimension::temperature,
               "expected a temperature (K, degC), found '85 W' (a power)");
  expect_error("10 ohm*cm", Dimension::electrical_conductivity,
               "expected an electrical conductivity (S/m, S/cm), found '10 ohm*cm' (an electrical "
               "resistivity)");
  expect_error("150 W/(m^2*K)", Dimension::thermal_conductivity,
               "found '150 W/(m^2*K)' (a heat transfer coefficient)");
  // W/m K reads as (W/m)*K: not a conductivity; the message lists the accepted form.
  expect_error("150 W/m*K", Dimension::thermal_conductivity, "W/(m*K)");
  expect_error("3 um", Dimension::dimensionless, "expected a number, found '3 um'");
}

TEST(Units, MalformedInputs) {
  expect_error("", Dimension::length, "expected a length (nm, um, mm, cm, m), found nothing");
  expect_error("abc", Dimension::length, "found 'abc'");
  expect_error("5 furlong", Dimension::length, "unknown unit 'furlong'");
  expect_error("5 W/(m*K", Dimension::thermal_conductivity, "missing ')'");
  expect_error("5 m^x", Dimension::length, "integer exponent");
  expect_error("5 m m", Dimension::length, "unexpected 'm'");
  expect_error("5 W/", Dimension::power, "ends too early");
  expect_error("um", Dimension::length, "found 'um'");
}

TEST(Units, NonFiniteAndImpossibleValues) {
  expect_error("nan", Dimension::length, "not a finite number");
  expect_error(".nan", Dimension::length, "not a finite number");
  expect_error("-.inf", Dimension::length, "not a finite number");
  expect_error("inf W", Dimension::power, "not a finite number");
  expect_error("1e400 m", Dimension::length, "out of range");
  expect_error("1e307 km", Dimension::length, "out of range");
  expect_error("-300 degC", Dimension::temperature, "below absolute zero");
  expect_error("-1 K", Dimension::temperature, "below absolute zero");
}

TEST(Units, DescriptionsAndAcceptedUnits) {
  EXPECT_EQ(dimension_description(Dimension::heat_transfer_coefficient),
            "a heat transfer coefficient");
  EXPECT_EQ(accepted_units(Dimension::length), "nm, um, mm, cm, m");
  EXPECT_EQ(accepted_units(Dimension::thermal_interface_resistance), "m^2*K/W, K*mm^2/W, K*cm^2/W");
}

// Every unit listed in a message must itself be accepted for its dimension.
TEST(Units, EveryListedUnitIsAccepted) {
  for (int d = static_cast<int>(Dimension::length); d <= static_cast<int>(Dimension::power_density);
       ++d) {
    const auto dimension = static_cast<Dimension>(d);
    std::string units = accepted_units(dimension);
    std::size_t start = 0;
    while (start < units.size()) {
      std::size_t end = units.find(", ", start);
      if (end == std::string::npos) end = units.size();
      const std::string unit = units.substr(start, end - start);
      EXPECT_NO_THROW(parse_quantity("1 " + unit, dimension)) << unit;
      start = end + 2;
    }
  }
}

TEST(TextMatch, EditDistance) {
  EXPECT_EQ(edit_distance("thickness", "thickness"), 0u);
  EXPECT_EQ(edit_distance("thicknes", "thickness"), 1u);
  EXPECT_EQ(edit_distance("thikcness", "thickness"), 1u);  // swapped neighbours
  EXPECT_EQ(edit_distance("Thickness", "thickness"), 0u);  // case ignored
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(TextMatch, Suggestions) {
  const std::vector<std::string> keys = {"name", "thickness", "material", "tsv_arrays"};
  EXPECT_EQ(closest_match("thicknes", keys), "thickness");
  EXPECT_EQ(closest_match("materail", keys), "material");
  EXPECT_EQ(closest_match("tsv_array", keys), "tsv_arrays");
  EXPECT_EQ(closest_match("colour", keys), "");
  EXPECT_EQ(closest_match("x", {"h"}), "");
  EXPECT_EQ(did_you_mean("thicknes", keys), "; did you mean 'thickness'?");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

TEST(TextMatch, Globs) {
  EXPECT_TRUE(glob_match("core_die_*", "core_die_3"));
  EXPECT_TRUE(glob_match("core_die_*", "core_die_"));
  EXPECT_FALSE(glob_match("core_die_*", "core_die"));
  EXPECT_TRUE(glob_match("*_die_?", "core_die_8"));
  EXPECT_FALSE(glob_match("*_die_?", "core_die_10"));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(glob_match("logic_die", "logic_die"));
  EXPECT_TRUE(is_glob("core_*"));
  EXPECT_FALSE(is_glob("core"));
}

}  // namespace
}  // namespace tsvfield::io
