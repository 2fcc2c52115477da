#include "io/line_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <compare>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

namespace tsvfield::io {
namespace {

constexpr int kScale = 2;  // font pixels per glyph pixel
constexpr int kTextHeight = kGlyphHeight * kScale;
constexpr int kMargin = 12, kTick = 5, kGap = 4, kLineGap = 8;
constexpr int kMaxTextWidth = 1600;  // titles and axis names longer than this are cut
constexpr Rgb kGrid{220, 220, 220};
// The legend: rows of a swatch and a name, in columns of at most the plot's height.
constexpr int kSwatchWidth = 16, kSwatchHeight = 8, kSwatchGap = 6;
constexpr int kLegendPad = 6, kLegendRow = kTextHeight + 6, kLegendColumnGap = 14;
constexpr int kLegendGap = 16;  // between the plot's frame and the legend
// Series that coincide are drawn as interleaved dashes of their colours, each this
// many steps of its line long.
constexpr int kDash = 8;

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

// The value ranges (widened to whole ticks on y) and the ticks of both axes.
struct Axes {
  double x_low, x_high, y_low, y_high;
  std::vector<double> x_ticks, y_ticks;
  double x_step, y_step;
};

Axes chart_axes(const std::vector<ChartSeries>& series) {
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
  Axes axes{
      x_low, x_high, y_low, y_high, nice_ticks(x_low, x_high, 6), nice_ticks(y_low, y_high, 5),
      1,     y_step};
  if (axes.x_ticks.size() > 1) axes.x_step = axes.x_ticks[1] - axes.x_ticks[0];
  return axes;
}

std::string legend_name(const std::string& name) {
  if (name.size() <= kLegendNameChars) return name;
  return name.substr(0, kLegendNameChars - 2) + "..";
}

bool has_legend(const std::vector<ChartSeries>& series) {
  return std::any_of(series.begin(), series.end(),
                     [](const ChartSeries& one) { return !one.name.empty(); });
}

// A pixel of a series' line relative to the plot's top-left corner, and how many
// steps along the line (Chebyshev distance, segment by segment) from its first point.
struct LinePixel {
  int j, i, along;
  auto operator<=>(const LinePixel&) const = default;
};

// Data to pixel columns and rows relative to the plot's top-left corner.
struct PlotMapping {
  PixelWindow window;
  int column(double x) const { return static_cast<int>(std::lround(window.column(x) - 0.5)); }
  int row(double y) const { return static_cast<int>(std::lround(window.row(y) - 0.5)); }
};

PlotMapping plot_mapping(const Axes& axes, int plot_width, int plot_height) {
  return {{axes.x_low, axes.x_high, axes.y_low, axes.y_high, plot_width, plot_height}};
}

// A series' line as line_chart draws it (each segment two pixels wide: its pixels and
// the row under them), sorted by row, column, then steps along; none for a series
// with a value that is not finite (such a line is left to draw_line as it is).
std::vector<LinePixel> line_pixels(const ChartSeries& one, const PlotMapping& mapping) {
  std::vector<LinePixel> pixels;
  const auto finite = [](double value) { return std::isfinite(value); };
  if (!std::all_of(one.x.begin(), one.x.end(), finite) ||
      !std::all_of(one.y.begin(), one.y.end(), finite))
    return pixels;
  int along = 0;
  for (std::size_t k = 1; k < one.x.size() && k < one.y.size(); ++k) {
    const int i0 = mapping.column(one.x[k - 1]), j0 = mapping.row(one.y[k - 1]);
    const int i1 = mapping.column(one.x[k]), j1 = mapping.row(one.y[k]);
    visit_line(i0, j0, i1, j1, [&](int i, int j, int step) {
      pixels.push_back({j, i, along + step});
      pixels.push_back({j + 1, i, along + step});
    });
    along += std::max(std::abs(i1 - i0), std::abs(j1 - j0));
  }
  std::sort(pixels.begin(), pixels.end());
  return pixels;
}

// The first pixel of `line` (sorted) at (i, j), or its end.
std::vector<LinePixel>::const_iterator pixel_at(const std::vector<LinePixel>& line, int i, int j) {
  const auto found =
      std::lower_bound(line.begin(), line.end(), LinePixel{j, i, std::numeric_limits<int>::min()});
  return found != line.end() && found->j == j && found->i == i ? found : line.end();
}

// Whether every pixel of `a` has a pixel of `b` at most one pixel away (across, down
// or diagonally).
bool within_a_pixel(const std::vector<LinePixel>& a, const std::vector<LinePixel>& b) {
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (k > 0 && a[k].j == a[k - 1].j && a[k].i == a[k - 1].i) continue;
    bool near = false;
    for (int dj = -1; dj <= 1 && !near; ++dj)
      for (int di = -1; di <= 1 && !near; ++di)
        near = pixel_at(b, a[k].i + di, a[k].j + dj) != b.end();
    if (!near) return false;
  }
  return true;
}

// Series whose lines coincide within a pixel over the whole plot (each pixel of either
// line at most one pixel from the other's): per series, the first series of the
// earlier group it coincides with (each series is compared with the first of every
// group before it), itself when there is none. A series without a line (fewer than
// two points) coincides with none.
std::vector<std::size_t> coinciding_with(const std::vector<ChartSeries>& series,
                                         const std::vector<std::vector<LinePixel>>& lines) {
  std::vector<std::size_t> first(series.size());
  std::vector<std::size_t> leaders;
  for (std::size_t k = 0; k < series.size(); ++k) {
    first[k] = k;
    if (lines[k].empty()) continue;
    for (std::size_t leader : leaders)
      if (within_a_pixel(lines[k], lines[leader]) && within_a_pixel(lines[leader], lines[k])) {
        first[k] = leader;
        break;
      }
    if (first[k] == k) leaders.push_back(k);
  }
  return first;
}

std::vector<std::size_t> coinciding_with(const std::vector<ChartSeries>& series,
                                         const PlotMapping& mapping) {
  std::vector<std::vector<LinePixel>> lines;
  for (const auto& one : series) lines.push_back(line_pixels(one, mapping));
  return coinciding_with(series, lines);
}

// A series' legend entry: its name, and "= <name>" of the first series it coincides
// with (when that one has a name).
std::vector<std::string> legend_entries(const std::vector<ChartSeries>& series,
                                        const std::vector<std::size_t>& first) {
  std::vector<std::string> entries;
  for (std::size_t k = 0; k < series.size(); ++k) {
    entries.push_back(legend_name(series[k].name));
    if (first[k] != k && !series[first[k]].name.empty())
      entries.back() += " = " + legend_name(series[first[k]].name);
  }
  return entries;
}

// ChartLayout and where its words go.
struct Placement {
  ChartLayout layout;
  std::vector<std::string> legend_entries;  // per series
  std::string title, x_label, y_label;      // cut to fit
  int title_left = 0, title_top = 0, y_label_top = 0, x_label_left = 0, x_label_top = 0;
  std::vector<int> name_left;  // per series, its name's left column (top: its swatch row)
  std::vector<int> name_top;
};

// Stacks the series' legend entries into columns of at most `rows` entries, the first
// entry's top-left corner at (left, top); returns the box's width and height.
std::array<int, 2> place_legend(Placement& placement, const std::vector<ChartSeries>& series,
                                int left, int top, int rows) {
  int x = left + kLegendPad, widest_column = 0, used_rows = 0;
  placement.layout.swatches.clear();
  for (std::size_t k = 0; k < series.size(); ++k) {
    const int row = static_cast<int>(k % static_cast<std::size_t>(rows));
    if (row == 0 && k > 0) {
      x += widest_column + kLegendColumnGap;
      widest_column = 0;
    }
    const int y = top + kLegendPad + row * kLegendRow;
    placement.layout.swatches.push_back(
        {x, y + (kTextHeight - kSwatchHeight) / 2, kSwatchWidth, kSwatchHeight});
    placement.name_left.push_back(x + kSwatchWidth + kSwatchGap);
    placement.name_top.push_back(y);
    widest_column = std::max(
        widest_column, kSwatchWidth + kSwatchGap + text_width(placement.legend_entries[k], kScale));
    used_rows = std::max(used_rows, row + 1);
  }
  return {x + widest_column + kLegendPad - left,
          2 * kLegendPad + used_rows * kLegendRow - (kLegendRow - kTextHeight)};
}

Placement place(const Axes& axes, const std::vector<ChartSeries>& series,
                const std::vector<std::size_t>& coinciding, int plot_width, int plot_height,
                const ChartOptions& options) {
  Placement placement;
  ChartLayout& layout = placement.layout;
  placement.legend_entries = legend_entries(series, coinciding);
  const int text_room = kMaxTextWidth - 2 * kMargin;
  placement.title = fit_text(options.title, kScale, text_room);
  placement.x_label = fit_text(options.x_label, kScale, text_room);
  placement.y_label = fit_text(options.y_label, kScale, text_room);

  // From the top: title, y axis name, then the plot (its top tick label sticks out by
  // half a line).
  int top = kMargin;
  placement.title_top = take_text_line(top, placement.title, kTextHeight + kLineGap);
  placement.y_label_top = take_text_line(top, placement.y_label, kTextHeight + kLineGap);
  int label_width = 0;
  for (double tick : axes.y_ticks)
    label_width = std::max(label_width, text_width(tick_label(tick, axes.y_step), kScale));
  layout.plot = {kMargin + label_width + kGap + kTick, top + kTextHeight / 2, plot_width,
                 plot_height};

  // Under the plot's frame: ticks, their labels, the x axis name.
  const int tick_labels_top = layout.plot.bottom() + kTick + kGap;
  placement.x_label_top = tick_labels_top + kTextHeight + kLineGap;
  int bottom = placement.x_label.empty() ? tick_labels_top + kTextHeight
                                         : placement.x_label_top + kTextHeight;

  // To the right: room for the last x tick label's half, then the legend.
  const int last_label_half =
      axes.x_ticks.empty() ? 0
                           : text_width(tick_label(axes.x_ticks.back(), axes.x_step), kScale) / 2;
  int right = layout.plot.right() + 1 + std::max(kGap, last_label_half);
  if (has_legend(series)) {
    const int legend_left = layout.plot.right() + 1 + std::max(kLegendGap, last_label_half + kGap);
    const int rows =
        std::max(1, (plot_height - 2 * kLegendPad + (kLegendRow - kTextHeight)) / kLegendRow);
    const auto [width, height] =
        place_legend(placement, series, legend_left, layout.plot.top, rows);
    layout.legend = {legend_left, layout.plot.top, width, height};
    right = layout.legend.right();
    bottom = std::max(bottom, layout.legend.bottom());
  }
  layout.width = right + kMargin;
  for (const std::string* words : {&placement.title, &placement.x_label, &placement.y_label})
    layout.width = std::max(layout.width, text_width(*words, kScale) + 2 * kMargin);
  layout.height = bottom + kMargin;

  // The title and the x axis name centred on the plot as far as the image allows.
  const auto centred = [&](const std::string& words) {
    const int width = text_width(words, kScale);
    return std::clamp(layout.plot.left + (plot_width - width) / 2, kMargin,
                      std::max(kMargin, layout.width - kMargin - width));
  };
  placement.title_left = centred(placement.title);
  placement.x_label_left = centred(placement.x_label);
  return placement;
}

void draw_legend(RgbImage& image, const Placement& placement,
                 const std::vector<ChartSeries>& series) {
  const ChartLayout& layout = placement.layout;
  if (layout.legend.width == 0) return;
  draw_rectangle(image, layout.legend.left, layout.legend.top, layout.legend.width,
                 layout.legend.height, kBlack);
  for (std::size_t k = 0; k < series.size(); ++k) {
    fill_rectangle(image, layout.swatches[k], series[k].colour);
    draw_text(image, placement.name_left[k], placement.name_top[k], placement.legend_entries[k],
              kScale, kBlack);
  }
}

}  // namespace

