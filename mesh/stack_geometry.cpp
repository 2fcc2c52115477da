#include "mesh/stack_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_map>

namespace tsvfield::mesh {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Preferred box half size relative to the outermost radius (the box holds the graded
// rings around the circles; the tensor grid takes over outside).
constexpr double kPreferredBoxRatio = 2.0;
// Neighbouring boxes are made to touch when the preferred size leaves less than this
// factor of room (see check_sites_and_size_boxes).
constexpr double kTouchRatio = 1.25;

std::string um(double metres) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g um", metres * 1e6);
  return text;
}

bool inside(const Rect& rect, double x, double y) {
  return x >= rect.x0 && x <= rect.x1 && y >= rect.y0 && y <= rect.y1;
}

bool contains(const Rect& outer, const Rect& inner, double tolerance) {
  return inner.x0 >= outer.x0 - tolerance && inner.x1 <= outer.x1 + tolerance &&
         inner.y0 >= outer.y0 - tolerance && inner.y1 <= outer.y1 + tolerance;
}

bool overlaps(const Rect& a, const Rect& b, double tolerance) {
  return a.x0 < b.x1 - tolerance && b.x0 < a.x1 - tolerance && a.y0 < b.y1 - tolerance &&
         b.y0 < a.y1 - tolerance;
}

double area(const Rect& rect) {
  return rect.width() * rect.height();
}

SourceRef with_key(SourceRef where, const std::string& key) {
  if (!key.empty()) where.key_path += where.key_path.empty() ? key : "." + key;
  return where;
}

void require_positive(double value, const SourceRef& where, const std::string& key,
                      const std::string& what) {
  if (!(value > 0) || !std::isfinite(value))
    throw InputError(with_key(where, key),
                     "expected a positive " + what + ", found " + std::to_string(value));
}

void require_rect(const Rect& rect, const SourceRef& where, const std::string& key) {
  if (!(rect.width() > 0) || !(rect.height() > 0) || !std::isfinite(rect.width()) ||
      !std::isfinite(rect.height()))
    throw InputError(with_key(where, key),
                     "expected a rectangle of positive width and height, "
                     "found [" +
                         um(rect.x0) + ", " + um(rect.y0) + "] - [" + um(rect.x1) + ", " +
                         um(rect.y1) + "]");
}

// Position of array element (i, j) relative to the array origin.
void element_offset(const ArrayLayout& layout, int i, int j, double& dx, double& dy) {
  dx = i * layout.pitch_x;
  if (layout.pattern == ArrayPattern::staggered && (j % 2) == 1) dx += 0.5 * layout.pitch_x;
  dy = j * layout.pitch_y;
}

// Smallest centre-to-centre distance between two elements of an array (infinity for one).
double nearest_neighbour_distance(const ArrayLayout& layout) {
  double nearest = INFINITY;
  if (layout.count_x > 1) nearest = std::min(nearest, layout.pitch_x);
  if (layout.count_y > 1) {
    if (layout.pattern == ArrayPattern::staggered) {
      nearest = std::min(nearest, std::hypot(0.5 * layout.pitch_x, layout.pitch_y));
      if (layout.count_y > 2) nearest = std::min(nearest, 2 * layout.pitch_y);
    } else {
      nearest = std::min(nearest, layout.pitch_y);
    }
  }
  return nearest;
}

void validate_layout(const ArrayLayout& layout, const SourceRef& where) {
  if (layout.count_x < 1 || layout.count_y < 1)
    throw InputError(with_key(where, "count"),
                     "expected at least one element in each direction, found " +
                         std::to_string(layout.count_x) + " x " + std::to_string(layout.count_y));
  bool needs_pitch_x =
      layout.count_x > 1 || (layout.pattern == ArrayPattern::staggered && layout.count_y > 1);
  if (needs_pitch_x) require_positive(layout.pitch_x, where, "pitch", "pitch in x");
  if (layout.count_y > 1) require_positive(layout.pitch_y, where, "pitch", "pitch in y");
}

class MaterialTable {
 public:
  explicit MaterialTable(std::vector<std::string>& names) : names_(names) {}
  int id(const std::string& name) {
    if (name.empty()) return kVoidMaterial;
    auto found = std::find(names_.begin(), names_.end(), name);
    if (found != names_.end()) return static_cast<int>(found - names_.begin());
    names_.push_back(name);
    return static_cast<int>(names_.size()) - 1;
  }

