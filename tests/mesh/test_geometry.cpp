// Stack geometry: flattening, conductors and nets, material queries, validation errors.
#include <gtest/gtest.h>

#include <cmath>

#include "mesh/stack_geometry.hpp"
#include "mesh_test_cases.hpp"

namespace tsvfield::mesh {
namespace {

using namespace testing;

int material_id(const StackGeometry& geometry, const std::string& name) {
  for (std::size_t m = 0; m < geometry.materials.size(); ++m)
    if (geometry.materials[m] == name) return static_cast<int>(m);
  return -2;
}

std::string error_of(const StackSpec& spec) {
  try {
    build_stack_geometry(spec);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(StackGeometry, FlattensLayersAndTsvsCrossLayers) {
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(2));
  ASSERT_EQ(geometry.layers.size(), 3u);
  EXPECT_DOUBLE_EQ(geometry.layers[1].z0, 30 * kMicron);
  EXPECT_DOUBLE_EQ(geometry.layers[2].z1, 86 * kMicron);
  ASSERT_EQ(geometry.conductors.size(), 4u);
  const ConductorInfo& tsv = geometry.conductors[3];
  EXPECT_EQ(tsv.name, "die/data[1,1]");
  EXPECT_EQ(tsv.kind, "tsv");
  EXPECT_EQ(tsv.role, "S");
  EXPECT_DOUBLE_EQ(tsv.x, 80 * kMicron);
  EXPECT_DOUBLE_EQ(tsv.radius, 5 * kMicron);
  EXPECT_DOUBLE_EQ(tsv.z0, 30 * kMicron);
  EXPECT_DOUBLE_EQ(tsv.z1, 86 * kMicron);  // through the die and its BEOL
  EXPECT_EQ(geometry.sites.size(), 4u);
  EXPECT_EQ(geometry.net_count, 4);
}

TEST(StackGeometry, MaterialQueryResolvesConductorLinerAndBackground) {
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(2));
  int die = geometry.layer_index("die"), beol = geometry.layer_index("beol");
  double x = 40 * kMicron, y = 40 * kMicron;
  MaterialAt centre = geometry.material_at(die, x + 4.9 * kMicron, y);
  EXPECT_EQ(centre.material, material_id(geometry, "copper"));
  EXPECT_EQ(centre.conductor, 0);
  EXPECT_EQ(geometry.material_at(beol, x, y + 4.9 * kMicron).material,
            material_id(geometry, "copper"));
  EXPECT_EQ(geometry.material_at(die, x + 5.5 * kMicron, y).material,
            material_id(geometry, "sio2"));
  EXPECT_EQ(geometry.material_at(die, x + 6.1 * kMicron, y).material,
            material_id(geometry, "silicon"));
  EXPECT_EQ(geometry.material_at(beol, x + 6.1 * kMicron, y).material,
            material_id(geometry, "sio2"));
  EXPECT_EQ(geometry.material_at(geometry.layer_index("substrate"), x, y).conductor, -1);
}

TEST(StackGeometry, SideBySideColumnsFillAroundAndAbove) {
  StackGeometry geometry = build_stack_geometry(chiplet_stack());
  int logic = geometry.layer_index("logic_die");
  int fill = geometry.layer_index("side_by_side_0_fill");
  ASSERT_GE(fill, 0);
  EXPECT_DOUBLE_EQ(geometry.layers[fill].z0, 100 * kMicron);
  EXPECT_DOUBLE_EQ(geometry.layers[fill].z1, 230 * kMicron);  // tallest column: 60 + 20 + 50
  EXPECT_DOUBLE_EQ(geometry.layers[geometry.layer_index("lid")].z0, 230 * kMicron);
  // Inside the logic column but outside the die outline: void.
  MaterialAt rim = geometry.material_at(logic, 50 * kMicron, 250 * kMicron);
  EXPECT_TRUE(rim.in_region);
  EXPECT_EQ(rim.material, kVoidMaterial);
  EXPECT_FALSE(geometry.material_at(logic, 420 * kMicron, 250 * kMicron).in_region);
  EXPECT_EQ(geometry.material_at(fill, 420 * kMicron, 250 * kMicron).material,
            material_id(geometry, "mold"));
}

TEST(StackGeometry, VerticalChainsShareANetAndBumpsInheritTheRole) {
  StackGeometry geometry = build_stack_geometry(chiplet_stack());
  // 8 interposer vias + 9 base TSVs + 9 core TSVs + 9 bumps; each memory chain is one net.
  ASSERT_EQ(geometry.conductors.size(), 35u);
  EXPECT_EQ(geometry.net_count, 8 + 9);
  auto find = [&](const std::string& name) -> const ConductorInfo& {
    for (const auto& conductor : geometry.conductors)
      if (conductor.name == name) return conductor;
    throw std::runtime_error("no conductor " + name);
  };
  const ConductorInfo& base = find("base_die/data[1,0]");
  const ConductorInfo& bump = find("bond/ubumps[1,0]");
  const ConductorInfo& core = find("core_die/data[1,0]");
  EXPECT_EQ(base.net, bump.net);
  EXPECT_EQ(bump.net, core.net);
  EXPECT_NE(base.net, find("base_die/data[2,0]").net);
  EXPECT_EQ(base.role, "G");
  EXPECT_EQ(bump.role, "G");
  EXPECT_EQ(bump.kind, "bump");
}

TEST(StackGeometry, ExactVolumesAddUpToTheBoundingVolume) {
  StackGeometry geometry = build_stack_geometry(tsv_array_stack(3));
  std::vector<double> volumes = geometry.exact_material_volumes();
  double total = 0;
  for (double volume : volumes) total += volume;
  double side = 160 * kMicron;
  EXPECT_NEAR(total, side * side * 86 * kMicron, 1e-12 * total);
  double copper = volumes[material_id(geometry, "copper")];
  EXPECT_NEAR(copper, 9 * kPi * std::pow(5 * kMicron, 2) * 56 * kMicron, 1e-12 * copper);
}

TEST(StackGeometryErrors, LinerThatDoesNotFitThePitch) {
  StackSpec spec = tsv_array_stack(2, 15.0);  // 2 * (5 + 15) = 40 um >= 40 um pitch
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.tsv_arrays.data.pitch: TSV array 'data': the TSV with its "
            "liner (2 * (radius + liner) = 40 um) does not fit in the pitch (40 um)");
}

TEST(StackGeometryErrors, FeatureOutsideTheDie) {
  StackSpec spec = tsv_array_stack(2);
  std::get<LayerSpec>(spec.items[1]).tsv_arrays[0].layout.origin_x = 3 * kMicron;
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.tsv_arrays.data.origin: TSV [0,0] at (3 um, 40 um) with "
            "radius 6 um extends outside the layer outline");
}

