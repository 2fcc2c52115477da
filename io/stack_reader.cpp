// The `stack` section: footprint, layers (bottom to top), repeats, side-by-side
// columns, TSV and bump arrays and floorplan blocks.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "io/case_reader.hpp"
#include "io/case_sections.hpp"
#include "io/text_match.hpp"

namespace tsvfield::io::detail {
namespace {

std::string format_um(double metres) {
  char text[64];
  std::snprintf(text, sizeof text, "%g um", metres * 1e6);
  return text;
}

// {origin: [x, y], size: [w, h]}; origin defaults to [0, 0].
mesh::Rect read_rect(const ReadContext& context, const YAML::Node& node, const std::string& path) {
  MapReader map(context, node, path, {"origin", "size"});
  std::pair<double, double> origin{0.0, 0.0};
  if (map.has("origin"))
    origin = read_quantity_pair(context, map.optional("origin"), map.path("origin"),
                                Dimension::length, Sign::any, false);
  const auto [width, height] = read_quantity_pair(context, map.required("size"), map.path("size"),
                                                  Dimension::length, Sign::positive, false);
  return {origin.first, origin.second, origin.first + width, origin.second + height};
}

// n (meaning [n, 1]) or [nx, ny], each >= 1.
std::pair<int, int> read_count(const ReadContext& context, const YAML::Node& node,
                               const std::string& path) {
  if (node.IsScalar()) return {read_integer(context, node, path, 1), 1};
  if (!node.IsSequence() || node.size() != 2)
    throw_input_error(context, node, path,
                      "expected a count n or [nx, ny], found " + describe_node(node));
  return {read_integer(context, node[0], index_path(path, 0), 1),
          read_integer(context, node[1], index_path(path, 1), 1)};
}

// Distance between the closest two centres of the array (infinite for one feature).
double nearest_centre_distance(const mesh::ArrayLayout& layout) {
  double distance = std::numeric_limits<double>::infinity();
  if (layout.count_x > 1) distance = std::min(distance, layout.pitch_x);
  if (layout.count_y > 1) {
    const bool staggered = layout.pattern == mesh::ArrayPattern::staggered;
    distance = std::min(
        distance, staggered ? std::hypot(layout.pitch_x / 2, layout.pitch_y) : layout.pitch_y);
  }
  return distance;
}

// pitch, count, pattern and origin of a TSV or bump array whose features have
// the given outer diameter (which must fit between neighbouring centres).
mesh::ArrayLayout read_layout(const ReadContext& context, MapReader& map, double outer_diameter,
                              const std::string& features) {
  mesh::ArrayLayout layout;
  if (map.has("count"))
    std::tie(layout.count_x, layout.count_y) =
        read_count(context, map.optional("count"), map.path("count"));
  layout.pattern = map.choice_or("pattern",
                                 std::vector<std::pair<std::string, mesh::ArrayPattern>>{
                                     {"rectangular", mesh::ArrayPattern::rectangular},
                                     {"staggered", mesh::ArrayPattern::staggered}},
                                 mesh::ArrayPattern::rectangular);
  const bool single = layout.count_x == 1 && layout.count_y == 1;
  const YAML::Node pitch = single ? map.optional("pitch") : map.required("pitch");
  if (pitch.IsDefined())
    std::tie(layout.pitch_x, layout.pitch_y) = read_quantity_pair(
        context, pitch, map.path("pitch"), Dimension::length, Sign::positive, true);
  std::tie(layout.origin_x, layout.origin_y) = read_quantity_pair(
      context, map.required("origin"), map.path("origin"), Dimension::length, Sign::any, false);
  const double distance = nearest_centre_distance(layout);
  if (distance <= outer_diameter)
    throw_input_error(context, pitch, map.path("pitch"),
                      "neighbouring " + features + " overlap: their centres are " +
                          format_um(distance) + " apart, not more than their outer diameter " +
                          format_um(outer_diameter));
  return layout;
}

std::string optional_material(const ReadContext& context, MapReader& map, const std::string& key,
                              const std::string& fallback,
                              const physics::MaterialLibrary& library) {
  const YAML::Node value = map.optional(key);
  return value.IsDefined() ? read_material_name(context, value, map.path(key), library) : fallback;
}

// Names within one layer (arrays, blocks) must differ.
void check_unique_name(const ReadContext& context, const MapReader& map, const std::string& name,
                       std::vector<std::string>& seen, const std::string& what) {
  if (std::find(seen.begin(), seen.end(), name) != seen.end())
    throw_input_error(context, map.node(), map.path("name"),
                      "duplicate " + what + " name '" + name + "' in this layer");
  seen.push_back(name);
}

class StackReader {
 public:
  StackReader(const ReadContext& context, const physics::MaterialLibrary& library)
      : context_(context), library_(library) {}

