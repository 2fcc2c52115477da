// Mesh convergence of the grounded-silicon coax (per-length capacitance from the
// difference of two TSV lengths) in the circle segments and the cells across the
// liner; prints the table of docs/verification-electrical.md. LABELS long.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

#include "physics/electrostatics.hpp"
#include "tests/electrical/electrical_fixtures.hpp"

namespace tsvfield::physics {
namespace {

using namespace tsvfield::testing;

double tsv_capacitance(double length_um, int segments, int liner_layers) {
  mesh::StackSpec stack;
  stack.footprint = square_um(60);
  mesh::LayerSpec die = layer("die", length_um, "silicon", static_cast<int>(length_um / 10));
  die.tsv_arrays.push_back(tsv_array("tsv", 10, 2, 1, 1, 40, 30));
  stack.items = {die, layer("beol", 10, "sio2", 4)};
  mesh::MeshControls controls;
  controls.circle_segments = segments;
  controls.liner_layers = liner_layers;
  const auto generated = generate(stack, controls);
  ElectrostaticSpec spec;
  CapacitanceConductor tsv;
  tsv.name = "tsv";
  tsv.conductors = {"die/tsv[0,0]"};
  spec.conductors = {tsv};
  spec.silicon = SiliconTreatment::grounded;
  return capacitance_matrix(generated.mesh, MaterialLibrary::builtin(), spec, world())
      .capacitance_F[0];
}

TEST(CapacitanceConvergence, CoaxErrorFallsWithSegmentsAndLinerCells) {
  const double expected = 2 * kPi * 3.9 * kEpsilon0 / std::log(7.0 / 5.0);
  double previous = 1;
  for (int refinement : {1, 2, 4}) {
    const int segments = 16 * refinement, liner_layers = 2 * refinement;
    const double per_length = (tsv_capacitance(200, segments, liner_layers) -
                               tsv_capacitance(100, segments, liner_layers)) /
                              (100 * kMicron);
    const double error = std::abs(per_length - expected) / expected;
    if (is_root()) {
      std::printf("[ measured ] segments %3d liner cells %2d: C' = %.6e F/m, rel. error %.3e\n",
                  segments, liner_layers, per_length, error);
    }
    EXPECT_LT(error, previous);  // converges
    previous = error;
  }
  EXPECT_LT(previous, 2e-3);
}

}  // namespace
}  // namespace tsvfield::physics
