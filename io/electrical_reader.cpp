// The electrical analyses: analyses.conduction (DC conduction, terminals,
// resistance matrix), analyses.electrostatic (capacitance matrix, one extraction
// per silicon treatment) and analyses.electrothermal (coupling settings).
//
// Conductor names are checked here as far as the stack allows (layer, array,
// index range); whether a selection holds conducting cells is up to the physics,
// which reports it with the item's SourceRef.
#include <algorithm>
#include <charconv>

#include "io/case_reader.hpp"
#include "io/case_sections.hpp"
#include "io/text_match.hpp"

namespace tsvfield::io::detail {
namespace {

// The layout of the TSV or bump array `name` listed by `layer`, null if none.
const mesh::ArrayLayout* find_array(const mesh::LayerSpec& layer, const std::string& name) {
  for (const auto& array : layer.tsv_arrays)
    if (array.name == name) return &array.layout;
  for (const auto& array : layer.bump_arrays)
    if (array.name == name) return &array.layout;
  return nullptr;
}

// "[i,j]" -> (i, j); false when the text is not of that form.
bool parse_index(const std::string& text, int& i, int& j) {
  if (text.size() < 5 || text.front() != '[' || text.back() != ']') return false;
  const char* begin = text.data() + 1;
  const char* end = text.data() + text.size() - 1;
  auto first = std::from_chars(begin, end, i);
  if (first.ec != std::errc() || first.ptr == end || *first.ptr != ',') return false;
  auto second = std::from_chars(first.ptr + 1, end, j);
  return second.ec == std::errc() && second.ptr == end;
}

// One conductor (or whole array) name: "<layer>/<array>" or "<layer>/<array>[i,j]"
// with an existing layer, an array that layer lists, and an index in range.
std::string read_conductor_name(const ReadContext& context, const YAML::Node& node,
                                const std::string& path, const mesh::StackSpec& stack) {
  const std::string name = read_string(context, node, path);
  const std::size_t slash = name.find('/');
  if (slash == std::string::npos)
    throw_input_error(context, node, path,
                      "expected '<layer>/<array>' or '<layer>/<array>[i,j]', found '" + name + "'");
  const std::string layer_name = name.substr(0, slash);
  const mesh::LayerSpec& layer = require_layer(context, node, path, stack, layer_name);
  const std::string rest = name.substr(slash + 1);
  const std::size_t bracket = rest.find('[');
  const std::string array_name = rest.substr(0, bracket);
  require_array(context, node, path, layer, array_name);
  const mesh::ArrayLayout* layout = find_array(layer, array_name);
  if (bracket == std::string::npos) return name;
  int i = 0, j = 0;
  if (!parse_index(rest.substr(bracket), i, j))
    throw_input_error(
        context, node, path,
        "expected an index '[i,j]' after the array name, found '" + rest.substr(bracket) + "'");
  if (i < 0 || i >= layout->count_x || j < 0 || j >= layout->count_y)
    throw_input_error(context, node, path,
                      "index [" + std::to_string(i) + "," + std::to_string(j) + "] is outside '" +
                          layer_name + "/" + array_name + "' (i < " +
                          std::to_string(layout->count_x) + ", j < " +
                          std::to_string(layout->count_y) + ")");
  return name;
}

// `conductors`: one name or a non-empty list of names.
std::vector<std::string> read_conductor_names(const ReadContext& context, const YAML::Node& node,
                                              const std::string& path,
                                              const mesh::StackSpec& stack) {
  if (node.IsScalar()) return {read_conductor_name(context, node, path, stack)};
  const YAML::Node list = read_list(context, node, path);
  if (list.size() == 0)
    throw_input_error(context, node, path, "expected at least one conductor, found an empty list");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i)
    names.push_back(read_conductor_name(context, list[i], index_path(path, i), stack));
  return names;
}

double read_relative_tolerance(MapReader& map, const std::string& key, double fallback) {
  const double value = map.quantity_or(key, Dimension::dimensionless, Sign::positive, fallback);
  if (value >= 1)
    throw_input_error(
        map.context(), map.optional(key), map.path(key),
        "expected a relative tolerance below 1, found '" + map.optional(key).Scalar() + "'");
  return value;
}

// Rejects a second item named like an earlier one, pointing at the first.
template <typename Item>
void check_unique_name(const std::vector<Item>& earlier, const Item& item,
                       const std::string& what) {
  for (const Item& other : earlier)
    if (other.name == item.name)
      throw InputError(item.source, "a second " + what + " named '" + item.name +
                                        "' (first at line " + std::to_string(other.source.line) +
                                        ")");
}

void read_terminal_place(MapReader& map, physics::TerminalSpec& terminal,
                         const mesh::StackSpec& stack) {
  const bool has_surface = map.has("surface");
  if (has_surface) {
    map.reject("conductors", "to a surface terminal (give 'conductors' or 'surface')");
    map.reject("role", "to a surface terminal");
    map.reject("end", "to a surface terminal");
    map.reject("whole_net", "to a surface terminal");
    terminal.kind = physics::TerminalKind::surface;
    const YAML::Node surface = map.optional("surface");
    terminal.surface = read_string(map.context(), surface, map.path("surface"));
    check_surface(map.context(), surface, map.path("surface"), stack);
    return;
  }
  if (!map.has("conductors"))
    throw InputError(map.source(), "a terminal needs 'conductors' or 'surface', found neither");
  terminal.conductors = read_conductor_names(map.context(), map.optional("conductors"),
                                             map.path("conductors"), stack);
  terminal.role = map.string_or("role", "");
  terminal.end = map.choice_or(
      "end",
      std::vector<std::pair<std::string, physics::ConductorEnd>>{
          {"top", physics::ConductorEnd::top}, {"bottom", physics::ConductorEnd::bottom}},
      physics::ConductorEnd::top);
  terminal.kind = map.boolean_or("whole_net", false) ? physics::TerminalKind::net_end
                                                     : physics::TerminalKind::conductor_end;
}

void read_terminal_drive(MapReader& map, physics::TerminalSpec& terminal) {
  const bool has_voltage = map.has("voltage");
  const bool has_current = map.has("current");
  if (has_voltage && has_current)
    map.reject("current", "together with 'voltage': a terminal is driven by one or the other");
  if (!has_voltage && !has_current)
    throw InputError(map.source(), "terminal '" + terminal.name +
                                       "' needs 'voltage' (e.g. 1 V) or 'current' (e.g. 2 A)");
  if (has_voltage) {
    terminal.drive = physics::TerminalDrive::voltage;
    terminal.voltage = map.quantity("voltage", Dimension::voltage);
  } else {
    terminal.drive = physics::TerminalDrive::current;
    terminal.current = map.quantity("current", Dimension::current);
  }
}

physics::TerminalSpec read_terminal(const ReadContext& context, const YAML::Node& node,
                                    const std::string& path, const mesh::StackSpec& stack) {
  MapReader map(
      context, node, path,
      {"name", "conductors", "role", "end", "whole_net", "surface", "voltage", "current"});
  physics::TerminalSpec terminal;
  terminal.source = map.source();
  terminal.name = map.identifier("name");
  read_terminal_place(map, terminal, stack);
  read_terminal_drive(map, terminal);
  return terminal;
}

std::vector<physics::TerminalSpec> read_terminals(const ReadContext& context,
                                                  const YAML::Node& node, const std::string& path,
                                                  const mesh::StackSpec& stack) {
  const YAML::Node list = read_list(context, node, path);
  if (list.size() == 0)
    throw_input_error(context, node, path, "expected at least one terminal, found an empty list");
  std::vector<physics::TerminalSpec> terminals;
  for (std::size_t i = 0; i < list.size(); ++i) {
    physics::TerminalSpec terminal = read_terminal(context, list[i], index_path(path, i), stack);
    check_unique_name(terminals, terminal, "terminal");
    terminals.push_back(std::move(terminal));
  }
  const bool any_voltage = std::any_of(terminals.begin(), terminals.end(), [](const auto& t) {
    return t.drive == physics::TerminalDrive::voltage;
  });
  if (!any_voltage)
    throw_input_error(context, node, path,
                      "expected at least one terminal with a 'voltage' (the reference), found "
                      "only current-driven terminals");
  return terminals;
}

// resistance_matrix: existing, distinct terminal names, leaving at least one
// terminal out as the 0 V reference.
std::vector<std::string> read_resistance_terminals(
    const ReadContext& context, const YAML::Node& node, const std::string& path,
    const std::vector<physics::TerminalSpec>& terminals) {
  const std::vector<std::string> names = read_string_list(context, node, path);
  if (names.empty())
    throw_input_error(context, node, path,
                      "expected at least one terminal name, found an empty list");
  std::vector<std::string> known;
  for (const auto& terminal : terminals) known.push_back(terminal.name);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string item_path = index_path(path, i);
    if (std::find(known.begin(), known.end(), names[i]) == known.end()) {
      std::string hint = did_you_mean(names[i], known);
      if (hint.empty()) hint = " (terminals: " + join_names(known) + ")";
      throw_input_error(context, node[i], item_path, "unknown terminal '" + names[i] + "'" + hint);
    }
    if (std::find(names.begin(), names.begin() + static_cast<long>(i), names[i]) !=
        names.begin() + static_cast<long>(i))
      throw_input_error(context, node[i], item_path, "terminal '" + names[i] + "' is listed twice");
  }
  if (names.size() >= terminals.size())
    throw_input_error(context, node, path,
                      "every terminal is in the matrix: at least one terminal must stay out of "
                      "it as the 0 V reference");
  return names;
}

