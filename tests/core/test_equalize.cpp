// Global equalization (the equalizer's defaults) against the plain reference (tests/common/reference.h) on
// photographs, synthetic scenes and adversarial planes, for every pixel
// step and padding the element uses.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "core_calls.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;
using testimg::PaddedPlane;

// Equalizes `img` laid out with `step` and `padding` and checks every
// sample against the reference and every other byte against its sentinel.
void ExpectMatchesReference(const Image& img, int step, int padding,
                            histeq::Range range = histeq::Range::kFull) {
  PaddedPlane plane(img, step, padding, static_cast<uint32_t>(img.width * 31 + step));
  testcore::EqualizeHist8(plane.data(), plane.stride(), plane.width(),
                        plane.height(), step, range);
  ref::Lut lut = ref::EqualizeLut(img);
  bool flat = true;
  for (int v = 0; v < 256; ++v) flat = flat && lut[v] == v;
  if (range == histeq::Range::kLimited && !flat) lut = ref::ToLimited(lut);
  const Image expected = ref::Apply(img, lut);
  const Image got = plane.Samples();
  int mismatches = 0;
  for (size_t i = 0; i < got.pixels.size() && mismatches < 5; ++i) {
    if (got.pixels[i] != expected.pixels[i]) {
      ++mismatches;
      ADD_FAILURE() << "sample " << i << " of " << img.width << "x" << img.height
                    << " step " << step << ": got " << int(got.pixels[i])
                    << ", expected " << int(expected.pixels[i]) << " (input "
                    << int(img.pixels[i]) << ")";
    }
  }
  EXPECT_TRUE(plane.NonSamplesIntact())
      << "bytes outside the samples changed (" << img.width << "x" << img.height
      << " step " << step << " padding " << padding << ")";
}

TEST(Equalize, PhotographsMatchReference) {
  for (const auto& name : testimg::TestPhotoNames()) {
    SCOPED_TRACE(name);
    ExpectMatchesReference(testimg::LoadTestPhotoLuma(name), 1, 0);
  }
}

TEST(Equalize, OneByOne) {
  ExpectMatchesReference(testimg::MakeFlat(1, 1, 200), 1, 0);
  ExpectMatchesReference(testimg::MakeFlat(1, 1, 0), 2, 3);
}

TEST(Equalize, FlatFrameUnchanged) {
  for (int v : {0, 1, 128, 254, 255}) {
    Image img = testimg::MakeFlat(37, 11, static_cast<uint8_t>(v));
    PaddedPlane plane(img, 1, 5);
    EXPECT_FALSE(testcore::EqualizeHist8(plane.data(), plane.stride(), 37, 11));
    EXPECT_EQ(plane.Samples().pixels, img.pixels) << v;
    EXPECT_TRUE(plane.NonSamplesIntact());
  }
}

TEST(Equalize, AllZeroAndAll255) {
  ExpectMatchesReference(testimg::MakeFlat(64, 48, 0), 1, 0);
  ExpectMatchesReference(testimg::MakeFlat(64, 48, 255), 1, 0);
}

TEST(Equalize, TwoValuedBecomesBlackAndWhite) {
  Image img = testimg::MakeTwoValued(33, 17, 100, 101, 7);
  PaddedPlane plane(img, 1, 0);
  testcore::EqualizeHist8(plane.data(), plane.stride(), 33, 17);
  const Image out = plane.Samples();
  for (size_t i = 0; i < out.pixels.size(); ++i)
    ASSERT_EQ(out.pixels[i], img.pixels[i] == 100 ? 0 : 255);
  ExpectMatchesReference(testimg::MakeTwoValued(5, 3, 0, 255, 3), 1, 0);
}

TEST(Equalize, SceneAtOddSizes) {
  const int sizes[][2] = {{385, 289}, {322, 241}, {2, 3}, {3, 2}, {1, 7},
                          {7, 1}, {17, 5}, {1023, 3}, {4, 4}, {5, 5}};
  for (const auto& s : sizes) {
    SCOPED_TRACE(std::to_string(s[0]) + "x" + std::to_string(s[1]));
    ExpectMatchesReference(testimg::MakeScene(s[0], s[1], 11), 1, 0);
  }
}

TEST(Equalize, NoiseFullRange) {
  ExpectMatchesReference(testimg::MakeNoise(640, 480, 5), 1, 0);
  ExpectMatchesReference(testimg::MakeNoise(99, 101, 6, 250, 255), 1, 0);
}

TEST(Equalize, LimitedRange) {
  ExpectMatchesReference(testimg::MakeScene(385, 289, 3), 1, 0,
                         histeq::Range::kLimited);
  ExpectMatchesReference(testimg::MakeFlat(9, 9, 3), 1, 0,
                         histeq::Range::kLimited);
  ExpectMatchesReference(testimg::LoadTestPhotoLuma("camera.pgm"), 2, 6,
                         histeq::Range::kLimited);
}

TEST(Equalize, HugeFrameFloatPrecision) {
  // 4100 x 4096 > 2^24 samples: float(sum) rounds, as in OpenCV.
  ExpectMatchesReference(testimg::MakeNoise(4100, 4096, 9, 0, 40), 1, 0);
}

TEST(Equalize, NegativeStrideBottomUp) {
  Image img = testimg::MakeScene(31, 9, 4);
  PaddedPlane plane(img, 1, 3);
  uint8_t* last_row = plane.data() + (plane.height() - 1) * plane.stride();
  testcore::EqualizeHist8(last_row, -plane.stride(), 31, 9);
  EXPECT_EQ(plane.Samples().pixels, ref::Apply(img, ref::EqualizeLut(img)).pixels);
  EXPECT_TRUE(plane.NonSamplesIntact());
}

// Every pixel step and row padding the element meets (planar, 4:2:2 packed,
// AYUV/VUYA) at awkward widths.
class EqualizeLayout
    : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(EqualizeLayout, MatchesReferenceAndKeepsOtherBytes) {
  const auto [step, padding, width] = GetParam();
  ExpectMatchesReference(testimg::MakeScene(width, 13, static_cast<uint32_t>(width)),
                         step, padding);
}

INSTANTIATE_TEST_SUITE_P(StepsPaddingsWidths, EqualizeLayout,
                         ::testing::Combine(::testing::Values(1, 2, 3, 4),
                                            ::testing::Values(0, 1, 7, 64),
                                            ::testing::Values(1, 2, 3, 5, 63, 385)));

TEST(Histogram, AccumulatesAcrossCalls) {
  Image img = testimg::MakeNoise(50, 20, 2);
  uint32_t h[256];
  testcore::Histogram8(img.pixels.data(), 50, 50, 10, 1, h);
  testcore::AccumulateHistogram8(img.pixels.data() + 500, 50, 50, 10, 1, h);
  uint32_t expect[256] = {};
  for (uint8_t p : img.pixels) ++expect[p];
  for (int v = 0; v < 256; ++v) ASSERT_EQ(h[v], expect[v]) << v;
}

TEST(Histogram, EmptyPlaneCountsNothing) {
  uint32_t h[256];
  uint8_t byte = 7;
  testcore::Histogram8(&byte, 1, 0, 5, 1, h);
  for (int v = 0; v < 256; ++v) ASSERT_EQ(h[v], 0u);
  EXPECT_FALSE(testcore::EqualizeHist8(&byte, 1, 1, 0));
  EXPECT_EQ(byte, 7);
}

}  // namespace
