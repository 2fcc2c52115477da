#include "physics/material_table.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace tsvfield::physics {

namespace {

constexpr int name_width = 14;
constexpr int conductivity_width = 18;
constexpr int value_width = 10;
constexpr int line_width = 100;

std::string pad(const std::string& text, int width) {
  if (static_cast<int>(text.size()) >= width) return text + " ";
  return text + std::string(static_cast<std::size_t>(width) - text.size(), ' ');
}

std::string property_at(const Property& property, double temperature_K) {
  if (!property.is_defined()) return "-";
  return format_property_value(property(temperature_K));
}

// "148" when isotropic, else "x/y/z" (in-plane values equal: still all three).
std::string conductivity_at(const Material& material, double temperature_K) {
  if (material.isotropic()) return property_at(material.conductivity[0], temperature_K);
  return property_at(material.conductivity[0], temperature_K) + "/" +
         property_at(material.conductivity[1], temperature_K) + "/" +
         property_at(material.conductivity[2], temperature_K);
}

std::string header() {
  std::string text =
      "Materials: properties at 300 K and 4 K (tables interpolated log-log in T,\n"
      "clamped outside their range); sources below.\n\n";
  text += pad("material", name_width) + pad("k 300 K", conductivity_width) +
          pad("k 4 K", conductivity_width) + pad("rho*c_p", value_width) +
          pad("rho*c_p", value_width) + pad("sigma", value_width) + pad("sigma", value_width) +
          "eps_r\n";
  text += pad("", name_width) + pad("W/(m*K)", conductivity_width) +
          pad("W/(m*K)", conductivity_width) + pad("300 K", value_width) + pad("4 K", value_width) +
          pad("300 K", value_width) + "4 K\n";
  text += pad("", name_width) + pad("x/y/z if aniso.", conductivity_width) +
          pad("x/y/z if aniso.", conductivity_width) + pad("J/(m^3*K)", value_width) +
          pad("J/(m^3*K)", value_width) + pad("S/m", value_width) + "S/m\n";
  return text + std::string(line_width - 1, '-') + "\n";
}

std::string row(const Material& material) {
  std::string text = pad(material.name, name_width) +
                     pad(conductivity_at(material, 300), conductivity_width) +
                     pad(conductivity_at(material, 4), conductivity_width) +
                     pad(property_at(material.heat_capacity, 300), value_width) +
                     pad(property_at(material.heat_capacity, 4), value_width) +
                     pad(property_at(material.electrical_conductivity, 300), value_width) +
                     pad(property_at(material.electrical_conductivity, 4), value_width) +
                     format_property_value(material.relative_permittivity);
  return text + "\n  " + material.description + "\n";
}

// Words of `text` on lines no longer than line_width, each line starting with `indent`.
std::string wrap(const std::string& text, const std::string& first_indent,
                 const std::string& indent) {
  std::istringstream words(text);
  std::string word, line = first_indent, result;
  bool line_has_word = false;
  while (words >> word) {
    if (line_has_word && line.size() + 1 + word.size() > static_cast<std::size_t>(line_width)) {
      result += line + "\n";
      line = indent;
      line_has_word = false;
    }
    line += (line_has_word ? " " : "") + word;
    line_has_word = true;
  }
  return result + line + "\n";
}

std::string sources(const Material& material) {
  std::string text = material.name + ":\n";
  std::istringstream lines(material.sources);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) text += wrap(line, "  ", "      ");
  }
  return text;
}

}  // namespace

std::string format_property_value(double value) {
  if (std::isnan(value)) return "nan";
  if (value == 0) return "0";
  char buffer[32];
  // Round to three significant digits first, so that 9996 becomes 1e4.
  std::snprintf(buffer, sizeof buffer, "%.2e", value);
  const double rounded = std::stod(buffer);
  const double magnitude = std::fabs(rounded);
  if (magnitude >= 1e-2 && magnitude < 1e5) {
    std::snprintf(buffer, sizeof buffer, magnitude >= 100 ? "%.0f" : "%.3g", rounded);
    return buffer;
  }
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude) + 1e-9));
  std::snprintf(buffer, sizeof buffer, "%.3ge%d", rounded / std::pow(10.0, exponent), exponent);
  return buffer;
}

std::string format_material_table(const MaterialLibrary& library) {
  std::string text = header();
  for (const std::string& name : library.names()) text += row(library.at(name));
  text += "\nSources\n";
  for (const std::string& name : library.names()) text += sources(library.at(name));
  return text;
}

}  // namespace tsvfield::physics
