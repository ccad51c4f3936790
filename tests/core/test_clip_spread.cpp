// Global contrast limiting with the excess over the occupied codes
// (ExcessSpread::kRange) against the plain reference (ref::RangeClippedLut),
// at 8 and 16 bits, full and limited range, with strength, on photographs
// and adversarial planes; and kAll, the default, as it was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

namespace {

using ref::Codes;

histeq::Params RangeParams(double clip, histeq::Range range, double strength) {
  histeq::Params p;
  p.clip_limit = clip;
  p.clip_spread = histeq::ExcessSpread::kRange;
  p.range = range;
  p.strength = strength;
  return p;
}

// What the reference says the plane becomes; unchanged when flat.
Codes Expected(const Codes& c, double clip, histeq::Range range, double strength) {
  std::vector<uint16_t> lut = ref::RangeClippedLut(c, clip);
  std::vector<uint16_t> identity(lut.size());
  for (size_t v = 0; v < identity.size(); ++v) identity[v] = static_cast<uint16_t>(v);
  if (lut == identity) return c;  // flat (or empty): left as it is
  if (range == histeq::Range::kLimited) lut = ref::ToLimited(lut, c.depth);
  return ref::Apply(c, ref::Blend(lut, strength));
}

// 8 bits: through a padded plane whose sentinels must survive.
void Check8(const Codes& c, double clip, histeq::Range range, double strength, int padding) {
  const testimg::Image img = ref::ToImage(c);
  testimg::PaddedPlane plane(img, 1, padding);
  histeq::Equalizer eq;
  eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), plane.width(), plane.height()),
             RangeParams(clip, range, strength));
  const Codes want = Expected(c, clip, range, strength);
  const Codes got = ref::ToCodes(plane.Samples());
  ASSERT_EQ(got.v, want.v) << c.width << "x" << c.height << " clip " << clip << " strength "
                           << strength << (range == histeq::Range::kLimited ? " limited" : " full");
  EXPECT_TRUE(plane.NonSamplesIntact());
}

// 16 bits: little-endian words, rows padded with sentinel words.
void Check16(const Codes& c, double clip, histeq::Range range, double strength) {
  const int stride_words = c.width + 3;
  std::vector<uint16_t> buf(static_cast<size_t>(stride_words) * c.height, 0xBEEF);
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x) buf[static_cast<size_t>(y) * stride_words + x] = c.at(x, y);
  histeq::SampleFormat f;
  f.depth = 16;
  histeq::Equalizer eq;
  eq.Process(testcore::PlaneOf(reinterpret_cast<uint8_t*>(buf.data()), stride_words * 2, c.width,
                               c.height, 2, f),
             RangeParams(clip, range, strength));
  const Codes want = Expected(c, clip, range, strength);
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x)
      ASSERT_EQ(buf[static_cast<size_t>(y) * stride_words + x], want.at(x, y))
          << x << "," << y << " clip " << clip;
    for (int x = c.width; x < stride_words; ++x)
      ASSERT_EQ(buf[static_cast<size_t>(y) * stride_words + x], 0xBEEF);
  }
}

// A 40 %-contrast ramp: values lo..lo+span, with a large flat patch.
Codes Ramp40(int w, int h, int depth, uint32_t seed) {
  Codes c;
  c.width = w;
  c.height = h;
  c.depth = depth;
  const int scale = 1 << (depth - 8);
  std::mt19937 rng(seed);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int v = 77 + (x * 102) / std::max(w - 1, 1);
      if (x < w / 2 && y < h / 2) v = 120 + static_cast<int>(rng() % 3);  // the flat area
      c.v.push_back(static_cast<uint16_t>(v * scale + (scale > 1 ? rng() % scale : 0)));
    }
  return c;
}

std::vector<Codes> Planes8() {
  std::vector<Codes> out;
  for (const auto& name : testimg::TestPhotoNames())
    out.push_back(ref::ToCodes(testimg::LoadTestPhotoLuma(name)));
  out.push_back(ref::ToCodes(testimg::MakeFlat(33, 17, 90)));
  out.push_back(ref::ToCodes(testimg::MakeFlat(1, 1, 200)));
  out.push_back(ref::ToCodes(testimg::MakeTwoValued(31, 9, 100, 140, 5)));
  out.push_back(ref::ToCodes(testimg::MakeTwoValued(2, 1, 0, 255, 6)));
  out.push_back(ref::ToCodes(testimg::MakeScene(385, 289, 7)));
  out.push_back(Ramp40(321, 241, 8, 8));
  out.push_back(Ramp40(1, 7, 8, 9));
  return out;
}

