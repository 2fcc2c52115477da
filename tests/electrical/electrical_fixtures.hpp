#pragma once
// Shared helpers of the electrical verification tests: stacks built in code,
// materials with constant properties, terminals.
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "mesh/extrude.hpp"
#include "mesh/stack_spec.hpp"
#include "physics/electrical_spec.hpp"
#include "physics/material.hpp"

namespace tsvfield::testing {

inline constexpr double kMicron = 1e-6;
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kEpsilon0 = 8.8541878128e-12;  // F/m (CODATA 2018)

inline MPI_Comm world() {
  return MPI_COMM_WORLD;
}

inline bool is_root() {
  int rank = 0;
  MPI_Comm_rank(world(), &rank);
  return rank == 0;
}

inline SourceRef where(const std::string& key) {
  return SourceRef{"case.yaml", 3, 5, key};
}

inline mesh::LayerSpec layer(const std::string& name, double thickness_um,
                             const std::string& material, int z_subdivisions = 0) {
  mesh::LayerSpec spec;
  spec.name = name;
  spec.source = where("stack." + name);
  spec.thickness = thickness_um * kMicron;
  spec.material = material;
  spec.z_subdivisions = z_subdivisions;
  return spec;
}

// An array of TSVs (diameter, liner in um) at the given pitch, feature (0,0) at
// (origin, origin) from the layer's lower-left corner.
inline mesh::TsvArraySpec tsv_array(const std::string& name, double diameter_um, double liner_um,
                                    int count_x, int count_y, double pitch_um, double origin_um,
                                    const std::string& fill = "copper") {
  mesh::TsvArraySpec spec;
  spec.name = name;
  spec.source = where("stack.tsv_arrays." + name);
  spec.diameter = diameter_um * kMicron;
  spec.liner_thickness = liner_um * kMicron;
  spec.fill_material = fill;
  spec.layout.count_x = count_x;
  spec.layout.count_y = count_y;
  spec.layout.pitch_x = spec.layout.pitch_y = pitch_um * kMicron;
  spec.layout.origin_x = spec.layout.origin_y = origin_um * kMicron;
  return spec;
}

inline mesh::BumpArraySpec bump_array(const std::string& name, double diameter_um, int count_x,
                                      int count_y, double pitch_um, double origin_um,
                                      const std::string& material) {
  mesh::BumpArraySpec spec;
  spec.name = name;
  spec.source = where("stack.bump_arrays." + name);
  spec.diameter = diameter_um * kMicron;
  spec.material = material;
  spec.layout.count_x = count_x;
  spec.layout.count_y = count_y;
  spec.layout.pitch_x = spec.layout.pitch_y = pitch_um * kMicron;
  spec.layout.origin_x = spec.layout.origin_y = origin_um * kMicron;
  return spec;
}

inline mesh::Rect square_um(double size) {
  return mesh::Rect{0, 0, size * kMicron, size * kMicron};
}

inline mesh::GeneratedMesh generate(const mesh::StackSpec& stack,
                                    const mesh::MeshControls& controls) {
  return mesh::generate_mesh(stack, controls, {}, world());
}

// A material with constant electrical conductivity (S/m), thermal conductivity
// and relative permittivity.
inline physics::Material electrical_material(const std::string& name, double sigma,
                                             double eps_r = 1.0, double k = 100.0) {
  physics::Material material;
  material.name = name;
  material.description = "test material";
  const auto kp = physics::Property::constant(k);
  material.conductivity = {kp, kp, kp};
  material.heat_capacity = physics::Property::constant(1e6);
  material.electrical_conductivity = physics::Property::constant(sigma);
  material.relative_permittivity = eps_r;
  return material;
}

inline physics::TerminalSpec conductor_terminal(const std::string& name,
                                                std::vector<std::string> conductors,
                                                physics::ConductorEnd end, double volts) {
  physics::TerminalSpec terminal;
  terminal.source = where("electrical.terminals." + name);
  terminal.name = name;
  terminal.kind = physics::TerminalKind::conductor_end;
  terminal.conductors = std::move(conductors);
  terminal.end = end;
  terminal.voltage = volts;
  return terminal;
}

inline physics::TerminalSpec surface_terminal(const std::string& name, const std::string& surface,
                                              double volts) {
  physics::TerminalSpec terminal;
  terminal.source = where("electrical.terminals." + name);
  terminal.name = name;
  terminal.kind = physics::TerminalKind::surface;
  terminal.surface = surface;
  terminal.voltage = volts;
  return terminal;
}

inline void print_measured(const std::string& what, double measured, double expected) {
  if (is_root()) {
    std::printf("[ measured ] %-60s %.6e (expected %.6e, rel. error %.2e)\n", what.c_str(),
                measured, expected, (measured - expected) / expected);
  }
}

}  // namespace tsvfield::testing
