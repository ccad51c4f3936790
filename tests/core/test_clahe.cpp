// Adaptive equalization (CLAHE), contrast limiting and strength, against the
// plain reference of tests/common/reference.cpp.
#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <string>
#include <tuple>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "lut.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;
using testimg::PaddedPlane;

// Runs Clahe on `img` laid out with `step` and `padding`; checks every
// sample against ref::Clahe and every other byte against its sentinel.
void ExpectClaheMatchesReference(const Image& img, double clip, int tx, int ty, int step = 1,
                                 int padding = 0, histeq::Range range = histeq::Range::kFull,
                                 double strength = 1.0) {
  PaddedPlane plane(img, step, padding, 17);
  histeq::Clahe clahe;
  testcore::ClaheApply(&clahe, testcore::PlaneOf(plane.data(), plane.stride(), img.width,
                                                 img.height, step),
                       clip, tx, ty, range, strength);
  const Image expected =
      ref::Clahe(img, clip, tx, ty, range == histeq::Range::kLimited, strength);
  const Image got = plane.Samples();
  int shown = 0;
  for (size_t i = 0; i < got.pixels.size() && shown < 5; ++i)
    if (got.pixels[i] != expected.pixels[i]) {
      ++shown;
      ADD_FAILURE() << img.width << "x" << img.height << " clip " << clip << " tiles " << tx
                    << "x" << ty << " sample " << i << ": got " << int(got.pixels[i])
                    << ", expected " << int(expected.pixels[i]);
    }
  EXPECT_TRUE(plane.NonSamplesIntact());
}

// The histogram clipped at `limit` with the excess handed out again, bin by
// bin, from the core's ClipSpread.
void ClipHistogram(std::array<uint32_t, 256>& h, uint32_t limit) {
  const histeq::ClipSpread s =
      histeq::ClipSpread::Make(limit, histeq::ClippedCounts(h.data(), 0, 256, limit), 256);
  for (int v = 0; v < 256; ++v)
    h[v] = std::min(h[v], limit) +
           static_cast<uint32_t>(s.Added(v) - (v > 0 ? s.Added(v - 1) : 0));
}

TEST(ClipHistogram, SpreadsExcessLikeOpenCV) {
  std::array<uint32_t, 256> h{};
  h[7] = 1000;
  ClipHistogram(h, 10);
  // 990 clipped: 3 to every bin, the 222 left one each to bins 0..221.
  EXPECT_EQ(h[7], 10u + 3u + 1u);
  EXPECT_EQ(h[0], 4u);
  EXPECT_EQ(h[221], 4u);
  EXPECT_EQ(h[222], 3u);
  EXPECT_EQ(std::accumulate(h.begin(), h.end(), 0u), 1000u);
}

TEST(ClipHistogram, ResidualStepsAcrossBins) {
  std::array<uint32_t, 256> h{};
  h[0] = 5 + 100;  // 100 over the limit of 5: none per bin, 100 left
  h[1] = 5;
  ClipHistogram(h, 5);
  // step = 256 / 100 = 2: bins 0, 2, ..., 198 get one each.
  EXPECT_EQ(h[0], 6u);
  EXPECT_EQ(h[1], 5u);
  EXPECT_EQ(h[2], 1u);
  EXPECT_EQ(h[198], 1u);
  EXPECT_EQ(h[200], 0u);
  EXPECT_EQ(std::accumulate(h.begin(), h.end(), 0u), 110u);
}

TEST(ClipHistogram, LimitInCounts) {
  EXPECT_EQ(histeq::ClipLimitCount(0.0, 1000, 256), 0u);
  EXPECT_EQ(histeq::ClipLimitCount(2.0, 64 * 64, 256), 32u);
  EXPECT_EQ(histeq::ClipLimitCount(2.0, 10, 256), 1u);  // never below 1
  EXPECT_EQ(histeq::ClipLimitCount(40.0, 135 * 240, 256), 5062u);  // truncated
}

TEST(TileGrid, LaidOutAsOpenCV) {
  auto g = histeq::TileGrid::Make(1920, 1080, 8, 8);
  EXPECT_EQ(g.tile_width, 240);
  EXPECT_EQ(g.tile_height, 135);
  EXPECT_EQ(g.ext_width, 1920);
  // 385 % 8 = 1: extended by 7 columns; 288 % 8 == 0 but the rows are
  // extended by a whole 8 because the columns do not divide.
  g = histeq::TileGrid::Make(385, 288, 8, 8);
  EXPECT_EQ(g.ext_width, 392);
  EXPECT_EQ(g.ext_height, 296);
  EXPECT_EQ(g.tile_width, 49);
  EXPECT_EQ(g.tile_height, 37);
  g = histeq::TileGrid::Make(1, 1, 16, 9);
  EXPECT_EQ(g.tile_width, 1);
  EXPECT_EQ(g.tile_height, 1);
}

