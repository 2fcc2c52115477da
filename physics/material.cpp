#include "physics/material.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "physics/material_data.hpp"

namespace tsvfield::physics {

namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void require_valid_table(const std::vector<double>& temperatures_K,
                         const std::vector<double>& values) {
  if (temperatures_K.empty()) throw std::invalid_argument("property table: no points");
  if (temperatures_K.size() != values.size()) {
    throw std::invalid_argument("property table: " + std::to_string(temperatures_K.size()) +
                                " temperatures but " + std::to_string(values.size()) + " values");
  }
  for (std::size_t i = 0; i < temperatures_K.size(); ++i) {
    const double temperature = temperatures_K[i];
    if (!std::isfinite(temperature) || temperature <= 0) {
      throw std::invalid_argument("property table: temperature " + number_text(temperature) +
                                  " K is not a positive number");
    }
    if (i > 0 && !(temperature > temperatures_K[i - 1])) {
      throw std::invalid_argument("property table: temperatures must ascend strictly, found " +
                                  number_text(temperature) + " K after " +
                                  number_text(temperatures_K[i - 1]) + " K");
    }
    if (!std::isfinite(values[i]) || values[i] <= 0) {
      // Log-log interpolation needs positive values; a zero property is a constant.
      throw std::invalid_argument("property table: value " + number_text(values[i]) + " at " +
                                  number_text(temperature) + " K is not a positive number");
    }
  }
}

// The table segment [i, i+1] holding temperature_K (inside the table's range).
std::size_t segment_index(const std::vector<double>& temperatures, double temperature_K) {
  const auto upper = std::upper_bound(temperatures.begin(), temperatures.end(), temperature_K);
  const std::size_t index = static_cast<std::size_t>(upper - temperatures.begin());
  return std::min(index == 0 ? 0 : index - 1, temperatures.size() - 2);
}

// Exponent s of the power law value = v_i * (T / T_i)^s on segment i.
double segment_exponent(const std::vector<double>& temperatures, const std::vector<double>& values,
                        std::size_t i) {
  return std::log(values[i + 1] / values[i]) / std::log(temperatures[i + 1] / temperatures[i]);
}

}  // namespace

Property Property::constant(double value) {
  if (!std::isfinite(value) || value < 0) {
    throw std::invalid_argument("property constant: " + number_text(value) +
                                " is not a non-negative number");
  }
  Property property;
  property.defined_ = true;
  property.constant_ = value;
  return property;
}

Property Property::table(std::vector<double> temperatures_K, std::vector<double> values) {
  require_valid_table(temperatures_K, values);
  Property property;
  property.defined_ = true;
  if (temperatures_K.size() == 1) {
    property.constant_ = values.front();  // one point: a constant
    return property;
  }
  property.temperatures_ = std::move(temperatures_K);
  property.values_ = std::move(values);
  return property;
}

double Property::operator()(double temperature_K) const {
  if (!defined_) throw std::logic_error("Property: value of an undefined property");
  if (is_constant()) return constant_;
  if (std::isnan(temperature_K)) return temperature_K;  // let a NaN be seen, not hidden
  if (temperature_K <= temperatures_.front()) return values_.front();
  if (temperature_K >= temperatures_.back()) return values_.back();
  const std::size_t i = segment_index(temperatures_, temperature_K);
  const double exponent = segment_exponent(temperatures_, values_, i);
  return values_[i] * std::pow(temperature_K / temperatures_[i], exponent);
}

double Property::derivative(double temperature_K) const {
  if (!defined_) throw std::logic_error("Property: derivative of an undefined property");
  if (is_constant()) return 0;
  if (std::isnan(temperature_K)) return temperature_K;
  // Clamped outside the table: constant there. At a table point the one-sided
  // derivative of the segment above is returned (below, at the last point).
  if (temperature_K < temperatures_.front() || temperature_K > temperatures_.back()) return 0;
  const std::size_t i = segment_index(temperatures_, temperature_K);
  const double exponent = segment_exponent(temperatures_, values_, i);
  const double value = values_[i] * std::pow(temperature_K / temperatures_[i], exponent);
  return exponent * value / temperature_K;  // d/dT of v_i (T/T_i)^s
}

bool Material::isotropic() const {
  const auto same = [](const Property& a, const Property& b) {
    return a.is_defined() == b.is_defined() && a.is_constant() == b.is_constant() &&
           a.table_temperatures() == b.table_temperatures() &&
           a.table_values() == b.table_values() &&
           (!a.is_defined() || !a.is_constant() || a(1.0) == b(1.0));
  };
  return same(conductivity[0], conductivity[1]) && same(conductivity[0], conductivity[2]);
}

MaterialLibrary MaterialLibrary::builtin() {
  MaterialLibrary library;
  for (Material& material : builtin_materials()) library.add(std::move(material));
  return library;
}

void MaterialLibrary::add(Material material) {
  std::string name = material.name;
  materials_.insert_or_assign(std::move(name), std::move(material));
}

const Material* MaterialLibrary::find(const std::string& name) const {
  const auto found = materials_.find(name);
  return found == materials_.end() ? nullptr : &found->second;
}

const Material& MaterialLibrary::at(const std::string& name) const {
  const Material* material = find(name);
  if (material == nullptr) throw std::out_of_range("no material named '" + name + "'");
  return *material;
}

std::vector<std::string> MaterialLibrary::names() const {
  std::vector<std::string> result;
  result.reserve(materials_.size());
  for (const auto& entry : materials_) result.push_back(entry.first);
  return result;  // std::map keeps them sorted
}

}  // namespace tsvfield::physics
