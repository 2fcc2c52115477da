#pragma once
// A coloured raster framed for the design-review report so that the picture reads on
// its own (engineers paste it into slides without its caption): a title and an
// optional second line above, the raster inside a thin frame with ticks on its left
// and bottom edges labelled in a length unit, the two axis names, and the colour bar
// with its quantity and unit. The raster's pixels are painted exactly as
// paint_raster paints them; everything else lies outside the raster.
#include <string>

#include "io/raster_image.hpp"

namespace tsvfield::io {

struct FrameWords {
  std::string title;          // first line, e.g. "core_die_3: T max through thickness"
  std::string subtitle;       // second line, left out when empty
  std::string u_name;         // under the raster, e.g. "x (mm)"
  std::string v_name;         // above the raster's left edge, e.g. "y (mm)"
  std::string bar_name;       // above the colour bar, e.g. "T (K)"
  double length_unit = 1e-3;  // world length of one tick-label unit (1e-3 m: mm)
};

struct FramedPicture {
  RgbImage image;
  int raster_left = 0, raster_top = 0;  // where the raster's pixel (0, 0) lies in the image
};

inline constexpr int kFrameBarLabels = 6;

// The raster (pixels of `window`) coloured from `low` (blue) to `high` (red), framed
// with `words`; the colour bar has kFrameBarLabels labels in K (draw_colour_bar) and
// is at least 160 pixels tall. Titles wider than 1200 pixels are cut (fit_text).
FramedPicture frame_raster(const ScalarRaster& raster, const PixelWindow& window, double low,
                           double high, const FrameWords& words);

}  // namespace tsvfield::io