 private:
  std::vector<std::string>& names_;
};

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(int count) : parent(count) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int item) {
    while (parent[item] != item) item = parent[item] = parent[parent[item]];
    return item;
  }
  void join(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// Builds the geometry step by step; each method has one job.
class GeometryBuilder {
 public:
  explicit GeometryBuilder(const StackSpec& spec) : spec_(spec), materials_(geometry_.materials) {}

  StackGeometry build() {
    geometry_.footprint = spec_.footprint;
    require_rect(spec_.footprint, SourceRef{}, "footprint");
    tolerance_ = 1e-9 * std::max(spec_.footprint.width(), spec_.footprint.height());
    geometry_.edge_rectangles.push_back(spec_.footprint);
    flatten_layers();
    check_unique_layer_names();
    place_features();
    build_sites();
    check_sites_and_size_boxes();
    assign_nets();
    geometry_.build_site_buckets();
    return std::move(geometry_);
  }

 private:
  struct PendingLayer {
    const LayerSpec* spec;
    int layer;
    int sequence;  // layers of one sequence are stacked directly on each other
  };

  void flatten_layers() {
    double z = 0;
    int group = 0;
    int sequence = 0;
    bool previous_was_layer = false;
    for (const auto& item : spec_.items) {
      if (const auto* layer = std::get_if<LayerSpec>(&item)) {
        if (!previous_was_layer) ++sequence;
        z = add_layer(*layer, spec_.footprint, -1, -1, z, sequence);
        previous_was_layer = true;
        continue;
      }
      const auto& side_by_side = std::get<SideBySideSpec>(item);
      previous_was_layer = false;
      double base = z, top = z;
      int first_column = static_cast<int>(geometry_.column_outlines.size());
      for (std::size_t c = 0; c < side_by_side.columns.size(); ++c) {
        const ColumnSpec& column = side_by_side.columns[c];
        SourceRef where = column.source;
        require_rect(column.outline, where, "outline");
        if (!contains(spec_.footprint, column.outline, tolerance_))
          throw InputError(with_key(where, "outline"),
                           "column '" + column.name + "' lies outside the package footprint");
        for (int other = first_column; other < static_cast<int>(geometry_.column_outlines.size());
             ++other)
          if (overlaps(geometry_.column_outlines[other], column.outline, tolerance_))
            throw InputError(with_key(where, "outline"),
                             "column '" + column.name + "' overlaps another column of the group");
        int column_index = static_cast<int>(geometry_.column_outlines.size());
        geometry_.column_outlines.push_back(column.outline);
        geometry_.edge_rectangles.push_back(column.outline);
        if (column.layers.empty())
          throw InputError(with_key(where, "layers"),
                           "expected at least one layer in column '" + column.name + "'");
        ++sequence;
        double column_z = base;
        for (const auto& layer : column.layers)
          column_z = add_layer(layer, column.outline, column_index, group, column_z, sequence);
        top = std::max(top, column_z);
      }
      LayerInstance fill;
      fill.name = "side_by_side_" + std::to_string(group) + "_fill";
      fill.source = side_by_side.source;
      fill.z0 = base;
      fill.z1 = top;
      fill.region = spec_.footprint;
      fill.outline = spec_.footprint;
      fill.material = materials_.id(side_by_side.fill_material);
      fill.fill_material = fill.material;
      fill.is_group_fill = true;
      fill.group = group;
      geometry_.layers.push_back(fill);
      ++group;
      z = top;
    }
    if (geometry_.layers.empty())
      throw InputError(SourceRef{"", 0, 0, "stack"}, "expected at least one layer in the stack");
  }

  double add_layer(const LayerSpec& spec, const Rect& region, int column, int group, double z,
                   int sequence) {
    require_positive(spec.thickness, spec.source, "thickness", "thickness");
    if (spec.z_subdivisions < 0)
      throw InputError(with_key(spec.source, "z_subdivisions"),
                       "expected a non-negative number of subdivisions, found " +
                           std::to_string(spec.z_subdivisions));
    if (spec.material.empty())
      throw InputError(with_key(spec.source, "material"),
                       "expected a material for layer '" + spec.name + "'");
    LayerInstance layer;
    layer.name = spec.name;
    layer.source = spec.source;
    layer.kind = spec.kind;
    layer.z0 = z;
    layer.z1 = z + spec.thickness;
    layer.z_subdivisions = spec.z_subdivisions;
    layer.region = region;
    layer.outline = spec.outline.value_or(region);
    require_rect(layer.outline, spec.source, "outline");
    if (!contains(region, layer.outline, tolerance_))
      throw InputError(with_key(spec.source, "outline"),
                       "the outline of layer '" + spec.name + "' extends outside " +
                           (column >= 0 ? "its column" : "the package footprint"));
    layer.material = materials_.id(spec.material);
    layer.fill_material = materials_.id(spec.fill_material);
    layer.column = column;
    layer.group = group;
    pending_.push_back({&spec, static_cast<int>(geometry_.layers.size()), sequence});
    geometry_.layers.push_back(layer);
    if (spec.outline) geometry_.edge_rectangles.push_back(layer.outline);
    return layer.z1;
  }

  void check_unique_layer_names() {
    for (std::size_t a = 0; a < geometry_.layers.size(); ++a)
      for (std::size_t b = 0; b < a; ++b)
        if (geometry_.layers[a].name == geometry_.layers[b].name)
          throw InputError(with_key(geometry_.layers[a].source, "name"),
                           "layer name '" + geometry_.layers[a].name + "' is used twice");
  }

  // Index of the last layer a TSV of `pending` crosses, checking extends_through.
  int last_crossed_layer(const PendingLayer& pending, const TsvArraySpec& array) {
    int last = pending.layer;
    for (std::size_t k = 0; k < array.extends_through.size(); ++k) {
      const std::string& wanted = array.extends_through[k];
      const PendingLayer* above = nullptr;
      for (const auto& candidate : pending_)
        if (candidate.layer == last + 1 && candidate.sequence == pending.sequence)
          above = &candidate;
      if (above == nullptr || geometry_.layers[last + 1].name != wanted)
        throw InputError(
            with_key(array.source, "extends_through[" + std::to_string(k) + "]"),
            "TSV array '" + array.name + "' can only extend through the layer directly above '" +
                geometry_.layers[last].name + "'" +
                (above ? " ('" + geometry_.layers[last + 1].name + "')" : std::string(" (none)")) +
                ", found '" + wanted + "'");
      last = last + 1;
    }
    return last;
  }

  void check_array_inside_outline(const ArrayLayout& layout, const Rect& outline,
                                  double outer_radius, const SourceRef& where,
                                  const std::string& what) {
    for (int j = 0; j < layout.count_y; ++j)
      for (int i = 0; i < layout.count_x; ++i) {
        if (j > 0 && j < layout.count_y - 1 && i > 0 && i < layout.count_x - 1) continue;
        double dx, dy;
        element_offset(layout, i, j, dx, dy);
        double x = outline.x0 + layout.origin_x + dx;
        double y = outline.y0 + layout.origin_y + dy;
        Rect box{x - outer_radius, y - outer_radius, x + outer_radius, y + outer_radius};
        if (!contains(outline, box, tolerance_))
          throw InputError(with_key(where, "origin"),
                           what + " [" + std::to_string(i) + "," + std::to_string(j) + "] at (" +
                               um(x) + ", " + um(y) + ") with radius " + um(outer_radius) +
                               " extends outside the layer outline");
      }
  }

  void place_features() {
    for (const auto& pending : pending_) {
      const LayerSpec& spec = *pending.spec;
      const LayerInstance layer = geometry_.layers[pending.layer];
      for (const auto& array : spec.tsv_arrays) place_tsv_array(pending, layer, array);
      for (const auto& array : spec.bump_arrays) place_bump_array(pending, layer, array);
      for (const auto& block : spec.blocks) place_block(pending, layer, block);
    }
    // Bumps after all TSVs so that conductor ids list TSVs first.
    for (const auto& [array_index, layout] : bump_layouts_)
      add_conductors(array_index, *layout, nullptr);
  }

  void place_tsv_array(const PendingLayer& pending, const LayerInstance& layer,
                       const TsvArraySpec& array) {
    require_positive(array.diameter, array.source, "diameter", "TSV diameter");
    if (array.liner_thickness < 0 || !std::isfinite(array.liner_thickness))
      throw InputError(
          with_key(array.source, "liner_thickness"),
          "expected a non-negative liner thickness, found " + um(array.liner_thickness));
    validate_layout(array.layout, array.source);
    double radius = 0.5 * array.diameter;
    double outer = radius + array.liner_thickness;
    double nearest = nearest_neighbour_distance(array.layout);
    if (2 * outer >= nearest)
      throw InputError(with_key(array.source, "pitch"),
                       "TSV array '" + array.name + "': the TSV with its liner (2 * (radius + " +
                           "liner) = " + um(2 * outer) + ") does not fit in the pitch (" +
                           um(nearest) + ")");
    std::size_t count = static_cast<std::size_t>(array.layout.count_x) * array.layout.count_y;
    if (!array.roles.empty() && array.roles.size() != count)
      throw InputError(with_key(array.source, "roles"), "expected " + std::to_string(count) +
                                                            " roles (one per TSV), found " +
                                                            std::to_string(array.roles.size()));
    if (array.fill_material.empty())
      throw InputError(with_key(array.source, "fill_material"), "expected a fill material");
    if (array.liner_thickness > 0 && array.liner_material.empty())
      throw InputError(with_key(array.source, "liner_material"), "expected a liner material");
    check_array_inside_outline(array.layout, layer.outline, outer, array.source, "TSV");
    FeatureArray feature;
    feature.name = layer.name + "/" + array.name;
    feature.source = array.source;
    feature.is_tsv = true;
    feature.layer_first = pending.layer;
    feature.layer_last = last_crossed_layer(pending, array);
    feature.radius = radius;
    feature.outer_radius = outer;
    feature.conductor_material = materials_.id(array.fill_material);
    feature.liner_material =
        array.liner_thickness > 0 ? materials_.id(array.liner_material) : kVoidMaterial;
    for (int l = feature.layer_first; l <= feature.layer_last; ++l) {
      check_array_inside_outline(array.layout, geometry_.layers[l].outline, outer, array.source,
                                 "TSV");
      note_feature_size(l, array.diameter);
    }
    int index = add_array(feature, array.layout, layer.outline);
    add_conductors(index, array.layout, &array.roles);
  }

  void place_bump_array(const PendingLayer& pending, const LayerInstance& layer,
                        const BumpArraySpec& array) {
    require_positive(array.diameter, array.source, "diameter", "bump diameter");
    validate_layout(array.layout, array.source);
    double radius = 0.5 * array.diameter;
    double nearest = nearest_neighbour_distance(array.layout);
    if (2 * radius >= nearest)
      throw InputError(with_key(array.source, "pitch"),
                       "bump array '" + array.name + "': the bump diameter (" + um(array.diameter) +
                           ") does not fit in the pitch (" + um(nearest) + ")");
    if (array.material.empty())
      throw InputError(with_key(array.source, "material"), "expected a bump material");
    check_array_inside_outline(array.layout, layer.outline, radius, array.source, "bump");
    FeatureArray feature;
    feature.name = layer.name + "/" + array.name;
    feature.source = array.source;
    feature.is_tsv = false;
    feature.layer_first = feature.layer_last = pending.layer;
    feature.radius = feature.outer_radius = radius;
    feature.conductor_material = materials_.id(array.material);
    note_feature_size(pending.layer, array.diameter);
    int index = add_array(feature, array.layout, layer.outline);
    bump_layouts_.push_back({index, &array.layout});
  }

  void place_block(const PendingLayer& pending, const LayerInstance& layer,
                   const BlockSpec& block) {
    require_rect(block.rect, block.source, "rect");
    Rect absolute{layer.outline.x0 + block.rect.x0, layer.outline.y0 + block.rect.y0,
                  layer.outline.x0 + block.rect.x1, layer.outline.y0 + block.rect.y1};
    if (!contains(layer.outline, absolute, tolerance_))
      throw InputError(
          with_key(block.source, "rect"),
          "block '" + block.name + "' extends outside the outline of layer '" + layer.name + "'");
    geometry_.blocks.push_back(
        {layer.name + "/" + block.name, block.source, pending.layer, absolute});
    geometry_.edge_rectangles.push_back(absolute);
  }

  void note_feature_size(int layer, double diameter) {
    double& size = geometry_.layers[layer].feature_size;
    size = size > 0 ? std::min(size, diameter) : diameter;
  }

  int add_array(const FeatureArray& feature, const ArrayLayout& layout, const Rect& outline) {
    int index = static_cast<int>(geometry_.arrays.size());
    geometry_.arrays.push_back(feature);
    geometry_.arrays.back().count = layout.count_x * layout.count_y;
    array_layouts_.push_back(layout);
    array_origins_.push_back({outline.x0 + layout.origin_x, outline.y0 + layout.origin_y});
    return index;
  }

  void add_conductors(int array_index, const ArrayLayout& layout,
                      const std::vector<std::string>* roles) {
    const FeatureArray& array = geometry_.arrays[array_index];
    auto [origin_x, origin_y] = array_origins_[array_index];
    geometry_.conductors.reserve(geometry_.conductors.size() +
                                 static_cast<std::size_t>(layout.count_x) * layout.count_y);
    for (int j = 0; j < layout.count_y; ++j)
      for (int i = 0; i < layout.count_x; ++i) {
        double dx, dy;
        element_offset(layout, i, j, dx, dy);
        ConductorInfo conductor;
        conductor.name = array.name + "[" + std::to_string(i) + "," + std::to_string(j) + "]";
        conductor.kind = array.is_tsv ? "tsv" : "bump";
        if (array.is_tsv)
          conductor.role = roles && !roles->empty() ? (*roles)[j * layout.count_x + i] : "S";
        conductor.x = origin_x + dx;
        conductor.y = origin_y + dy;
        conductor.radius = array.radius;
        conductor.z0 = geometry_.layers[array.layer_first].z0;
        conductor.z1 = geometry_.layers[array.layer_last].z1;
        geometry_.conductors.push_back(std::move(conductor));
        geometry_.conductor_array.push_back(array_index);
      }
  }

  // Groups concentric features (within a tolerance) into sites.
  void build_sites() {
    double quantum = std::max(tolerance_, 1e-12);
    std::unordered_map<std::uint64_t, int> site_of_cell;
    auto cell_key = [](std::int64_t qx, std::int64_t qy) {
      return (static_cast<std::uint64_t>(qx) << 32) ^ static_cast<std::uint64_t>(qy & 0xffffffff);
    };
    for (int c = 0; c < static_cast<int>(geometry_.conductors.size()); ++c) {
      const ConductorInfo& conductor = geometry_.conductors[c];
      auto qx =
          static_cast<std::int64_t>(std::llround((conductor.x - spec_.footprint.x0) / quantum));
      auto qy =
          static_cast<std::int64_t>(std::llround((conductor.y - spec_.footprint.y0) / quantum));
      int site = -1;
      for (int ox = -1; ox <= 1 && site < 0; ++ox)
        for (int oy = -1; oy <= 1 && site < 0; ++oy) {
          auto found = site_of_cell.find(cell_key(qx + ox, qy + oy));
          if (found != site_of_cell.end()) site = found->second;
        }
      if (site < 0) {
        site = static_cast<int>(geometry_.sites.size());
        geometry_.sites.push_back({conductor.x, conductor.y, {}, 0, {}});
        site_of_cell[cell_key(qx, qy)] = site;
      }
      const FeatureArray& array = geometry_.arrays[geometry_.conductor_array[c]];
      for (int l = array.layer_first; l <= array.layer_last; ++l)
        geometry_.sites[site].features.push_back({l, geometry_.conductor_array[c], c});
    }
    for (auto& site : geometry_.sites) {
      for (const auto& feature : site.features) {
        site.radii.push_back(geometry_.arrays[feature.array].radius);
        site.radii.push_back(geometry_.arrays[feature.array].outer_radius);
      }
      std::sort(site.radii.begin(), site.radii.end());
      std::vector<double> unique;
      for (double radius : site.radii)
        if (unique.empty() || radius > unique.back() * (1 + 1e-9)) unique.push_back(radius);
      site.radii = std::move(unique);
      check_same_layer_overlap_at_site(site);
    }
  }

  std::string feature_label(const SiteFeature& feature) const {
    return "'" + geometry_.conductors[feature.conductor].name + "'";
  }

  void check_same_layer_overlap_at_site(const Site& site) {
    for (std::size_t a = 0; a < site.features.size(); ++a)
      for (std::size_t b = 0; b < a; ++b)
        if (site.features[a].layer == site.features[b].layer)
          throw InputError(geometry_.arrays[site.features[a].array].source,
                           feature_label(site.features[a]) + " overlaps " +
                               feature_label(site.features[b]) + " in layer '" +
                               geometry_.layers[site.features[a].layer].name + "'");
  }

  double outer_radius(const Site& site) const { return site.radii.back(); }

  // Overlap checks between sites and O-grid box sizes (they must not overlap).
  void check_sites_and_size_boxes() {
    auto& sites = geometry_.sites;
    if (sites.empty()) return;
    double largest = 0;
    for (const auto& site : sites) largest = std::max(largest, outer_radius(site));
    double bucket = 2 * kPreferredBoxRatio * kTouchRatio * largest;
    const Rect& fp = spec_.footprint;
    int nx = std::max(1, static_cast<int>(std::ceil(fp.width() / bucket)));
    int ny = std::max(1, static_cast<int>(std::ceil(fp.height() / bucket)));
    if (static_cast<double>(nx) * ny > 4e7) {
      nx = std::min(nx, 6000);
      ny = std::min(ny, 6000);
    }
    auto bucket_of = [&](double x, double y, int& bx, int& by) {
      bx = std::clamp(static_cast<int>((x - fp.x0) / fp.width() * nx), 0, nx - 1);
      by = std::clamp(static_cast<int>((y - fp.y0) / fp.height() * ny), 0, ny - 1);
    };
    std::vector<std::vector<int>> buckets(static_cast<std::size_t>(nx) * ny);
    for (int s = 0; s < static_cast<int>(sites.size()); ++s) {
      int bx, by;
      bucket_of(sites[s].x, sites[s].y, bx, by);
      buckets[static_cast<std::size_t>(by) * nx + bx].push_back(s);
    }
    for (int s = 0; s < static_cast<int>(sites.size()); ++s) {
      Site& site = sites[s];
      double radius = outer_radius(site);
      double split = INFINITY;  // largest half size leaving room for every neighbour's box
      int bx, by;
      bucket_of(site.x, site.y, bx, by);
      for (int ny_ = std::max(0, by - 1); ny_ <= std::min(ny - 1, by + 1); ++ny_)
        for (int nx_ = std::max(0, bx - 1); nx_ <= std::min(nx - 1, bx + 1); ++nx_)
          for (int t : buckets[static_cast<std::size_t>(ny_) * nx + nx_]) {
            if (t == s) continue;
            check_site_pair(site, sites[t]);
            double other = outer_radius(sites[t]);
            double chebyshev =
                std::max(std::abs(site.x - sites[t].x), std::abs(site.y - sites[t].y));
            split = std::min(split, chebyshev * radius / (radius + other));
          }
      // Boxes that would almost touch are made to touch: the thin strips of grid cells
      // left between them would run across the whole footprint.
      double preferred = kPreferredBoxRatio * radius;
      site.box_half = split <= kTouchRatio * preferred ? split : preferred;
      shrink_box_away_from_edges(site);
      if (site.box_half < kMinSiteBoxRatio * radius * (1 - 1e-12))
        throw InputError(geometry_.arrays[site.features.front().array].source,
                         feature_label(site.features.front()) + " at (" + um(site.x) + ", " +
                             um(site.y) + ") is too close to a rectangle edge (die, layer or " +
                             "block outline) to be meshed: it needs a clear square of half size " +
                             um(kMinSiteBoxRatio * radius) + ", found " + um(site.box_half));
    }
  }

  void check_site_pair(const Site& a, const Site& b) {
    double distance = std::hypot(a.x - b.x, a.y - b.y);
    for (const auto& fa : a.features)
      for (const auto& fb : b.features) {
        if (fa.layer != fb.layer) continue;
        double reach =
            geometry_.arrays[fa.array].outer_radius + geometry_.arrays[fb.array].outer_radius;
        if (distance < reach)
          throw InputError(geometry_.arrays[fa.array].source,
                           feature_label(fa) + " overlaps " + feature_label(fb) + " in layer '" +
                               geometry_.layers[fa.layer].name + "' (centres " + um(distance) +
                               " apart, radii with liners add up to " + um(reach) + ")");
      }
    double chebyshev = std::max(std::abs(a.x - b.x), std::abs(a.y - b.y));
    double needed = kMinSiteBoxRatio * (outer_radius(a) + outer_radius(b));
    if (chebyshev < needed)
      throw InputError(geometry_.arrays[a.features.front().array].source,
                       feature_label(a.features.front()) + " and " +
                           feature_label(b.features.front()) +
                           " are too close in plan to be meshed: their " +
                           "O-grid boxes would overlap (centres " + um(chebyshev) +
                           " apart in x or y, at least " + um(needed) + " needed)");
  }

  // No rectangle edge may cross the O-grid box: the O-grid does not follow straight lines.
  void shrink_box_away_from_edges(Site& site) {
    for (const Rect& rect : geometry_.edge_rectangles) {
      double h = site.box_half;
      bool spans_y = rect.y0 < site.y + h && rect.y1 > site.y - h;
      bool spans_x = rect.x0 < site.x + h && rect.x1 > site.x - h;
      for (double x : {rect.x0, rect.x1})
        if (spans_y && std::abs(x - site.x) < site.box_half) site.box_half = std::abs(x - site.x);
      for (double y : {rect.y0, rect.y1})
        if (spans_x && std::abs(y - site.y) < site.box_half) site.box_half = std::abs(y - site.y);
    }
  }

  // Nets: conductors at one site touching end to end (their circles overlap, being
  // concentric) form a vertical chain.
  void assign_nets() {
    auto& conductors = geometry_.conductors;
    UnionFind chains(static_cast<int>(conductors.size()));
    double z_tolerance = 1e-9 * std::max(1e-9, geometry_.top() - geometry_.bottom());
    for (const auto& site : geometry_.sites) {
      std::vector<int> members;
      for (const auto& feature : site.features) members.push_back(feature.conductor);
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      for (int a : members)
        for (int b : members)
          if (a != b && std::abs(conductors[a].z1 - conductors[b].z0) <= z_tolerance)
            chains.join(a, b);
    }
    std::vector<int> net_of_root(conductors.size(), -1);
    for (int c = 0; c < static_cast<int>(conductors.size()); ++c) {
      int root = chains.find(c);
      if (net_of_root[root] < 0) net_of_root[root] = geometry_.net_count++;
      conductors[c].net = net_of_root[root];
    }
    // Bumps take the role of the first TSV of their net.
    std::vector<std::string> net_role(geometry_.net_count);
    for (const auto& conductor : conductors)
      if (conductor.kind == "tsv" && net_role[conductor.net].empty())
        net_role[conductor.net] = conductor.role;
    for (auto& conductor : conductors)
      if (conductor.kind == "bump")
        conductor.role = net_role[conductor.net].empty() ? "S" : net_role[conductor.net];
  }

  const StackSpec& spec_;
  StackGeometry geometry_;
  MaterialTable materials_;
  double tolerance_ = 0;
  std::vector<PendingLayer> pending_;
  std::vector<ArrayLayout> array_layouts_;
  std::vector<std::pair<double, double>> array_origins_;
  std::vector<std::pair<int, const ArrayLayout*>> bump_layouts_;
};

}  // namespace