  mesh::StackSpec read(const YAML::Node& node) {
    MapReader map(context_, node, "stack", {"footprint", "layers"});
    mesh::StackSpec stack;
    stack.footprint = read_rect(context_, map.required("footprint"), map.path("footprint"));
    stack.items = read_items(map.required("layers"), map.path("layers"), true);
    check_unique_layer_names(stack);
    check_extends_through(stack);
    return stack;
  }

 private:
  // A list of layers, repeats and (at the top level only) side_by_side groups.
  std::vector<mesh::StackItem> read_items(const YAML::Node& node, const std::string& path,
                                          bool top_level) {
    const YAML::Node list = read_list(context_, node, path);
    if (list.size() == 0 && top_level)
      throw_input_error(context_, list, path, "expected at least one layer, found an empty list");
    std::vector<mesh::StackItem> items;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item_path = index_path(path, i);
      const YAML::Node item = list[i];
      if (!item.IsMap())
        throw_input_error(context_, item, item_path,
                          "expected a layer (name, thickness, material, ...), a repeat or a "
                          "side_by_side, found " +
                              describe_node(item));
      if (item["side_by_side"].IsDefined()) {
        if (!top_level)
          throw_input_error(context_, item, item_path,
                            "side_by_side may appear only directly in stack.layers, not inside a "
                            "column or a repeat");
        items.emplace_back(read_side_by_side(item, item_path));
      } else if (item["repeat"].IsDefined()) {
        for (auto& layer : read_repeat(item, item_path)) items.emplace_back(std::move(layer));
      } else {
        items.emplace_back(read_layer(item, item_path));
      }
    }
    return items;
  }

  std::vector<mesh::LayerSpec> read_layers(const YAML::Node& node, const std::string& path) {
    std::vector<mesh::LayerSpec> layers;
    for (auto& item : read_items(node, path, false))
      layers.push_back(std::get<mesh::LayerSpec>(std::move(item)));
    return layers;
  }

  // repeat: n, layers: [...] -> n copies, names suffixed "_1" .. "_n" bottom up.
  std::vector<mesh::LayerSpec> read_repeat(const YAML::Node& node, const std::string& path) {
    MapReader map(context_, node, path, {"repeat", "layers"});
    const int count = read_integer(context_, map.required("repeat"), map.path("repeat"), 1);
    const std::vector<mesh::LayerSpec> group =
        read_layers(map.required("layers"), map.path("layers"));
    if (group.empty())
      throw_input_error(context_, map.optional("layers"), map.path("layers"),
                        "expected at least one layer to repeat, found an empty list");
    std::vector<std::string> group_names;
    for (const auto& layer : group) group_names.push_back(layer.name);
    std::vector<mesh::LayerSpec> expanded;
    for (int k = 1; k <= count; ++k) {
      const std::string suffix = "_" + std::to_string(k);
      for (mesh::LayerSpec layer : group) {
        layer.name += suffix;
        // A TSV that extends into another layer of the same group follows that copy.
        for (auto& tsv : layer.tsv_arrays)
          for (auto& name : tsv.extends_through)
            if (std::find(group_names.begin(), group_names.end(), name) != group_names.end())
              name += suffix;
        expanded.push_back(std::move(layer));
      }
    }
    return expanded;
  }

