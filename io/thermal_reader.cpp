// The thermal sections: power, boundary_conditions, interface_resistances and
// analyses.thermal.
#include <algorithm>

#include "io/case_reader.hpp"
#include "io/case_sections.hpp"
#include "io/text_match.hpp"

namespace tsvfield::io::detail {
namespace {

// The layers a power item's `layer` names: one layer, or each layer matching a
// pattern with '*' / '?'.
std::vector<const mesh::LayerSpec*> matching_layers(const ReadContext& context,
                                                    const YAML::Node& node, const std::string& path,
                                                    const mesh::StackSpec& stack) {
  const std::string pattern = read_string(context, node, path);
  std::vector<const mesh::LayerSpec*> matches;
  for (const mesh::LayerSpec* layer : layers_in_order(stack))
    if (glob_match(pattern, layer->name)) matches.push_back(layer);
  if (!matches.empty()) return matches;
  const std::vector<std::string> names = layer_names_in_order(stack);
  std::string message =
      is_glob(pattern) ? "no layer matches '" + pattern + "'" : "unknown layer '" + pattern + "'";
  std::string hint = did_you_mean(pattern, names);
  if (hint.empty()) hint = " (layers: " + join_names(names) + ")";
  throw_input_error(context, node, path, message + hint);
}

void check_block_exists(const ReadContext& context, const YAML::Node& node, const std::string& path,
                        const mesh::LayerSpec& layer, const std::string& block) {
  std::vector<std::string> names;
  for (const auto& candidate : layer.blocks) {
    if (candidate.name == block) return;
    names.push_back(candidate.name);
  }
  std::string hint = did_you_mean(block, names);
  if (hint.empty())
    hint = names.empty() ? " (it has no blocks)" : " (its blocks: " + join_names(names) + ")";
  throw_input_error(context, node, path,
                    "layer '" + layer.name + "' has no block '" + block + "'" + hint);
}

// One item of `power`, expanded to one source per matching layer.
std::vector<physics::PowerSource> read_power_item(const ReadContext& context,
                                                  const YAML::Node& node, const std::string& path,
                                                  const mesh::StackSpec& stack) {
  MapReader map(context, node, path,
                {"layer", "block", "power", "distribution", "trace", "trace_is_scale", "map"});
  physics::PowerSource source;
  source.source = map.source();
  const auto layers = matching_layers(context, map.required("layer"), map.path("layer"), stack);
  source.block = map.has("block") ? map.identifier("block") : "";
  source.power = map.quantity("power", Dimension::power, Sign::non_negative);
  source.distribution =
      map.choice_or("distribution",
                    std::vector<std::pair<std::string, physics::PowerDistribution>>{
                        {"volume", physics::PowerDistribution::volume},
                        {"top_surface", physics::PowerDistribution::top_surface},
                        {"bottom_surface", physics::PowerDistribution::bottom_surface}},
                    physics::PowerDistribution::volume);
  if (map.has("trace"))
    source.trace_file =
        resolve_input_file(context, map.optional("trace"), map.path("trace"), "trace file");
  if (map.has("trace_is_scale") && source.trace_file.empty())
    map.reject("trace_is_scale", "without a trace");
  source.trace_is_scale = map.boolean_or("trace_is_scale", false);
  if (map.has("map")) {
    if (!source.block.empty()) map.reject("map", "to a block (the map covers the layer outline)");
    source.map_file = resolve_input_file(context, map.optional("map"), map.path("map"), "map file");
  }
  std::vector<physics::PowerSource> sources;
  for (const mesh::LayerSpec* layer : layers) {
    if (!source.block.empty())
      check_block_exists(context, map.optional("block"), map.path("block"), *layer, source.block);
    sources.push_back(source);
    sources.back().layer = layer->name;
  }
  return sources;
}

// "top", "bottom", "sides", "<layer>.top", "<layer>.bottom".
std::vector<std::string> surface_names(const mesh::StackSpec& stack) {
  std::vector<std::string> names = {"top", "bottom", "sides"};
  for (const auto& layer : layer_names_in_order(stack)) {
    names.push_back(layer + ".top");
    names.push_back(layer + ".bottom");
  }
  return names;
}

physics::ThermalBoundary read_boundary(const ReadContext& context, const YAML::Node& node,
                                       const std::string& path, const std::string& surface) {
  MapReader map(context, node, path, {"type", "temperature", "h", "ambient", "flux"});
  physics::ThermalBoundary boundary;
  boundary.source = map.source();
  boundary.surface = surface;
  boundary.kind = read_choice(context, map.required("type"), map.path("type"),
                              std::vector<std::pair<std::string, physics::BoundaryKind>>{
                                  {"adiabatic", physics::BoundaryKind::adiabatic},
                                  {"temperature", physics::BoundaryKind::temperature},
                                  {"convection", physics::BoundaryKind::convection},
                                  {"heat_flux", physics::BoundaryKind::heat_flux}});
  const std::string type = map.string("type");
  const std::vector<std::string> keys_of_type =
      type == "temperature"  ? std::vector<std::string>{"temperature"}
      : type == "convection" ? std::vector<std::string>{"h", "ambient"}
      : type == "heat_flux"  ? std::vector<std::string>{"flux"}
                             : std::vector<std::string>{};
  for (const std::string key : {"temperature", "h", "ambient", "flux"})
    if (std::find(keys_of_type.begin(), keys_of_type.end(), key) == keys_of_type.end())
      map.reject(key, "to a boundary of type " + type);
  if (boundary.kind == physics::BoundaryKind::temperature)
    boundary.temperature_K = map.quantity("temperature", Dimension::temperature, Sign::positive);
  if (boundary.kind == physics::BoundaryKind::convection) {
    boundary.heat_transfer_coeff =
        map.quantity("h", Dimension::heat_transfer_coefficient, Sign::positive);
    boundary.ambient_K = map.quantity("ambient", Dimension::temperature, Sign::positive);
  }
  if (boundary.kind == physics::BoundaryKind::heat_flux)
    boundary.heat_flux = map.quantity("flux", Dimension::heat_flux);
  return boundary;
}

physics::InterfaceResistance read_interface(
    const ReadContext& context, const YAML::Node& node, const std::string& path,
    const mesh::StackSpec& stack,
    const std::vector<std::pair<std::string, std::string>>& adjacent) {
  MapReader map(context, node, path, {"lower", "upper", "resistance"});
  physics::InterfaceResistance interface;
  interface.source = map.source();
  const std::vector<std::string> names = layer_names_in_order(stack);
  for (const std::string key : {"lower", "upper"}) {
    const std::string name = map.string(key);
    if (!find_layer(stack, name))
      throw_input_error(context, map.optional(key), map.path(key),
                        "unknown layer '" + name + "'" + did_you_mean(name, names));
  }
  interface.lower_layer = map.string("lower");
  interface.upper_layer = map.string("upper");
  const std::pair<std::string, std::string> pair{interface.lower_layer, interface.upper_layer};
  if (std::find(adjacent.begin(), adjacent.end(), pair) == adjacent.end()) {
    std::vector<std::string> above;
    for (const auto& [lower, upper] : adjacent)
      if (lower == interface.lower_layer) above.push_back(upper);
    throw_input_error(
        context, map.optional("upper"), map.path("upper"),
        "layer '" + interface.upper_layer + "' is not directly above '" + interface.lower_layer +
            "' (directly above it: " + (above.empty() ? "nothing" : join_names(above)) + ")");
  }
  interface.resistance =
      map.quantity("resistance", Dimension::thermal_interface_resistance, Sign::positive);
  return interface;
}

physics::ThermalAnalysis::Nonlinear read_nonlinear(const ReadContext& context,
                                                   const YAML::Node& node,
                                                   const std::string& path) {
  if (node.IsScalar() && node.Scalar() == "auto")
    return physics::ThermalAnalysis::Nonlinear::automatic;
  if (node.IsScalar()) {
    try {
      return read_bool(context, node, path) ? physics::ThermalAnalysis::Nonlinear::on
                                            : physics::ThermalAnalysis::Nonlinear::off;
    } catch (const InputError&) {
    }
  }
  throw_input_error(context, node, path,
                    "expected auto, true or false, found " + describe_node(node));
}

// The transient-only keys of analyses.thermal.
void read_transient_settings(MapReader& map, physics::ThermalAnalysis& analysis) {
  const std::vector<std::string> transient_keys = {
      "initial_temperature", "end_time", "time_step", "scheme", "adaptive", "output_every"};
  if (analysis.type != physics::ThermalAnalysisType::transient) {
    for (const auto& key : transient_keys) map.reject(key, "to type: steady (only to transient)");
    return;
  }
  analysis.initial_temperature_K =
      map.quantity_or("initial_temperature", Dimension::temperature, Sign::positive,
                      analysis.reference_temperature_K);
  analysis.end_time = map.quantity("end_time", Dimension::time, Sign::positive);
  analysis.time_step = map.quantity("time_step", Dimension::time, Sign::positive);
  if (analysis.time_step > analysis.end_time)
    throw_input_error(map.context(), map.optional("time_step"), map.path("time_step"),
                      "expected a time step no longer than end_time ('" +
                          map.optional("end_time").Scalar() + "'), found '" +
                          map.optional("time_step").Scalar() + "'");
  analysis.scheme = map.choice_or("scheme",
                                  std::vector<std::pair<std::string, physics::TimeScheme>>{
                                      {"bdf2", physics::TimeScheme::bdf2},
                                      {"backward_euler", physics::TimeScheme::backward_euler}},
                                  physics::TimeScheme::bdf2);
  analysis.adaptive = map.boolean_or("adaptive", false);
  analysis.output_every = map.integer_or("output_every", 1, 1);
}

physics::ThermalAnalysis read_thermal_analysis(const ReadContext& context, const YAML::Node& node,
                                               const std::string& path) {
  MapReader map(context, node, path,
                {"type", "nonlinear", "reference_temperature", "rtol", "initial_temperature",
                 "end_time", "time_step", "scheme", "adaptive", "output_every"});
  physics::ThermalAnalysis analysis;
  analysis.source = map.source();
  analysis.type = map.choice_or("type",
                                std::vector<std::pair<std::string, physics::ThermalAnalysisType>>{
                                    {"steady", physics::ThermalAnalysisType::steady},
                                    {"transient", physics::ThermalAnalysisType::transient}},
                                physics::ThermalAnalysisType::steady);
  if (map.has("nonlinear"))
    analysis.nonlinear = read_nonlinear(context, map.optional("nonlinear"), map.path("nonlinear"));
  analysis.reference_temperature_K =
      map.quantity_or("reference_temperature", Dimension::temperature, Sign::positive,
                      analysis.reference_temperature_K);
  analysis.relative_tolerance = map.quantity_or("rtol", Dimension::dimensionless, Sign::positive,
                                                analysis.relative_tolerance);
  if (analysis.relative_tolerance >= 1)
    throw_input_error(
        context, map.optional("rtol"), map.path("rtol"),
        "expected a relative tolerance below 1, found '" + map.optional("rtol").Scalar() + "'");
  read_transient_settings(map, analysis);
  return analysis;
}

}  // namespace

void check_surface(const ReadContext& context, const YAML::Node& key, const std::string& path,
                   const mesh::StackSpec& stack) {
  const std::string& surface = key.Scalar();
  const std::vector<std::string> names = surface_names(stack);
  if (std::find(names.begin(), names.end(), surface) != names.end()) return;
  std::string message = "unknown surface '" + surface + "'";
  const std::size_t dot = surface.rfind('.');
  if (dot != std::string::npos && find_layer(stack, surface.substr(0, dot)))
    message += ": a layer's surfaces are '" + surface.substr(0, dot) + ".top' and '" +
               surface.substr(0, dot) + ".bottom'";
  else if (std::string hint = did_you_mean(surface, names); !hint.empty())
    message += hint;
  else
    message += " (expected top, bottom, sides, <layer>.top or <layer>.bottom)";
  throw_input_error(context, key, path, message);
}

std::vector<physics::PowerSource> read_power(const ReadContext& context, const YAML::Node& node,
                                             const mesh::StackSpec& stack) {
  std::vector<physics::PowerSource> sources;
  if (!node.IsDefined()) return sources;
  const YAML::Node list = read_list(context, node, "power");
  for (std::size_t i = 0; i < list.size(); ++i)
    for (auto& source : read_power_item(context, list[i], index_path("power", i), stack))
      sources.push_back(std::move(source));
  return sources;
}

std::vector<physics::ThermalBoundary> read_boundaries(const ReadContext& context,
                                                      const YAML::Node& node,
                                                      const mesh::StackSpec& stack) {
  std::vector<physics::ThermalBoundary> boundaries;
  if (!node.IsDefined()) return boundaries;
  check_map(context, node, "boundary_conditions");
  for (const auto& entry : node) {
    const std::string surface = entry.first.Scalar();
    const std::string path = key_path("boundary_conditions", surface);
    check_surface(context, entry.first, path, stack);
    boundaries.push_back(read_boundary(context, entry.second, path, surface));
  }
  return boundaries;
}

std::vector<physics::InterfaceResistance> read_interfaces(const ReadContext& context,
                                                          const YAML::Node& node,
                                                          const mesh::StackSpec& stack) {
  std::vector<physics::InterfaceResistance> interfaces;
  if (!node.IsDefined()) return interfaces;
  const YAML::Node list = read_list(context, node, "interface_resistances");
  const auto adjacent = adjacent_layer_pairs(stack);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("interface_resistances", i);
    physics::InterfaceResistance interface =
        read_interface(context, list[i], path, stack, adjacent);
    for (const auto& earlier : interfaces)
      if (earlier.lower_layer == interface.lower_layer &&
          earlier.upper_layer == interface.upper_layer)
        throw InputError(interface.source, "a second resistance between '" + interface.lower_layer +
                                               "' and '" + interface.upper_layer +
                                               "' (first at line " +
                                               std::to_string(earlier.source.line) + ")");
    interfaces.push_back(std::move(interface));
  }
  return interfaces;
}

void read_analyses(const ReadContext& context, const YAML::Node& node, Case& result) {
  if (!node.IsDefined()) return;
  MapReader map(context, node, "analyses",
                {"thermal", "conduction", "electrostatic", "electrothermal", "signal_integrity"});
  if (map.has("thermal"))
    result.thermal.analysis =
        read_thermal_analysis(context, map.optional("thermal"), map.path("thermal"));
  read_electrical_analyses(map, result);
  read_signal_integrity_analysis(map, result);
}

}  // namespace tsvfield::io::detail