int StackGeometry::layer_index(const std::string& name) const {
  for (std::size_t l = 0; l < layers.size(); ++l)
    if (layers[l].name == name) return static_cast<int>(l);
  return -1;
}

double StackGeometry::top() const {
  double z = 0;
  for (const auto& layer : layers) z = std::max(z, layer.z1);
  return z;
}

double StackGeometry::bottom() const {
  double z = layers.empty() ? 0 : layers.front().z0;
  for (const auto& layer : layers) z = std::min(z, layer.z0);
  return z;
}

MaterialAt StackGeometry::material_at_site(int layer, int site, double radius, double x,
                                           double y) const {
  const LayerInstance& instance = layers[layer];
  MaterialAt result;
  if (!inside(instance.region, x, y)) return result;
  result.in_region = true;
  if (site >= 0) {
    for (const auto& feature : sites[site].features) {
      if (feature.layer != layer) continue;
      const FeatureArray& array = arrays[feature.array];
      if (radius < array.radius) {
        result.material = array.conductor_material;
        result.conductor = feature.conductor;
        return result;
      }
      if (radius < array.outer_radius) {
        result.material = array.liner_material;
        return result;
      }
    }
  }
  result.material = inside(instance.outline, x, y) ? instance.material : instance.fill_material;
  return result;
}