Rgb series_colour(std::size_t index) {
  return kPalette[index % kPalette.size()].colour;
}
std::string series_colour_name(std::size_t index) {
  return kPalette[index % kPalette.size()].name;
}

std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  char label[32];
  std::snprintf(label, sizeof label, "%.*f", decimals, value + 0.0);
  return label;
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

ChartLayout chart_layout(const std::vector<ChartSeries>& series, int plot_width, int plot_height,
                         const ChartOptions& options) {
  const Axes axes = chart_axes(series);
  const auto coinciding = coinciding_with(series, plot_mapping(axes, plot_width, plot_height));
  return place(axes, series, coinciding, plot_width, plot_height, options).layout;
}

RgbImage line_chart(const std::vector<ChartSeries>& series, int plot_width, int plot_height,
                    const ChartOptions& options) {
  const Axes axes = chart_axes(series);
  const PlotMapping mapping = plot_mapping(axes, plot_width, plot_height);
  std::vector<std::vector<LinePixel>> lines;
  for (const auto& one : series) lines.push_back(line_pixels(one, mapping));
  const std::vector<std::size_t> coinciding = coinciding_with(series, lines);
  const Placement placement = place(axes, series, coinciding, plot_width, plot_height, options);
  const PixelRect& plot = placement.layout.plot;
  RgbImage image(placement.layout.width, placement.layout.height);
  const auto column = [&](double x) { return plot.left + mapping.column(x); };
  const auto row = [&](double y) { return plot.top + mapping.row(y); };
  for (double tick : axes.y_ticks) {
    const int j = row(tick);
    draw_line(image, plot.left, j, plot.right() - 1, j, kGrid);
    draw_line(image, plot.left - kTick, j, plot.left - 1, j, kBlack);
    const std::string label = tick_label(tick, axes.y_step);
    draw_text(image, plot.left - kTick - kGap - text_width(label, kScale), j - kTextHeight / 2,
              label, kScale, kBlack);
  }
  for (double tick : axes.x_ticks) {
    const int i = column(tick);
    draw_line(image, i, plot.top, i, plot.bottom() - 1, kGrid);
    draw_line(image, i, plot.bottom(), i, plot.bottom() + kTick - 1, kBlack);
    const std::string label = tick_label(tick, axes.x_step);
    draw_text(image, i - text_width(label, kScale) / 2, plot.bottom() + kTick + kGap, label, kScale,
              kBlack);
  }
  draw_rectangle(image, plot.left - 1, plot.top - 1, plot_width + 2, plot_height + 2, kBlack);
  // Each group of coinciding series: how many, and each member's place among them.
  std::vector<int> members(series.size(), 0), place_in_group(series.size(), 0);
  for (std::size_t k = 0; k < series.size(); ++k) place_in_group[k] = members[coinciding[k]]++;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const ChartSeries& one = series[s];
    const std::size_t first = coinciding[s];
    if (members[first] > 1) {
      // Interleaved dashes: a pixel of the group's lines belongs to the member whose
      // turn it is at the first series' nearest pixel (its steps along, in dashes of
      // kDash steps), so coinciding lines alternate colours along the curve.
      const auto& reference = lines[first];
      for (std::size_t k = 0; k < lines[s].size(); ++k) {
        const LinePixel& pixel = lines[s][k];
        if (k > 0 && pixel.j == lines[s][k - 1].j && pixel.i == lines[s][k - 1].i) continue;
        int along = std::numeric_limits<int>::max();
        if (const auto at = pixel_at(reference, pixel.i, pixel.j); at != reference.end())
          along = at->along;
        else
          for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di)
              if (const auto near = pixel_at(reference, pixel.i + di, pixel.j + dj);
                  near != reference.end())
                along = std::min(along, near->along);
        if (along / kDash % members[first] == place_in_group[s])
          image.set(plot.left + pixel.i, plot.top + pixel.j, one.colour);
      }
      continue;
    }
    for (std::size_t k = 1; k < one.x.size() && k < one.y.size(); ++k) {
      const int i0 = column(one.x[k - 1]), j0 = row(one.y[k - 1]);
      const int i1 = column(one.x[k]), j1 = row(one.y[k]);
      // Two pixels wide, so that a line is visible over the grid.
      draw_line(image, i0, j0, i1, j1, one.colour);
      draw_line(image, i0, j0 + 1, i1, j1 + 1, one.colour);
    }
  }
  draw_text(image, placement.title_left, placement.title_top, placement.title, kScale, kBlack);
  draw_text(image, kMargin, placement.y_label_top, placement.y_label, kScale, kBlack);
  draw_text(image, placement.x_label_left, placement.x_label_top, placement.x_label, kScale,
            kBlack);
  draw_legend(image, placement, series);
  return image;
}

}  // namespace tsvfield::io
