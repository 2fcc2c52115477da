#pragma once
// Pictures for the design-review report, drawn without a display or OpenGL (batch
// nodes have neither): a field is rasterized into a grid of pixel values, coloured
// with a fixed scale, labelled with a small built-in bitmap font and written as PNG
// through VTK. Serial and plain; io/thermal_pictures puts a distributed field in,
// io/picture_frame adds titles, axes and the colour bar, io/line_chart draws charts.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tsvfield::io {

// A rectangle of the world (u to the right, v up) drawn onto width x height pixels;
// pixel (i, j) is the square whose centre is at u0 + (i + 1/2) du, v1 - (j + 1/2) dv
// (row 0 at the top, as images are stored).
struct PixelWindow {
  double u0 = 0, u1 = 1, v0 = 0, v1 = 1;
  int width = 1, height = 1;

  double du() const { return (u1 - u0) / width; }
  double dv() const { return (v1 - v0) / height; }
  // Continuous pixel coordinates: centres are at i + 1/2, j + 1/2.
  double column(double u) const { return (u - u0) / du(); }
  double row(double v) const { return (v1 - v) / dv(); }
};

// A window of at most `long_side` pixels along its longer side over the world
// rectangle [u0, u1] x [v0, v1], with square pixels. Throws std::invalid_argument
// for an empty rectangle.
PixelWindow fit_window(double u0, double u1, double v0, double v1, int long_side);

// One value per pixel; kEmpty where nothing was drawn.
struct ScalarRaster {
  static constexpr double kEmpty = -std::numeric_limits<double>::infinity();

  ScalarRaster(int pixels_across, int pixels_down)
      : width(pixels_across),
        height(pixels_down),
        values(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), kEmpty) {}

  double& at(int i, int j) { return values[static_cast<std::size_t>(j) * width + i]; }
  double at(int i, int j) const { return values[static_cast<std::size_t>(j) * width + i]; }
  bool empty_at(int i, int j) const { return at(i, j) == kEmpty; }

  int width, height;
  std::vector<double> values;  // row-major, row 0 at the top
};

// Draws the triangle with corners (u, v) and values linear between them into every
// pixel whose centre it covers (edges included), keeping the larger value where a
// pixel already holds one: a field is drawn as the maximum of what covers a pixel.
void draw_triangle_max(ScalarRaster& raster, const PixelWindow& window,
                       const std::array<std::array<double, 2>, 3>& corners,
                       const std::array<double, 3>& values);

// A quadrilateral (corners in order around it) as two triangles.
void draw_quad_max(ScalarRaster& raster, const PixelWindow& window,
                   const std::array<std::array<double, 2>, 4>& corners,
                   const std::array<double, 4>& values);

// The smallest and largest drawn values; {kEmpty, kEmpty} when nothing was drawn.
std::array<double, 2> drawn_range(const ScalarRaster& raster);

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

// The rainbow scale thermal tools use (blue, cyan, green, yellow, red) at a fraction
// in [0, 1] (clamped).
Rgb rainbow(double fraction);

struct RgbImage {
  RgbImage(int pixels_across, int pixels_down, Rgb background = kWhite)
      : width(pixels_across),
        height(pixels_down),
        pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), background) {}

  Rgb& at(int i, int j) { return pixels[static_cast<std::size_t>(j) * width + i]; }
  Rgb at(int i, int j) const { return pixels[static_cast<std::size_t>(j) * width + i]; }
  void set(int i, int j, Rgb colour) {  // ignores pixels outside the image
    if (i >= 0 && j >= 0 && i < width && j < height) at(i, j) = colour;
  }

  int width, height;
  std::vector<Rgb> pixels;  // row-major, row 0 at the top
};

// Copies `raster` into `image` with its top-left corner at (left, top), coloured on
// the rainbow from `low` (blue) to `high` (red); empty pixels keep the image's colour.
void paint_raster(RgbImage& image, int left, int top, const ScalarRaster& raster, double low,
                  double high);

// Text in a 5 x 7 pixel font covering printable ASCII (32 to 126: letters of both
// cases, digits, punctuation; any other character, such as a tab or a byte of a
// multi-byte UTF-8 character, draws as a hollow box), each font pixel `scale` x `scale`
// pixels, the top-left corner of the first character at (left, top). Characters
// advance by 6 font pixels (a blank column between them). Returns the width drawn,
// text_width(text, scale); the height is kGlyphHeight * scale.
int draw_text(RgbImage& image, int left, int top, std::string_view text, int scale, Rgb colour);
int text_width(std::string_view text, int scale);
inline constexpr int kGlyphHeight = 7;

// `text` when text_width(text, scale) <= max_width, otherwise as many of its first
// characters as fit followed by ".." (empty when not even that fits).
std::string fit_text(std::string_view text, int scale, int max_width);

// Lays out a line of text from the top of a picture down: returns where the line goes
// (`top`) and moves `top` down by `line_height` unless `text` is empty (an empty line
// takes no room).
inline int take_text_line(int& top, std::string_view text, int line_height) {
  const int line_top = top;
  if (!text.empty()) top += line_height;
  return line_top;
}

// A vertical colour bar (red at the top) of the given size with `labels` evenly
// spaced values from `high` to `low` printed to its right with `decimals` digits and
// " K". Returns the width taken, labels included.
int draw_colour_bar(RgbImage& image, int left, int top, int width, int height, double low,
                    double high, int labels, int decimals);

// The decimals that tell apart `labels` evenly spaced values between low and high
// (0 to 4).
int label_decimals(double low, double high, int labels);

// Calls visit(i, j, step) for the pixels of the line from (i0, j0) to (i1, j1)
// (Bresenham), in order from the first, step counting from 0: the pixels draw_line
// sets, for code that needs to know them (line_chart's coinciding series).
template <class Visit>
void visit_line(int i0, int j0, int i1, int j1, Visit&& visit) {
  const int di = std::abs(i1 - i0), dj = -std::abs(j1 - j0);
  const int si = i0 < i1 ? 1 : -1, sj = j0 < j1 ? 1 : -1;
  int error = di + dj;
  for (int step = 0;; ++step) {
    visit(i0, j0, step);
    if (i0 == i1 && j0 == j1) return;
    const int twice = 2 * error;
    if (twice >= dj) {
      error += dj;
      i0 += si;
    }
    if (twice <= di) {
      error += di;
      j0 += sj;
    }
  }
}

void draw_line(RgbImage& image, int i0, int j0, int i1, int j1, Rgb colour);
void draw_rectangle(RgbImage& image, int left, int top, int width, int height, Rgb colour);

// A rectangle of pixels: columns left to left + width - 1, rows top to top + height - 1.
struct PixelRect {
  int left = 0, top = 0, width = 0, height = 0;

  int right() const { return left + width; }   // one past the last column
  int bottom() const { return top + height; }  // one past the last row
  bool contains(int i, int j) const { return i >= left && i < right() && j >= top && j < bottom(); }
  bool overlaps(const PixelRect& other) const {
    return left < other.right() && other.left < right() && top < other.bottom() &&
           other.top < bottom();
  }
};

void fill_rectangle(RgbImage& image, const PixelRect& rect, Rgb colour);

// Writes `image` as an 8-bit RGB PNG, atomically (io/atomic_file). Throws
// std::runtime_error naming the file when it cannot be written.
void write_png(const RgbImage& image, const std::filesystem::path& path);

}  // namespace tsvfield::io
