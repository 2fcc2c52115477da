// Pieces of the design-review report that need no mesh: engineering units, chart
// ticks and lines, the electrical sections' tables and findings.
#include "io/review_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/electrical_review.hpp"
#include "io/line_chart.hpp"

namespace tsvfield::io {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReviewText, EngineeringUnits) {
  EXPECT_EQ(engineering(0.000227417, "W"), "227.4 uW");
  EXPECT_EQ(engineering(2.27417e-3, "V"), "2.274 mV");
  EXPECT_EQ(engineering(157, "W"), "157 W");
  EXPECT_EQ(engineering(1500, "W"), "1.5 kW");
  EXPECT_EQ(engineering(-0.02, "A"), "-20 mA");
  EXPECT_EQ(engineering(0, "V"), "0 V");
  EXPECT_EQ(engineering(-0.0, "V"), "0 V");
  EXPECT_EQ(engineering(3e-13, "F"), "0.3 pF");  // below the smallest prefix
}

void expect_ticks(const std::vector<double>& ticks, const std::vector<double>& expected) {
  ASSERT_EQ(ticks.size(), expected.size());
  for (std::size_t k = 0; k < ticks.size(); ++k) EXPECT_NEAR(ticks[k], expected[k], 1e-12);
}

TEST(ReviewText, NiceTicks) {
  expect_ticks(nice_ticks(0.01, 40, 6), {10, 20, 30, 40});
  expect_ticks(nice_ticks(-0.5, 0, 5), {-0.5, -0.4, -0.3, -0.2, -0.1, 0});
  expect_ticks(nice_ticks(-70, -20, 5), {-70, -60, -50, -40, -30, -20});
  expect_ticks(nice_ticks(3, 3, 5), {3});
}

TEST(ReviewText, ChartDrawsEachSeriesInItsColour) {
  ChartSeries rising{{0, 1, 2}, {0, 5, 10}, series_colour(0)};
  ChartSeries falling{{0, 1, 2}, {10, 5, 0}, series_colour(1)};
  const RgbImage image = line_chart({rising, falling}, 200, 100);
  EXPECT_GT(image.width, 200);
  EXPECT_GT(image.height, 100);
  int first = 0, second = 0;
  for (const Rgb& pixel : image.pixels) {
    first += pixel == series_colour(0);
    second += pixel == series_colour(1);
  }
  // Each line crosses the 200 x 100 plot diagonally, two pixels wide.
  EXPECT_GT(first, 300);
  EXPECT_GT(second, 300);
  EXPECT_NE(series_colour(0), series_colour(1));
  EXPECT_EQ(series_colour_name(9), series_colour_name(1));
  EXPECT_THROW(line_chart({}, 100, 100), std::invalid_argument);
}

TEST(ReviewText, MatrixTable) {
  const std::string md =
      matrix_markdown("C (fF)", {"a", "b"}, {2e-15, -1e-15, -1e-15, 3e-15}, 1e15);
  EXPECT_EQ(md, "| C (fF) | a | b |\n|---|---:|---:|\n| a | 2 | -1 |\n| b | -1 | 3 |\n");
}

TEST(ReviewText, ConductionSection) {
  physics::ConductionResults results;
  results.terminals = {{"vdd", 0.9, 2.0, false}, {"vss", 0.0, -2.0, false}};
  results.matrix_terminals = {"vdd"};
  results.resistance_ohm = {0.45};
  results.joule_power_W = 1.8;
  results.terminal_power_W = 1.8;
  results.max_potential_V = 0.9;
  results.solve_count = 2;
  results.solver.method = "cg+hypre";
  results.solver.iterations = 40;
  results.solver.converged_reason = "CONVERGED_RTOL";
  const ReviewText review = conduction_review_text(results);
  EXPECT_TRUE(contains(review.findings, "1.8 W of Joule heat; potentials span 900 mV"))
      << review.findings;
  EXPECT_TRUE(contains(review.findings, "self resistances from 450 mOhm (vdd) to 450 mOhm (vdd)"))
      << review.findings;
  EXPECT_TRUE(contains(review.body, "| vdd | voltage | 0.9 | 2 | 1.8 |")) << review.body;
  EXPECT_TRUE(contains(review.body, "| R (mOhm) | vdd |\n|---|---:|\n| vdd | 450 |"))
      << review.body;
  EXPECT_TRUE(contains(review.solvers, "| DC conduction (2 solves) | cg+hypre | 40 |"))
      << review.solvers;
}

TEST(ReviewText, CapacitanceSection) {
  physics::CapacitanceResults results;
  results.names = {"s1", "s2", "g"};
  results.capacitance_F = {20e-15, -5e-15, -1e-15, -5e-15, 25e-15, -2e-15, -1e-15, -2e-15, 30e-15};
  const ReviewText review = capacitance_review_text("dielectric", results);
  EXPECT_TRUE(contains(review.findings,
                       "self capacitances 20 to 30 fF; the largest coupling is 5 fF, "
                       "s1 to s2."))
      << review.findings;
  EXPECT_TRUE(contains(review.body, "## Electrical: capacitance, silicon dielectric"));
  EXPECT_TRUE(contains(review.body, "| s2 | -5 | 25 | -2 |")) << review.body;
}

}  // namespace
}  // namespace tsvfield::io
