#include "physics/cross_section.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "physics/per_unit_length.hpp"

namespace tsvfield::physics {
namespace {

// Cells across a liner: one is too few for the field in it (the liner holds most of
// the voltage at low frequency).
constexpr int kMinLinerLayers = 2;

std::string um(double metres) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g um", metres * 1e6);
  return text;
}

void validate_controls(const CrossSectionControls& controls, const SourceRef& where) {
  auto non_negative = [](double value) { return value >= 0 && std::isfinite(value); };
  if (!non_negative(controls.conductor_surface_cell_m))
    throw InputError(where, "cross-section: conductor surface cell must be a length >= 0");
  if (!non_negative(controls.depletion_thickness_m))
    throw InputError(where, "cross-section: depletion thickness must be a length >= 0");
  if (!(controls.temperature_K > 0) || !std::isfinite(controls.temperature_K))
    throw InputError(where, "cross-section: temperature must be above 0 K");
  if (!(controls.metal_threshold_S_m > 0) || !std::isfinite(controls.metal_threshold_S_m))
    throw InputError(where, "cross-section: the metal threshold must be a conductivity > 0");
}

// The features of `layer` at a site (a site holds at most one feature per layer).
const mesh::SiteFeature* layer_feature(const mesh::Site& site, int layer) {
  for (const auto& feature : site.features)
    if (feature.layer == layer) return &feature;
  return nullptr;
}

// A copy of the geometry with the circle outer_radius + depletion added at every site
// holding a feature of `layer`, so the depleted ring is meshed exactly.
mesh::StackGeometry with_depletion_circles(const mesh::StackGeometry& geometry, int layer,
                                           double depletion) {
  mesh::StackGeometry copy = geometry;
  if (!(depletion > 0)) return copy;
  for (auto& site : copy.sites) {
    const mesh::SiteFeature* feature = layer_feature(site, layer);
    if (!feature) continue;
    const mesh::FeatureArray& array = copy.arrays[feature->array];
    double radius = array.outer_radius + depletion;
    if (mesh::kMinSiteBoxRatio * radius > site.box_half)
      throw InputError(array.source, "depletion thickness " + um(depletion) + " around '" +
                                         copy.conductors[feature->conductor].name +
                                         "' reaches beyond the room its mesh has (radius " +
                                         um(radius) + ", O-grid box half size " +
                                         um(site.box_half) + "): expected a thinner depletion");
    site.radii.push_back(radius);
    std::sort(site.radii.begin(), site.radii.end());
    std::vector<double> unique;
    for (double r : site.radii)
      if (unique.empty() || r > unique.back() * (1 + 1e-9)) unique.push_back(r);
    site.radii = std::move(unique);
  }
  return copy;
}

mesh::MeshControls section_mesh_controls(const mesh::MeshControls& base,
                                         const CrossSectionControls& controls) {
  mesh::MeshControls section = base;
  section.circle_segments = controls.circle_segments;
  section.liner_layers = std::max(base.liner_layers, kMinLinerLayers);
  section.conductor_surface_cell = controls.conductor_surface_cell_m;
  return section;
}

// Builds the SectionMaterials of the geometry's materials on first use.
class SectionMaterialTable {
 public:
  SectionMaterialTable(const mesh::StackGeometry& geometry, const MaterialLibrary& library,
                       const CrossSectionControls& controls, const SourceRef& where)
      : geometry_(geometry), library_(library), controls_(controls), where_(where) {}

  int index(int geometry_material, bool depleted) {
    auto& slot = depleted ? depleted_ : plain_;
    auto found = slot.find(geometry_material);
    if (found != slot.end()) return found->second;
    SectionMaterial material = make(geometry_.materials[geometry_material]);
    if (depleted) {
      material.name += " (depleted)";
      material.conductivity_S_m = 0;
    }
    int index = static_cast<int>(materials.size());
    materials.push_back(std::move(material));
    slot[geometry_material] = index;
    return index;
  }

  bool is_semiconductor(int geometry_material) {
    return materials[index(geometry_material, false)].is_semiconductor;
  }

  std::vector<SectionMaterial> materials;

 private:
  SectionMaterial make(const std::string& name) const {
    const Material* found = library_.find(name);
    if (!found) throw InputError(where_, "material '" + name + "' is not in the material library");
    SectionMaterial material;
    material.name = name;
    material.conductivity_S_m = found->electrical_conductivity.is_defined()
                                    ? found->electrical_conductivity(controls_.temperature_K)
                                    : 0.0;
    material.relative_permittivity = found->relative_permittivity;
    if (!std::isfinite(material.conductivity_S_m) || material.conductivity_S_m < 0)
      throw InputError(where_, "material '" + name + "' has no valid electrical conductivity");
    material.is_metal = material.conductivity_S_m > controls_.metal_threshold_S_m;
    // A named semiconductor conducting like a metal is a metal (it cannot be a lossy
    // dielectric).
    const auto& names = controls_.semiconductors;
    material.is_semiconductor =
        !material.is_metal && std::find(names.begin(), names.end(), name) != names.end();
    if (!material.is_metal && !(material.relative_permittivity > 0))
      throw InputError(where_, "material '" + name + "' has no positive relative permittivity");
    return material;
  }

