// The `materials` section: the case's own materials, from scratch or based on a
// built-in, with constant, anisotropic or tabulated k(T).
#include <algorithm>
#include <exception>

#include "io/case_sections.hpp"
#include "io/text_match.hpp"
#include "physics/material_data.hpp"

namespace tsvfield::io::detail {
namespace {

// A table {table: [[T, value], ...]}: temperatures ascending and positive, values
// positive (the table is interpolated in log-log).
physics::Property read_property_table(const ReadContext& context, const YAML::Node& node,
                                      const std::string& path, Dimension dimension) {
  MapReader map(context, node, path, {"table"});
  const std::string rows_path = map.path("table");
  const YAML::Node rows = read_list(context, map.required("table"), rows_path);
  if (rows.size() < 2)
    throw_input_error(
        context, rows, rows_path,
        "expected at least two rows [temperature, value], found " + std::to_string(rows.size()));
  std::vector<double> temperatures, values;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string row_path = index_path(rows_path, i);
    if (!rows[i].IsSequence() || rows[i].size() != 2)
      throw_input_error(context, rows[i], row_path,
                        "expected a row [temperature, value], found " + describe_node(rows[i]));
    const double temperature = read_quantity(context, rows[i][0], index_path(row_path, 0),
                                             Dimension::temperature, Sign::positive);
    if (!temperatures.empty() && temperature <= temperatures.back())
      throw_input_error(context, rows[i][0], index_path(row_path, 0),
                        "expected temperatures in ascending order, found '" + rows[i][0].Scalar() +
                            "' after '" + rows[i - 1][0].Scalar() + "'");
    const double value = read_quantity(context, rows[i][1], index_path(row_path, 1), dimension);
    if (!(value > 0))
      throw_input_error(context, rows[i][1], index_path(row_path, 1),
                        "expected a positive value (tables are interpolated in log-log), found '" +
                            rows[i][1].Scalar() + "'");
    temperatures.push_back(temperature);
    values.push_back(value);
  }
  try {
    return physics::Property::table(std::move(temperatures), std::move(values));
  } catch (const std::exception& error) {
    throw_input_error(context, node, path, error.what());
  }
}

// A constant ("150 W/(m*K)") or a table.
physics::Property read_property(const ReadContext& context, const YAML::Node& node,
                                const std::string& path, Dimension dimension, Sign sign) {
  if (node.IsMap()) return read_property_table(context, node, path, dimension);
  if (!node.IsScalar())
    throw_input_error(context, node, path,
                      "expected " + dimension_description(dimension) +
                          " or {table: [[T, value], ...]}, found " + describe_node(node));
  return physics::Property::constant(read_quantity(context, node, path, dimension, sign));
}

// Isotropic (a constant or a table) or anisotropic [kx, ky, kz].
std::array<physics::Property, 3> read_conductivity(const ReadContext& context,
                                                   const YAML::Node& node,
                                                   const std::string& path) {
  if (!node.IsSequence()) {
    const physics::Property k =
        read_property(context, node, path, Dimension::thermal_conductivity, Sign::positive);
    return {k, k, k};
  }
  if (node.size() != 3)
    throw_input_error(context, node, path,
                      "expected [kx, ky, kz] (three conductivities), found a list of " +
                          std::to_string(node.size()));
  std::array<physics::Property, 3> k;
  for (std::size_t axis = 0; axis < 3; ++axis)
    k[axis] = read_property(context, node[axis], index_path(path, axis),
                            Dimension::thermal_conductivity, Sign::positive);
  return k;
}

// Resistivity given instead of conductivity: the same property, inverted.
physics::Property invert(const physics::Property& resistivity) {
  if (resistivity.is_constant()) return physics::Property::constant(1.0 / resistivity(300.0));
  std::vector<double> conductivities;
  for (double rho : resistivity.table_values()) conductivities.push_back(1.0 / rho);
  return physics::Property::table(resistivity.table_temperatures(), std::move(conductivities));
}

const physics::Material& find_base_material(const ReadContext& context, const YAML::Node& node,
                                            const std::string& path,
                                            const physics::MaterialLibrary& library) {
  const std::string base_name = read_string(context, node, path);
  const physics::Material* base = library.find(base_name);
  if (!base)
    throw_input_error(
        context, node, path,
        "unknown material '" + base_name + "'" + did_you_mean(base_name, library.names()));
  return *base;
}

// Copper with the residual resistivity ratio `rrr` (copper itself or based on it).
physics::Material read_copper_rrr(const ReadContext& context, MapReader& map,
                                  const std::string& name, const std::string& base_name) {
  const YAML::Node rrr_node = map.optional("rrr");
  if (name != "copper" && base_name != "copper")
    throw_input_error(context, rrr_node, map.path("rrr"),
                      "rrr applies only to copper (name the material copper or give "
                      "based_on: copper)");
  const double rrr = read_quantity(context, rrr_node, map.path("rrr"), Dimension::dimensionless);
  if (!(rrr > 1))
    throw_input_error(
        context, rrr_node, map.path("rrr"),
        "expected a residual resistivity ratio > 1, found '" + rrr_node.Scalar() + "'");
  try {
    return physics::copper(rrr);
  } catch (const std::exception& error) {
    throw_input_error(context, rrr_node, map.path("rrr"), error.what());
  }
}

void read_electrical_conductivity(const ReadContext& context, MapReader& map,
                                  physics::Material& material) {
  const YAML::Node sigma = map.optional("electrical_conductivity");
  const YAML::Node rho = map.optional("resistivity");
  if (sigma.IsDefined() && rho.IsDefined())
    throw_input_error(context, rho, map.path("resistivity"),
                      "give either electrical_conductivity or resistivity, not both");
  if (sigma.IsDefined())
    material.electrical_conductivity =
        read_property(context, sigma, map.path("electrical_conductivity"),
                      Dimension::electrical_conductivity, Sign::non_negative);
  if (rho.IsDefined())
    material.electrical_conductivity = invert(read_property(
        context, rho, map.path("resistivity"), Dimension::electrical_resistivity, Sign::positive));
}

physics::Material read_material(const ReadContext& context, const YAML::Node& node,
                                const std::string& path, const std::string& name,
                                const physics::MaterialLibrary& library) {
  MapReader map(
      context, node, path,
      {"based_on", "description", "conductivity", "heat_capacity", "electrical_conductivity",
       "resistivity", "relative_permittivity", "rrr", "sources"});
  physics::Material material;
  std::string base_name;
  if (map.has("based_on")) {
    const physics::Material& base =
        find_base_material(context, map.optional("based_on"), map.path("based_on"), library);
    base_name = base.name;
    material = base;
  }
  if (map.has("rrr")) material = read_copper_rrr(context, map, name, base_name);
  if (!map.has("based_on") && !map.has("rrr")) map.required("conductivity");

  material.name = name;
  material.description = map.string_or("description", material.description);
  material.sources = map.string_or("sources", material.sources);
  if (map.has("conductivity"))
    material.conductivity =
        read_conductivity(context, map.optional("conductivity"), map.path("conductivity"));
  if (map.has("heat_capacity"))
    material.heat_capacity =
        read_property(context, map.optional("heat_capacity"), map.path("heat_capacity"),
                      Dimension::volumetric_heat_capacity, Sign::positive);
  read_electrical_conductivity(context, map, material);
  material.relative_permittivity =
      map.quantity_or("relative_permittivity", Dimension::dimensionless, Sign::positive,
                      material.relative_permittivity);
  return material;
}

}  // namespace

physics::MaterialLibrary read_materials(const ReadContext& context, const YAML::Node& node) {
  physics::MaterialLibrary library = physics::MaterialLibrary::builtin();
  if (!node.IsDefined()) return library;
  check_map(context, node, "materials");
  for (const auto& entry : node) {
    const std::string name = read_identifier(context, entry.first, "materials");
    library.add(read_material(context, entry.second, key_path("materials", name), name, library));
  }
  return library;
}

std::string read_material_name(const ReadContext& context, const YAML::Node& node,
                               const std::string& path, const physics::MaterialLibrary& library) {
  const std::string name = read_string(context, node, path);
  if (!library.find(name)) {
    std::string hint = did_you_mean(name, library.names());
    if (hint.empty()) hint = " (known: " + join_names(library.names(), 40) + ")";
    throw_input_error(context, node, path, "unknown material '" + name + "'" + hint);
  }
  return name;
}

}  // namespace tsvfield::io::detail
