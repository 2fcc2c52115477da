#pragma once
// Material properties as functions of temperature, and the library that holds
// the built-in materials plus the case's own. Values in SI units.
#include <array>
#include <map>
#include <string>
#include <vector>

namespace tsvfield::physics {

// A property of temperature: a constant, or a table interpolated in log-log
// (clamped to the end values outside the table's range, with a zero derivative).
class Property {
 public:
  Property() = default;
  static Property constant(double value);
  // temperatures_K ascending and positive, values positive.
  static Property table(std::vector<double> temperatures_K, std::vector<double> values);

  double operator()(double temperature_K) const;
  double derivative(double temperature_K) const;  // d value / dT
  bool is_constant() const { return temperatures_.empty(); }
  bool is_defined() const { return defined_; }
  const std::vector<double>& table_temperatures() const { return temperatures_; }
  const std::vector<double>& table_values() const { return values_; }

 private:
  bool defined_ = false;
  double constant_ = 0;
  std::vector<double> temperatures_, values_;
};

struct Material {
  std::string name;         // identifier used in case files, e.g. "silicon"
  std::string description;  // one line, e.g. "Silicon, lightly doped (<1e17 cm^-3)"
  // Thermal conductivity along x, y, z (W/(m*K)); equal for isotropic materials.
  std::array<Property, 3> conductivity;
  Property heat_capacity;            // volumetric rho * c_p, J/(m^3*K)
  Property electrical_conductivity;  // S/m (0 for insulators)
  double relative_permittivity = 1;  // eps_r
  std::string sources;               // citations of the data, one per property
  bool isotropic() const;
};

class MaterialLibrary {
 public:
  // The built-in materials (silicon, copper, tungsten, sio2, si3n4, sac305, indium,
  // underfill, mold_compound, tim, aluminium, air, ...).
  static MaterialLibrary builtin();

  void add(Material material);  // replaces a material of the same name
  const Material* find(const std::string& name) const;
  const Material& at(const std::string& name) const;  // throws std::out_of_range
  std::vector<std::string> names() const;             // sorted

 private:
  std::map<std::string, Material> materials_;
};

}  // namespace tsvfield::physics