MaterialAt StackGeometry::material_at(int layer, double x, double y) const {
  int site = site_at(x, y);
  double radius = site >= 0 ? std::hypot(x - sites[site].x, y - sites[site].y) : 0;
  return material_at_site(layer, site, radius, x, y);
}

void StackGeometry::build_site_buckets() {
  double largest = 0;
  for (const auto& site : sites) largest = std::max(largest, site.box_half);
  bucket_nx = bucket_ny = 1;
  bucket_size = 0;
  if (largest > 0) {
    bucket_size = 2 * largest;
    bucket_nx = std::clamp(static_cast<int>(std::ceil(footprint.width() / bucket_size)), 1, 4096);
    bucket_ny = std::clamp(static_cast<int>(std::ceil(footprint.height() / bucket_size)), 1, 4096);
  }
  std::size_t count = static_cast<std::size_t>(bucket_nx) * bucket_ny;
  std::vector<std::vector<int>> lists(count);
  auto index = [&](double x, double y, int& bx, int& by) {
    bx = std::clamp(static_cast<int>((x - footprint.x0) / footprint.width() * bucket_nx), 0,
                    bucket_nx - 1);
    by = std::clamp(static_cast<int>((y - footprint.y0) / footprint.height() * bucket_ny), 0,
                    bucket_ny - 1);
  };
  for (int s = 0; s < static_cast<int>(sites.size()); ++s) {
    int bx0, by0, bx1, by1;
    index(sites[s].x - sites[s].box_half, sites[s].y - sites[s].box_half, bx0, by0);
    index(sites[s].x + sites[s].box_half, sites[s].y + sites[s].box_half, bx1, by1);
    for (int by = by0; by <= by1; ++by)
      for (int bx = bx0; bx <= bx1; ++bx)
        lists[static_cast<std::size_t>(by) * bucket_nx + bx].push_back(s);
  }
  bucket_start.assign(count + 1, 0);
  bucket_sites.clear();
  for (std::size_t b = 0; b < count; ++b) {
    bucket_sites.insert(bucket_sites.end(), lists[b].begin(), lists[b].end());
    bucket_start[b + 1] = static_cast<int>(bucket_sites.size());
  }
}

