#pragma once
// The package stack as the case file describes it, in SI units (metres), before
// flattening into global z-levels. Plain structs, filled by io/case_reader and
// checked geometrically by mesh/stack_geometry.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mesh/input_error.hpp"

namespace tsvfield::mesh {

// Axis-aligned rectangle in the footprint (x, y) plane.
struct Rect {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
};

enum class ArrayPattern {
  rectangular,  // centres at origin + (i * pitch_x, j * pitch_y)
  staggered,    // odd rows (j odd) shifted by pitch_x / 2
};

// A regular array of identical features (TSVs or bumps).
struct ArrayLayout {
  double pitch_x = 0, pitch_y = 0;
  int count_x = 1, count_y = 1;
  ArrayPattern pattern = ArrayPattern::rectangular;
  // Centre of feature (0, 0), relative to the lower-left corner of the outline
  // of the layer that holds the array.
  double origin_x = 0, origin_y = 0;
};

struct TsvArraySpec {
  std::string name;
  SourceRef source;
  double diameter = 0;         // conductor diameter
  double liner_thickness = 0;  // insulating liner around the conductor; 0 = none
  std::string fill_material = "copper";
  std::string liner_material = "sio2";
  ArrayLayout layout;
  // The TSV crosses the layer that lists it; it continues through these layers
  // above it too (named), e.g. a die's silicon and not its BEOL.
  std::vector<std::string> extends_through;
  // Optional role of each TSV, row-major (j outer, i inner): "S" signal,
  // "G" ground, "P" power, or any name. Empty: all "S".
  std::vector<std::string> roles;
};

struct BumpArraySpec {
  std::string name;
  SourceRef source;
  double diameter = 0;
  std::string material = "sac305";
  ArrayLayout layout;
};

// A rectangular floorplan unit (e.g. a power block), relative to the outline.
struct BlockSpec {
  std::string name;
  SourceRef source;
  Rect rect;
};

enum class LayerKind { generic, die, interposer, bond, tim, lid, beol };

// The case-file spelling of a layer kind.
inline const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::generic:
      return "generic";
    case LayerKind::die:
      return "die";
    case LayerKind::interposer:
      return "interposer";
    case LayerKind::bond:
      return "bond";
    case LayerKind::tim:
      return "tim";
    case LayerKind::lid:
      return "lid";
    case LayerKind::beol:
      return "beol";
  }
  return "generic";
}

struct LayerSpec {
  std::string name;  // unique; repeated layers get "_1", "_2", ... appended
  SourceRef source;
  LayerKind kind = LayerKind::generic;
  double thickness = 0;
  std::string material;         // material inside the outline
  std::optional<Rect> outline;  // absolute; default: the column or footprint outline
  std::string fill_material;    // material outside the outline; empty = void (not meshed)
  int z_subdivisions = 0;       // elements through the thickness; 0 = automatic
  std::vector<TsvArraySpec> tsv_arrays;
  std::vector<BumpArraySpec> bump_arrays;
  std::vector<BlockSpec> blocks;
};

// Layers stacked bottom to top inside one outline (e.g. an HBM stack).
struct ColumnSpec {
  std::string name;
  SourceRef source;
  Rect outline;  // absolute
  std::vector<LayerSpec> layers;
};

// Columns side by side on the layer below (e.g. HBM stacks beside a logic die on an
// interposer). The group is as tall as its tallest column; the space around and above
// shorter columns is fill_material (empty = void).
struct SideBySideSpec {
  SourceRef source;
  std::string fill_material;
  std::vector<ColumnSpec> columns;
};

using StackItem = std::variant<LayerSpec, SideBySideSpec>;

struct StackSpec {
  Rect footprint;                // the whole package in x, y
  std::vector<StackItem> items;  // bottom to top
};

// Controls of the mesh generator.
struct MeshControls {
  int circle_segments = 16;  // segments around every circle (multiple of 4)
  double max_size = 0;       // largest in-plane cell edge; 0 = footprint diagonal / 40
  double growth = 1.3;       // ratio of neighbouring cell sizes away from features
  int liner_layers = 1;      // cells across a liner
  int conductor_rings = 1;   // rings of cells between the O-grid core and the conductor boundary
  // Radial size wanted for the outermost ring inside every conductor (cross-section
  // solves resolve the skin depth with it). > 0: the rings inside conductors are graded
  // geometrically from the surface inwards and their count follows (conductor_rings is
  // then ignored); 0: conductor_rings uniform rings.
  double conductor_surface_cell = 0;
  int outer_rings = 0;    // rings from the outermost circle to the O-grid box; 0 = automatic
  double max_z_size = 0;  // largest cell height; 0 = only the per-layer subdivisions
};

}  // namespace tsvfield::mesh
