// Cross-section construction (physics/cross_section): exact conductor areas, graded
// conductor rings, the depleted ring, roles, and input errors.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mesh/footprint_mesh.hpp"
#include "physics/per_unit_length.hpp"
#include "xsec_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace xsec_testing;

struct Built {
  mesh::StackGeometry geometry;
  CrossSection section;
};

Built two_tsvs(const CrossSectionControls& controls, double liner_um = 0.5) {
  Built built;
  built.geometry =
      mesh::build_stack_geometry(tsv_stack(100, {{30, 50}, {70, 50}}, liner_um, {"S", "G"}));
  built.section =
      build_cross_section(built.geometry, mesh::MeshControls{}, built.geometry.layer_index("die"),
                          roles_of(built.geometry), library_10_ohm_cm(), controls);
  return built;
}

double conductor_area(const CrossSection& section, int conductor) {
  double area = 0;
  for (std::int32_t cell = 0; cell < section.mesh.cell_count(); ++cell)
    if (section.cell_conductor[cell] == conductor) area += section.mesh.cell_area(cell);
  return area;
}

double material_area(const CrossSection& section, const std::string& name) {
  double area = 0;
  for (std::int32_t cell = 0; cell < section.mesh.cell_count(); ++cell) {
    int material = section.cell_material[cell];
    if (material >= 0 && section.materials[material].name == name)
      area += section.mesh.cell_area(cell);
  }
  return area;
}

TEST(CrossSection, ConductorsHaveExactAreasAndTheirRoles) {
  CrossSectionControls controls;
  Built built = two_tsvs(controls);
  const CrossSection& section = built.section;
  EXPECT_EQ(section.layer, "die");
  EXPECT_NEAR(section.length_m, 50 * kMicron, 1e-18);
  ASSERT_EQ(section.conductors.size(), 2u);
  EXPECT_EQ(section.conductors[0].role, ConductorRole::signal);
  EXPECT_EQ(section.conductors[0].role_name, "S");
  EXPECT_EQ(section.conductors[1].role, ConductorRole::ret);
  EXPECT_EQ(section.conductors[1].role_name, "G");
  EXPECT_EQ(signal_conductors(section), std::vector<int>{0});
  for (int c = 0; c < 2; ++c) {
    double exact = kPi * 25 * kMicron * kMicron;
    EXPECT_NEAR(conductor_area(section, c), exact, 1e-12 * exact) << "conductor " << c;
    EXPECT_NEAR(section.conductors[c].radius, 5 * kMicron, 1e-18);
  }
  // Liner and silicon as classified; every cell in the die (no void).
  double liner = kPi * (5.5 * 5.5 - 25) * kMicron * kMicron;
  EXPECT_NEAR(material_area(section, "sio2"), 2 * liner, 1e-10 * liner);
  for (int material : section.cell_material) EXPECT_GE(material, 0);
  for (const auto& material : section.materials) {
    if (material.name == "copper") {
      EXPECT_TRUE(material.is_metal);
    }
    if (material.name == "silicon") {
      EXPECT_TRUE(material.is_semiconductor);
      EXPECT_FALSE(material.is_metal);
      EXPECT_DOUBLE_EQ(material.conductivity_S_m, 10.0);
    }
    if (material.name == "sio2") {
      EXPECT_FALSE(material.is_semiconductor || material.is_metal);
    }
  }
}

TEST(CrossSection, FloatingRoleAndSignalOrder) {
  mesh::StackGeometry geometry = mesh::build_stack_geometry(
      tsv_stack(120, {{30, 60}, {60, 60}, {90, 60}}, 0.5, {"G", "S", "S"}));
  std::vector<ConductorRole> roles = {ConductorRole::ret, ConductorRole::floating,
                                      ConductorRole::signal};
  CrossSection section = build_cross_section(geometry, mesh::MeshControls{}, 1, roles,
                                             library_10_ohm_cm(), CrossSectionControls{});
  ASSERT_EQ(section.conductors.size(), 3u);
  EXPECT_EQ(section.conductors[1].role, ConductorRole::floating);
  EXPECT_EQ(signal_conductors(section), std::vector<int>{2});
}

