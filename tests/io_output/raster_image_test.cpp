// The report's picture primitives (io/raster_image): triangles drawn with exact linear
// values at pixel centres and nothing outside them, the rainbow scale's stops, the
// bitmap font, label digits, and PNG files read back through VTK's own reader.
#include "io/raster_image.hpp"

#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <bit>
#include <cmath>
#include <string>

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
