#pragma once
// Stacks and helpers for the cross-section tests (helper "xsec"): one die of
// silicon with TSVs of 10 um diameter (5 um radius) and an oxide liner.
#include <complex>
#include <string>
#include <vector>

#include "mesh/stack_geometry.hpp"
#include "mesh/stack_spec.hpp"
#include "physics/cross_section.hpp"
#include "physics/material.hpp"

namespace tsvfield::physics::xsec_testing {

inline constexpr double kMicron = 1e-6;
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kVacuumPermittivity = 8.8541878128e-12;  // F/m, CODATA 2018

inline SourceRef where(const std::string& key) {
  return SourceRef{"case.yaml", 4, 2, key};
}

// A footprint of size_um x size_um: a silicon substrate (no TSV), a die of `die_material`
// with TSVs of 10 um diameter and `liner_um` oxide at the given centres (um), `roles`
// one per TSV.
inline mesh::StackSpec tsv_stack(double size_um, const std::vector<std::pair<double, double>>& at,
                                 double liner_um, const std::vector<std::string>& roles,
                                 const std::string& die_material = "silicon") {
  mesh::StackSpec stack;
  stack.footprint = {0, 0, size_um * kMicron, size_um * kMicron};
  mesh::LayerSpec substrate;
  substrate.name = "substrate";
  substrate.source = where("stack.substrate");
  substrate.thickness = 20 * kMicron;
  substrate.material = "silicon";
  stack.items.push_back(substrate);
  mesh::LayerSpec die;
  die.name = "die";
  die.source = where("stack.die");
  die.thickness = 50 * kMicron;
  die.material = die_material;
  for (std::size_t k = 0; k < at.size(); ++k) {
    mesh::TsvArraySpec tsv;
    tsv.name = "tsv" + std::to_string(k);
    tsv.source = where("stack.die.tsv_arrays." + tsv.name);
    tsv.diameter = 10 * kMicron;
    tsv.liner_thickness = liner_um * kMicron;
    tsv.layout.origin_x = at[k].first * kMicron;
    tsv.layout.origin_y = at[k].second * kMicron;
    tsv.layout.pitch_x = tsv.layout.pitch_y = 10 * kMicron;
    tsv.roles = {roles[k]};
    die.tsv_arrays.push_back(tsv);
  }
  stack.items.push_back(die);
  return stack;
}

// The built-in library with silicon of 10 ohm*cm (10 S/m) at every temperature.
inline MaterialLibrary library_10_ohm_cm() {
  MaterialLibrary library = MaterialLibrary::builtin();
  Material silicon = library.at("silicon");
  silicon.electrical_conductivity = Property::constant(10.0);
  library.add(silicon);
  return library;
}

// Role of every geometry conductor from its role name: "S" signal, "G" return, else
// floating.
inline std::vector<ConductorRole> roles_of(const mesh::StackGeometry& geometry) {
  std::vector<ConductorRole> roles;
  for (const auto& conductor : geometry.conductors)
    roles.push_back(conductor.role == "S"   ? ConductorRole::signal
                    : conductor.role == "G" ? ConductorRole::ret
                                            : ConductorRole::floating);
  return roles;
}

// A coaxial section: a TSV of radius 5 um with a 0.5 um oxide liner at the centre of an
// 80 um square die, and every cell beyond the circle of radius `shield_um` turned into a
// return conductor (a copper shield). The circle is a mesh circle because a bump of
// that radius sits on the TSV in a bond layer above. The section's conductors: 0 the
// TSV (signal), 1 the shield (return).
inline CrossSection coax_section(double shield_um, double depletion_um, int circle_segments,
                                 const mesh::MeshControls& mesh_controls = {}) {
  mesh::StackSpec stack = tsv_stack(80, {{40, 40}}, 0.5, {"S"});
  mesh::LayerSpec bond;
  bond.name = "bond";
  bond.source = where("stack.bond");
  bond.thickness = 20 * kMicron;
  bond.material = "underfill";
  mesh::BumpArraySpec bump;
  bump.name = "shield_circle";
  bump.source = where("stack.bond.bump_arrays.shield_circle");
  bump.diameter = 2 * shield_um * kMicron;
  bump.layout.origin_x = bump.layout.origin_y = 40 * kMicron;
  bump.layout.pitch_x = bump.layout.pitch_y = 100 * kMicron;
  bond.bump_arrays.push_back(bump);
  stack.items.push_back(bond);
  mesh::StackGeometry geometry = mesh::build_stack_geometry(stack);
  CrossSectionControls controls;
  controls.circle_segments = circle_segments;
  controls.depletion_thickness_m = depletion_um * kMicron;
  CrossSection section = build_cross_section(geometry, mesh_controls, geometry.layer_index("die"),
                                             roles_of(geometry), library_10_ohm_cm(), controls);
  SectionMaterial copper;
  copper.name = "copper";
  copper.conductivity_S_m = 5.8e7;
  copper.is_metal = true;
  int copper_index = static_cast<int>(section.materials.size());
  section.materials.push_back(copper);
  SectionConductor shield;
  shield.name = "shield";
  shield.role_name = "G";
  shield.role = ConductorRole::ret;
  shield.x = shield.y = 40 * kMicron;
  shield.radius = shield_um * kMicron;
  int shield_index = static_cast<int>(section.conductors.size());
  section.conductors.push_back(shield);
  for (std::int32_t cell = 0; cell < section.mesh.cell_count(); ++cell) {
    bool inside = section.mesh.cell_site[cell] == 0 &&
                  section.mesh.cell_band_radius[cell] < shield_um * kMicron;
    if (inside) continue;
    section.cell_material[cell] = copper_index;
    section.cell_conductor[cell] = shield_index;
  }
  return section;
}

// Admittance per unit length of coaxial shells in series (inner radius, outer radius,
// sigma, eps_r of each), at angular frequency w.
struct Shell {
  double inner_m, outer_m, sigma_S_m, relative_permittivity;
};

inline std::complex<double> series_shells(const std::vector<Shell>& shells, double w) {
  std::complex<double> impedance = 0;
  for (const Shell& shell : shells) {
    std::complex<double> admittivity(shell.sigma_S_m,
                                     w * kVacuumPermittivity * shell.relative_permittivity);
    impedance += std::log(shell.outer_m / shell.inner_m) / (2 * kPi * admittivity);
  }
  return 1.0 / impedance;
}

}  // namespace tsvfield::physics::xsec_testing