TEST(TileGrid, Reflect101) {
  EXPECT_EQ(histeq::Reflect101(5, 5), 3);
  EXPECT_EQ(histeq::Reflect101(6, 5), 2);
  EXPECT_EQ(histeq::Reflect101(9, 5), 1);   // folded twice
  EXPECT_EQ(histeq::Reflect101(11, 5), 3);
  EXPECT_EQ(histeq::Reflect101(-1, 5), 1);
  EXPECT_EQ(histeq::Reflect101(7, 1), 0);
  EXPECT_EQ(histeq::Reflect101(2, 2), 0);  // 0 1 | 0 1 0 ...
  EXPECT_EQ(histeq::Reflect101(3, 2), 1);
}

class ClaheGrid : public ::testing::TestWithParam<std::tuple<double, std::pair<int, int>>> {};

TEST_P(ClaheGrid, PhotoAndScenesMatchReference) {
  const auto [clip, tiles] = GetParam();
  ExpectClaheMatchesReference(testimg::LoadTestPhotoLuma("chelsea.ppm"), clip, tiles.first,
                              tiles.second);
  ExpectClaheMatchesReference(testimg::MakeScene(385, 289, 2), clip, tiles.first, tiles.second);
  ExpectClaheMatchesReference(testimg::MakeScene(322, 241, 3), clip, tiles.first, tiles.second);
}

INSTANTIATE_TEST_SUITE_P(
    ClipsAndTiles, ClaheGrid,
    ::testing::Combine(::testing::Values(0.0, 1.0, 2.0, 4.0, 40.0),
                       ::testing::Values(std::make_pair(1, 1), std::make_pair(2, 3),
                                         std::make_pair(8, 8), std::make_pair(16, 9))));

TEST(Clahe, TinyFramesSmallerThanTheGrid) {
  const int sizes[][2] = {{1, 1}, {2, 3}, {3, 2}, {5, 5}, {7, 1}, {1, 9}, {15, 8}, {17, 9}};
  for (const auto& s : sizes) {
    SCOPED_TRACE(std::to_string(s[0]) + "x" + std::to_string(s[1]));
    ExpectClaheMatchesReference(testimg::MakeNoise(s[0], s[1], 4), 2.0, 8, 8);
    ExpectClaheMatchesReference(testimg::MakeNoise(s[0], s[1], 5), 4.0, 16, 9);
    ExpectClaheMatchesReference(testimg::MakeNoise(s[0], s[1], 6), 1.0, 64, 64);
  }
}

TEST(Clahe, FlatAndTwoValued) {
  ExpectClaheMatchesReference(testimg::MakeFlat(64, 48, 100), 2.0, 8, 8);
  ExpectClaheMatchesReference(testimg::MakeFlat(65, 49, 0), 40.0, 8, 8);
  ExpectClaheMatchesReference(testimg::MakeFlat(65, 49, 255), 2.0, 3, 5);
  ExpectClaheMatchesReference(testimg::MakeTwoValued(100, 60, 10, 200, 1), 2.0, 8, 8);
}

class ClaheLayout : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(ClaheLayout, StepsAndPaddingKeepOtherBytes) {
  const auto [step, padding] = GetParam();
  ExpectClaheMatchesReference(testimg::MakeScene(101, 37, 8), 2.0, 8, 8, step, padding);
  ExpectClaheMatchesReference(testimg::MakeScene(33, 65, 9), 3.0, 2, 3, step, padding);
}

INSTANTIATE_TEST_SUITE_P(StepsPaddings, ClaheLayout,
                         ::testing::Combine(::testing::Values(1, 2, 4),
                                            ::testing::Values(0, 3, 64)));

TEST(Clahe, LimitedRangeStaysInside16To235) {
  const Image img = testimg::MakeNoise(200, 120, 3);  // 0..255 in, super-black included
  ExpectClaheMatchesReference(img, 2.0, 8, 8, 1, 0, histeq::Range::kLimited);
  PaddedPlane plane(img, 1, 0);
  histeq::Clahe clahe;
  testcore::ClaheApply(&clahe, testcore::PlaneOf(plane.data(), plane.stride(), 200, 120), 4.0,
                       8, 8, histeq::Range::kLimited);
  for (uint8_t v : plane.Samples().pixels) {
    ASSERT_GE(v, 16);
    ASSERT_LE(v, 235);
  }
}

TEST(Clahe, StrengthFoldedIntoTileTables) {
  for (double s : {0.25, 0.5, 0.8})
    ExpectClaheMatchesReference(testimg::MakeScene(160, 90, 5), 2.0, 8, 8, 1, 0,
                                histeq::Range::kFull, s);
}

