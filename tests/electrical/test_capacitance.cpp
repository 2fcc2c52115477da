// Electrostatic verification: the oxide capacitance of a long TSV in grounded
// silicon against the coaxial formula, two long parallel conductors in a
// uniform dielectric against the two-wire formula, and the properties of a
// Maxwell capacitance matrix (symmetric, positive diagonal, negative
// off-diagonals, diagonally dominant), equal on 1 and 2 ranks.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "physics/electrostatics.hpp"
#include "tests/electrical/electrical_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace tsvfield::testing;

CapacitanceConductor conductor(const std::string& name, const std::string& tsv) {
  CapacitanceConductor item;
  item.source = where("electrostatics.conductors." + name);
  item.name = name;
  item.conductors = {tsv};
  return item;
}

// A TSV (10 um copper, 2 um oxide liner) through `length_um` of silicon, under a
// 10 um oxide BEOL it does not enter (a fringing field at its top end).
mesh::StackSpec coax_stack(double length_um) {
  mesh::StackSpec stack;
  stack.footprint = square_um(60);
  mesh::LayerSpec die = layer("die", length_um, "silicon", static_cast<int>(length_um / 10));
  die.tsv_arrays.push_back(tsv_array("tsv", 10, 2, 1, 1, 40, 30));
  stack.items = {die, layer("beol", 10, "sio2", 4)};
  return stack;
}

double grounded_silicon_capacitance(double length_um) {
  mesh::MeshControls controls;
  controls.circle_segments = 32;
  controls.liner_layers = 3;
  const auto generated = generate(coax_stack(length_um), controls);
  ElectrostaticSpec spec;
  spec.conductors = {conductor("tsv", "die/tsv[0,0]")};
  spec.silicon = SiliconTreatment::grounded;
  const auto results =
      capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world());
  EXPECT_EQ(results.solve_count, 1);
  // All field lines of the TSV end on ground.
  EXPECT_NEAR(results.ground_charge_C[0], -results.capacitance_F[0],
              1e-8 * results.capacitance_F[0]);
  return results.capacitance_F[0];
}

// End effects (the fringing field into the BEOL at the top) are the same for
// both lengths, so the difference of two lengths is the per-length capacitance
// of the infinitely long TSV.
TEST(Capacitance, LongTsvInGroundedSiliconIsTheOxideCoax) {
  const double c100 = grounded_silicon_capacitance(100);
  const double c200 = grounded_silicon_capacitance(200);
  const double per_length = (c200 - c100) / (100 * kMicron);
  const double eps_ox = 3.9 * kEpsilon0;
  const double expected = 2 * kPi * eps_ox / std::log(7.0 / 5.0);
  print_measured("coax C per length, grounded Si, (C(200um)-C(100um))/100um (F/m)", per_length,
                 expected);
  EXPECT_NEAR(per_length, expected, 0.01 * expected);
  // The end effect is a fixed amount: C(L) - L * C' is the same for both lengths.
  if (is_root()) {
    std::printf("[ measured ] end (fringe) capacitance %.4e F\n",
                c100 - 100 * kMicron * per_length);
  }
}

// Two copper wires (r = 5 um, pitch 30 um) through 50 um of oxide on a wide
// footprint, no ground: C = pi eps L / acosh(p / 2r). The field is z-invariant
// (the wires span the layer, top and bottom faces are insulating), so one cell
// through the thickness is exact in z.
TEST(Capacitance, TwoParallelWiresInAUniformDielectric) {
  mesh::StackSpec stack;
  const double size = 600;
  stack.footprint = square_um(size);
  mesh::LayerSpec slab = layer("slab", 50, "sio2", 1);
  mesh::TsvArraySpec wires = tsv_array("wire", 10, 0, 2, 1, 30, 0.5 * size - 15);
  slab.tsv_arrays.push_back(wires);
  stack.items = {slab};
  mesh::MeshControls controls;
  controls.circle_segments = 32;
  controls.max_size = 40 * kMicron;
  const auto generated = generate(stack, controls);
  ElectrostaticSpec spec;
  spec.conductors = {conductor("a", "slab/wire[0,0]"), conductor("b", "slab/wire[1,0]")};
  const auto results =
      capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world());
  const double expected = kPi * 3.9 * kEpsilon0 * 50 * kMicron / std::acosh(30.0 / 10.0);
  const double mutual = -results.capacitance_F[1];
  print_measured("two-wire capacitance -C12, p/2r = 3 (F)", mutual, expected);
  EXPECT_NEAR(mutual, expected, 0.02 * expected);
  // No ground: all field lines go from one wire to the other.
  EXPECT_NEAR(results.capacitance_F[0], mutual, 1e-8 * mutual);
  EXPECT_LT(results.asymmetry, 1e-8);
}

// A 3 x 3 array of lined TSVs in silicon (dielectric, eps_r 11.9) standing on an
// oxide layer with a grounded bottom: the three TSVs of the middle row are the
// conductors, the other six are grounded.
mesh::StackSpec array_stack() {
  mesh::StackSpec stack;
  stack.footprint = square_um(150);
  mesh::LayerSpec die = layer("die", 60, "silicon", 6);
  die.tsv_arrays.push_back(tsv_array("sig", 10, 1, 3, 3, 40, 35));
  stack.items = {layer("oxide", 10, "sio2", 2), die, layer("beol", 6, "sio2", 2)};
  return stack;
}

