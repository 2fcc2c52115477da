// The magneto-quasi-static block solver: its iteration count does not grow with
// frequency (PRESB preconditioner, preconditioned spectrum in [1/2, 1] for every w),
// and the other solver choices reachable through options give the same impedances.
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "mqs_polar_section.hpp"
#include "physics/per_unit_length.hpp"

namespace {

namespace physics = tsvfield::physics;

physics::CrossSection coax() {
  return tsvfield::test::coax_section(tsvfield::test::CoaxGeometry{}, {});
}

int iterations_at(const physics::CrossSection& section, double frequency,
                  const physics::SectionSolveOptions& options = {"si_mqs_", 1e-10}) {
  return physics::impedance_sweep(section, {frequency}, MPI_COMM_WORLD, options)
      .stats.max_iterations;
}

void set_option(const char* name, const char* value) {
  ASSERT_EQ(PetscOptionsSetValue(nullptr, name, value), 0);
}

// Default solver (exact Cholesky block solves): the preconditioned spectrum lies in
// [1/2, 1] at every frequency, for which GMRES needs at most 14 iterations to reduce
// the residual by 1e-10 (Chebyshev bound 2 ((sqrt2 - 1)/(sqrt2 + 1))^k). The count
// rises from 1 (at 1 kHz w M is negligible and the preconditioner is the operator)
// to 13 and stays there, up to skin depths of r/1000.
TEST(MqsIterations, BoundedAtEveryFrequency) {
  const auto section = coax();
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int highest = 0;
  for (double frequency : {1e3, 1e5, 1e7, 1e9, 1e10, 4e10, 1e11, 1e12, 1e13}) {
    const int iterations = iterations_at(section, frequency);
    EXPECT_LE(iterations, 14) << frequency << " Hz";
    highest = std::max(highest, iterations);
    if (rank == 0)
      std::printf("[ measured ] PRESB + Cholesky: %.3g Hz %d iterations\n", frequency, iterations);
  }
  EXPECT_GE(highest, 5);  // the bound is not met trivially
  // DC: the preconditioner is the operator itself.
  EXPECT_EQ(iterations_at(section, 0), 1);
}

// With BoomerAMG for the K + w M blocks (inexact), the count at 1 kHz is set by the
// AMG, and 40 GHz needs no more than that plus a small margin.
TEST(MqsIterations, FortyGigahertzNeedsNoMoreThanOneKilohertz) {
  const auto section = coax();
  set_option("-test_growth_block_pc_type", "hypre");
  const physics::SectionSolveOptions amg{"test_growth_", 1e-10};
  const int low = iterations_at(section, 1e3, amg);
  const int high = iterations_at(section, 40e9, amg);
  EXPECT_GT(low, 5);
  EXPECT_LE(high, low + 5);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("[ measured ] PRESB + BoomerAMG: 1 kHz %d, 40 GHz %d iterations\n", low, high);
}

void expect_same(const physics::ImpedanceSweep& a, const physics::ImpedanceSweep& b,
                 double tolerance) {
  for (std::size_t f = 0; f < a.frequencies_Hz.size(); ++f) {
    EXPECT_NEAR(a.R_ohm_per_m[f][0] / b.R_ohm_per_m[f][0], 1, tolerance) << a.frequencies_Hz[f];
    EXPECT_NEAR(a.L_H_per_m[f][0] / b.L_H_per_m[f][0], 1, tolerance) << a.frequencies_Hz[f];
  }
}

TEST(MqsIterations, OptionOverridesGiveTheSameImpedance) {
  const auto section = coax();
  const std::vector<double> frequencies{0, 1e3, 1e8, 4e10};
  const auto reference = physics::impedance_sweep(section, frequencies, MPI_COMM_WORLD);

  // The block-diagonal preconditioner diag(K + wM, K + wM).
  set_option("-test_blockdiag_block_preconditioner", "diagonal");
  const auto blockdiag =
      physics::impedance_sweep(section, frequencies, MPI_COMM_WORLD, {"test_blockdiag_", 1e-10});
  expect_same(blockdiag, reference, 1e-7);

  // BoomerAMG (one V-cycle) for the K + wM blocks instead of Cholesky.
  set_option("-test_amg_block_pc_type", "hypre");
  const auto amg =
      physics::impedance_sweep(section, frequencies, MPI_COMM_WORLD, {"test_amg_", 1e-10});
  expect_same(amg, reference, 1e-7);

  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::printf(
        "[ measured ] iterations up to 40 GHz: PRESB+Cholesky %d (%.3f s), block diagonal %d, "
        "PRESB+BoomerAMG %d (%.3f s)\n",
        reference.stats.max_iterations, reference.stats.seconds, blockdiag.stats.max_iterations,
        amg.stats.max_iterations, amg.stats.seconds);
  }
}

TEST(MqsIterations, UnknownPreconditionerIsAnInputError) {
  const auto section = coax();
  set_option("-test_bad_block_preconditioner", "jacobi");
  EXPECT_THROW(physics::impedance_sweep(section, {1e9}, MPI_COMM_WORLD, {"test_bad_", 1e-10}),
               tsvfield::InputError);
}

// A solve that does not converge is a SolverError on every rank, also on the ranks
// whose own frequencies converged (at 2 ranks DC is rank 0's, 40 GHz rank 1's).
TEST(MqsIterations, NonConvergenceIsASolverErrorOnEveryRank) {
  const auto section = coax();
  set_option("-test_fail_ksp_max_it", "2");
  try {
    physics::impedance_sweep(section, {0, 40e9}, MPI_COMM_WORLD, {"test_fail_", 1e-10});
    ADD_FAILURE() << "no SolverError";
  } catch (const tsvfield::SolverError& error) {
    EXPECT_NE(std::string(error.what()).find("did not converge"), std::string::npos)
        << error.what();
  }
}

}  // namespace
