#pragma once
// Line charts for the design-review report (signal integrity: losses against
// frequency), drawn like io/raster_image's pictures: no display, numbers in the
// built-in font, axis names and the series' colours given in the caption.
#include <string>
#include <vector>

#include "io/raster_image.hpp"

namespace tsvfield::io {

struct ChartSeries {
  std::vector<double> x, y;  // same length, x ascending
  Rgb colour;
};

// Distinct colours for up to 8 series (then repeating), and their names for captions.
Rgb series_colour(std::size_t index);
std::string series_colour_name(std::size_t index);

// "Nice" tick values (1, 2 or 5 times a power of ten apart) covering [low, high].
std::vector<double> nice_ticks(double low, double high, int about);

// The series on axes with ticks labelled by their values, in a plot area of
// plot_width x plot_height pixels. Throws std::invalid_argument when no series has
// a point.
RgbImage line_chart(const std::vector<ChartSeries>& series, int plot_width, int plot_height);

}  // namespace tsvfield::io