int StackGeometry::site_at(double x, double y) const {
  if (sites.empty() || bucket_start.empty()) return -1;
  int bx = std::clamp(static_cast<int>((x - footprint.x0) / footprint.width() * bucket_nx), 0,
                      bucket_nx - 1);
  int by = std::clamp(static_cast<int>((y - footprint.y0) / footprint.height() * bucket_ny), 0,
                      bucket_ny - 1);
  std::size_t bucket = static_cast<std::size_t>(by) * bucket_nx + bx;
  for (int k = bucket_start[bucket]; k < bucket_start[bucket + 1]; ++k) {
    const Site& site = sites[bucket_sites[k]];
    if (std::abs(x - site.x) <= site.box_half && std::abs(y - site.y) <= site.box_half)
      return bucket_sites[k];
  }
  return -1;
}

namespace {

// Adds the material areas of one layer (within its region) times dz.
void add_layer_volumes(const StackGeometry& geometry, int layer, double dz,
                       std::vector<double>& volumes) {
  const LayerInstance& instance = geometry.layers[layer];
  auto add = [&](int material, double volume) {
    if (material >= 0) volumes[material] += volume;
  };
  double outline_area = area(instance.outline);
  double features_area = 0;
  for (std::size_t a = 0; a < geometry.arrays.size(); ++a) {
    const FeatureArray& array = geometry.arrays[a];
    if (layer < array.layer_first || layer > array.layer_last) continue;
    double count = array.count;
    double conductor_area = kPi * array.radius * array.radius;
    double outer_area = kPi * array.outer_radius * array.outer_radius;
    add(array.conductor_material, count * conductor_area * dz);
    add(array.liner_material, count * (outer_area - conductor_area) * dz);
    features_area += count * outer_area;
  }
  add(instance.material, (outline_area - features_area) * dz);
  add(instance.fill_material, (area(instance.region) - outline_area) * dz);
}

}  // namespace

