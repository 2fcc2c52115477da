#pragma once
// Stacks built in code for the mesh tests (SI units).
#include <string>
#include <vector>

#include "mesh/stack_spec.hpp"

namespace tsvfield::mesh::testing {

inline constexpr double kMicron = 1e-6;
inline constexpr double kPi = 3.14159265358979323846;

inline SourceRef source(const std::string& key) {
  return SourceRef{"case.yaml", 7, 3, key};
}

inline LayerSpec layer(const std::string& name, double thickness_um, const std::string& material,
                       const std::string& fill = "") {
  LayerSpec spec;
  spec.name = name;
  spec.source = source("stack." + name);
  spec.thickness = thickness_um * kMicron;
  spec.material = material;
  spec.fill_material = fill;
  return spec;
}

inline TsvArraySpec tsv_array(const std::string& name, double diameter_um, double liner_um,
                              int count_x, int count_y, double pitch_um, double origin_um) {
  TsvArraySpec spec;
  spec.name = name;
  spec.source = source("stack.tsv_arrays." + name);
  spec.diameter = diameter_um * kMicron;
  spec.liner_thickness = liner_um * kMicron;
  spec.layout.count_x = count_x;
  spec.layout.count_y = count_y;
  spec.layout.pitch_x = spec.layout.pitch_y = pitch_um * kMicron;
  spec.layout.origin_x = spec.layout.origin_y = origin_um * kMicron;
  return spec;
}

inline BumpArraySpec bump_array(const std::string& name, double diameter_um, int count_x,
                                int count_y, double pitch_um, double origin_um) {
  BumpArraySpec spec;
  spec.name = name;
  spec.source = source("stack.bump_arrays." + name);
  spec.diameter = diameter_um * kMicron;
  spec.layout.count_x = count_x;
  spec.layout.count_y = count_y;
  spec.layout.pitch_x = spec.layout.pitch_y = pitch_um * kMicron;
  spec.layout.origin_x = spec.layout.origin_y = origin_um * kMicron;
  return spec;
}

inline Rect rect_um(double x0, double y0, double x1, double y1) {
  return Rect{x0 * kMicron, y0 * kMicron, x1 * kMicron, y1 * kMicron};
}

// One die with an n x n TSV array (diameter 10 um, liner 1 um, pitch 40 um) through
// its silicon, a BEOL on top, on a substrate layer.
inline StackSpec tsv_array_stack(int count, double liner_um = 1.0) {
  StackSpec stack;
  double size = 40.0 * count + 40;
  stack.footprint = rect_um(0, 0, size, size);
  stack.items.push_back(layer("substrate", 30, "silicon"));
  LayerSpec die = layer("die", 50, "silicon");
  die.tsv_arrays.push_back(tsv_array("data", 10, liner_um, count, count, 40, 40));
  die.tsv_arrays.back().extends_through = {"beol"};
  stack.items.push_back(die);
  stack.items.push_back(layer("beol", 6, "sio2"));
  return stack;
}

// A 2.5D package: interposer with TSVs; side by side: a logic die (smaller outline,
// void around it inside its column) and a two-die stack joined by a bond layer with
// microbumps under the upper die's TSVs; mold compound around and above.
inline StackSpec chiplet_stack() {
  StackSpec stack;
  stack.footprint = rect_um(0, 0, 900, 500);
  LayerSpec interposer = layer("interposer", 100, "silicon");
  interposer.tsv_arrays.push_back(tsv_array("vias", 10, 1, 4, 2, 50, 100));
  interposer.blocks.push_back(
      {"hot", source("stack.interposer.blocks.hot"), rect_um(500, 300, 650, 420)});
  stack.items.push_back(interposer);

  SideBySideSpec group;
  group.source = source("stack.side_by_side");
  group.fill_material = "mold";
  ColumnSpec logic;
  logic.name = "logic";
  logic.source = source("stack.side_by_side.logic");
  logic.outline = rect_um(40, 40, 400, 460);
  LayerSpec logic_die = layer("logic_die", 80, "silicon", "");
  logic_die.outline = rect_um(60, 60, 380, 440);
  logic.layers.push_back(logic_die);
  group.columns.push_back(logic);

  ColumnSpec memory;
  memory.name = "memory";
  memory.source = source("stack.side_by_side.memory");
  memory.outline = rect_um(450, 40, 860, 460);
  LayerSpec base = layer("base_die", 60, "silicon");
  base.tsv_arrays.push_back(tsv_array("data", 8, 0.5, 3, 3, 60, 80));
  base.tsv_arrays.back().roles = {"S", "G", "S", "P", "S", "P", "S", "G", "S"};
  LayerSpec bond = layer("bond", 20, "underfill");
  bond.bump_arrays.push_back(bump_array("ubumps", 20, 3, 3, 60, 80));
  LayerSpec core = layer("core_die", 50, "silicon");
  core.tsv_arrays.push_back(tsv_array("data", 8, 0.5, 3, 3, 60, 80));
  memory.layers = {base, bond, core};
  group.columns.push_back(memory);
  stack.items.push_back(group);
  stack.items.push_back(layer("lid", 40, "copper_lid"));
  return stack;
}

}  // namespace tsvfield::mesh::testing
