// sweep_frequencies: endpoints exact, linear steps equal, log ratios equal (the
// values of a log sweep are start * (stop/start)^(k/(n-1)), computed here with pow).
#include <gtest/gtest.h>

#include <cmath>

#include "physics/si_spec.hpp"

namespace tsvfield::physics {
namespace {

FrequencySweep sweep(double start, double stop, int points, FrequencySpacing spacing) {
  FrequencySweep result;
  result.source = {"test.yaml", 3, 5, "analyses.signal_integrity.frequencies"};
  result.start_Hz = start;
  result.stop_Hz = stop;
  result.points = points;
  result.spacing = spacing;
  return result;
}

TEST(SweepFrequencies, LogEndpointsExactAndRatiosEqual) {
  const std::vector<double> f = sweep_frequencies(sweep(10e6, 40e9, 100, FrequencySpacing::log));
  ASSERT_EQ(f.size(), 100u);
  EXPECT_EQ(f.front(), 10e6);
  EXPECT_EQ(f.back(), 40e9);
  for (std::size_t k = 0; k < f.size(); ++k) {
    const double expected = 10e6 * std::pow(4000.0, static_cast<double>(k) / 99);
    EXPECT_NEAR(f[k], expected, 1e-12 * expected) << k;
  }
}

TEST(SweepFrequencies, LinearStepsEqualAndDcAllowed) {
  const std::vector<double> f = sweep_frequencies(sweep(0, 1e9, 11, FrequencySpacing::linear));
  ASSERT_EQ(f.size(), 11u);
  EXPECT_EQ(f.front(), 0.0);
  EXPECT_EQ(f.back(), 1e9);
  for (std::size_t k = 0; k < f.size(); ++k) EXPECT_NEAR(f[k], 1e8 * k, 1e-6) << k;
}

TEST(SweepFrequencies, OnePointIsTheStartAndTwoAreTheEnds) {
  EXPECT_EQ(sweep_frequencies(sweep(5e9, 5e9, 1, FrequencySpacing::log)), std::vector<double>{5e9});
  EXPECT_EQ(sweep_frequencies(sweep(1e6, 2e9, 1, FrequencySpacing::linear)),
            std::vector<double>{1e6});
  EXPECT_EQ(sweep_frequencies(sweep(1e6, 2e9, 2, FrequencySpacing::log)),
            (std::vector<double>{1e6, 2e9}));
}

TEST(SweepFrequencies, StrictlyAscending) {
  for (const auto spacing : {FrequencySpacing::log, FrequencySpacing::linear}) {
    const std::vector<double> f = sweep_frequencies(sweep(1, 1e11, 1001, spacing));
    for (std::size_t k = 1; k < f.size(); ++k) ASSERT_LT(f[k - 1], f[k]) << k;
  }
}

// Sweeps built by hand (not through the reader) are still checked.
TEST(SweepFrequencies, InvalidSweepsThrowWithTheSource) {
  const auto expect_rejected = [](const FrequencySweep& bad) {
    try {
      sweep_frequencies(bad);
      ADD_FAILURE() << "accepted";
    } catch (const InputError& error) {
      EXPECT_EQ(error.where().line, 3);
      EXPECT_EQ(error.where().key_path, "analyses.signal_integrity.frequencies");
    }
  };
  expect_rejected(sweep(1e6, 1e9, 0, FrequencySpacing::log));
  expect_rejected(sweep(0, 1e9, 10, FrequencySpacing::log));
  expect_rejected(sweep(1e9, 1e9, 10, FrequencySpacing::linear));
  expect_rejected(sweep(2e9, 1e9, 10, FrequencySpacing::linear));
  expect_rejected(sweep(-1, 1e9, 10, FrequencySpacing::linear));
  expect_rejected(sweep(1, NAN, 10, FrequencySpacing::linear));
}

}  // namespace
}  // namespace tsvfield::physics