  mesh::SideBySideSpec read_side_by_side(const YAML::Node& node, const std::string& path) {
    MapReader outer(context_, node, path, {"side_by_side"});
    MapReader map(context_, outer.required("side_by_side"), outer.path("side_by_side"),
                  {"fill", "columns"});
    mesh::SideBySideSpec group;
    group.source = map.source();
    group.fill_material = optional_material(context_, map, "fill", "", library_);
    const YAML::Node columns = read_list(context_, map.required("columns"), map.path("columns"));
    if (columns.size() == 0)
      throw_input_error(context_, columns, map.path("columns"),
                        "expected at least one column, found an empty list");
    for (std::size_t i = 0; i < columns.size(); ++i)
      group.columns.push_back(read_column(columns[i], index_path(map.path("columns"), i)));
    return group;
  }

  mesh::ColumnSpec read_column(const YAML::Node& node, const std::string& path) {
    MapReader map(context_, node, path, {"name", "outline", "layers"});
    mesh::ColumnSpec column;
    column.name = map.identifier("name");
    column.source = map.source();
    check_unique_name(context_, map, column.name, column_names_, "column");
    column.outline = read_rect(context_, map.required("outline"), map.path("outline"));
    column.layers = read_layers(map.required("layers"), map.path("layers"));
    return column;
  }

  mesh::LayerSpec read_layer(const YAML::Node& node, const std::string& path) {
    MapReader map(context_, node, path,
                  {"name", "kind", "thickness", "material", "outline", "fill", "z_subdivisions",
                   "tsv_arrays", "bump_arrays", "blocks"});
    mesh::LayerSpec layer;
    layer.name = map.identifier("name");
    layer.source = map.source();
    layer.kind = map.choice_or("kind",
                               std::vector<std::pair<std::string, mesh::LayerKind>>{
                                   {"generic", mesh::LayerKind::generic},
                                   {"die", mesh::LayerKind::die},
                                   {"interposer", mesh::LayerKind::interposer},
                                   {"bond", mesh::LayerKind::bond},
                                   {"tim", mesh::LayerKind::tim},
                                   {"lid", mesh::LayerKind::lid},
                                   {"beol", mesh::LayerKind::beol}},
                               mesh::LayerKind::generic);
    layer.thickness = map.quantity("thickness", Dimension::length, Sign::positive);
    layer.material =
        read_material_name(context_, map.required("material"), map.path("material"), library_);
    if (map.has("outline"))
      layer.outline = read_rect(context_, map.optional("outline"), map.path("outline"));
    layer.fill_material = optional_material(context_, map, "fill", "", library_);
    layer.z_subdivisions = map.integer_or("z_subdivisions", 1, 0);
    read_features(map, layer);
    return layer;
  }

  // tsv_arrays, bump_arrays and blocks of a layer.
  void read_features(MapReader& map, mesh::LayerSpec& layer) {
    std::vector<std::string> array_names, block_names;
    if (map.has("tsv_arrays")) {
      const YAML::Node list =
          read_list(context_, map.optional("tsv_arrays"), map.path("tsv_arrays"));
      for (std::size_t i = 0; i < list.size(); ++i)
        layer.tsv_arrays.push_back(
            read_tsv_array(list[i], index_path(map.path("tsv_arrays"), i), array_names));
    }
    if (map.has("bump_arrays")) {
      const YAML::Node list =
          read_list(context_, map.optional("bump_arrays"), map.path("bump_arrays"));
      for (std::size_t i = 0; i < list.size(); ++i)
        layer.bump_arrays.push_back(
            read_bump_array(list[i], index_path(map.path("bump_arrays"), i), array_names));
    }
    if (map.has("blocks")) {
      const YAML::Node list = read_list(context_, map.optional("blocks"), map.path("blocks"));
      for (std::size_t i = 0; i < list.size(); ++i)
        layer.blocks.push_back(read_block(list[i], index_path(map.path("blocks"), i), block_names));
    }
  }

