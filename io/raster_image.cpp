#include "io/raster_image.hpp"

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "io/atomic_file.hpp"

namespace tsvfield::io {
namespace {

// 5 x 7 glyphs of printable ASCII (32 to 126, in order), one row per entry from the
// top, the leftmost pixel in bit 4 (shapes after the classic 5 x 7 LCD fonts). Lower-case
// letters take rows 2 to 6; those with descenders (g j p q y) have their bowl in rows 2
// to 4 and their tail in rows 5 and 6, so every character fits the same 5 x 7 box.
struct Glyph {
  char character;
  std::array<std::uint8_t, kGlyphHeight> rows;
};

constexpr char kFirstGlyph = ' ', kLastGlyph = '~';
constexpr std::array<Glyph, kLastGlyph - kFirstGlyph + 1> kFont{{
    {' ', {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'!', {0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00000, 0b00100}},
    {'"', {0b01010, 0b01010, 0b01010, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'#', {0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010}},
    {'$', {0b00100, 0b01111, 0b10100, 0b01110, 0b00101, 0b11110, 0b00100}},
    {'%', {0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011}},
    {'&', {0b01100, 0b10010, 0b10100, 0b01000, 0b10101, 0b10010, 0b01101}},
    {'\'', {0b00100, 0b00100, 0b01000, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'(', {0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010}},
    {')', {0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000}},
    {'*', {0b00000, 0b00100, 0b10101, 0b01110, 0b10101, 0b00100, 0b00000}},
    {'+', {0b00000, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0b00000}},
    {',', {0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b00100, 0b01000}},
    {'-', {0b00000, 0b00000, 0b00000, 0b11111, 0b00000, 0b00000, 0b00000}},
    {'.', {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100}},
    {'/', {0b00000, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b00000}},
    {'0', {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110}},
    {'1', {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'2', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111}},
    {'3', {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110}},
    {'4', {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010}},
    {'5', {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110}},
    {'6', {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110}},
    {'7', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000}},
    {'8', {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110}},
    {'9', {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100}},
    {':', {0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000}},
    {';', {0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b00100, 0b01000}},
    {'<', {0b00010, 0b00100, 0b01000, 0b10000, 0b01000, 0b00100, 0b00010}},
    {'=', {0b00000, 0b00000, 0b11111, 0b00000, 0b11111, 0b00000, 0b00000}},
    {'>', {0b01000, 0b00100, 0b00010, 0b00001, 0b00010, 0b00100, 0b01000}},
    {'?', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b00000, 0b00100}},
    {'@', {0b01110, 0b10001, 0b00001, 0b01101, 0b10101, 0b10101, 0b01110}},
    {'A', {0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'B', {0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110}},
    {'C', {0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110}},
    {'D', {0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100}},
    {'E', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111}},
    {'F', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'G', {0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111}},
    {'H', {0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'I', {0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'J', {0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100}},
    {'K', {0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001}},
    {'L', {0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111}},
    {'M', {0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001}},
    {'N', {0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001}},
    {'O', {0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'P', {0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'Q', {0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101}},
    {'R', {0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001}},
    {'S', {0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110}},
    {'T', {0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
    {'U', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'V', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}},
    {'W', {0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010}},
    {'X', {0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001}},
    {'Y', {0b10001, 0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100}},
    {'Z', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111}},
    {'[', {0b01110, 0b01000, 0b01000, 0b01000, 0b01000, 0b01000, 0b01110}},
    {'\\', {0b00000, 0b10000, 0b01000, 0b00100, 0b00010, 0b00001, 0b00000}},
    {']', {0b01110, 0b00010, 0b00010, 0b00010, 0b00010, 0b00010, 0b01110}},
    {'^', {0b00100, 0b01010, 0b10001, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'_', {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b11111}},
    {'`', {0b01000, 0b00100, 0b00010, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'a', {0b00000, 0b00000, 0b01110, 0b00001, 0b01111, 0b10001, 0b01111}},
    {'b', {0b10000, 0b10000, 0b10110, 0b11001, 0b10001, 0b10001, 0b11110}},
    {'c', {0b00000, 0b00000, 0b01110, 0b10000, 0b10000, 0b10001, 0b01110}},
    {'d', {0b00001, 0b00001, 0b01101, 0b10011, 0b10001, 0b10001, 0b01111}},
    {'e', {0b00000, 0b00000, 0b01110, 0b10001, 0b11111, 0b10000, 0b01110}},
    {'f', {0b00110, 0b01001, 0b01000, 0b11100, 0b01000, 0b01000, 0b01000}},
    {'g', {0b00000, 0b00000, 0b01111, 0b10001, 0b01111, 0b00001, 0b01110}},
    {'h', {0b10000, 0b10000, 0b10110, 0b11001, 0b10001, 0b10001, 0b10001}},
    {'i', {0b00100, 0b00000, 0b01100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'j', {0b00010, 0b00000, 0b00110, 0b00010, 0b00010, 0b10010, 0b01100}},
    {'k', {0b10000, 0b10000, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010}},
    {'l', {0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'m', {0b00000, 0b00000, 0b11010, 0b10101, 0b10101, 0b10001, 0b10001}},
    {'n', {0b00000, 0b00000, 0b10110, 0b11001, 0b10001, 0b10001, 0b10001}},
    {'o', {0b00000, 0b00000, 0b01110, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'p', {0b00000, 0b00000, 0b11110, 0b10001, 0b11110, 0b10000, 0b10000}},
    {'q', {0b00000, 0b00000, 0b01111, 0b10001, 0b01111, 0b00001, 0b00001}},
    {'r', {0b00000, 0b00000, 0b10110, 0b11001, 0b10000, 0b10000, 0b10000}},
    {'s', {0b00000, 0b00000, 0b01110, 0b10000, 0b01110, 0b00001, 0b11110}},
    {'t', {0b01000, 0b01000, 0b11100, 0b01000, 0b01000, 0b01001, 0b00110}},
    {'u', {0b00000, 0b00000, 0b10001, 0b10001, 0b10001, 0b10011, 0b01101}},
    {'v', {0b00000, 0b00000, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}},
    {'w', {0b00000, 0b00000, 0b10001, 0b10001, 0b10101, 0b10101, 0b01010}},
    {'x', {0b00000, 0b00000, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001}},
    {'y', {0b00000, 0b00000, 0b10001, 0b10001, 0b01111, 0b00001, 0b01110}},
    {'z', {0b00000, 0b00000, 0b11111, 0b00010, 0b00100, 0b01000, 0b11111}},
    {'{', {0b00010, 0b00100, 0b00100, 0b01000, 0b00100, 0b00100, 0b00010}},
    {'|', {0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
    {'}', {0b01000, 0b00100, 0b00100, 0b00010, 0b00100, 0b00100, 0b01000}},
    {'~', {0b00000, 0b00000, 0b01000, 0b10101, 0b00010, 0b00000, 0b00000}},
}};
// Any other character: a hollow box, unlike every glyph above.
constexpr Glyph kUnknownGlyph{'\0',
                              {0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111}};
constexpr int kGlyphWidth = 5;
constexpr int kGlyphAdvance = kGlyphWidth + 1;

constexpr bool font_in_code_order() {
  for (std::size_t k = 0; k < kFont.size(); ++k)
    if (kFont[k].character != static_cast<char>(kFirstGlyph + static_cast<int>(k))) return false;
  return true;
}
static_assert(font_in_code_order(), "kFont must list the characters in code order");

const Glyph& glyph_for(char character) {
  if (character < kFirstGlyph || character > kLastGlyph) return kUnknownGlyph;
  return kFont[static_cast<std::size_t>(character - kFirstGlyph)];
}

int first_centre_at_or_after(double coordinate) {
  return static_cast<int>(std::ceil(coordinate - 0.5));
}
int last_centre_at_or_before(double coordinate) {
  return static_cast<int>(std::floor(coordinate - 0.5));
}

std::uint8_t mix(std::uint8_t a, std::uint8_t b, double t) {
  return static_cast<std::uint8_t>(std::lround(a + (b - a) * t));
}

}  // namespace

PixelWindow fit_window(double u0, double u1, double v0, double v1, int long_side) {
  const double width = u1 - u0, height = v1 - v0;
  if (!(width > 0) || !(height > 0) || long_side < 1)
    throw std::invalid_argument("a picture needs a rectangle of positive size");
  PixelWindow window{u0, u1, v0, v1, long_side, long_side};
  if (width >= height) {
    window.height = std::max(1, static_cast<int>(std::lround(long_side * height / width)));
  } else {
    window.width = std::max(1, static_cast<int>(std::lround(long_side * width / height)));
  }
  return window;
}

void draw_triangle_max(ScalarRaster& raster, const PixelWindow& window,
                       const std::array<std::array<double, 2>, 3>& corners,
                       const std::array<double, 3>& values) {
  std::array<double, 3> c{}, r{};
  for (int k = 0; k < 3; ++k) {
    c[k] = window.column(corners[k][0]);
    r[k] = window.row(corners[k][1]);
  }
  const double det = (c[1] - c[0]) * (r[2] - r[0]) - (c[2] - c[0]) * (r[1] - r[0]);
  if (!(std::abs(det) > 1e-14)) return;  // degenerate (or NaN): covers no pixel centre
  const int i_begin = std::max(0, first_centre_at_or_after(*std::min_element(c.begin(), c.end())));
  const int i_end =
      std::min(raster.width - 1, last_centre_at_or_before(*std::max_element(c.begin(), c.end())));
  const int j_begin = std::max(0, first_centre_at_or_after(*std::min_element(r.begin(), r.end())));
  const int j_end =
      std::min(raster.height - 1, last_centre_at_or_before(*std::max_element(r.begin(), r.end())));
  // A pixel centre on an edge shared by two triangles belongs to both.
  constexpr double kEdgeTolerance = 1e-9;
  for (int j = j_begin; j <= j_end; ++j) {
    const double pr = j + 0.5;
    for (int i = i_begin; i <= i_end; ++i) {
      const double pc = i + 0.5;
      const double l1 = ((pc - c[0]) * (r[2] - r[0]) - (c[2] - c[0]) * (pr - r[0])) / det;
      const double l2 = ((c[1] - c[0]) * (pr - r[0]) - (pc - c[0]) * (r[1] - r[0])) / det;
      const double l0 = 1 - l1 - l2;
      if (l0 < -kEdgeTolerance || l1 < -kEdgeTolerance || l2 < -kEdgeTolerance) continue;
      const double value = l0 * values[0] + l1 * values[1] + l2 * values[2];
      double& pixel = raster.at(i, j);
      pixel = std::max(pixel, value);
    }
  }
}

void draw_quad_max(ScalarRaster& raster, const PixelWindow& window,
                   const std::array<std::array<double, 2>, 4>& corners,
                   const std::array<double, 4>& values) {
  draw_triangle_max(raster, window, {corners[0], corners[1], corners[2]},
                    {values[0], values[1], values[2]});
  draw_triangle_max(raster, window, {corners[0], corners[2], corners[3]},
                    {values[0], values[2], values[3]});
}

std::array<double, 2> drawn_range(const ScalarRaster& raster) {
  double low = std::numeric_limits<double>::infinity(), high = ScalarRaster::kEmpty;
  for (double value : raster.values) {
    if (value == ScalarRaster::kEmpty) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  if (high == ScalarRaster::kEmpty) return {ScalarRaster::kEmpty, ScalarRaster::kEmpty};
  return {low, high};
}

Rgb rainbow(double fraction) {
  static constexpr std::array<Rgb, 5> kStops{
      {{0, 0, 255}, {0, 255, 255}, {0, 255, 0}, {255, 255, 0}, {255, 0, 0}}};
  const double t = std::clamp(std::isnan(fraction) ? 0.0 : fraction, 0.0, 1.0) * 4;
  const int stop = std::min(3, static_cast<int>(t));
  const double within = t - stop;
  const Rgb& a = kStops[static_cast<std::size_t>(stop)];
  const Rgb& b = kStops[static_cast<std::size_t>(stop) + 1];
  return {mix(a.r, b.r, within), mix(a.g, b.g, within), mix(a.b, b.b, within)};
}

void paint_raster(RgbImage& image, int left, int top, const ScalarRaster& raster, double low,
                  double high) {
  const double span = high - low;
  for (int j = 0; j < raster.height; ++j)
    for (int i = 0; i < raster.width; ++i) {
      if (raster.empty_at(i, j)) continue;
      const double fraction = span > 0 ? (raster.at(i, j) - low) / span : 0.5;
      image.set(left + i, top + j, rainbow(fraction));
    }
}

int text_width(std::string_view text, int scale) {
  return text.empty() ? 0 : (static_cast<int>(text.size()) * kGlyphAdvance - 1) * scale;
}

std::string fit_text(std::string_view text, int scale, int max_width) {
  // n characters take (6 n - 1) scale pixels.
  const auto fitting =
      static_cast<std::size_t>(std::max(0, (max_width / scale + 1) / kGlyphAdvance));
  if (text.size() <= fitting) return std::string(text);
  if (fitting < 3) return "";
  return std::string(text.substr(0, fitting - 2)) + "..";
}

int draw_text(RgbImage& image, int left, int top, std::string_view text, int scale, Rgb colour) {
  int x = left;
  for (char character : text) {
    const Glyph& glyph = glyph_for(character);
    for (int row = 0; row < kGlyphHeight; ++row)
      for (int column = 0; column < kGlyphWidth; ++column) {
        if (!(glyph.rows[static_cast<std::size_t>(row)] & (1u << (kGlyphWidth - 1 - column))))
          continue;
        for (int dy = 0; dy < scale; ++dy)
          for (int dx = 0; dx < scale; ++dx)
            image.set(x + column * scale + dx, top + row * scale + dy, colour);
      }
    x += kGlyphAdvance * scale;
  }
  return text_width(text, scale);
}

int label_decimals(double low, double high, int labels) {
  const double step = labels > 1 ? (high - low) / (labels - 1) : 0;
  if (!(step > 0)) return 2;
  for (int decimals = 0; decimals < 4; ++decimals)
    if (std::pow(10.0, -decimals) <= step / 2) return decimals;
  return 4;
}

void draw_line(RgbImage& image, int i0, int j0, int i1, int j1, Rgb colour) {
  visit_line(i0, j0, i1, j1, [&](int i, int j, int) { image.set(i, j, colour); });
}

void draw_rectangle(RgbImage& image, int left, int top, int width, int height, Rgb colour) {
  const int right = left + width - 1, bottom = top + height - 1;
  draw_line(image, left, top, right, top, colour);
  draw_line(image, right, top, right, bottom, colour);
  draw_line(image, right, bottom, left, bottom, colour);
  draw_line(image, left, bottom, left, top, colour);
}

void fill_rectangle(RgbImage& image, const PixelRect& rect, Rgb colour) {
  for (int j = rect.top; j < rect.bottom(); ++j)
    for (int i = rect.left; i < rect.right(); ++i) image.set(i, j, colour);
}

int draw_colour_bar(RgbImage& image, int left, int top, int width, int height, double low,
                    double high, int labels, int decimals) {
  for (int j = 0; j < height; ++j) {
    const Rgb colour = rainbow(1 - (j + 0.5) / height);
    for (int i = 0; i < width; ++i) image.set(left + i, top + j, colour);
  }
  draw_rectangle(image, left - 1, top - 1, width + 2, height + 2, kBlack);
  constexpr int kScale = 2, kTick = 4, kGap = 3;
  int widest = 0;
  const int count = high > low ? std::max(2, labels) : 1;
  for (int k = 0; k < count; ++k) {
    const double fraction = count > 1 ? static_cast<double>(k) / (count - 1) : 0.5;
    const double value = high - fraction * (high - low);
    const int y = top + static_cast<int>(std::lround(fraction * (height - 1)));
    draw_line(image, left + width, y, left + width + kTick, y, kBlack);
    char label[64];
    std::snprintf(label, sizeof label, "%.*f K", decimals, value);
    const int text_top = y - kGlyphHeight * kScale / 2;
    widest = std::max(
        widest, draw_text(image, left + width + kTick + kGap, text_top, label, kScale, kBlack));
  }
  return width + kTick + kGap + widest;
}

void write_png(const RgbImage& image, const std::filesystem::path& path) {
  vtkNew<vtkImageData> data;
  data->SetDimensions(image.width, image.height, 1);
  data->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  auto* bytes = static_cast<unsigned char*>(data->GetScalarPointer());
  // VTK's images start at the bottom row.
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i) {
      const Rgb pixel = image.at(i, image.height - 1 - j);
      unsigned char* out = bytes + 3 * (static_cast<std::size_t>(j) * image.width + i);
      out[0] = pixel.r;
      out[1] = pixel.g;
      out[2] = pixel.b;
    }
  AtomicFile file(path);
  vtkNew<vtkPNGWriter> writer;
  writer->SetInputData(data);
  writer->SetFileName(file.temp_path().c_str());
  writer->Write();
  if (writer->GetErrorCode() != 0) {
    throw std::runtime_error("cannot write the picture " + path.string() +
                             " (VTK's PNG writer failed: is the folder writable and the disk "
                             "not full?)");
  }
  file.commit();
}

}  // namespace tsvfield::io