// What analyses.conduction needs from the rest of the analyses section.
struct ConductionContext {
  bool has_steady_thermal = false;
  bool has_thermal = false;
  bool has_electrothermal = false;
};

void read_conduction_temperature(MapReader& map, physics::ConductionSpec& spec,
                                 const ConductionContext& analyses) {
  const YAML::Node node = map.optional("temperature");
  if (!node.IsDefined()) return;
  if (!(node.IsScalar() && node.Scalar() == "coupled")) {
    spec.temperature_K = read_quantity(map.context(), node, map.path("temperature"),
                                       Dimension::temperature, Sign::positive);
    return;
  }
  if (!analyses.has_thermal)
    throw_input_error(map.context(), node, map.path("temperature"),
                      "'coupled' needs a thermal analysis (analyses.thermal), found none");
  if (!analyses.has_steady_thermal)
    throw_input_error(map.context(), node, map.path("temperature"),
                      "'coupled' needs a steady thermal analysis, found a transient one");
  if (!analyses.has_electrothermal)
    throw_input_error(
        map.context(), node, map.path("temperature"),
        "'coupled' needs analyses.electrothermal (the coupling settings), found none");
  spec.temperature_mode = physics::ConductionTemperature::coupled;
}

physics::ConductionSpec read_conduction(const ReadContext& context, const YAML::Node& node,
                                        const std::string& path, const mesh::StackSpec& stack,
                                        const ConductionContext& analyses) {
  MapReader map(context, node, path,
                {"temperature", "insulator_threshold", "rtol", "terminals", "resistance_matrix"});
  physics::ConductionSpec spec;
  spec.source = map.source();
  read_conduction_temperature(map, spec, analyses);
  spec.insulator_threshold =
      map.quantity_or("insulator_threshold", Dimension::electrical_conductivity, Sign::non_negative,
                      spec.insulator_threshold);
  spec.relative_tolerance = read_relative_tolerance(map, "rtol", spec.relative_tolerance);
  spec.terminals = read_terminals(context, map.required("terminals"), map.path("terminals"), stack);
  if (map.has("resistance_matrix"))
    spec.resistance_terminals = read_resistance_terminals(
        context, map.optional("resistance_matrix"), map.path("resistance_matrix"), spec.terminals);
  return spec;
}

