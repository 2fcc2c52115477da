// The report's picture primitives (io/raster_image): triangles drawn with exact linear
// values at pixel centres and nothing outside them, the rainbow scale's stops, the
// bitmap font (every printable ASCII character its own glyph), label digits, and PNG files read
// back through VTK's own reader.
#include "io/raster_image.hpp"

#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "scratch_dir.hpp"

namespace tsvfield::io {
namespace {

double linear(double u, double v) {
  return 300 + 2.5 * u - 7.25 * v;
}

// Pixel centres in world coordinates.
double centre_u(const PixelWindow& window, int i) {
  return window.u0 + (i + 0.5) * window.du();
}
double centre_v(const PixelWindow& window, int j) {
  return window.v1 - (j + 0.5) * window.dv();
}

TEST(RasterImage, TriangleCarriesALinearFieldExactlyAndCoversOnlyItsInside) {
  const PixelWindow window{-1, 3, 0, 2, 80, 40};
  ScalarRaster raster(window.width, window.height);
  const std::array<std::array<double, 2>, 3> corners{{{-0.5, 0.2}, {2.7, 0.5}, {0.4, 1.9}}};
  draw_triangle_max(raster, window, corners,
                    {linear(-0.5, 0.2), linear(2.7, 0.5), linear(0.4, 1.9)});
  int covered = 0;
  for (int j = 0; j < window.height; ++j)
    for (int i = 0; i < window.width; ++i) {
      const double u = centre_u(window, i), v = centre_v(window, j);
      // Inside test by edge functions, independent of the drawing code's barycentrics.
      const auto side = [&](int a, int b) {
        return (corners[b][0] - corners[a][0]) * (v - corners[a][1]) -
               (corners[b][1] - corners[a][1]) * (u - corners[a][0]);
      };
      const bool inside = side(0, 1) > 1e-9 && side(1, 2) > 1e-9 && side(2, 0) > 1e-9;
      const bool outside = side(0, 1) < -1e-9 || side(1, 2) < -1e-9 || side(2, 0) < -1e-9;
      if (inside) {
        ASSERT_FALSE(raster.empty_at(i, j)) << i << "," << j;
        EXPECT_NEAR(raster.at(i, j), linear(u, v), 1e-11) << i << "," << j;
        ++covered;
      }
      if (outside) {
        EXPECT_TRUE(raster.empty_at(i, j)) << i << "," << j;
      }
    }
  // As many pixel centres as the triangle's area in pixels (20 x 20 per unit square),
  // give or take its boundary's.
  const double area =
      0.5 * std::abs((corners[1][0] - corners[0][0]) * (corners[2][1] - corners[0][1]) -
                     (corners[2][0] - corners[0][0]) * (corners[1][1] - corners[0][1]));
  EXPECT_NEAR(covered, area * 400, 40);
}

TEST(RasterImage, AQuadOverTheWholeWindowLeavesNoPixelEmpty) {
  const PixelWindow window{0, 1, 0, 1, 37, 23};
  ScalarRaster raster(window.width, window.height);
  draw_quad_max(raster, window, {{{0, 0}, {1, 0}, {1, 1}, {0, 1}}},
                {linear(0, 0), linear(1, 0), linear(1, 1), linear(0, 1)});
  for (int j = 0; j < window.height; ++j)
    for (int i = 0; i < window.width; ++i) {
      ASSERT_FALSE(raster.empty_at(i, j));
      EXPECT_NEAR(raster.at(i, j), linear(centre_u(window, i), centre_v(window, j)), 1e-11);
    }
  const auto [low, high] = drawn_range(raster);
  // The field grows to the right and down: lowest top left, highest bottom right.
  EXPECT_NEAR(low, linear(centre_u(window, 0), centre_v(window, 0)), 1e-11);
  EXPECT_NEAR(high, linear(centre_u(window, window.width - 1), centre_v(window, window.height - 1)),
              1e-11);
}

TEST(RasterImage, OverlappingDrawsKeepTheLargerValue) {
  const PixelWindow window{0, 1, 0, 1, 10, 10};
  ScalarRaster raster(window.width, window.height);
  const std::array<std::array<double, 2>, 4> square{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}};
  draw_quad_max(raster, window, square, {5, 5, 5, 5});
  draw_quad_max(raster, window, square, {2, 2, 2, 2});
  draw_quad_max(raster, window, {{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}}, {9, 9, 9, 9});
  EXPECT_EQ(raster.at(0, 0), 9);
  EXPECT_EQ(raster.at(9, 9), 5);
}

TEST(RasterImage, DegenerateTrianglesDrawNothing) {
  const PixelWindow window{0, 1, 0, 1, 10, 10};
  ScalarRaster raster(window.width, window.height);
  draw_triangle_max(raster, window, {{{0, 0}, {1, 1}, {0.5, 0.5}}}, {1, 2, 3});
  const auto [low, high] = drawn_range(raster);
  EXPECT_EQ(low, ScalarRaster::kEmpty);
  EXPECT_EQ(high, ScalarRaster::kEmpty);
}

TEST(RasterImage, FitWindowKeepsSquarePixels) {
  const PixelWindow wide = fit_window(0, 10e-3, 0, 2.5e-3, 400);
  EXPECT_EQ(wide.width, 400);
  EXPECT_EQ(wide.height, 100);
  EXPECT_NEAR(wide.du(), wide.dv(), 1e-15);
}

TEST(RasterImage, RainbowStops) {
  EXPECT_EQ(rainbow(0), (Rgb{0, 0, 255}));
  EXPECT_EQ(rainbow(0.25), (Rgb{0, 255, 255}));
  EXPECT_EQ(rainbow(0.5), (Rgb{0, 255, 0}));
  EXPECT_EQ(rainbow(0.75), (Rgb{255, 255, 0}));
  EXPECT_EQ(rainbow(1), (Rgb{255, 0, 0}));
  EXPECT_EQ(rainbow(-3), rainbow(0));
  EXPECT_EQ(rainbow(7), rainbow(1));
  EXPECT_EQ(rainbow(0.125), (Rgb{0, 128, 255}));
}

TEST(RasterImage, PaintColoursDrawnPixelsOnly) {
  ScalarRaster raster(2, 1);
  raster.at(0, 0) = 10;
  RgbImage image(4, 3);
  paint_raster(image, 1, 1, raster, 0, 10);
  EXPECT_EQ(image.at(1, 1), rainbow(1));
  EXPECT_EQ(image.at(2, 1), kWhite);
  EXPECT_EQ(image.at(0, 0), kWhite);
}

TEST(RasterImage, FontDrawsItsGlyphs) {
  RgbImage image(40, 20);
  const int width = draw_text(image, 2, 3, "8", 2, kBlack);
  EXPECT_EQ(width, 10);
  int black = 0;
  for (const Rgb& pixel : image.pixels) black += pixel == kBlack;
  // The 8: rows 01110 10001 10001 01110 10001 10001 01110, 17 dots of 2 x 2 pixels.
  EXPECT_EQ(black, 17 * 4);
  EXPECT_EQ(image.at(2 + 2, 3), kBlack);  // the top row's first dot, column 1
  EXPECT_EQ(image.at(2, 3), kWhite);
  EXPECT_EQ(text_width("306.28 K", 2), (8 * 6 - 1) * 2);
}

// The 5 x 7 pattern a character draws at scale 1, row by row from the top.
std::vector<bool> glyph_pattern(char character) {
  RgbImage image(7, 9);  // one pixel of room around the 5 x 7 cell
  draw_text(image, 1, 1, std::string(1, character), 1, kBlack);
  std::vector<bool> pattern;
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i) {
      const bool inside = i >= 1 && i <= 5 && j >= 1 && j <= 7;
      if (!inside) {
        EXPECT_EQ(image.at(i, j), kWhite) << "'" << character << "' draws outside its 5 x 7 cell";
        continue;
      }
      pattern.push_back(image.at(i, j) == kBlack);
    }
  return pattern;
}