std::vector<double> StackGeometry::exact_material_volumes() const {
  std::vector<double> volumes(materials.size(), 0.0);
  std::vector<double> levels;
  for (const auto& layer : layers) {
    levels.push_back(layer.z0);
    levels.push_back(layer.z1);
  }
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  for (std::size_t k = 0; k + 1 < levels.size(); ++k) {
    double z_mid = 0.5 * (levels[k] + levels[k + 1]);
    double dz = levels[k + 1] - levels[k];
    for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
      const LayerInstance& layer = layers[l];
      if (z_mid < layer.z0 || z_mid > layer.z1 || layer.column >= 0) continue;
      if (!layer.is_group_fill) {
        add_layer_volumes(*this, l, dz, volumes);
        continue;
      }
      // Group fill: the footprint minus the columns that have a layer at this height.
      double fill_area = area(footprint);
      for (int c = 0; c < static_cast<int>(layers.size()); ++c)
        if (layers[c].group == layer.group && layers[c].column >= 0 && z_mid >= layers[c].z0 &&
            z_mid <= layers[c].z1) {
          add_layer_volumes(*this, c, dz, volumes);
          fill_area -= area(layers[c].region);
        }
      if (layer.material >= 0) volumes[layer.material] += fill_area * dz;
    }
  }
  return volumes;
}

StackGeometry build_stack_geometry(const StackSpec& spec) {
  return GeometryBuilder(spec).build();
}

}  // namespace tsvfield::mesh