std::vector<physics::SiliconTreatment> read_silicon_treatments(const ReadContext& context,
                                                               const YAML::Node& node,
                                                               const std::string& path) {
  const std::vector<std::pair<std::string, physics::SiliconTreatment>> choices = {
      {"dielectric", physics::SiliconTreatment::dielectric},
      {"grounded", physics::SiliconTreatment::grounded}};
  if (node.IsScalar()) return {read_choice(context, node, path, choices)};
  const YAML::Node list = read_list(context, node, path);
  if (list.size() == 0)
    throw_input_error(context, node, path,
                      "expected dielectric, grounded or a list of them, found an empty list");
  std::vector<physics::SiliconTreatment> treatments;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto treatment = read_choice(context, list[i], index_path(path, i), choices);
    if (std::find(treatments.begin(), treatments.end(), treatment) != treatments.end())
      throw_input_error(context, list[i], index_path(path, i),
                        "'" + list[i].Scalar() + "' is listed twice");
    treatments.push_back(treatment);
  }
  return treatments;
}

physics::CapacitanceConductor read_capacitance_conductor(const ReadContext& context,
                                                         const YAML::Node& node,
                                                         const std::string& path,
                                                         const mesh::StackSpec& stack) {
  MapReader map(context, node, path, {"name", "conductors", "role"});
  physics::CapacitanceConductor conductor;
  conductor.source = map.source();
  conductor.name = map.identifier("name");
  conductor.conductors =
      read_conductor_names(context, map.required("conductors"), map.path("conductors"), stack);
  conductor.role = map.string_or("role", "");
  return conductor;
}

