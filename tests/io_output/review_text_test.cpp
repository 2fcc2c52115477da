// Pieces of the design-review report that need no mesh: engineering units, chart
// ticks, lines, words and legends, the electrical sections' tables and findings.
#include "io/review_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "find_text.hpp"
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
  ChartSeries rising{{0, 1, 2}, {0, 5, 10}, series_colour(0), ""};
  ChartSeries falling{{0, 1, 2}, {10, 5, 0}, series_colour(1), ""};
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

std::vector<ChartSeries> sine_series(int count) {
  std::vector<ChartSeries> series;
  for (int k = 0; k < count; ++k) {
    ChartSeries one;
    one.colour = series_colour(static_cast<std::size_t>(k));
    one.name = (k < 9 ? "TSV_0" : "TSV_") + std::to_string(k + 1);  // none a prefix of another
    for (int point = 0; point <= 40; ++point) {
      one.x.push_back(0.5 * point);
      one.y.push_back(-2.0 * k - std::sin(0.3 * point));
    }
    series.push_back(std::move(one));
  }
  return series;
}

bool inside(const PixelRect& outer, const PixelRect& inner) {
  return inner.left >= outer.left && inner.top >= outer.top && inner.right() <= outer.right() &&
         inner.bottom() <= outer.bottom();
}

// The plot with its one-pixel frame.
PixelRect framed(const PixelRect& plot) {
  return {plot.left - 1, plot.top - 1, plot.width + 2, plot.height + 2};
}

TEST(ReviewText, ChartCarriesItsTitleAxisNamesAndLegend) {
  const std::vector<ChartSeries> series = sine_series(3);
  ChartOptions options;
  options.title = "Transmission of each signal";
  options.x_label = "frequency (GHz)";
  options.y_label = "|S21| (dB)";
  const ChartLayout layout = chart_layout(series, 300, 150, options);
  const RgbImage image = line_chart(series, 300, 150, options);
  ASSERT_EQ(image.width, layout.width);
  ASSERT_EQ(image.height, layout.height);
  EXPECT_EQ(layout.plot.width, 300);
  EXPECT_EQ(layout.plot.height, 150);
  const PixelRect plot_and_frame = framed(layout.plot);

  // The words, found where they belong: the title and the y axis' name above the plot
  // (title first), the x axis' name below it.
  const auto title = testing::find_text(image, options.title);
  const auto y_name = testing::find_text(image, options.y_label);
  const auto x_name = testing::find_text(image, options.x_label);
  ASSERT_TRUE(title && y_name && x_name);
  EXPECT_LT(title->bottom(), y_name->top);
  EXPECT_LT(y_name->bottom(), layout.plot.top);
  EXPECT_GT(x_name->top, layout.plot.bottom());
  EXPECT_LT(y_name->left, layout.plot.left);  // over the y axis' tick labels

  // The legend: beside the plot, one swatch per series in its colour with its name to
  // its right, inside the legend's box, none overlapping another.
  ASSERT_EQ(layout.swatches.size(), 3u);
  EXPECT_GT(layout.legend.width, 0);
  EXPECT_FALSE(layout.legend.overlaps(plot_and_frame));
  EXPECT_TRUE(inside({0, 0, image.width, image.height}, layout.legend));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const PixelRect& swatch = layout.swatches[k];
    EXPECT_TRUE(inside(layout.legend, swatch));
    EXPECT_GT(swatch.width * swatch.height, 20);
    for (int j = swatch.top; j < swatch.bottom(); ++j)
      for (int i = swatch.left; i < swatch.right(); ++i)
        ASSERT_EQ(image.at(i, j), series[k].colour) << "series " << k << " at " << i << "," << j;
    for (std::size_t other = 0; other < k; ++other)
      EXPECT_FALSE(swatch.overlaps(layout.swatches[other]));
    const auto name = testing::find_text(image, series[k].name, 2, kBlack, layout.legend);
    ASSERT_TRUE(name) << series[k].name;
    EXPECT_GT(name->left, swatch.right());
    EXPECT_LE(name->top, swatch.top);
    EXPECT_GE(name->bottom(), swatch.bottom());
  }

  // Nothing but the grid and the lines inside the data area (no text, no legend), and
  // a series' colour outside the plot and its frame only in its swatch.
  int line_pixels = 0;
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i) {
      const Rgb pixel = image.at(i, j);
      if (layout.plot.contains(i, j)) {
        ASSERT_NE(pixel, kBlack) << "black (text or frame) at " << i << "," << j;
        line_pixels += pixel == series[0].colour;
        continue;
      }
      if (plot_and_frame.contains(i, j)) continue;
      for (std::size_t k = 0; k < series.size(); ++k)
        if (pixel == series[k].colour) {
          ASSERT_TRUE(layout.swatches[k].contains(i, j))
              << "series " << k << "'s colour outside the plot at " << i << "," << j;
        }
    }
  EXPECT_GE(line_pixels, 2 * 300);  // the first line, two pixels wide, across the plot
}