TEST(RasterImage, EveryPrintableAsciiCharacterHasItsOwnGlyph) {
  // The box of unknown characters, as drawn for a tab, DEL and a UTF-8 lead byte.
  const std::vector<bool> box = glyph_pattern('\t');
  EXPECT_EQ(glyph_pattern('\x7f'), box);
  EXPECT_EQ(glyph_pattern('\xc2'), box);
  const std::vector<bool> expected_box{1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0,
                                       0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(box, expected_box);
  std::set<std::vector<bool>> patterns;
  for (int code = 32; code <= 126; ++code) {
    const char character = static_cast<char>(code);
    const std::vector<bool> pattern = glyph_pattern(character);
    EXPECT_NE(pattern, box) << "'" << character << "' draws as the unknown box";
    const int dots = static_cast<int>(std::count(pattern.begin(), pattern.end(), true));
    if (character == ' ') {
      EXPECT_EQ(dots, 0);
    } else {
      EXPECT_GT(dots, 0) << "'" << character << "' draws nothing";
    }
    EXPECT_TRUE(patterns.insert(pattern).second)
        << "'" << character << "' looks like an earlier character";
  }
  EXPECT_EQ(patterns.size(), 95u);
}

TEST(RasterImage, LettersHaveTheirShapes) {
  // T: a full top row and the middle column below it; L: the left column and a full
  // bottom row; underscore: the bottom row only.
  const auto dot = [](const std::vector<bool>& pattern, int column, int row) {
    return static_cast<bool>(pattern[static_cast<std::size_t>(row * 5 + column)]);
  };
  const std::vector<bool> t = glyph_pattern('T'), l = glyph_pattern('L'), u = glyph_pattern('_');
  for (int row = 0; row < 7; ++row)
    for (int column = 0; column < 5; ++column) {
      EXPECT_EQ(dot(t, column, row), row == 0 || column == 2) << column << "," << row;
      EXPECT_EQ(dot(l, column, row), row == 6 || column == 0) << column << "," << row;
      EXPECT_EQ(dot(u, column, row), row == 6) << column << "," << row;
    }
}

TEST(RasterImage, TextWidthIsWhatDrawTextCovers) {
  EXPECT_EQ(text_width("", 2), 0);
  EXPECT_EQ(text_width("W", 3), 15);
  EXPECT_EQ(text_width("degC", 2), (4 * 6 - 1) * 2);
  EXPECT_EQ(text_width("W/m^2 (dB) 3.5 GHz, 50 um", 1), 25 * 6 - 1);
  // "W/m^2" starts with a dot in its first column and ends with one in its last ('2''s
  // bottom row is full): the drawn pixels span exactly text_width.
  RgbImage image(80, 30);
  const int width = draw_text(image, 4, 5, "W/m^2", 2, kBlack);
  EXPECT_EQ(width, text_width("W/m^2", 2));
  int left = image.width, right = -1, top = image.height, bottom = -1;
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i)
      if (image.at(i, j) == kBlack) {
        left = std::min(left, i);
        right = std::max(right, i);
        top = std::min(top, j);
        bottom = std::max(bottom, j);
      }
  EXPECT_EQ(left, 4);
  EXPECT_EQ(right, 4 + width - 1);
  EXPECT_EQ(top, 5);
  EXPECT_EQ(bottom, 5 + kGlyphHeight * 2 - 1);
}