std::vector<physics::CapacitanceConductor> read_capacitance_conductors(
    const ReadContext& context, const YAML::Node& node, const std::string& path,
    const mesh::StackSpec& stack) {
  const YAML::Node list = read_list(context, node, path);
  if (list.size() == 0)
    throw_input_error(context, node, path, "expected at least one conductor, found an empty list");
  std::vector<physics::CapacitanceConductor> conductors;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto conductor = read_capacitance_conductor(context, list[i], index_path(path, i), stack);
    check_unique_name(conductors, conductor, "conductor");
    conductors.push_back(std::move(conductor));
  }
  return conductors;
}

// One ElectrostaticSpec per listed silicon treatment, otherwise identical.
std::vector<physics::ElectrostaticSpec> read_electrostatic(const ReadContext& context,
                                                           const YAML::Node& node,
                                                           const std::string& path,
                                                           const Case& the_case) {
  MapReader map(
      context, node, path,
      {"silicon", "semiconductors", "ground_surfaces", "temperature", "rtol", "conductors"});
  physics::ElectrostaticSpec spec;
  spec.source = map.source();
  std::vector<physics::SiliconTreatment> treatments = {physics::SiliconTreatment::dielectric};
  if (map.has("silicon"))
    treatments = read_silicon_treatments(context, map.optional("silicon"), map.path("silicon"));
  if (map.has("semiconductors")) {
    const YAML::Node list =
        read_list(context, map.optional("semiconductors"), map.path("semiconductors"));
    spec.semiconductors.clear();
    for (std::size_t i = 0; i < list.size(); ++i)
      spec.semiconductors.push_back(read_material_name(
          context, list[i], index_path(map.path("semiconductors"), i), the_case.materials));
  }
  if (map.has("ground_surfaces")) {
    const YAML::Node list =
        read_list(context, map.optional("ground_surfaces"), map.path("ground_surfaces"));
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item_path = index_path(map.path("ground_surfaces"), i);
      spec.ground_surfaces.push_back(read_string(context, list[i], item_path));
      check_surface(context, list[i], item_path, the_case.stack);
    }
  }
  spec.temperature_K =
      map.quantity_or("temperature", Dimension::temperature, Sign::positive, spec.temperature_K);
  spec.relative_tolerance = read_relative_tolerance(map, "rtol", spec.relative_tolerance);
  spec.conductors = read_capacitance_conductors(context, map.required("conductors"),
                                                map.path("conductors"), the_case.stack);
  std::vector<physics::ElectrostaticSpec> specs;
  for (const auto treatment : treatments) {
    specs.push_back(spec);
    specs.back().silicon = treatment;
  }
  return specs;
}

physics::CouplingSpec read_coupling(const ReadContext& context, const YAML::Node& node,
                                    const std::string& path) {
  physics::CouplingSpec coupling;
  // `electrothermal:` with nothing after it takes every default.
  if (node.IsNull()) {
    coupling.source = source_of(context, node, path);
    return coupling;
  }
  MapReader map(context, node, path, {"tolerance", "max_iterations"});
  coupling.source = map.source();
  coupling.tolerance = read_relative_tolerance(map, "tolerance", coupling.tolerance);
  coupling.max_iterations = map.integer_or("max_iterations", 1, coupling.max_iterations);
  return coupling;
}

}  // namespace

void read_electrical_analyses(MapReader& analyses, Case& result) {
  const ReadContext& context = analyses.context();
  const physics::ThermalAnalysisType thermal_type = result.thermal.analysis.type;
  ConductionContext conduction_context;
  conduction_context.has_thermal = thermal_type != physics::ThermalAnalysisType::none;
  conduction_context.has_steady_thermal = thermal_type == physics::ThermalAnalysisType::steady;
  conduction_context.has_electrothermal = analyses.has("electrothermal");

  if (analyses.has("conduction"))
    result.conduction =
        read_conduction(context, analyses.optional("conduction"), analyses.path("conduction"),
                        result.stack, conduction_context);
  if (analyses.has("electrostatic"))
    result.electrostatics = read_electrostatic(context, analyses.optional("electrostatic"),
                                               analyses.path("electrostatic"), result);
  if (!analyses.has("electrothermal")) return;

  const YAML::Node node = analyses.optional("electrothermal");
  const std::string path = analyses.path("electrothermal");
  if (!result.conduction)
    throw_input_error(context, node, path,
                      "electro-thermal coupling needs a conduction analysis (analyses.conduction), "
                      "found none");
  if (result.conduction->temperature_mode != physics::ConductionTemperature::coupled)
    throw_input_error(context, node, path,
                      "electro-thermal coupling needs 'temperature: coupled' in "
                      "analyses.conduction, found a fixed temperature");
  result.electrothermal = read_coupling(context, node, path);
}

}  // namespace tsvfield::io::detail
