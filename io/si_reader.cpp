// The signal-integrity analysis: analyses.signal_integrity (per-unit-length RLGC
// of the TSV lines, S-parameters, SPICE models).
//
// Everything that needs no geometry is checked here: names of layers, arrays and
// materials exist, the sweep is well formed, report frequencies lie inside it,
// the numbers are in range. Whether the selected arrays hold signal conductors,
// and whether every signal net crosses every listed layer, is checked by
// physics/signal_integrity with the spec's SourceRef.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "io/case_reader.hpp"
#include "io/case_sections.hpp"
#include "io/text_match.hpp"

namespace tsvfield::io::detail {
namespace {

// "40 GHz" style text of a frequency for messages.
std::string frequency_text(double frequency_Hz) {
  const char* unit = "Hz";
  double value = frequency_Hz;
  if (frequency_Hz >= 1e9) {
    unit = "GHz";
    value /= 1e9;
  } else if (frequency_Hz >= 1e6) {
    unit = "MHz";
    value /= 1e6;
  } else if (frequency_Hz >= 1e3) {
    unit = "kHz";
    value /= 1e3;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.6g %s", value, unit);
  return text;
}

// The highest frequency of a sweep (with one point the sweep is its start only).
double sweep_top(const physics::FrequencySweep& sweep) {
  return sweep.points == 1 ? sweep.start_Hz : sweep.stop_Hz;
}

// '<what> is listed twice' at the second occurrence.
void check_not_listed_twice(const ReadContext& context, const YAML::Node& list,
                            const std::string& path, const std::vector<std::string>& earlier,
                            const std::string& name, std::size_t index) {
  if (std::find(earlier.begin(), earlier.end(), name) != earlier.end())
    throw_input_error(context, list[index], index_path(path, index),
                      "'" + name + "' is listed twice");
}

// layers: existing layer names, bottom to top, each once.
std::vector<std::string> read_section_layers(const ReadContext& context, const YAML::Node& node,
                                             const std::string& path,
                                             const mesh::StackSpec& stack) {
  const YAML::Node list = read_list(context, node, path);
  const std::vector<std::string> names = layer_names_in_order(stack);
  std::vector<std::string> layers;
  long previous_position = -1;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = index_path(path, i);
    const std::string name = read_string(context, list[i], item_path);
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end())
      throw_input_error(context, list[i], item_path, unknown_layer_message(name, names));
    check_not_listed_twice(context, list, path, layers, name, i);
    const long position = found - names.begin();
    if (position < previous_position)
      throw_input_error(context, list[i], item_path,
                        "expected the layers bottom to top (the line's sections in order), "
                        "found '" +
                            name + "' below '" + layers.back() + "'");
    previous_position = position;
    layers.push_back(name);
  }
  return layers;
}

// One whole TSV or bump array "<layer>/<array>" (no index: every conductor of the
// array takes part, and the roles pick the signals among them).
std::string read_array_name(const ReadContext& context, const YAML::Node& node,
                            const std::string& path, const mesh::StackSpec& stack) {
  const std::string name = read_string(context, node, path);
  const std::size_t slash = name.find('/');
  if (slash == std::string::npos)
    throw_input_error(context, node, path,
                      "expected a TSV or bump array '<layer>/<array>', found '" + name + "'");
  const std::string layer_name = name.substr(0, slash);
  const std::string array_name = name.substr(slash + 1);
  if (array_name.find('[') != std::string::npos)
    throw_input_error(context, node, path,
                      "expected a whole array '<layer>/<array>' without an index (the roles "
                      "select the signals), found '" +
                          name + "'");
  require_array(context, node, path, require_layer(context, node, path, stack, layer_name),
                array_name);
  return name;
}

std::vector<std::string> read_array_names(const ReadContext& context, const YAML::Node& node,
                                          const std::string& path, const mesh::StackSpec& stack) {
  const YAML::Node list = read_list(context, node, path);
  std::vector<std::string> arrays;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string name = read_array_name(context, list[i], index_path(path, i), stack);
    check_not_listed_twice(context, list, path, arrays, name, i);
    arrays.push_back(name);
  }
  return arrays;
}

// A list of role names (non-empty strings, each once); `allow_empty` for the
// return roles (no return conductor: the outer boundary is the return).
std::vector<std::string> read_roles(const ReadContext& context, const YAML::Node& node,
                                    const std::string& path, bool allow_empty) {
  const YAML::Node list = read_list(context, node, path);
  if (list.size() == 0 && !allow_empty)
    throw_input_error(context, node, path,
                      "expected at least one role (e.g. [S]), found an empty list");
  std::vector<std::string> roles;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = index_path(path, i);
    const std::string role = read_string(context, list[i], item_path);
    if (role.empty())
      throw_input_error(context, list[i], item_path, "expected a role name, found ''");
    check_not_listed_twice(context, list, path, roles, role, i);
    roles.push_back(role);
  }
  return roles;
}