  mesh::TsvArraySpec read_tsv_array(const YAML::Node& node, const std::string& path,
                                    std::vector<std::string>& array_names) {
    MapReader map(context_, node, path,
                  {"name", "diameter", "liner", "liner_material", "fill", "pitch", "count",
                   "pattern", "origin", "extends_through", "roles"});
    mesh::TsvArraySpec tsv;
    tsv.name = map.identifier("name");
    tsv.source = map.source();
    check_unique_name(context_, map, tsv.name, array_names, "array");
    tsv.diameter = map.quantity("diameter", Dimension::length, Sign::positive);
    tsv.liner_thickness = map.quantity_or("liner", Dimension::length, Sign::non_negative, 0);
    tsv.liner_material = optional_material(context_, map, "liner_material", "sio2", library_);
    tsv.fill_material = optional_material(context_, map, "fill", "copper", library_);
    tsv.layout = read_layout(context_, map, tsv.diameter + 2 * tsv.liner_thickness, "TSVs");
    if (map.has("extends_through")) {
      const YAML::Node names = map.optional("extends_through");
      tsv.extends_through = read_string_list(context_, names, map.path("extends_through"));
      extends_sources_[tsv.source.key_path] =
          source_of(context_, names, map.path("extends_through"));
    }
    if (map.has("roles")) read_roles(map, tsv);
    return tsv;
  }

  void read_roles(MapReader& map, mesh::TsvArraySpec& tsv) {
    const YAML::Node roles = map.optional("roles");
    tsv.roles = read_string_list(context_, roles, map.path("roles"));
    const std::size_t expected =
        static_cast<std::size_t>(tsv.layout.count_x) * static_cast<std::size_t>(tsv.layout.count_y);
    if (tsv.roles.size() != expected)
      throw_input_error(context_, roles, map.path("roles"),
                        "expected " + std::to_string(expected) + " roles (one per TSV, count " +
                            std::to_string(tsv.layout.count_x) + " x " +
                            std::to_string(tsv.layout.count_y) + "), found " +
                            std::to_string(tsv.roles.size()));
  }

  mesh::BumpArraySpec read_bump_array(const YAML::Node& node, const std::string& path,
                                      std::vector<std::string>& array_names) {
    MapReader map(context_, node, path,
                  {"name", "diameter", "material", "pitch", "count", "pattern", "origin"});
    mesh::BumpArraySpec bumps;
    bumps.name = map.identifier("name");
    bumps.source = map.source();
    check_unique_name(context_, map, bumps.name, array_names, "array");
    bumps.diameter = map.quantity("diameter", Dimension::length, Sign::positive);
    bumps.material = optional_material(context_, map, "material", "sac305", library_);
    bumps.layout = read_layout(context_, map, bumps.diameter, "bumps");
    return bumps;
  }

  mesh::BlockSpec read_block(const YAML::Node& node, const std::string& path,
                             std::vector<std::string>& block_names) {
    MapReader map(context_, node, path, {"name", "origin", "size"});
    mesh::BlockSpec block;
    block.name = map.identifier("name");
    block.source = map.source();
    check_unique_name(context_, map, block.name, block_names, "block");
    const auto [x, y] = read_quantity_pair(context_, map.required("origin"), map.path("origin"),
                                           Dimension::length, Sign::any, false);
    const auto [width, height] = read_quantity_pair(
        context_, map.required("size"), map.path("size"), Dimension::length, Sign::positive, false);
    block.rect = {x, y, x + width, y + height};
    return block;
  }