TEST(CrossSection, GradedRingsResolveTheRequestedSurfaceCell) {
  for (double surface_um : {1.0, 0.3, 0.1, 0.02}) {
    CrossSectionControls controls;
    controls.conductor_surface_cell_m = surface_um * kMicron;
    Built built = two_tsvs(controls);
    const CrossSection& section = built.section;
    EXPECT_LE(section.conductor_surface_cell_m, surface_um * kMicron * (1 + 1e-9)) << surface_um;
    // Geometric grading at ratio <= 1.3 over a band of ~2.5 um makes the outermost ring
    // no thinner than surface / (1.3 + surface / band), > surface / 1.5 for these.
    if (surface_um <= 0.3) {
      EXPECT_GE(section.conductor_surface_cell_m, surface_um * kMicron / 1.5) << surface_um;
    }
    double worst = 1;
    for (std::int32_t cell = 0; cell < section.mesh.cell_count(); ++cell)
      worst = std::min(worst, section.mesh.cell_scaled_jacobian(cell));
    EXPECT_GT(worst, 0.2);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      std::printf(
          "[ measured ] surface cell asked %g um: %g um, %d cells, min scaled Jacobian %.3f\n",
          surface_um, section.conductor_surface_cell_m / kMicron, section.mesh.cell_count(), worst);
    for (int c = 0; c < 2; ++c) {
      double exact = kPi * 25 * kMicron * kMicron;
      EXPECT_NEAR(conductor_area(section, c), exact, 1e-12 * exact);
    }
  }
}

TEST(CrossSection, UniformRingsWithoutSurfaceCell) {
  CrossSectionControls controls;
  Built built = two_tsvs(controls);
  // One uniform ring between the core (half size 2.5 um) and the 5 um circle.
  EXPECT_GT(built.section.conductor_surface_cell_m, 2 * kMicron);
}

TEST(CrossSection, DepletedRingAroundEveryLiner) {
  CrossSectionControls controls;
  controls.depletion_thickness_m = 1 * kMicron;
  Built built = two_tsvs(controls);
  const CrossSection& section = built.section;
  double ring = kPi * (6.5 * 6.5 - 5.5 * 5.5) * kMicron * kMicron;
  EXPECT_NEAR(material_area(section, "silicon (depleted)"), 2 * ring, 1e-10 * ring);
  bool found = false;
  for (const auto& material : section.materials)
    if (material.name == "silicon (depleted)") {
      found = true;
      EXPECT_EQ(material.conductivity_S_m, 0.0);
      EXPECT_DOUBLE_EQ(material.relative_permittivity, 11.9);
      EXPECT_TRUE(material.is_semiconductor);
    }
  EXPECT_TRUE(found);
  // The caller's geometry is untouched.
  EXPECT_EQ(built.geometry.sites[0].radii.size(), 2u);
}

TEST(CrossSection, Errors) {
  mesh::StackGeometry geometry = mesh::build_stack_geometry(tsv_stack(100, {{50, 50}}, 0.5, {"S"}));
  auto roles = roles_of(geometry);
  // The substrate holds no TSV.
  try {
    build_cross_section(geometry, mesh::MeshControls{}, geometry.layer_index("substrate"), roles,
                        library_10_ohm_cm(), CrossSectionControls{});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("'substrate' holds no conductor"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("stack.substrate"), std::string::npos) << error.what();
  }
  // Unknown die material.
  mesh::StackGeometry unknown =
      mesh::build_stack_geometry(tsv_stack(100, {{50, 50}}, 0.5, {"S"}, "unobtainium"));
  try {
    build_cross_section(unknown, mesh::MeshControls{}, unknown.layer_index("die"),
                        roles_of(unknown), library_10_ohm_cm(), CrossSectionControls{});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("material 'unobtainium' is not in the material"),
              std::string::npos)
        << error.what();
  }
  // A depleted ring beyond the O-grid box.
  CrossSectionControls thick;
  thick.depletion_thickness_m = 20 * kMicron;
  EXPECT_THROW(build_cross_section(geometry, mesh::MeshControls{}, geometry.layer_index("die"),
                                   roles, library_10_ohm_cm(), thick),
               InputError);
  CrossSectionControls negative;
  negative.conductor_surface_cell_m = -1;
  EXPECT_THROW(build_cross_section(geometry, mesh::MeshControls{}, geometry.layer_index("die"),
                                   roles, library_10_ohm_cm(), negative),
               InputError);
}

}  // namespace
}  // namespace tsvfield::physics