TEST(ClipSpread, RangeMatchesReference8) {
  for (const Codes& c : Planes8())
    for (double clip : {0.0, 1.0, 1.5, 3.0, 40.0})
      for (auto range : {histeq::Range::kFull, histeq::Range::kLimited})
        for (double strength : {1.0, 0.8})
          Check8(c, clip, range, strength, c.width % 2 ? 5 : 0);
}

TEST(ClipSpread, RangeMatchesReference16) {
  std::vector<Codes> planes;
  planes.push_back(ref::Deepen(testimg::LoadTestPhotoLuma("camera.pgm"), 16, 1));
  planes.push_back(Ramp40(97, 61, 16, 2));
  Codes flat = ref::Deepen(testimg::MakeFlat(7, 3, 50), 16, 3);
  for (auto& v : flat.v) v = 12345;
  planes.push_back(flat);
  planes.push_back(ref::Deepen(testimg::MakeTwoValued(13, 5, 10, 20, 4), 16, 5));
  for (const Codes& c : planes)
    for (double clip : {0.0, 1.5, 3.0})
      for (auto range : {histeq::Range::kFull, histeq::Range::kLimited})
        for (double strength : {1.0, 0.8}) Check16(c, clip, range, strength);
}

// Without a clip limit both spreads are cv::equalizeHist, byte for byte.
TEST(ClipSpread, NoClipLimitIsEqualizeHist) {
  const testimg::Image img = testimg::LoadTestPhotoLuma("coffee.ppm");
  testimg::Image a = img, b = img;
  histeq::Equalizer e1, e2;
  histeq::Params p;
  e1.Process(testcore::PlaneOf(a.pixels.data(), a.width, a.width, a.height), p);
  p.clip_spread = histeq::ExcessSpread::kRange;
  e2.Process(testcore::PlaneOf(b.pixels.data(), b.width, b.width, b.height), p);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(a.pixels, ref::Apply(img, ref::EqualizeLut(img)).pixels);
}

// kAll (the default) is cv::createCLAHE(clip, 1x1) as before.
TEST(ClipSpread, AllIsClahe1x1) {
  const testimg::Image img = testimg::LoadTestPhotoLuma("camera.pgm");
  testimg::Image a = img;
  histeq::Equalizer eq;
  histeq::Params p;
  EXPECT_EQ(p.clip_spread, histeq::ExcessSpread::kAll);
  p.clip_limit = 3.0;
  eq.Process(testcore::PlaneOf(a.pixels.data(), a.width, a.width, a.height), p);
  EXPECT_EQ(a.pixels, ref::Clahe(img, 3.0, 1, 1).pixels);
}

// With smoothing, a still scene gives the per-frame table within +-1, and
// the flat frame stays as it is.
TEST(ClipSpread, RangeSmoothedStillScene) {
  const testimg::Image img = ref::ToImage(Ramp40(160, 120, 8, 11));
  const Codes want = Expected(ref::ToCodes(img), 1.5, histeq::Range::kFull, 1.0);
  histeq::Equalizer eq;
  histeq::Params p = RangeParams(1.5, histeq::Range::kFull, 1.0);
  p.smoothing = 15;
  for (int frame = 0; frame < 5; ++frame) {
    testimg::Image f = img;
    eq.Process(testcore::PlaneOf(f.pixels.data(), f.width, f.width, f.height), p);
    for (size_t i = 0; i < f.pixels.size(); ++i)
      ASSERT_LE(std::abs(f.pixels[i] - static_cast<int>(want.v[i])), 1) << frame;
  }
  histeq::Equalizer flat_eq;
  for (int frame = 0; frame < 3; ++frame) {
    testimg::Image f = testimg::MakeFlat(20, 10, 77);
    EXPECT_FALSE(flat_eq.Process(testcore::PlaneOf(f.pixels.data(), f.width, f.width, f.height), p));
    EXPECT_EQ(f.pixels, testimg::MakeFlat(20, 10, 77).pixels);
  }
}

}  // namespace