void read_role_lists(MapReader& map, physics::SignalIntegritySpec& spec) {
  const ReadContext& context = map.context();
  if (map.has("signal_roles"))
    spec.signal_roles =
        read_roles(context, map.optional("signal_roles"), map.path("signal_roles"), false);
  if (map.has("return_roles"))
    spec.return_roles =
        read_roles(context, map.optional("return_roles"), map.path("return_roles"), true);
  // A role in both lists would make a conductor signal and return at once.
  for (std::size_t i = 0; i < spec.return_roles.size(); ++i) {
    const std::string& role = spec.return_roles[i];
    if (std::find(spec.signal_roles.begin(), spec.signal_roles.end(), role) ==
        spec.signal_roles.end())
      continue;
    const YAML::Node returns = map.optional("return_roles");
    const YAML::Node where = returns.IsDefined() ? returns[i] : map.optional("signal_roles");
    const std::string path =
        returns.IsDefined() ? index_path(map.path("return_roles"), i) : map.path("signal_roles");
    throw_input_error(context, where, path,
                      "role '" + role + "' is both a signal role and a return role");
  }
}

// frequencies: {start, stop, points, spacing}.
physics::FrequencySweep read_sweep(const ReadContext& context, const YAML::Node& node,
                                   const std::string& path) {
  MapReader map(context, node, path, {"start", "stop", "points", "spacing"});
  physics::FrequencySweep sweep;
  sweep.source = map.source();
  sweep.spacing = map.choice_or(
      "spacing",
      std::vector<std::pair<std::string, physics::FrequencySpacing>>{
          {"log", physics::FrequencySpacing::log}, {"linear", physics::FrequencySpacing::linear}},
      physics::FrequencySpacing::log);
  sweep.start_Hz = map.quantity("start", Dimension::frequency, Sign::non_negative);
  if (sweep.spacing == physics::FrequencySpacing::log && !(sweep.start_Hz > 0))
    throw_input_error(context, map.optional("start"), map.path("start"),
                      "expected a start frequency > 0 for log spacing (use spacing: linear to "
                      "include DC), found '" +
                          map.optional("start").Scalar() + "'");
  sweep.stop_Hz = map.quantity("stop", Dimension::frequency, Sign::positive);
  sweep.points = read_integer(context, map.required("points"), map.path("points"), 1);
  const bool single = sweep.points == 1;
  if (single ? sweep.stop_Hz < sweep.start_Hz : !(sweep.stop_Hz > sweep.start_Hz))
    throw_input_error(context, map.optional("stop"), map.path("stop"),
                      std::string("expected a stop frequency ") +
                          (single ? "at or above" : "above") + " the start ('" +
                          map.optional("start").Scalar() + "'), found '" +
                          map.optional("stop").Scalar() + "'");
  return sweep;
}

// report_frequencies: inside the sweep, each once.
std::vector<double> read_report_frequencies(const ReadContext& context, const YAML::Node& node,
                                            const std::string& path,
                                            const physics::FrequencySweep& sweep) {
  const YAML::Node list = read_list(context, node, path);
  const double top = sweep_top(sweep);
  std::vector<double> frequencies;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = index_path(path, i);
    const double frequency =
        read_quantity(context, list[i], item_path, Dimension::frequency, Sign::non_negative);
    if (frequency < sweep.start_Hz || frequency > top)
      throw_input_error(context, list[i], item_path,
                        "expected a frequency inside the sweep (" + frequency_text(sweep.start_Hz) +
                            " .. " + frequency_text(top) + "), found '" + list[i].Scalar() + "'");
    if (std::find(frequencies.begin(), frequencies.end(), frequency) != frequencies.end())
      throw_input_error(context, list[i], item_path, "'" + list[i].Scalar() + "' is listed twice");
    frequencies.push_back(frequency);
  }
  return frequencies;
}

// spice: {segments, max_frequency}; max_frequency must lie inside the sweep (the
// ladder is checked against the S-parameters up to it).
physics::SpiceModelSpec read_spice(const ReadContext& context, const YAML::Node& node,
                                   const std::string& path, const physics::FrequencySweep& sweep) {
  MapReader map(context, node, path, {"segments", "max_frequency"});
  physics::SpiceModelSpec spice;
  spice.source = map.source();
  spice.segments = map.integer_or("segments", 0, spice.segments);
  spice.max_frequency_Hz = map.quantity_or("max_frequency", Dimension::frequency,
                                           Sign::non_negative, spice.max_frequency_Hz);
  if (spice.max_frequency_Hz > sweep_top(sweep))
    throw_input_error(context, map.optional("max_frequency"), map.path("max_frequency"),
                      "expected a frequency up to the top of the sweep (" +
                          frequency_text(sweep_top(sweep)) + "; 0: the top), found '" +
                          map.optional("max_frequency").Scalar() + "'");
  return spice;
}

