#include "io/line_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace tsvfield::io {
namespace {

constexpr int kScale = 2;  // font pixels per glyph pixel
constexpr int kGlyphStep = 6 * kScale;
constexpr int kMargin = 12, kTick = 5, kGap = 4;
constexpr Rgb kGrid{220, 220, 220};

struct Palette {
  Rgb colour;
  const char* name;
};
constexpr std::array<Palette, 8> kPalette{{{{31, 119, 180}, "blue"},
                                           {{255, 127, 14}, "orange"},
                                           {{44, 160, 44}, "green"},
                                           {{214, 39, 40}, "red"},
                                           {{148, 103, 189}, "purple"},
                                           {{140, 86, 75}, "brown"},
                                           {{227, 119, 194}, "pink"},
                                           {{127, 127, 127}, "grey"}}};

std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  char label[32];
  std::snprintf(label, sizeof label, "%.*f", decimals, value + 0.0);
  return label;
}

}  // namespace

Rgb series_colour(std::size_t index) {
  return kPalette[index % kPalette.size()].colour;
}
std::string series_colour_name(std::size_t index) {
  return kPalette[index % kPalette.size()].name;
}

std::vector<double> nice_ticks(double low, double high, int about) {
  if (!(high > low)) return {low};
  const double rough = (high - low) / std::max(1, about);
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  double step = power;
  for (double factor : {1.0, 2.0, 5.0, 10.0})
    if (factor * power >= rough) {
      step = factor * power;
      break;
    }
  // Whole multiples of the step (no accumulated rounding).
  std::vector<double> ticks;
  const auto first = static_cast<long long>(std::ceil(low / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(high / step + 1e-9));
  for (long long multiple = first; multiple <= last; ++multiple)
    ticks.push_back(static_cast<double>(multiple) * step + 0.0);
  return ticks;
}

RgbImage line_chart(const std::vector<ChartSeries>& series, int plot_width, int plot_height) {
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const auto& one : series)
    for (std::size_t k = 0; k < one.x.size() && k < one.y.size(); ++k) {
      x_low = std::min(x_low, one.x[k]);
      x_high = std::max(x_high, one.x[k]);
      y_low = std::min(y_low, one.y[k]);
      y_high = std::max(y_high, one.y[k]);
    }
  if (!(x_high >= x_low)) throw std::invalid_argument("a chart needs at least one point");
  if (!(x_high > x_low)) x_high = x_low + 1;
  if (!(y_high > y_low)) {
    y_low -= 0.5;
    y_high += 0.5;
  }
  // Widen the value range to whole ticks.
  const std::vector<double> y_ticks_rough = nice_ticks(y_low, y_high, 5);
  const double y_step = y_ticks_rough.size() > 1 ? y_ticks_rough[1] - y_ticks_rough[0] : 1;
  y_low = std::floor(y_low / y_step + 1e-9) * y_step;
  y_high = std::ceil(y_high / y_step - 1e-9) * y_step;
  const std::vector<double> x_ticks = nice_ticks(x_low, x_high, 6);
  const std::vector<double> y_ticks = nice_ticks(y_low, y_high, 5);
  const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1;

  int label_width = 0;
  for (double tick : y_ticks)
    label_width = std::max(label_width, text_width(tick_label(tick, y_step), kScale));
  const int left = kMargin + label_width + kGap + kTick;
  const int top = kMargin + kGlyphHeight * kScale / 2;
  const int bottom = top + plot_height;
  RgbImage image(left + plot_width + kMargin + kGlyphStep * 3,
                 bottom + kTick + kGap + kGlyphHeight * kScale + kMargin);
  const PixelWindow window{x_low, x_high, y_low, y_high, plot_width, plot_height};
  const auto column = [&](double x) {
    return left + static_cast<int>(std::lround(window.column(x) - 0.5));
  };
  const auto row = [&](double y) {
    return top + static_cast<int>(std::lround(window.row(y) - 0.5));
  };
  for (double tick : y_ticks) {
    const int j = row(tick);
    draw_line(image, left, j, left + plot_width - 1, j, kGrid);
    draw_line(image, left - kTick, j, left - 1, j, kBlack);
    const std::string label = tick_label(tick, y_step);
    draw_text(image, left - kTick - kGap - text_width(label, kScale), j - kGlyphHeight * kScale / 2,
              label, kScale, kBlack);
  }
  for (double tick : x_ticks) {
    const int i = column(tick);
    draw_line(image, i, top, i, bottom - 1, kGrid);
    draw_line(image, i, bottom, i, bottom + kTick - 1, kBlack);
    const std::string label = tick_label(tick, x_step);
    draw_text(image, i - text_width(label, kScale) / 2, bottom + kTick + kGap, label, kScale,
              kBlack);
  }
  draw_rectangle(image, left - 1, top - 1, plot_width + 2, plot_height + 2, kBlack);
  for (const auto& one : series)
    for (std::size_t k = 1; k < one.x.size() && k < one.y.size(); ++k) {
      const int i0 = column(one.x[k - 1]), j0 = row(one.y[k - 1]);
      const int i1 = column(one.x[k]), j1 = row(one.y[k]);
      // Two pixels wide, so that a line is visible over the grid.
      draw_line(image, i0, j0, i1, j1, one.colour);
      draw_line(image, i0, j0 + 1, i1, j1 + 1, one.colour);
    }
  return image;
}

}  // namespace tsvfield::io
