// A raster framed for the report (io/picture_frame): the raster's pixels painted
// exactly as paint_raster paints them and nothing else over them, a frame around
// them, the title, axis names, tick labels in millimetres and the colour bar's unit
// where they belong.
#include "io/picture_frame.hpp"

#include <gtest/gtest.h>

#include <string>

#include "find_text.hpp"

namespace tsvfield::io {
namespace {

// 4 mm x 2 mm at 50 pixels per millimetre, a field rising to the right, with the
// rightmost column left empty (void).
struct Scene {
  PixelWindow window{0, 4e-3, 0, 2e-3, 200, 100};
  ScalarRaster raster{200, 100};
  Scene() {
    for (int j = 0; j < raster.height; ++j)
      for (int i = 0; i + 1 < raster.width; ++i) raster.at(i, j) = 300 + 0.25 * i;
  }
};

FrameWords map_words() {
  FrameWords words;
  words.title = "core_die_3: T max through thickness";
  words.subtitle = "+ = maximum 349.750 K";
  words.u_name = "x (mm)";
  words.v_name = "y (mm)";
  words.bar_name = "T (K)";
  return words;
}

TEST(PictureFrame, TheRasterIsPaintedUnchangedInsideAFrame) {
  const Scene scene;
  const auto [low, high] = drawn_range(scene.raster);
  const FramedPicture picture = frame_raster(scene.raster, scene.window, low, high, map_words());
  const RgbImage& image = picture.image;
  ASSERT_GE(picture.raster_left, 1);
  ASSERT_GE(picture.raster_top, 1);
  ASSERT_LT(picture.raster_left + scene.raster.width, image.width);
  ASSERT_LT(picture.raster_top + scene.raster.height, image.height);
  for (int j = 0; j < scene.raster.height; ++j)
    for (int i = 0; i < scene.raster.width; ++i) {
      const Rgb expected = scene.raster.empty_at(i, j)
                               ? kWhite
                               : rainbow((scene.raster.at(i, j) - low) / (high - low));
      ASSERT_EQ(image.at(picture.raster_left + i, picture.raster_top + j), expected)
          << i << "," << j;
    }
  // The frame: the ring of pixels just outside the raster.
  const int left = picture.raster_left - 1, right = picture.raster_left + scene.raster.width;
  const int top = picture.raster_top - 1, bottom = picture.raster_top + scene.raster.height;
  for (int i = left; i <= right; ++i) {
    EXPECT_EQ(image.at(i, top), kBlack) << i;
    EXPECT_EQ(image.at(i, bottom), kBlack) << i;
  }
  for (int j = top; j <= bottom; ++j) {
    EXPECT_EQ(image.at(left, j), kBlack) << j;
    EXPECT_EQ(image.at(right, j), kBlack) << j;
  }
}

TEST(PictureFrame, WordsAndTicksAreWhereTheyBelong) {
  const Scene scene;
  const auto [low, high] = drawn_range(scene.raster);
  const FrameWords words = map_words();
  const FramedPicture picture = frame_raster(scene.raster, scene.window, low, high, words);
  const RgbImage& image = picture.image;
  const PixelRect raster{picture.raster_left, picture.raster_top, scene.raster.width,
                         scene.raster.height};
  const auto title = testing::find_text(image, words.title);
  const auto subtitle = testing::find_text(image, words.subtitle);
  const auto u_name = testing::find_text(image, words.u_name);
  const auto v_name = testing::find_text(image, words.v_name);
  const auto bar_name = testing::find_text(image, words.bar_name);
  ASSERT_TRUE(title && subtitle && u_name && v_name && bar_name);
  EXPECT_LT(title->bottom(), subtitle->top);
  EXPECT_LT(subtitle->bottom(), v_name->top);
  EXPECT_LT(v_name->bottom(), raster.top);
  EXPECT_LT(v_name->left, raster.left);
  EXPECT_GT(u_name->top, raster.bottom());
  EXPECT_GT(u_name->left, raster.left);
  EXPECT_LT(u_name->right(), raster.right());
  EXPECT_LT(bar_name->bottom(), raster.top);
  EXPECT_GT(bar_name->left, raster.right());
  // Ticks every 2 mm across (0, 2, 4: the 2 under the raster's middle) and every
  // 1 mm up (2 at the top row, 1 at the middle).
  const PixelRect under{raster.left - 20, raster.bottom(), raster.width + 40, 40};
  const auto two = testing::find_text(image, "2", 2, kBlack, under);
  ASSERT_TRUE(two);
  EXPECT_NEAR(two->left + two->width / 2.0, raster.left + 100, 1.0);
  const PixelRect left_of{0, raster.top - 10, raster.left, raster.height + 20};
  const auto top_label = testing::find_text(image, "2", 2, kBlack, left_of);
  const auto middle_label = testing::find_text(image, "1", 2, kBlack, left_of);
  ASSERT_TRUE(top_label && middle_label);
  EXPECT_NEAR(top_label->top + top_label->height / 2.0, raster.top, 1.0);
  EXPECT_NEAR(middle_label->top + middle_label->height / 2.0, raster.top + 50, 1.0);
  // The colour bar's labels carry the unit.
  EXPECT_TRUE(testing::find_text(image, "300 K"));
}

TEST(PictureFrame, ALongTitleIsCutNotDrawnOffThePicture) {
  const Scene scene;
  FrameWords words = map_words();
  words.title = std::string(300, 'W');
  const FramedPicture picture = frame_raster(scene.raster, scene.window, 300, 350, words);
  EXPECT_LE(picture.image.width, 1200 + 2 * 12);
  EXPECT_TRUE(testing::find_text(picture.image, std::string(98, 'W') + ".."));
}

}  // namespace
}  // namespace tsvfield::io