  const mesh::StackGeometry& geometry_;
  const MaterialLibrary& library_;
  const CrossSectionControls& controls_;
  SourceRef where_;
  std::map<int, int> plain_, depleted_;
};

// Whether an O-grid cell at `band_radius` of a site lies in the depleted ring around
// the site's feature of `layer`.
bool in_depleted_ring(const mesh::StackGeometry& geometry, int layer, int site, double band_radius,
                      double depletion) {
  if (!(depletion > 0) || site < 0) return false;
  const mesh::SiteFeature* feature = layer_feature(geometry.sites[site], layer);
  if (!feature) return false;
  double liner = geometry.arrays[feature->array].outer_radius;
  return band_radius > liner && band_radius < liner + depletion;
}

// Fills cell_material and cell_conductor (geometry conductor indices for now).
void classify_cells(const mesh::StackGeometry& geometry, int layer, double depletion,
                    SectionMaterialTable& table, CrossSection& section) {
  const mesh::FootprintMesh& mesh = section.mesh;
  section.cell_material.assign(mesh.cells.size(), -1);
  section.cell_conductor.assign(mesh.cells.size(), -1);
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    int site = mesh.cell_site[cell];
    double band_radius = mesh.cell_band_radius[cell];
    const auto& centroid = mesh.cell_centroid[cell];
    mesh::MaterialAt at =
        site >= 0 ? geometry.material_at_site(layer, site, band_radius, centroid[0], centroid[1])
                  : geometry.material_at(layer, centroid[0], centroid[1]);
    if (!at.in_region || at.material == mesh::kVoidMaterial) continue;
    bool depleted = at.conductor < 0 &&
                    in_depleted_ring(geometry, layer, site, band_radius, depletion) &&
                    table.is_semiconductor(at.material);
    section.cell_material[cell] = table.index(at.material, depleted);
    section.cell_conductor[cell] = at.conductor;
  }
}

// Keeps the geometry conductors present in the layer (in geometry order) and renumbers
// cell_conductor into them.
void collect_conductors(const mesh::StackGeometry& geometry,
                        const std::vector<ConductorRole>& roles, CrossSection& section) {
  std::vector<int> section_index(geometry.conductors.size(), -1);
  for (int conductor : section.cell_conductor)
    if (conductor >= 0) section_index[conductor] = 0;
  for (std::size_t c = 0; c < geometry.conductors.size(); ++c) {
    if (section_index[c] < 0) continue;
    section_index[c] = static_cast<int>(section.conductors.size());
    const mesh::ConductorInfo& info = geometry.conductors[c];
    SectionConductor conductor;
    conductor.name = info.name;
    conductor.role_name = info.role;
    conductor.role = roles[c];
    conductor.net = info.net;
    conductor.x = info.x;
    conductor.y = info.y;
    conductor.radius = info.radius;
    section.conductors.push_back(std::move(conductor));
  }
  for (int& conductor : section.cell_conductor)
    if (conductor >= 0) conductor = section_index[conductor];
}

// Radial size of the outermost ring of conductor cells: for every conductor cell with
// an edge on the conductor's boundary, the radial length of its two sides that end on
// that edge; the largest over all such cells of a conductor, the smallest over the
// conductors.
double measure_surface_cell(const CrossSection& section) {
  const mesh::FootprintMesh& mesh = section.mesh;
  std::vector<double> largest(section.conductors.size(), 0.0);
  for (std::int32_t cell = 0; cell < mesh.cell_count(); ++cell) {
    int conductor = section.cell_conductor[cell];
    if (conductor < 0) continue;
    const SectionConductor& info = section.conductors[conductor];
    auto distance = [&](int corner) {
      const auto& p = mesh.nodes[mesh.cells[cell][corner % 4]];
      return std::hypot(p[0] - info.x, p[1] - info.y);
    };
    for (int edge = 0; edge < 4; ++edge) {
      int neighbour = mesh.cell_neighbours[cell][edge];
      if (neighbour >= 0 && section.cell_conductor[neighbour] == conductor) continue;
      double radial =
          std::max(distance(edge) - distance(edge + 3), distance(edge + 1) - distance(edge + 2));
      largest[conductor] = std::max(largest[conductor], radial);
    }
  }
  return *std::min_element(largest.begin(), largest.end());
}

}  // namespace

CrossSection build_cross_section(const mesh::StackGeometry& geometry,
                                 const mesh::MeshControls& base_controls, int layer,
                                 const std::vector<ConductorRole>& roles,
                                 const MaterialLibrary& materials,
                                 const CrossSectionControls& controls) {
  if (layer < 0 || layer >= static_cast<int>(geometry.layers.size()))
    throw std::out_of_range("build_cross_section: layer index " + std::to_string(layer) +
                            " out of range");
  if (roles.size() != geometry.conductors.size())
    throw std::invalid_argument("build_cross_section: one role per geometry conductor expected");
  const mesh::LayerInstance& instance = geometry.layers[layer];
  validate_controls(controls, instance.source);

  const mesh::StackGeometry section_geometry =
      with_depletion_circles(geometry, layer, controls.depletion_thickness_m);
  CrossSection section;
  section.layer = instance.name;
  section.length_m = instance.z1 - instance.z0;
  section.mesh =
      mesh::build_footprint_mesh(section_geometry, section_mesh_controls(base_controls, controls));

  SectionMaterialTable table(section_geometry, materials, controls, instance.source);
  classify_cells(section_geometry, layer, controls.depletion_thickness_m, table, section);
  section.materials = std::move(table.materials);
  collect_conductors(section_geometry, roles, section);
  if (section.conductors.empty())
    throw InputError(instance.source,
                     "layer '" + instance.name +
                         "' holds no conductor (TSV or bump): expected one for its cross-section");
  section.conductor_surface_cell_m = measure_surface_cell(section);
  return section;
}

std::vector<int> signal_conductors(const CrossSection& section) {
  std::vector<int> signals;
  for (std::size_t c = 0; c < section.conductors.size(); ++c)
    if (section.conductors[c].role == ConductorRole::signal) signals.push_back(static_cast<int>(c));
  return signals;
}

}  // namespace tsvfield::physics
