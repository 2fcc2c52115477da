#pragma once
// Finds where a text was drawn in a picture: the text is drawn alone into a blank
// image and that exact pattern (glyph pixels in the colour, the rest white) is looked
// for, so a test can ask "is this title in the picture, and where?" without knowing
// the layout code's arithmetic.
#include <algorithm>
#include <optional>
#include <string_view>

#include "io/raster_image.hpp"

namespace tsvfield::testing {

// The top-left corner of the first place (row by row) inside `region` of `image`
// where `text` is drawn at `scale` in `colour` over white, or none.
inline std::optional<io::PixelRect> find_text(const io::RgbImage& image, std::string_view text,
                                              int scale, io::Rgb colour,
                                              const io::PixelRect& region) {
  const int width = io::text_width(text, scale), height = io::kGlyphHeight * scale;
  io::RgbImage pattern(width, height);
  io::draw_text(pattern, 0, 0, text, scale, colour);
  const int last_left = std::min(region.right(), image.width) - width;
  const int last_top = std::min(region.bottom(), image.height) - height;
  for (int top = std::max(0, region.top); top <= last_top; ++top)
    for (int left = std::max(0, region.left); left <= last_left; ++left) {
      bool same = true;
      for (int j = 0; j < height && same; ++j)
        for (int i = 0; i < width && same; ++i)
          same = image.at(left + i, top + j) == pattern.at(i, j);
      if (same) return io::PixelRect{left, top, width, height};
    }
  return std::nullopt;
}

inline std::optional<io::PixelRect> find_text(const io::RgbImage& image, std::string_view text,
                                              int scale = 2, io::Rgb colour = io::kBlack) {
  return find_text(image, text, scale, colour, {0, 0, image.width, image.height});
}

}  // namespace tsvfield::testing
