// The reduction of the conductor admittance to the signals' loop impedance
// (impedance_sweep): floating conductors carry no net current, returns are tied and
// carry minus the signal currents, and with no return the outer boundary (A = 0)
// is the return. Checked on concentric sections, where the answers are exact or
// follow from identities of the impedance matrix; plus the input errors.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "mesh/input_error.hpp"
#include "mqs_polar_section.hpp"
#include "physics/per_unit_length.hpp"

namespace {

using std::numbers::pi;
namespace physics = tsvfield::physics;
using physics::ConductorRole;
using physics::kVacuumPermeability;
using tsvfield::test::PolarBand;

constexpr double kSigma = 5.8e7;

// Wire (0-5 um), oxide, a copper ring (6-7 um), oxide, a copper shield (8-10 um).
physics::CrossSection ring_section(ConductorRole ring_role) {
  physics::CrossSection section;
  section.layer = "rings";
  section.materials = {tsvfield::test::oxide(), tsvfield::test::copper(kSigma)};
  section.conductors = {tsvfield::test::conductor("wire", ConductorRole::signal),
                        tsvfield::test::conductor("ring", ring_role),
                        tsvfield::test::conductor("shield", ConductorRole::ret)};
  const double cell = 0.05e-6;
  const std::vector<PolarBand> bands = {{5e-6, 1, 0, 0, cell},
                                        {6e-6, 0, -1, cell, cell},
                                        {7e-6, 1, 1, cell, cell},
                                        {8e-6, 0, -1, cell, cell},
                                        {10e-6, 1, 2, cell, 0}};
  tsvfield::test::build_polar_mesh(bands, {}, section);
  return section;
}

const std::vector<double> kFrequencies{0, 1e6, 1e9, 1e10, 4e10};

// A signal that carries no current is a floating conductor: Z_11 of the 2 x 2
// matrix (wire and ring as signals) is the 1 x 1 impedance with the ring floating.
TEST(MqsReduction, FloatingConductorIsASignalWithoutCurrent) {
  const auto two =
      physics::impedance_sweep(ring_section(ConductorRole::signal), kFrequencies, MPI_COMM_WORLD);
  const auto one =
      physics::impedance_sweep(ring_section(ConductorRole::floating), kFrequencies, MPI_COMM_WORLD);
  for (std::size_t f = 0; f < kFrequencies.size(); ++f) {
    ASSERT_EQ(two.R_ohm_per_m[f].size(), 4u);
    ASSERT_EQ(one.R_ohm_per_m[f].size(), 1u);
    EXPECT_NEAR(two.R_ohm_per_m[f][0] / one.R_ohm_per_m[f][0], 1, 1e-7) << kFrequencies[f];
    EXPECT_NEAR(two.L_H_per_m[f][0] / one.L_H_per_m[f][0], 1, 1e-7) << kFrequencies[f];
    // Symmetric, and a passive impedance: positive R and L on the diagonal.
    EXPECT_EQ(two.R_ohm_per_m[f][1], two.R_ohm_per_m[f][2]);
    EXPECT_EQ(two.L_H_per_m[f][1], two.L_H_per_m[f][2]);
    EXPECT_GT(two.R_ohm_per_m[f][3], 0);
    EXPECT_GT(two.L_H_per_m[f][3], 0);
  }
  // At DC the floating ring carries no current at all, so the loop is the coax of
  // the wire and the shield: R = 1/(sigma pi r^2) + 1/(sigma pi (b^2 - a^2)).
  const double r = 5e-6, a = 8e-6, b = 10e-6;
  EXPECT_NEAR(one.R_ohm_per_m[0][0] * kSigma * pi / (1 / (r * r) + 1 / (b * b - a * a)), 1, 1e-9);
  // Concentric rings: the ring's mutual resistance with the wire at DC is zero (no
  // shared current path) and the return's resistance is common to both loops.
  EXPECT_NEAR(two.R_ohm_per_m[0][1] * kSigma * pi * (b * b - a * a), 1, 1e-9);
  // Magnetostatic L: mu/(8 pi) + mu/(2 pi) ln(a/r) + the shield tube's internal term.
  const double tube = b * b - a * a;
  const double tube_L =
      kVacuumPermeability / (2 * pi) *
      (std::pow(b, 4) * std::log(b / a) / (tube * tube) - (3 * b * b - a * a) / (4 * tube));
  const double dc_L =
      kVacuumPermeability / (8 * pi) + kVacuumPermeability / (2 * pi) * std::log(a / r) + tube_L;
  EXPECT_NEAR(one.L_H_per_m[0][0] / dc_L, 1, 5e-3);
}

// No return conductor: the boundary is the return. A wire in oxide to radius b with
// A = 0 there is a coax with a perfectly conducting shield at b.
TEST(MqsReduction, WithoutReturnTheBoundaryIsTheReturn) {
  physics::CrossSection section;
  section.layer = "wire";
  section.materials = {tsvfield::test::oxide(), tsvfield::test::copper(kSigma)};
  section.conductors = {tsvfield::test::conductor("wire", ConductorRole::signal)};
  const double r = 5e-6, b = 9e-6;
  tsvfield::test::build_polar_mesh({{r, 1, 0, 0, 0.1e-6}, {b, 0, -1, 0.1e-6, 0}}, {}, section);
  const auto sweep = physics::impedance_sweep(section, {0.0}, MPI_COMM_WORLD);
  EXPECT_NEAR(sweep.R_ohm_per_m[0][0] * kSigma * pi * r * r, 1, 1e-9);
  const double dc_L =
      kVacuumPermeability / (8 * pi) + kVacuumPermeability / (2 * pi) * std::log(b / r);
  EXPECT_NEAR(sweep.L_H_per_m[0][0] / dc_L, 1, 5e-3);
  EXPECT_TRUE(sweep.skin_depth_resolved[0]);
  EXPECT_TRUE(std::isinf(sweep.skin_depth_m[0]));
}

TEST(MqsReduction, EmptySweepGivesEmptyResults) {
  const auto sweep =
      physics::impedance_sweep(ring_section(ConductorRole::floating), {}, MPI_COMM_WORLD);
  EXPECT_TRUE(sweep.R_ohm_per_m.empty());
  EXPECT_TRUE(sweep.skin_depth_m.empty());
}

TEST(MqsReduction, BadInputThrowsInputError) {
  auto section = ring_section(ConductorRole::floating);
  EXPECT_THROW(physics::impedance_sweep(section, {-1.0}, MPI_COMM_WORLD), tsvfield::InputError);
  EXPECT_THROW(physics::impedance_sweep(section, {NAN}, MPI_COMM_WORLD), tsvfield::InputError);

  auto no_signal = section;
  no_signal.conductors[0].role = ConductorRole::ret;
  try {
    physics::impedance_sweep(no_signal, {1e9}, MPI_COMM_WORLD);
    ADD_FAILURE() << "no InputError";
  } catch (const tsvfield::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("no signal conductor"), std::string::npos)
        << error.what();
  }

  // A signal whose cells are all oxide cannot carry a line current.
  auto insulating = section;
  for (std::size_t cell = 0; cell < insulating.cell_conductor.size(); ++cell)
    if (insulating.cell_conductor[cell] == 0) insulating.cell_material[cell] = 0;
  try {
    physics::impedance_sweep(insulating, {1e9}, MPI_COMM_WORLD);
    ADD_FAILURE() << "no InputError";
  } catch (const tsvfield::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("'wire' has no metal cell"), std::string::npos)
        << error.what();
  }
}

}  // namespace
