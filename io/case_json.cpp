#include "io/case_json.hpp"

#include <string>
#include <vector>

namespace tsvfield::io {
namespace {

JsonValue rect_json(const mesh::Rect& rect) {
  JsonValue value = JsonValue::object();
  value.set("x0_m", rect.x0).set("y0_m", rect.y0).set("x1_m", rect.x1).set("y1_m", rect.y1);
  return value;
}

const char* pattern_name(mesh::ArrayPattern pattern) {
  return pattern == mesh::ArrayPattern::staggered ? "staggered" : "rectangular";
}

JsonValue layout_json(const mesh::ArrayLayout& layout) {
  JsonValue value = JsonValue::object();
  value.set("pitch_m", JsonValue::array({layout.pitch_x, layout.pitch_y}))
      .set("count", JsonValue::array().push(layout.count_x).push(layout.count_y))
      .set("pattern", pattern_name(layout.pattern))
      .set("origin_m", JsonValue::array({layout.origin_x, layout.origin_y}));
  return value;
}

JsonValue tsv_array_json(const mesh::TsvArraySpec& array) {
  JsonValue value = JsonValue::object();
  value.set("name", array.name)
      .set("diameter_m", array.diameter)
      .set("liner_m", array.liner_thickness)
      .set("fill", array.fill_material)
      .set("liner_material", array.liner_material)
      .set("layout", layout_json(array.layout))
      .set("extends_through", JsonValue::array(array.extends_through));
  if (!array.roles.empty()) value.set("roles", JsonValue::array(array.roles));
  return value;
}

JsonValue bump_array_json(const mesh::BumpArraySpec& array) {
  JsonValue value = JsonValue::object();
  value.set("name", array.name)
      .set("diameter_m", array.diameter)
      .set("material", array.material)
      .set("layout", layout_json(array.layout));
  return value;
}

JsonValue layer_json(const mesh::LayerSpec& layer) {
  JsonValue value = JsonValue::object();
  value.set("name", layer.name)
      .set("kind", mesh::layer_kind_name(layer.kind))
      .set("thickness_m", layer.thickness)
      .set("material", layer.material)
      .set("fill", layer.fill_material.empty() ? JsonValue() : JsonValue(layer.fill_material))
      .set("z_subdivisions", layer.z_subdivisions);
  if (layer.outline) value.set("outline", rect_json(*layer.outline));
  JsonValue tsvs = JsonValue::array(), bumps = JsonValue::array(), blocks = JsonValue::array();
  for (const auto& array : layer.tsv_arrays) tsvs.push(tsv_array_json(array));
  for (const auto& array : layer.bump_arrays) bumps.push(bump_array_json(array));
  for (const auto& block : layer.blocks) {
    blocks.push(JsonValue::object().set("name", block.name).set("rect", rect_json(block.rect)));
  }
  value.set("tsv_arrays", std::move(tsvs))
      .set("bump_arrays", std::move(bumps))
      .set("blocks", std::move(blocks));
  return value;
}

JsonValue layers_json(const std::vector<mesh::LayerSpec>& layers) {
  JsonValue value = JsonValue::array();
  for (const auto& layer : layers) value.push(layer_json(layer));
  return value;
}

JsonValue stack_item_json(const mesh::StackItem& item) {
  if (const auto* layer = std::get_if<mesh::LayerSpec>(&item)) return layer_json(*layer);
  const auto& group = std::get<mesh::SideBySideSpec>(item);
  JsonValue columns = JsonValue::array();
  for (const auto& column : group.columns) {
    columns.push(JsonValue::object()
                     .set("name", column.name)
                     .set("outline", rect_json(column.outline))
                     .set("layers", layers_json(column.layers)));
  }
  JsonValue side_by_side = JsonValue::object();
  side_by_side
      .set("fill", group.fill_material.empty() ? JsonValue() : JsonValue(group.fill_material))
      .set("columns", std::move(columns));
  return JsonValue::object().set("side_by_side", std::move(side_by_side));
}

JsonValue stack_json(const mesh::StackSpec& stack) {
  JsonValue items = JsonValue::array();
  for (const auto& item : stack.items) items.push(stack_item_json(item));
  return JsonValue::object().set("footprint", rect_json(stack.footprint)).set("layers", items);
}

JsonValue mesh_controls_json(const mesh::MeshControls& controls) {
  JsonValue value = JsonValue::object();
  value.set("circle_segments", controls.circle_segments)
      .set("max_size_m", controls.max_size)
      .set("growth", controls.growth)
      .set("liner_layers", controls.liner_layers)
      .set("conductor_rings", controls.conductor_rings)
      .set("outer_rings", controls.outer_rings)
      .set("max_z_size_m", controls.max_z_size);
  return value;
}

JsonValue property_json(const physics::Property& property) {
  if (!property.is_defined()) return JsonValue();
  if (property.is_constant()) return JsonValue(property(300.0));
  JsonValue table = JsonValue::array();
  const auto& temperatures = property.table_temperatures();
  const auto& values = property.table_values();
  for (std::size_t i = 0; i < temperatures.size(); ++i) {
    table.push(JsonValue::array({temperatures[i], values[i]}));
  }
  return JsonValue::object().set("table_K", std::move(table));
}

JsonValue material_json(const physics::Material& material) {
  JsonValue conductivity = JsonValue::array();
  for (const auto& component : material.conductivity) conductivity.push(property_json(component));
  JsonValue value = JsonValue::object();
  value.set("description", material.description)
      .set("conductivity_W_mK_xyz", std::move(conductivity))
      .set("heat_capacity_J_m3K", property_json(material.heat_capacity))
      .set("electrical_conductivity_S_m", property_json(material.electrical_conductivity))
      .set("relative_permittivity", material.relative_permittivity);
  return value;
}

// Only the materials the stack uses, so the file stays readable.
JsonValue used_materials_json(const Case& the_case, const std::vector<std::string>& used) {
  JsonValue value = JsonValue::object();
  for (const auto& name : used) {
    if (const auto* material = the_case.materials.find(name)) {
      value.set(name, material_json(*material));
    }
  }
  return value;
}

void collect_layer_materials(const mesh::LayerSpec& layer, std::vector<std::string>& names) {
  auto add = [&names](const std::string& name) {
    if (name.empty()) return;
    for (const auto& known : names) {
      if (known == name) return;
    }
    names.push_back(name);
  };
  add(layer.material);
  add(layer.fill_material);
  for (const auto& array : layer.tsv_arrays) {
    add(array.fill_material);
    if (array.liner_thickness > 0) add(array.liner_material);
  }
  for (const auto& array : layer.bump_arrays) add(array.material);
}

std::vector<std::string> used_material_names(const mesh::StackSpec& stack) {
  std::vector<std::string> names;
  for (const auto& item : stack.items) {
    if (const auto* layer = std::get_if<mesh::LayerSpec>(&item)) {
      collect_layer_materials(*layer, names);
      continue;
    }
    const auto& group = std::get<mesh::SideBySideSpec>(item);
    if (!group.fill_material.empty()) {
      mesh::LayerSpec fill;
      fill.material = group.fill_material;
      collect_layer_materials(fill, names);
    }
    for (const auto& column : group.columns) {
      for (const auto& layer : column.layers) collect_layer_materials(layer, names);
    }
  }
  return names;
}

const char* distribution_name(physics::PowerDistribution distribution) {
  switch (distribution) {
    case physics::PowerDistribution::volume:
      return "volume";
    case physics::PowerDistribution::top_surface:
      return "top_surface";
    case physics::PowerDistribution::bottom_surface:
      return "bottom_surface";
  }
  return "volume";
}

JsonValue power_json(const std::vector<physics::PowerSource>& sources) {
  JsonValue value = JsonValue::array();
  for (const auto& source : sources) {
    JsonValue item = JsonValue::object();
    item.set("layer", source.layer)
        .set("block", source.block.empty() ? JsonValue() : JsonValue(source.block))
        .set("power_W", source.power)
        .set("distribution", distribution_name(source.distribution));
    if (!source.map_file.empty()) item.set("map", source.map_file);
    if (!source.trace_file.empty()) {
      item.set("trace", source.trace_file).set("trace_is_scale", source.trace_is_scale);
    }
    value.push(std::move(item));
  }
  return value;
}

JsonValue boundary_json(const physics::ThermalBoundary& boundary) {
  JsonValue value = JsonValue::object();
  switch (boundary.kind) {
    case physics::BoundaryKind::adiabatic:
      value.set("type", "adiabatic");
      break;
    case physics::BoundaryKind::temperature:
      value.set("type", "temperature").set("temperature_K", boundary.temperature_K);
      break;
    case physics::BoundaryKind::convection:
      value.set("type", "convection")
          .set("h_W_m2K", boundary.heat_transfer_coeff)
          .set("ambient_K", boundary.ambient_K);
      break;
    case physics::BoundaryKind::heat_flux:
      value.set("type", "heat_flux").set("flux_W_m2", boundary.heat_flux);
      break;
  }
  return value;
}

JsonValue thermal_analysis_json(const physics::ThermalAnalysis& analysis) {
  JsonValue value = JsonValue::object();
  const char* type = analysis.type == physics::ThermalAnalysisType::steady      ? "steady"
                     : analysis.type == physics::ThermalAnalysisType::transient ? "transient"
                                                                                : "none";
  const char* nonlinear = analysis.nonlinear == physics::ThermalAnalysis::Nonlinear::on    ? "true"
                          : analysis.nonlinear == physics::ThermalAnalysis::Nonlinear::off ? "false"
                                                                                           : "auto";
  value.set("type", type)
      .set("nonlinear", nonlinear)
      .set("reference_temperature_K", analysis.reference_temperature_K)
      .set("rtol", analysis.relative_tolerance);
  if (analysis.type == physics::ThermalAnalysisType::transient) {
    value.set("initial_temperature_K", analysis.initial_temperature_K)
        .set("end_time_s", analysis.end_time)
        .set("time_step_s", analysis.time_step)
        .set("scheme", analysis.scheme == physics::TimeScheme::bdf2 ? "bdf2" : "backward_euler")
        .set("adaptive", analysis.adaptive)
        .set("output_every", analysis.output_every);
  }
  return value;
}

JsonValue thermal_json(const physics::ThermalSpec& thermal) {
  JsonValue boundaries = JsonValue::object();
  for (const auto& boundary : thermal.boundaries) {
    boundaries.set(boundary.surface, boundary_json(boundary));
  }
  JsonValue interfaces = JsonValue::array();
  for (const auto& interface : thermal.interfaces) {
    interfaces.push(JsonValue::object()
                        .set("lower", interface.lower_layer)
                        .set("upper", interface.upper_layer)
                        .set("resistance_m2K_W", interface.resistance));
  }
  JsonValue value = JsonValue::object();
  value.set("power", power_json(thermal.power))
      .set("boundary_conditions", std::move(boundaries))
      .set("interface_resistances", std::move(interfaces))
      .set("analysis", thermal_analysis_json(thermal.analysis));
  return value;
}

}  // namespace

JsonValue resolved_case_json(const Case& the_case) {
  JsonValue value = JsonValue::object();
  value.set("units", "SI (m, W, K, s, S/m)")
      .set("name", the_case.name)
      .set("description", the_case.description)
      .set("file", the_case.file)
      .set("mesh", mesh_controls_json(the_case.mesh))
      .set("stack", stack_json(the_case.stack))
      .set("materials", used_materials_json(the_case, used_material_names(the_case.stack)))
      .set("thermal", thermal_json(the_case.thermal))
      .set("electrical", electrical_case_json(the_case))
      .set("signal_integrity", si_case_json(the_case))
      .set("petsc_options", JsonValue::array(the_case.petsc_options));
  return value;
}

}  // namespace tsvfield::io