ElectrostaticSpec array_spec() {
  ElectrostaticSpec spec;
  spec.conductors = {conductor("left", "die/sig[0,1]"), conductor("middle", "die/sig[1,1]"),
                     conductor("right", "die/sig[2,1]")};
  spec.silicon = SiliconTreatment::dielectric;
  spec.ground_surfaces = {"bottom"};
  return spec;
}

TEST(Capacitance, MaxwellMatrixPropertiesAndRankInvariance) {
  const auto parallel = generate(array_stack(), {});
  const auto results =
      capacitance_matrix(parallel.mesh, MaterialLibrary::builtin(), array_spec(), world());
  const std::size_t n = 3;
  ASSERT_EQ(results.capacitance_F.size(), n * n);
  EXPECT_EQ(results.solve_count, 3);
  if (is_root()) {
    std::printf(
        "[ measured ] 3x3 Maxwell matrix (fF), asymmetry %.2e, %d CG iterations for 3 solves\n",
        results.asymmetry, results.solver.iterations);
    for (std::size_t i = 0; i < n; ++i) {
      std::printf("[ measured ]   %10.5f %10.5f %10.5f\n", results.capacitance_F[i * n] * 1e15,
                  results.capacitance_F[i * n + 1] * 1e15, results.capacitance_F[i * n + 2] * 1e15);
    }
  }
  EXPECT_LT(results.asymmetry, 1e-7);
  for (std::size_t i = 0; i < n; ++i) {
    double row_sum = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double c = results.capacitance_F[i * n + j];
      if (i == j) {
        EXPECT_GT(c, 0.0);
      } else {
        EXPECT_LT(c, 0.0);
      }
      row_sum += c;
    }
    EXPECT_GT(row_sum, 0.0);  // the rest of each TSV's field lines end on ground
  }
  // Mirror symmetry of the array: left and right see the same.
  EXPECT_NEAR(results.capacitance_F[0], results.capacitance_F[8], 1e-3 * results.capacitance_F[0]);
  // Tying left and right together is a sum of rows and columns (superposition).
  ElectrostaticSpec tied = array_spec();
  tied.conductors = {conductor("outer", "die/sig[0,1]"), conductor("middle", "die/sig[1,1]")};
  tied.conductors[0].conductors.push_back("die/sig[2,1]");
  const auto pair = capacitance_matrix(parallel.mesh, MaterialLibrary::builtin(), tied, world());
  const auto& c = results.capacitance_F;
  EXPECT_NEAR(pair.capacitance_F[0], c[0] + c[2] + c[6] + c[8], 1e-7 * c[0]);
  EXPECT_NEAR(pair.capacitance_F[1], c[1] + c[7], 1e-7 * c[0]);
  EXPECT_NEAR(pair.capacitance_F[3], c[4], 1e-7 * c[0]);
  // The serial mesh and solve (every rank on its own) give the same matrix.
  const auto serial = mesh::generate_mesh(array_stack(), {}, {}, MPI_COMM_SELF);
  const auto reference =
      capacitance_matrix(serial.mesh, MaterialLibrary::builtin(), array_spec(), MPI_COMM_SELF);
  for (std::size_t k = 0; k < n * n; ++k) {
    EXPECT_NEAR(results.capacitance_F[k], reference.capacitance_F[k],
                1e-7 * results.capacitance_F[4]);
  }
}

TEST(Capacitance, GroundedSiliconRemovesTheSiliconPath) {
  // Grounded silicon screens the neighbours: the couplings shrink, and each
  // diagonal is the liner capacitance alone (larger: the oxide is thin).
  const auto generated = generate(array_stack(), {});
  ElectrostaticSpec spec = array_spec();
  const auto dielectric =
      capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world());
  spec.silicon = SiliconTreatment::grounded;
  const auto grounded =
      capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world());
  EXPECT_GT(grounded.capacitance_F[4], dielectric.capacitance_F[4]);
  EXPECT_LT(std::abs(grounded.capacitance_F[1]), std::abs(dielectric.capacitance_F[1]));
}

TEST(Capacitance, ConductorWithoutLinerInGroundedSiliconIsAnInputError) {
  mesh::StackSpec stack;
  stack.footprint = square_um(60);
  mesh::LayerSpec die = layer("die", 50, "silicon", 2);
  die.tsv_arrays.push_back(tsv_array("bare", 10, 0, 1, 1, 40, 30));
  stack.items = {die};
  const auto generated = generate(stack, {});
  ElectrostaticSpec spec;
  spec.source = where("electrostatics");
  spec.conductors = {conductor("bare", "die/bare[0,0]")};
  spec.silicon = SiliconTreatment::grounded;
  try {
    capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world());
    ADD_FAILURE() << "a conductor shorted to ground was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "case.yaml:3:5: electrostatics: 'ground (unlisted conductors and metal, grounded "
              "silicon)' touches 'conductor bare' (they share mesh nodes): they cannot be held at "
              "different potentials");
  }
}

}  // namespace
}  // namespace tsvfield::physics