  void check_unique_layer_names(const mesh::StackSpec& stack) const {
    std::map<std::string, const mesh::LayerSpec*> first;
    for (const mesh::LayerSpec* layer : layers_in_order(stack)) {
      const auto [it, inserted] = first.emplace(layer->name, layer);
      if (inserted) continue;
      std::string message = "duplicate layer name '" + layer->name + "'";
      if (it->second->source.line > 0)
        message += " (first used at line " + std::to_string(it->second->source.line) + ")";
      throw InputError(layer->source, message);
    }
  }

  // A TSV's extends_through must name exactly the layers directly above its own,
  // in the same column (or in the main stack).
  void check_extends_through(const mesh::StackSpec& stack) const {
    std::vector<const mesh::LayerSpec*> sequence;  // nullptr: a side_by_side group
    for (const auto& item : stack.items) {
      if (const auto* layer = std::get_if<mesh::LayerSpec>(&item)) {
        sequence.push_back(layer);
      } else {
        sequence.push_back(nullptr);
        for (const auto& column : std::get<mesh::SideBySideSpec>(item).columns) {
          std::vector<const mesh::LayerSpec*> column_layers;
          for (const auto& column_layer : column.layers) column_layers.push_back(&column_layer);
          check_extends_through(column_layers, layer_names_in_order(stack));
        }
      }
    }
    check_extends_through(sequence, layer_names_in_order(stack));
  }

  void check_extends_through(const std::vector<const mesh::LayerSpec*>& sequence,
                             const std::vector<std::string>& all_names) const {
    for (std::size_t i = 0; i < sequence.size(); ++i) {
      if (!sequence[i]) continue;
      for (const auto& tsv : sequence[i]->tsv_arrays) {
        if (tsv.extends_through.empty()) continue;
        std::vector<std::string> above;
        for (std::size_t j = i + 1;
             j < sequence.size() && sequence[j] && above.size() < tsv.extends_through.size(); ++j)
          above.push_back(sequence[j]->name);
        for (const auto& name : tsv.extends_through) {
          if (std::find(above.begin(), above.end(), name) != above.end()) continue;
          const SourceRef& where = extends_sources_.at(tsv.source.key_path);
          if (std::find(all_names.begin(), all_names.end(), name) == all_names.end())
            throw InputError(where, "unknown layer '" + name + "'" + did_you_mean(name, all_names));
          throw InputError(where, "layer '" + name + "' is not among the " +
                                      std::to_string(tsv.extends_through.size()) +
                                      " layer(s) directly above '" + sequence[i]->name +
                                      "' in its column (directly above: " +
                                      (above.empty() ? "none" : join_names(above)) + ")");
        }
        if (above.size() < tsv.extends_through.size())
          throw InputError(extends_sources_.at(tsv.source.key_path),
                           "a layer is listed twice in extends_through");
      }
    }
  }

  const ReadContext& context_;
  const physics::MaterialLibrary& library_;
  std::vector<std::string> column_names_;
  std::map<std::string, SourceRef> extends_sources_;  // by TSV array key path
};

}  // namespace

mesh::StackSpec read_stack(const ReadContext& context, const YAML::Node& node,
                           const physics::MaterialLibrary& library) {
  if (!node.IsDefined()) throw InputError({context.file, 0, 0, ""}, "missing required key 'stack'");
  return StackReader(context, library).read(node);
}

std::vector<const mesh::LayerSpec*> layers_in_order(const mesh::StackSpec& stack) {
  std::vector<const mesh::LayerSpec*> layers;
  for (const auto& item : stack.items) {
    if (const auto* layer = std::get_if<mesh::LayerSpec>(&item)) {
      layers.push_back(layer);
      continue;
    }
    for (const auto& column : std::get<mesh::SideBySideSpec>(item).columns)
      for (const auto& layer : column.layers) layers.push_back(&layer);
  }
  return layers;
}