TEST(ReviewText, ManySeriesGetALegendInColumnsBesideThePlot) {
  const std::vector<ChartSeries> series = sine_series(20);
  const ChartLayout layout = chart_layout(series, 300, 150, {});
  const RgbImage image = line_chart(series, 300, 150, {});
  ASSERT_EQ(layout.swatches.size(), 20u);
  const PixelRect plot_and_frame = framed(layout.plot);
  EXPECT_FALSE(layout.legend.overlaps(plot_and_frame));
  EXPECT_GE(layout.legend.left, plot_and_frame.right());
  // More than one column: 20 rows of text do not fit beside a plot 150 pixels tall.
  EXPECT_GT(layout.swatches.back().left, layout.swatches.front().left);
  for (std::size_t k = 0; k < series.size(); ++k) {
    EXPECT_TRUE(inside(layout.legend, layout.swatches[k]));
    EXPECT_TRUE(inside({0, 0, image.width, image.height}, layout.swatches[k]));
    for (std::size_t other = 0; other < k; ++other)
      EXPECT_FALSE(layout.swatches[k].overlaps(layout.swatches[other])) << k << " " << other;
    // Colours repeat after 8: only the name tells which is which.
    EXPECT_TRUE(testing::find_text(image, series[k].name, 2, kBlack, layout.legend)) << k;
  }
  // The names' boxes do not overlap either: each name lies in its own row and column.
  for (std::size_t k = 0; k < series.size(); ++k)
    for (std::size_t other = 0; other < k; ++other) {
      const auto a = testing::find_text(image, series[k].name, 2, kBlack, layout.legend);
      const auto b = testing::find_text(image, series[other].name, 2, kBlack, layout.legend);
      ASSERT_TRUE(a && b);
      EXPECT_FALSE(a->overlaps(*b)) << series[k].name << " over " << series[other].name;
    }
}

// How many pixels of the data area have the colour.
int pixels_in(const RgbImage& image, const PixelRect& area, Rgb colour) {
  int count = 0;
  for (int j = area.top; j < area.bottom(); ++j)
    for (int i = area.left; i < area.right(); ++i) count += image.at(i, j) == colour;
  return count;
}

// Per column of the data area, the index of the first of `series` whose colour is at
// the topmost pixel coloured like one of them (-1: none).
std::vector<int> top_series_by_column(const RgbImage& image, const PixelRect& area,
                                      const std::vector<ChartSeries>& series) {
  std::vector<int> found;
  for (int i = area.left; i < area.right(); ++i) {
    found.push_back(-1);
    for (int j = area.top; j < area.bottom() && found.back() < 0; ++j)
      for (std::size_t k = 0; k < series.size(); ++k)
        if (image.at(i, j) == series[k].colour) {
          found.back() = static_cast<int>(k);
          break;
        }
  }
  return found;
}

TEST(ReviewText, IdenticalSeriesShowEveryColourAsInterleavedDashes) {
  // Four signals with the same curve (a symmetric layout): the picture must show all
  // four, not only the last one drawn.
  std::vector<ChartSeries> series = sine_series(4);
  for (auto& one : series) one.y = series[0].y;
  const ChartLayout layout = chart_layout(series, 300, 150, {});
  const RgbImage image = line_chart(series, 300, 150, {});
  // Each colour along about a quarter of the curve (two pixels wide, 300 across).
  for (std::size_t k = 0; k < series.size(); ++k)
    EXPECT_GT(pixels_in(image, layout.plot, series[k].colour), 100) << "series " << k;
  // Dashes: along the curve the colours take turns, again and again, and the curve has
  // no gaps (every column of the data area holds one of the colours).
  const std::vector<int> top = top_series_by_column(image, layout.plot, series);
  int changes = 0;
  for (std::size_t i = 0; i < top.size(); ++i) {
    ASSERT_GE(top[i], 0) << "no line in column " << i;
    changes += i > 0 && top[i] != top[i - 1];
  }
  EXPECT_GE(changes, 16);
  // The legend says which coincide: each later series "= TSV_01", the first unmarked;
  // the swatches keep their plain colours.
  ASSERT_EQ(layout.swatches.size(), 4u);
  EXPECT_TRUE(testing::find_text(image, "TSV_01", 2, kBlack, layout.legend));
  EXPECT_FALSE(testing::find_text(image, "TSV_01 =", 2, kBlack, layout.legend));
  for (std::size_t k = 1; k < series.size(); ++k) {
    const auto entry =
        testing::find_text(image, series[k].name + " = TSV_01", 2, kBlack, layout.legend);
    ASSERT_TRUE(entry) << series[k].name;
    EXPECT_GT(entry->left, layout.swatches[k].right());
    EXPECT_LE(entry->top, layout.swatches[k].top);
    EXPECT_EQ(image.at(layout.swatches[k].left, layout.swatches[k].top), series[k].colour);
  }
}