TEST(Clahe, ReusedAcrossSizesAndGrids) {
  // One Clahe for frames of changing geometry, as an element renegotiating.
  histeq::Clahe clahe;
  const int sizes[][4] = {{64, 48, 8, 8}, {65, 47, 8, 8}, {65, 47, 2, 3}, {64, 48, 8, 8}};
  for (const auto& s : sizes) {
    const Image img = testimg::MakeScene(s[0], s[1], 1);
    PaddedPlane plane(img, 1, 0);
    testcore::ClaheApply(&clahe, testcore::PlaneOf(plane.data(), plane.stride(), s[0], s[1]), 2.0,
                         s[2], s[3]);
    EXPECT_EQ(plane.Samples().pixels, ref::Clahe(img, 2.0, s[2], s[3]).pixels);
  }
}

// The equalizer's parameters: modes, automatic clip, strength.
Image RunEqualizer(const Image& img, const histeq::Params& p, bool* changed = nullptr) {
  PaddedPlane plane(img, 1, 0);
  histeq::Equalizer eq;
  const bool c =
      eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), img.width, img.height), p);
  if (changed) *changed = c;
  return plane.Samples();
}

TEST(Equalizer, DefaultsAreEqualizeHist) {
  const Image img = testimg::LoadTestPhotoLuma("camera.pgm");
  EXPECT_EQ(RunEqualizer(img, {}).pixels, ref::Apply(img, ref::EqualizeLut(img)).pixels);
}

TEST(Equalizer, AdaptiveAutomaticClipIsTwo) {
  const Image img = testimg::MakeScene(200, 150, 1);
  histeq::Params p;
  p.mode = histeq::Mode::kAdaptive;
  EXPECT_EQ(RunEqualizer(img, p).pixels, ref::Clahe(img, 2.0, 8, 8).pixels);
  p.clip_limit = 4.0;
  p.tiles_x = 3;
  p.tiles_y = 5;
  EXPECT_EQ(RunEqualizer(img, p).pixels, ref::Clahe(img, 4.0, 3, 5).pixels);
}

TEST(Equalizer, GlobalWithClipIsClaheOneTile) {
  const Image img = testimg::MakeScene(211, 97, 2);
  histeq::Params p;
  p.clip_limit = 3.0;
  EXPECT_EQ(RunEqualizer(img, p).pixels, ref::Clahe(img, 3.0, 1, 1).pixels);
}

TEST(Equalizer, StrengthZeroIsIdentity) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    const Image img = testimg::MakeNoise(97, 41, 3);
    histeq::Params p;
    p.mode = mode;
    p.strength = 0.0;
    bool changed = true;
    EXPECT_EQ(RunEqualizer(img, p, &changed).pixels, img.pixels);
    EXPECT_FALSE(changed);
  }
}

TEST(Equalizer, StrengthBlendsGlobalTable) {
  const Image img = testimg::MakeScene(120, 80, 3);
  const ref::Lut full = ref::EqualizeLut(img);
  for (double s : {0.1, 0.5, 0.9, 1.0}) {
    histeq::Params p;
    p.strength = s;
    EXPECT_EQ(RunEqualizer(img, p).pixels, ref::Apply(img, ref::Blend(full, s)).pixels) << s;
    p.range = histeq::Range::kLimited;
    EXPECT_EQ(RunEqualizer(img, p).pixels,
              ref::Apply(img, ref::Blend(ref::ToLimited(full), s)).pixels)
        << s;
  }
}

TEST(Equalizer, StrengthChangesOutputSmoothly) {
  // From identity to full equalization the mean change grows steadily: no
  // jump between neighbouring strengths larger than their share of the whole.
  const Image img = testimg::LoadTestPhotoLuma("chelsea.ppm");
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Params p;
    p.mode = mode;
    double previous = 0.0, full = 0.0;
    std::vector<double> means;
    for (int i = 0; i <= 20; ++i) {
      p.strength = i / 20.0;
      const Image out = RunEqualizer(img, p);
      double diff = 0;
      for (size_t k = 0; k < out.pixels.size(); ++k)
        diff += std::abs(int(out.pixels[k]) - int(img.pixels[k]));
      means.push_back(diff / out.pixels.size());
    }
    full = means.back();
    ASSERT_GT(full, 5.0);
    for (int i = 1; i <= 20; ++i) {
      EXPECT_GE(means[i] + 0.01, previous) << "strength " << i / 20.0;
      EXPECT_LE(means[i] - means[i - 1], 2.0 * full / 20 + 0.6) << "strength " << i / 20.0;
      previous = means[i];
    }
  }
}

}  // namespace