const mesh::LayerSpec* find_layer(const mesh::StackSpec& stack, const std::string& name) {
  for (const mesh::LayerSpec* layer : layers_in_order(stack))
    if (layer->name == name) return layer;
  return nullptr;
}

std::vector<std::string> array_names(const mesh::LayerSpec& layer) {
  std::vector<std::string> names;
  for (const auto& array : layer.tsv_arrays) names.push_back(array.name);
  for (const auto& array : layer.bump_arrays) names.push_back(array.name);
  return names;
}

std::string unknown_layer_message(const std::string& name, const std::vector<std::string>& names) {
  std::string hint = did_you_mean(name, names);
  if (hint.empty()) hint = " (layers: " + join_names(names) + ")";
  return "unknown layer '" + name + "'" + hint;
}

const mesh::LayerSpec& require_layer(const ReadContext& context, const YAML::Node& node,
                                     const std::string& path, const mesh::StackSpec& stack,
                                     const std::string& name) {
  const mesh::LayerSpec* layer = find_layer(stack, name);
  if (!layer)
    throw_input_error(context, node, path,
                      unknown_layer_message(name, layer_names_in_order(stack)));
  return *layer;
}

void require_array(const ReadContext& context, const YAML::Node& node, const std::string& path,
                   const mesh::LayerSpec& layer, const std::string& array_name) {
  const std::vector<std::string> names = array_names(layer);
  if (std::find(names.begin(), names.end(), array_name) != names.end()) return;
  std::string hint = did_you_mean(array_name, names);
  if (hint.empty())
    hint = names.empty() ? " (it has none)" : " (its arrays: " + join_names(names) + ")";
  throw_input_error(
      context, node, path,
      "layer '" + layer.name + "' has no TSV or bump array '" + array_name + "'" + hint);
}

namespace {

double column_height(const mesh::ColumnSpec& column) {
  double height = 0;
  for (const auto& layer : column.layers) height += layer.thickness;
  return height;
}

// Bottom layers of the group's columns, and top layers of its tallest columns.
std::vector<std::string> group_bottom_layers(const mesh::SideBySideSpec& group) {
  std::vector<std::string> names;
  for (const auto& column : group.columns)
    if (!column.layers.empty()) names.push_back(column.layers.front().name);
  return names;
}

std::vector<std::string> group_top_layers(const mesh::SideBySideSpec& group) {
  double tallest = 0;
  for (const auto& column : group.columns) tallest = std::max(tallest, column_height(column));
  std::vector<std::string> names;
  for (const auto& column : group.columns)
    if (!column.layers.empty() && column_height(column) >= tallest * (1 - 1e-9))
      names.push_back(column.layers.back().name);
  return names;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> adjacent_layer_pairs(
    const mesh::StackSpec& stack) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> below;  // top layers of the previous stack item
  for (const auto& item : stack.items) {
    std::vector<std::string> bottoms, tops;
    if (const auto* layer = std::get_if<mesh::LayerSpec>(&item)) {
      bottoms = tops = {layer->name};
    } else {
      const auto& group = std::get<mesh::SideBySideSpec>(item);
      bottoms = group_bottom_layers(group);
      tops = group_top_layers(group);
      for (const auto& column : group.columns)
        for (std::size_t i = 1; i < column.layers.size(); ++i)
          pairs.emplace_back(column.layers[i - 1].name, column.layers[i].name);
    }
    for (const auto& lower : below)
      for (const auto& upper : bottoms) pairs.emplace_back(lower, upper);
    below = tops;
  }
  return pairs;
}

}  // namespace tsvfield::io::detail

namespace tsvfield::io {

std::vector<std::string> layer_names_in_order(const mesh::StackSpec& stack) {
  std::vector<std::string> names;
  for (const mesh::LayerSpec* layer : detail::layers_in_order(stack)) names.push_back(layer->name);
  return names;
}

}  // namespace tsvfield::io