// A file stem: no folders, nothing the shell or Windows would trip on.
std::string read_file_stem(MapReader& map, const std::string& key) {
  const std::string stem = map.string_or(key, "");
  const auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  };
  if (!std::all_of(stem.begin(), stem.end(), allowed) || stem.starts_with("."))
    throw_input_error(map.context(), map.optional(key), map.path(key),
                      "expected a file name stem of letters, digits, '_', '-' and '.' (no "
                      "folders, not starting with '.'), found '" +
                          stem + "'");
  return stem;
}

void read_material_options(MapReader& map, physics::SignalIntegritySpec& spec,
                           const physics::MaterialLibrary& materials) {
  spec.temperature_K =
      map.quantity_or("temperature", Dimension::temperature, Sign::positive, spec.temperature_K);
  if (map.has("semiconductors")) {
    const std::string path = map.path("semiconductors");
    const YAML::Node list = read_list(map.context(), map.optional("semiconductors"), path);
    spec.semiconductors.clear();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string name =
          read_material_name(map.context(), list[i], index_path(path, i), materials);
      check_not_listed_twice(map.context(), list, path, spec.semiconductors, name, i);
      spec.semiconductors.push_back(name);
    }
  }
  spec.metal_threshold = map.quantity_or("metal_threshold", Dimension::electrical_conductivity,
                                         Sign::positive, spec.metal_threshold);
  spec.depletion_thickness = map.quantity_or("depletion_thickness", Dimension::length,
                                             Sign::non_negative, spec.depletion_thickness);
}

void read_mesh_options(MapReader& map, physics::SignalIntegritySpec& spec) {
  spec.circle_segments = map.integer_or("circle_segments", 0, spec.circle_segments);
  if (spec.circle_segments % 4 != 0)
    throw_input_error(map.context(), map.optional("circle_segments"), map.path("circle_segments"),
                      "expected a multiple of 4 (the O-grid has four sides) or 0 (the mesh's "
                      "value, at least 32), found '" +
                          map.optional("circle_segments").Scalar() + "'");
  spec.skin_depth_fraction = map.quantity_or("skin_depth_fraction", Dimension::dimensionless,
                                             Sign::positive, spec.skin_depth_fraction);
  if (spec.skin_depth_fraction > 1)
    throw_input_error(map.context(), map.optional("skin_depth_fraction"),
                      map.path("skin_depth_fraction"),
                      "expected a fraction of the skin depth in (0, 1], found '" +
                          map.optional("skin_depth_fraction").Scalar() + "'");
}

physics::SignalIntegritySpec read_signal_integrity(const ReadContext& context,
                                                   const YAML::Node& node, const std::string& path,
                                                   const Case& the_case) {
  MapReader map(context, node, path,
                {"layers", "arrays", "signal_roles", "return_roles", "frequencies",
                 "reference_impedance", "report_frequencies", "temperature", "semiconductors",
                 "metal_threshold", "depletion_thickness", "circle_segments", "skin_depth_fraction",
                 "end_corrections", "spice", "touchstone_name"});
  physics::SignalIntegritySpec spec;
  spec.source = map.source();
  if (map.has("layers"))
    spec.layers =
        read_section_layers(context, map.optional("layers"), map.path("layers"), the_case.stack);
  if (map.has("arrays"))
    spec.arrays =
        read_array_names(context, map.optional("arrays"), map.path("arrays"), the_case.stack);
  read_role_lists(map, spec);
  spec.sweep = read_sweep(context, map.required("frequencies"), map.path("frequencies"));
  spec.reference_impedance_ohm = map.quantity_or("reference_impedance", Dimension::resistance,
                                                 Sign::positive, spec.reference_impedance_ohm);
  if (map.has("report_frequencies"))
    spec.report_frequencies_Hz = read_report_frequencies(
        context, map.optional("report_frequencies"), map.path("report_frequencies"), spec.sweep);
  read_material_options(map, spec, the_case.materials);
  read_mesh_options(map, spec);
  spec.end_corrections = map.boolean_or("end_corrections", spec.end_corrections);
  if (map.has("spice"))
    spec.spice = read_spice(context, map.optional("spice"), map.path("spice"), spec.sweep);
  else
    spec.spice.source = spec.source;
  spec.touchstone_name = read_file_stem(map, "touchstone_name");
  return spec;
}

}  // namespace

void read_signal_integrity_analysis(MapReader& analyses, Case& result) {
  if (!analyses.has("signal_integrity")) return;
  result.signal_integrity =
      read_signal_integrity(analyses.context(), analyses.optional("signal_integrity"),
                            analyses.path("signal_integrity"), result);
}

}  // namespace tsvfield::io::detail