TEST(ReviewText, OnlySeriesThatCoincideAreDashedAndMarked) {
  // The first and third coincide (within rounding noise far below a pixel), the second
  // lies apart (two units below, about 75 pixels).
  std::vector<ChartSeries> series = sine_series(3);
  series[2].y = series[0].y;
  for (std::size_t k = 0; k < series[2].y.size(); ++k) series[2].y[k] += k % 2 ? 1e-7 : -1e-7;
  const ChartLayout layout = chart_layout(series, 300, 150, {});
  const RgbImage image = line_chart(series, 300, 150, {});
  EXPECT_GT(pixels_in(image, layout.plot, series[0].colour), 200);
  EXPECT_GT(pixels_in(image, layout.plot, series[2].colour), 200);
  // The second is drawn whole as before: two pixels wide across the plot.
  EXPECT_GE(pixels_in(image, layout.plot, series[1].colour), 2 * 300);
  EXPECT_TRUE(testing::find_text(image, "TSV_03 = TSV_01", 2, kBlack, layout.legend));
  EXPECT_TRUE(testing::find_text(image, "TSV_02", 2, kBlack, layout.legend));
  EXPECT_FALSE(testing::find_text(image, "TSV_02 =", 2, kBlack, layout.legend));
  EXPECT_FALSE(testing::find_text(image, "TSV_01 =", 2, kBlack, layout.legend));
  // The legend's box holds the longer entry.
  const auto entry = testing::find_text(image, "TSV_03 = TSV_01", 2, kBlack, layout.legend);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(inside(layout.legend, *entry));
}

TEST(ReviewText, TheSameCurveSampledDifferentlyCoincides) {
  // The first sine sampled at 41 and at 401 points: its chords lie well within a pixel
  // of the finer line, so the two are one curve in the picture.
  std::vector<ChartSeries> series = sine_series(2);
  series[1].x.clear();
  series[1].y.clear();
  for (int point = 0; point <= 400; ++point) {
    series[1].x.push_back(0.05 * point);
    series[1].y.push_back(-std::sin(0.03 * point));
  }
  const ChartLayout layout = chart_layout(series, 300, 150, {});
  const RgbImage image = line_chart(series, 300, 150, {});
  EXPECT_GT(pixels_in(image, layout.plot, series[0].colour), 200);
  EXPECT_GT(pixels_in(image, layout.plot, series[1].colour), 200);
  EXPECT_TRUE(testing::find_text(image, "TSV_02 = TSV_01", 2, kBlack, layout.legend));
}

TEST(ReviewText, SeriesAFewPixelsApartAreNotMarkedAsCoinciding) {
  // Two straight lines 0.1 apart on a y range of 1 over 100 pixels (about 10 pixels):
  // each drawn whole in its colour (less the few pixels of its ends that fall on the
  // frame), no legend marks.
  const std::vector<ChartSeries> series{{{0, 1}, {0, 0.9}, series_colour(0), "a"},
                                        {{0, 1}, {0.1, 1}, series_colour(1), "b"}};
  const ChartLayout layout = chart_layout(series, 200, 100, {});
  const RgbImage image = line_chart(series, 200, 100, {});
  EXPECT_GE(pixels_in(image, layout.plot, series[0].colour), 2 * 200 - 6);
  EXPECT_GE(pixels_in(image, layout.plot, series[1].colour), 2 * 200 - 6);
  EXPECT_FALSE(testing::find_text(image, "b = a", 2, kBlack, layout.legend));
  EXPECT_TRUE(testing::find_text(image, "b", 2, kBlack, layout.legend));
}

TEST(ReviewText, ChartWithoutNamesHasNoLegend) {
  ChartSeries one{{0, 1}, {0, 1}, series_colour(0), ""};
  const ChartLayout layout = chart_layout({one}, 100, 100);
  EXPECT_EQ(layout.legend.width, 0);
  EXPECT_TRUE(layout.swatches.empty());
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
