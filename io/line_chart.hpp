#pragma once
// Line charts for the design-review report (signal integrity: losses against
// frequency; transients: temperatures against time), drawn like io/raster_image's
// pictures: no display, text in the built-in font. A chart carries its own words (a
// title, the axis names with units, a legend naming each series' colour) so that it
// still reads when pasted into slides without its caption.
#include <string>
#include <vector>

#include "io/raster_image.hpp"

namespace tsvfield::io {

struct ChartSeries {
  std::vector<double> x, y;  // same length, x ascending
  Rgb colour;
  std::string name;  // in the legend; a chart whose series have no names has none
};

// The words around a chart; empty ones are left out (and take no room).
struct ChartOptions {
  std::string title;    // above the plot
  std::string x_label;  // under the x axis, e.g. "frequency (GHz)"
  std::string y_label;  // above the y axis (horizontal), e.g. "|S21| (dB)"
};

// Where line_chart puts things, in pixels of its image.
struct ChartLayout {
  int width = 0, height = 0;        // of the whole image
  PixelRect plot;                   // the data area, inside the black frame
  PixelRect legend;                 // the legend's framed box (width 0 without a legend)
  std::vector<PixelRect> swatches;  // one per series, filled with its colour
};

// Distinct colours for up to 8 series (then repeating), and their names for captions.
Rgb series_colour(std::size_t index);
std::string series_colour_name(std::size_t index);

// "Nice" tick values (1, 2 or 5 times a power of ten apart) covering [low, high].
std::vector<double> nice_ticks(double low, double high, int about);

// A tick's value with the decimals that tell ticks `step` apart (at most 6).
std::string tick_label(double value, double step);

// Legend names longer than this many characters are cut (ending in "..").
inline constexpr std::size_t kLegendNameChars = 28;

// The series on axes with ticks labelled by their values, in a plot area of
// plot_width x plot_height pixels, with the options' title and axis names, and a
// legend beside the plot (to its right, never over the data; in several columns when
// the series do not fit in one). Series are drawn in order, two pixels wide; series
// whose lines coincide within a pixel over the whole plot (each pixel of either line
// at most one pixel, across, down or diagonally, from the other's; each later series
// compared with the first of a group) are drawn as interleaved dashes of their colours
// instead of over one another, and the legend names the first of them after each of
// the others ("TSV_2 = TSV_1"). Throws std::invalid_argument when no series has a
// point.
RgbImage line_chart(const std::vector<ChartSeries>& series, int plot_width, int plot_height,
                    const ChartOptions& options = {});
ChartLayout chart_layout(const std::vector<ChartSeries>& series, int plot_width, int plot_height,
                         const ChartOptions& options = {});

}  // namespace tsvfield::io
