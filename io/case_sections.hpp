#pragma once
// Internal to the case reader: one function per section of the case file.
// Each takes the section's YAML node (undefined when the section is absent).
#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

#include "io/case.hpp"
#include "io/yaml_input.hpp"

namespace tsvfield::io::detail {

// materials: the built-ins plus the case's own.
physics::MaterialLibrary read_materials(const ReadContext& context, const YAML::Node& node);

// A reference to a material (layer material, fill, ...) that must exist in the library.
std::string read_material_name(const ReadContext& context, const YAML::Node& node,
                               const std::string& path, const physics::MaterialLibrary& library);

mesh::MeshControls read_mesh_controls(const ReadContext& context, const YAML::Node& node);

mesh::StackSpec read_stack(const ReadContext& context, const YAML::Node& node,
                           const physics::MaterialLibrary& library);

std::vector<physics::PowerSource> read_power(const ReadContext& context, const YAML::Node& node,
                                             const mesh::StackSpec& stack);
std::vector<physics::ThermalBoundary> read_boundaries(const ReadContext& context,
                                                      const YAML::Node& node,
                                                      const mesh::StackSpec& stack);
std::vector<physics::InterfaceResistance> read_interfaces(const ReadContext& context,
                                                          const YAML::Node& node,
                                                          const mesh::StackSpec& stack);
// analyses: the thermal analysis (thermal_reader.cpp) and the electrical ones; needs
// result.stack and result.materials read.
void read_analyses(const ReadContext& context, const YAML::Node& node, Case& result);

// analyses.conduction, analyses.electrostatic and analyses.electrothermal
// (electrical_reader.cpp), into result.conduction, result.electrostatics and
// result.electrothermal; needs result.thermal.analysis read.
void read_electrical_analyses(MapReader& analyses, Case& result);

// analyses.signal_integrity (si_reader.cpp) into result.signal_integrity; needs
// result.stack and result.materials read.
void read_signal_integrity_analysis(MapReader& analyses, Case& result);

// A surface name ("top", "bottom", "sides", "<layer>.top", "<layer>.bottom") that
// must exist in the stack; `node` holds the name.
void check_surface(const ReadContext& context, const YAML::Node& node, const std::string& path,
                   const mesh::StackSpec& stack);

// Every layer of the stack, bottom to top (columns one after the other).
std::vector<const mesh::LayerSpec*> layers_in_order(const mesh::StackSpec& stack);
// The layer called `name`, null if none.
const mesh::LayerSpec* find_layer(const mesh::StackSpec& stack, const std::string& name);
// The names of a layer's TSV and bump arrays.
std::vector<std::string> array_names(const mesh::LayerSpec& layer);
// "unknown layer 'x'" with a did-you-mean hint, or else the list of `names`.
std::string unknown_layer_message(const std::string& name, const std::vector<std::string>& names);
// The layer called `name`; an InputError at `node` (unknown_layer_message) if none.
const mesh::LayerSpec& require_layer(const ReadContext& context, const YAML::Node& node,
                                     const std::string& path, const mesh::StackSpec& stack,
                                     const std::string& name);
// An InputError at `node` unless `layer` lists a TSV or bump array `array_name`.
void require_array(const ReadContext& context, const YAML::Node& node, const std::string& path,
                   const mesh::LayerSpec& layer, const std::string& array_name);

// (lower, upper) names of the layers whose faces touch: consecutive layers, the
// layer below a side-by-side group and each column's bottom layer, and the top
// layer of each tallest column and the layer above the group.
std::vector<std::pair<std::string, std::string>> adjacent_layer_pairs(const mesh::StackSpec& stack);

// `name` resolved against the case folder; error when it is not an existing file.
std::string resolve_input_file(const ReadContext& context, const YAML::Node& node,
                               const std::string& path, const std::string& what);

}  // namespace tsvfield::io::detail
