// BuildEqualizeLut8 / CompressLutToLimitedRange8 on histograms whose tables
// are worked out by hand from the definition.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "core_calls.h"
#include "histogram.h"
#include "lut.h"

namespace {

using Hist = std::array<uint32_t, histeq::kBins8>;
using Lut = std::array<uint8_t, histeq::kBins8>;

Lut Build(const Hist& h, bool* changed = nullptr) {
  Lut lut;
  const bool c = histeq::BuildEqualizeLut(h.data(), histeq::kBins8, lut.data());
  if (changed) *changed = c;
  return lut;
}

bool IsIdentity(const Lut& lut) {
  for (int v = 0; v < 256; ++v)
    if (lut[v] != v) return false;
  return true;
}

TEST(EqualizeLut, EmptyHistogramIsIdentity) {
  Hist h{};
  bool changed = true;
  EXPECT_TRUE(IsIdentity(Build(h, &changed)));
  EXPECT_FALSE(changed);
}

TEST(EqualizeLut, SingleValueIsIdentity) {
  Hist h{};
  h[77] = 1000;
  bool changed = true;
  EXPECT_TRUE(IsIdentity(Build(h, &changed)));
  EXPECT_FALSE(changed);
}

TEST(EqualizeLut, TwoValuesMapToZeroAnd255) {
  Hist h{};
  h[10] = 100;
  h[20] = 300;
  bool changed = false;
  const Lut lut = Build(h, &changed);
  EXPECT_TRUE(changed);
  EXPECT_EQ(lut[10], 0);
  EXPECT_EQ(lut[20], 255);
  // Between and above the occupied bins the running sum is constant.
  EXPECT_EQ(lut[15], 0);
  EXPECT_EQ(lut[200], 255);
  // Below i0 nothing occurs; the table keeps the identity there.
  EXPECT_EQ(lut[3], 3);
}

TEST(EqualizeLut, RoundsHalfToEven) {
  // N - h[i0] = 510, so scale is exactly 0.5: sums 1 and 3 give 0.5 and 1.5.
  Hist h{};
  h[0] = 1;
  h[1] = 1;    // sum 1 -> 0.5 -> 0
  h[2] = 2;    // sum 3 -> 1.5 -> 2
  h[3] = 2;    // sum 5 -> 2.5 -> 2
  h[255] = 505;
  const Lut lut = Build(h);
  EXPECT_EQ(lut[0], 0);
  EXPECT_EQ(lut[1], 0);
  EXPECT_EQ(lut[2], 2);
  EXPECT_EQ(lut[3], 2);
  EXPECT_EQ(lut[255], 255);
}

TEST(EqualizeLut, RunningSumStartsAfterLowestValue) {
  // 3 values, 1 pixel each: i0 = 5, scale = 255 / 2.
  Hist h{};
  h[5] = 1;
  h[6] = 1;
  h[7] = 1;
  const Lut lut = Build(h);
  EXPECT_EQ(lut[5], 0);
  EXPECT_EQ(lut[6], 128);  // 127.5 -> 128 (even)
  EXPECT_EQ(lut[7], 255);
}

TEST(EqualizeLut, UniformHistogramIsNearIdentity) {
  Hist h{};
  h.fill(4);
  const Lut lut = Build(h);
  // scale = 255 / 1020, lut[v] = round(4 v * 0.25) = v
  for (int v = 0; v < 256; ++v) EXPECT_EQ(lut[v], v) << v;
}

TEST(EqualizeLut, FloatScaleLikeOpenCVOnHugeCounts) {
  // Counts beyond 2^24 lose precision in float; the table must follow the
  // float arithmetic, not exact rationals.
  Hist h{};
  h[0] = 1;
  h[1] = 16777217;  // 2^24 + 1, not representable in float
  h[2] = 16777216;
  const Lut lut = Build(h);
  const float scale = 255.0f / static_cast<float>(33554433u);
  EXPECT_EQ(lut[1], static_cast<uint8_t>(std::lrint(static_cast<float>(16777217u) * scale)));
  EXPECT_EQ(lut[2], 255);
}

TEST(LimitedRange, EndpointsAndMiddle) {
  Lut lut;
  for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(v);
  histeq::CompressLutToLimitedRange(lut.data(), 0, histeq::kBins8, histeq::kBins8);
  EXPECT_EQ(lut[0], 16);
  EXPECT_EQ(lut[255], 235);
  EXPECT_EQ(lut[128], 126);  // 16 + round(109.93)
  EXPECT_EQ(lut[1], 17);     // 16 + round(0.859)
  for (int v = 1; v < 256; ++v) EXPECT_GE(lut[v], lut[v - 1]);
}

TEST(GlobalLut, FlatStaysIdentityInLimitedRange) {
  // A flat frame is not mapped onto the limited range: it passes as it is.
  std::array<uint8_t, 9> flat;
  flat.fill(40);
  EXPECT_FALSE(testcore::EqualizeHist8(flat.data(), 3, 3, 3, 1, histeq::Range::kLimited));
  for (uint8_t v : flat) EXPECT_EQ(v, 40);
}

}  // namespace