TEST(StackGeometryErrors, OverlappingArraysInOneLayer) {
  StackSpec spec = tsv_array_stack(2);
  auto& die = std::get<LayerSpec>(spec.items[1]);
  TsvArraySpec other = tsv_array("power", 10, 1, 1, 1, 40, 46);
  die.tsv_arrays.push_back(other);
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.tsv_arrays.data: 'die/data[0,0]' overlaps 'die/power[0,0]' in "
            "layer 'die' (centres 8.48528 um apart, radii with liners add up to 12 um)");
}

TEST(StackGeometryErrors, FeaturesOfDifferentLayersTooCloseInPlan) {
  StackSpec spec = tsv_array_stack(2);
  auto& substrate = std::get<LayerSpec>(spec.items[0]);
  substrate.bump_arrays.push_back(bump_array("balls", 10, 1, 1, 40, 48));
  std::string message = error_of(spec);
  EXPECT_NE(message.find("are too close in plan to be meshed"), std::string::npos) << message;
}

TEST(StackGeometryErrors, ExtendsThroughALayerNotDirectlyAbove) {
  StackSpec spec = tsv_array_stack(2);
  std::get<LayerSpec>(spec.items[1]).tsv_arrays[0].extends_through = {"substrate"};
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.tsv_arrays.data.extends_through[0]: TSV array 'data' can only "
            "extend through the layer directly above 'die' ('beol'), found 'substrate'");
}

TEST(StackGeometryErrors, NonPositiveSizes) {
  StackSpec spec = tsv_array_stack(2);
  std::get<LayerSpec>(spec.items[2]).thickness = 0;
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.beol.thickness: expected a positive thickness, found 0.000000");
  spec = tsv_array_stack(2);
  std::get<LayerSpec>(spec.items[1]).tsv_arrays[0].diameter = -1e-6;
  EXPECT_NE(error_of(spec).find("stack.tsv_arrays.data.diameter: expected a positive TSV diameter"),
            std::string::npos);
}

TEST(StackGeometryErrors, ColumnOutsideTheFootprint) {
  StackSpec spec = chiplet_stack();
  std::get<SideBySideSpec>(spec.items[1]).columns[1].outline.x1 = 950 * kMicron;
  EXPECT_EQ(error_of(spec),
            "case.yaml:7:3: stack.side_by_side.memory.outline: column 'memory' "
            "lies outside the package footprint");
}

TEST(StackGeometryErrors, FeatureTooCloseToABlockEdge) {
  StackSpec spec = tsv_array_stack(2);
  auto& die = std::get<LayerSpec>(spec.items[1]);
  die.blocks.push_back({"core", source("stack.die.blocks.core"), rect_um(42, 10, 90, 90)});
  std::string message = error_of(spec);
  EXPECT_NE(message.find("is too close to a rectangle edge"), std::string::npos) << message;
}

}  // namespace
}  // namespace tsvfield::mesh
