#pragma once
// StackGeometry: a StackSpec flattened into layer instances with global z-ranges,
// absolute outlines, TSV/bump instances, conductors and nets, and O-grid "sites"
// (concentric circular features shared by all layers). Pure geometry: no MPI.
//
// Side-by-side groups: every column's layers are stacked from the group's base; the
// group is as tall as its tallest column. A synthetic layer "<group>.fill" (region:
// the whole footprint, material: the group's fill_material, empty = void) fills the
// space around the columns and above the shorter ones. Column layers take precedence
// over it wherever they exist.
#include <string>
#include <vector>

#include "mesh/local_mesh.hpp"
#include "mesh/stack_spec.hpp"

namespace tsvfield::mesh {

inline constexpr int kVoidMaterial = -1;
// Smallest O-grid box half size of a site relative to its outermost radius: below it
// the outer ring of cells would be too thin to be useful.
inline constexpr double kMinSiteBoxRatio = 1.05;

struct LayerInstance {
  std::string name;
  SourceRef source;
  LayerKind kind = LayerKind::generic;
  double z0 = 0, z1 = 0;
  int z_subdivisions = 0;        // 0 = automatic
  Rect region;                   // where the layer exists in plan (footprint or column outline)
  Rect outline;                  // part of the region holding `material`
  int material = kVoidMaterial;  // index into StackGeometry::materials
  int fill_material = kVoidMaterial;  // region outside the outline
  int column = -1;                    // index into StackGeometry::column_outlines, or -1
  bool is_group_fill = false;         // synthetic fill layer of a side-by-side group
  int group = -1;                     // side-by-side group index, or -1
  double feature_size = 0;            // smallest feature diameter in the layer; 0 = none
};

// One TSV array or bump array as placed in the stack.
struct FeatureArray {
  std::string name;  // "<layer>/<array>"
  SourceRef source;
  bool is_tsv = true;
  int layer_first = 0, layer_last = 0;  // layers crossed (a bump: one layer)
  double radius = 0;                    // conductor (or bump) radius
  double outer_radius = 0;              // liner outer radius (= radius without liner)
  int conductor_material = kVoidMaterial;
  int liner_material = kVoidMaterial;
  int count = 0;  // elements in the array
};

// A circular feature of one array in one layer at one site.
struct SiteFeature {
  int layer = 0;
  int array = 0;
  int conductor = 0;  // index into StackGeometry::conductors
};

// Concentric features of all layers at one plan position: meshed by one O-grid.
struct Site {
  double x = 0, y = 0;
  std::vector<double> radii;  // exact radii of every circle at this site, ascending
  double box_half = 0;        // half size of the O-grid square box
  std::vector<SiteFeature> features;
};

struct BlockInstance {
  std::string name;  // "<layer>/<block>"
  SourceRef source;
  int layer = 0;
  Rect rect;  // absolute
};

// What is at a point of a layer.
struct MaterialAt {
  bool in_region = false;        // false: the point is not in this layer's region
  int material = kVoidMaterial;  // kVoidMaterial: void (not meshed)
  int conductor = -1;            // index into StackGeometry::conductors, or -1
};

class StackGeometry {
 public:
  Rect footprint;
  std::vector<std::string> materials;  // every material name referenced by the stack
  std::vector<LayerInstance> layers;   // ordered bottom to top (group fill after its columns)
  std::vector<Rect> column_outlines;
  std::vector<FeatureArray> arrays;
  std::vector<ConductorInfo> conductors;  // TSVs then bumps, in array order
  std::vector<int> conductor_array;       // array of each conductor
  std::vector<Site> sites;
  std::vector<BlockInstance> blocks;
  std::vector<Rect> edge_rectangles;  // every rectangle whose edges the mesh must follow
  int net_count = 0;

  int layer_index(const std::string& name) const;  // -1 when unknown
  double top() const;
  double bottom() const;

  // Material (and conductor) at (x, y) in a layer, exact geometry.
  MaterialAt material_at(int layer, double x, double y) const;
  // The same knowing the site whose box holds the point (-1: none) and the distance
  // from the site's centre; used for mesh cells classified by O-grid band.
  MaterialAt material_at_site(int layer, int site, double radius, double x, double y) const;
  // Site whose O-grid box contains (x, y), or -1.
  int site_at(double x, double y) const;

  // Exact volume of each material (index as `materials`), from the analytic geometry.
  std::vector<double> exact_material_volumes() const;

  // Internal: bucket grid over sites for site_at (built by build_stack_geometry).
  double bucket_size = 0;
  int bucket_nx = 0, bucket_ny = 0;
  std::vector<int> bucket_start;  // CSR over buckets
  std::vector<int> bucket_sites;
  void build_site_buckets();
};

// Flattens and validates a stack. Throws InputError (with the item's SourceRef) on
// overlapping features, features outside their outline, liners not fitting the pitch,
// non-positive sizes, bad extends_through, columns outside the footprint, ...
StackGeometry build_stack_geometry(const StackSpec& spec);

}  // namespace tsvfield::mesh