TEST(RasterImage, FitTextCutsWithTwoDots) {
  EXPECT_EQ(fit_text("core_die_3", 2, text_width("core_die_3", 2)), "core_die_3");
  EXPECT_EQ(fit_text("core_die_3", 2, text_width("core_die_3", 2) - 1), "core_di..");
  EXPECT_EQ(fit_text("core_die_3", 1, text_width("abc", 1)), "c..");
  EXPECT_EQ(fit_text("core_die_3", 1, text_width("ab", 1)), "");
}

TEST(RasterImage, LabelDecimalsTellValuesApart) {
  EXPECT_EQ(label_decimals(316, 365, 6), 0);   // step 9.8 K
  EXPECT_EQ(label_decimals(300, 301, 6), 1);   // step 0.2 K
  EXPECT_EQ(label_decimals(4, 4.02, 6), 3);    // step 4 mK
  EXPECT_EQ(label_decimals(4, 4.0001, 6), 4);  // at most 4
  EXPECT_EQ(label_decimals(5, 5, 6), 2);       // a uniform field
}

TEST(RasterImage, PngReadsBackThroughVtk) {
  testing::ScratchDir scratch("raster_png");
  RgbImage image(7, 5);
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i)
      image.at(i, j) = {static_cast<std::uint8_t>(30 * i), static_cast<std::uint8_t>(50 * j), 77};
  const auto path = scratch.path() / "picture.png";
  write_png(image, path);
  EXPECT_EQ(testing::count_files_containing(scratch.path(), ".tmp-"), 0);
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(path.c_str());
  reader->Update();
  vtkImageData* data = reader->GetOutput();
  int dimensions[3];
  data->GetDimensions(dimensions);
  ASSERT_EQ(dimensions[0], 7);
  ASSERT_EQ(dimensions[1], 5);
  ASSERT_EQ(data->GetNumberOfScalarComponents(), 3);
  for (int j = 0; j < image.height; ++j)
    for (int i = 0; i < image.width; ++i) {
      // VTK's row 0 is the image's bottom row.
      const auto* pixel =
          static_cast<unsigned char*>(data->GetScalarPointer(i, image.height - 1 - j, 0));
      EXPECT_EQ(pixel[0], image.at(i, j).r);
      EXPECT_EQ(pixel[1], image.at(i, j).g);
      EXPECT_EQ(pixel[2], image.at(i, j).b);
    }
}

TEST(RasterImage, PngIntoAMissingFolderFailsWithTheFileName) {
  testing::ScratchDir scratch("raster_png_missing");
  RgbImage image(3, 3);
  const auto path = scratch.path() / "no_such_folder" / "picture.png";
  try {
    write_png(image, path);
    FAIL() << "expected an error";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("picture.png"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace tsvfield::io
