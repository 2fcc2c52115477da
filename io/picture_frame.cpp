#include "io/picture_frame.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "io/line_chart.hpp"

namespace tsvfield::io {
namespace {

constexpr int kScale = 2;  // font pixels per glyph pixel
constexpr int kTextHeight = kGlyphHeight * kScale;
constexpr int kMargin = 12, kTick = 5, kGap = 4, kLineGap = 8;
constexpr int kBarGap = 16, kBarWidth = 18, kMinBarHeight = 160;
constexpr int kBarTick = 4, kBarLabelGap = 3;  // as draw_colour_bar draws them
constexpr int kMaxTextWidth = 1200;
// Ticks no closer than this many pixels apart (between label edges across).
constexpr int kTickSpacingAcross = 16, kTickSpacingUp = kTextHeight + 10;

struct Ticks {
  std::vector<double> values;  // in label units
  double step = 1;
};

// The pixel (column or row) of a tick at continuous pixel coordinate `continuous`:
// the one whose centre is nearest, kept on the raster.
int tick_pixel(double continuous, int pixels) {
  return std::clamp(static_cast<int>(std::lround(continuous - 0.5)), 0, pixels - 1);
}

std::string bar_label(double value, int decimals) {
  char label[64];
  std::snprintf(label, sizeof label, "%.*f K", decimals, value);
  return label;
}

// The most ticks (up to `about`) over [low, high] (label units) whose labels stay
// `needed(ticks)` pixels apart, given `pixels_per_unit`.
template <typename Needed>
Ticks choose_ticks(double low, double high, int about, double pixels_per_unit, Needed needed) {
  Ticks ticks;
  for (int count = std::max(1, about); count >= 1; --count) {
    ticks.values = nice_ticks(low, high, count);
    ticks.step = ticks.values.size() > 1 ? ticks.values[1] - ticks.values[0] : high - low;
    if (ticks.values.size() < 2 || ticks.step * pixels_per_unit >= needed(ticks)) return ticks;
  }
  return ticks;
}

int widest_label(const Ticks& ticks) {
  int widest = 0;
  for (double value : ticks.values)
    widest = std::max(widest, text_width(tick_label(value, ticks.step), kScale));
  return widest;
}

Ticks across_ticks(const PixelWindow& window, double unit) {
  const double low = window.u0 / unit, high = window.u1 / unit;
  return choose_ticks(low, high, std::max(2, window.width / 110), window.width / (high - low),
                      [](const Ticks& ticks) { return widest_label(ticks) + kTickSpacingAcross; });
}

Ticks up_ticks(const PixelWindow& window, double unit) {
  const double low = window.v0 / unit, high = window.v1 / unit;
  return choose_ticks(low, high, std::max(2, window.height / 60), window.height / (high - low),
                      [](const Ticks&) { return kTickSpacingUp; });
}

// Where frame_raster puts things.
struct FrameLayout {
  std::string title, subtitle;  // cut to fit
  int title_top = 0, subtitle_top = 0, names_top = 0;
  int raster_left = 0, raster_top = 0;
  int bar_left = 0, bar_height = 0, bar_decimals = 0;
  int tick_labels_top = 0, u_name_top = 0;
  int width = 0, height = 0;
};

FrameLayout frame_layout(const ScalarRaster& raster, const Ticks& across, const Ticks& up,
                         double low, double high, const FrameWords& words) {
  FrameLayout layout;
  layout.title = fit_text(words.title, kScale, kMaxTextWidth);
  layout.subtitle = fit_text(words.subtitle, kScale, kMaxTextWidth);
  // From the top: title, subtitle, the axis and bar names, then the raster (its top
  // tick label and the bar's top label stick out by half a line).
  int top = kMargin;
  layout.title_top = take_text_line(top, layout.title, kTextHeight + kLineGap);
  layout.subtitle_top = take_text_line(top, layout.subtitle, kTextHeight + kLineGap);
  // One line holds both names: it takes room when either is given.
  layout.names_top = take_text_line(top, words.v_name + words.bar_name, kTextHeight + kLineGap);
  layout.raster_top = top + kTextHeight / 2 + 1;
  layout.raster_left = kMargin + widest_label(up) + kGap + kTick + 1;

  // Under the raster's frame: ticks, their labels, the across axis' name.
  const int frame_bottom = layout.raster_top + raster.height;
  layout.tick_labels_top = frame_bottom + 1 + kTick + kGap;
  layout.u_name_top = layout.tick_labels_top + kTextHeight + kLineGap;
  const int under_bottom =
      words.u_name.empty() ? layout.tick_labels_top + kTextHeight : layout.u_name_top + kTextHeight;

  // To the right: room for the last tick label's half, then the bar and its labels,
  // clear of the up axis' name above.
  const int last_label_half =
      across.values.empty() ? 0
                            : text_width(tick_label(across.values.back(), across.step), kScale) / 2;
  layout.bar_left =
      std::max(layout.raster_left + raster.width + 1 + std::max(kBarGap, last_label_half + kGap),
               kMargin + text_width(words.v_name, kScale) + kBarGap);
  layout.bar_height = std::max(raster.height, kMinBarHeight);
  layout.bar_decimals = label_decimals(low, high, kFrameBarLabels);
  const int bar_labels = std::max(text_width(bar_label(low, layout.bar_decimals), kScale),
                                  text_width(bar_label(high, layout.bar_decimals), kScale));
  const int bar_right = layout.bar_left + kBarWidth + kBarTick + kBarLabelGap + bar_labels;

  layout.width = std::max(bar_right, layout.bar_left - 1 + text_width(words.bar_name, kScale));
  for (const std::string* line : {&layout.title, &layout.subtitle})
    layout.width = std::max(layout.width, kMargin + text_width(*line, kScale));
  layout.width += kMargin;
  layout.height =
      std::max(under_bottom, layout.raster_top + layout.bar_height + kTextHeight / 2) + kMargin;
  return layout;
}

void draw_ticks(RgbImage& image, const FrameLayout& layout, const ScalarRaster& raster,
                const PixelWindow& window, const Ticks& across, const Ticks& up, double unit) {
  const int frame_left = layout.raster_left - 1, frame_bottom = layout.raster_top + raster.height;
  for (double value : across.values) {
    const int i = layout.raster_left + tick_pixel(window.column(value * unit), raster.width);
    draw_line(image, i, frame_bottom + 1, i, frame_bottom + kTick, kBlack);
    const std::string label = tick_label(value, across.step);
    draw_text(image, i - text_width(label, kScale) / 2, layout.tick_labels_top, label, kScale,
              kBlack);
  }
  for (double value : up.values) {
    const int j = layout.raster_top + tick_pixel(window.row(value * unit), raster.height);
    draw_line(image, frame_left - kTick, j, frame_left - 1, j, kBlack);
    const std::string label = tick_label(value, up.step);
    draw_text(image, frame_left - kTick - kGap - text_width(label, kScale), j - kTextHeight / 2,
              label, kScale, kBlack);
  }
}

}  // namespace

FramedPicture frame_raster(const ScalarRaster& raster, const PixelWindow& window, double low,
                           double high, const FrameWords& words) {
  const Ticks across = across_ticks(window, words.length_unit);
  const Ticks up = up_ticks(window, words.length_unit);
  const FrameLayout layout = frame_layout(raster, across, up, low, high, words);
  FramedPicture picture{RgbImage(layout.width, layout.height), layout.raster_left,
                        layout.raster_top};
  RgbImage& image = picture.image;
  paint_raster(image, layout.raster_left, layout.raster_top, raster, low, high);
  draw_rectangle(image, layout.raster_left - 1, layout.raster_top - 1, raster.width + 2,
                 raster.height + 2, kBlack);
  draw_ticks(image, layout, raster, window, across, up, words.length_unit);
  draw_text(image, kMargin, layout.title_top, layout.title, kScale, kBlack);
  draw_text(image, kMargin, layout.subtitle_top, layout.subtitle, kScale, kBlack);
  draw_text(image, kMargin, layout.names_top, words.v_name, kScale, kBlack);
  draw_text(image, layout.bar_left - 1, layout.names_top, words.bar_name, kScale, kBlack);
  const int u_name_left =
      layout.raster_left + (raster.width - text_width(words.u_name, kScale)) / 2;
  draw_text(image, std::max(kMargin, u_name_left), layout.u_name_top, words.u_name, kScale, kBlack);
  draw_colour_bar(image, layout.bar_left, layout.raster_top, kBarWidth, layout.bar_height, low,
                  high, kFrameBarLabels, layout.bar_decimals);
  return picture;
}

}  // namespace tsvfield::io
