// 10, 12 and 16-bit samples: global and adaptive equalization, limited
// range, strength and smoothing at every depth, in both byte orders and with
// MSB-aligned words (P010/P012), against the depth-generic reference.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

namespace {

using ref::Codes;

// Code values stored as 16-bit words (written here, independently of the
// core's codec), `step` bytes apart, padded rows, sentinel bytes elsewhere.
class WidePlane {
 public:
  WidePlane(const Codes& c, histeq::SampleFormat f, int step, int padding)
      : c_(c), f_(f), step_(step), stride_(c.width * step + padding) {
    buf_.resize(static_cast<size_t>(stride_) * c.height + 64);
    std::mt19937 rng(static_cast<uint32_t>(c.width * 7 + step));
    for (auto& b : buf_) b = static_cast<uint8_t>(rng());
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) Put(x, y, c.at(x, y));
    original_ = buf_;
  }
  uint8_t* data() { return buf_.data() + 32; }
  ptrdiff_t stride() const { return stride_; }
  uint16_t Word(int x, int y) const {
    const uint8_t* p = buf_.data() + 32 + static_cast<size_t>(y) * stride_ + x * step_;
    return static_cast<uint16_t>(f_.big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]));
  }
  Codes Read() const {
    Codes out = c_;
    for (int y = 0; y < c_.height; ++y)
      for (int x = 0; x < c_.width; ++x) out.at(x, y) = static_cast<uint16_t>(Word(x, y) >> f_.shift);
    return out;
  }
  // Every byte that is not part of a sample word is as it was, and no sample
  // word has bits set below the shift or above the depth.
  bool Clean() const {
    std::vector<bool> sample(buf_.size(), false);
    for (int y = 0; y < c_.height; ++y)
      for (int x = 0; x < c_.width; ++x) {
        const size_t o = 32 + static_cast<size_t>(y) * stride_ + x * step_;
        sample[o] = sample[o + 1] = true;
        const uint32_t w = Word(x, y);
        if ((w & ((1u << f_.shift) - 1)) != 0 || (w >> f_.shift) > static_cast<uint32_t>(f_.max_value()))
          return false;
      }
    for (size_t i = 0; i < buf_.size(); ++i)
      if (!sample[i] && buf_[i] != original_[i]) return false;
    return true;
  }

 private:
  void Put(int x, int y, uint16_t code) {
    uint8_t* p = buf_.data() + 32 + static_cast<size_t>(y) * stride_ + x * step_;
    const uint16_t w = static_cast<uint16_t>(code << f_.shift);
    p[f_.big_endian ? 0 : 1] = static_cast<uint8_t>(w >> 8);
    p[f_.big_endian ? 1 : 0] = static_cast<uint8_t>(w);
  }
  Codes c_;
  histeq::SampleFormat f_;
  int step_;
  ptrdiff_t stride_;
  std::vector<uint8_t> buf_, original_;
};

// depth, shift, big endian: the layouts the element meets.
using Layout = std::tuple<int, int, bool>;

histeq::SampleFormat FormatOf(const Layout& l) {
  histeq::SampleFormat f;
  f.depth = std::get<0>(l);
  f.shift = std::get<1>(l);
  f.big_endian = std::get<2>(l);
  return f;
}

Codes Equalize(const Codes& c, const histeq::SampleFormat& f, const histeq::Params& p, int step = 2,
          int padding = 6) {
  WidePlane plane(c, f, step, padding);
  histeq::Equalizer eq;
  eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), c.width, c.height, step, f), p);
  EXPECT_TRUE(plane.Clean()) << "bytes outside the samples changed or bits outside the depth set";
  return plane.Read();
}

class WideLayouts : public ::testing::TestWithParam<Layout> {};

TEST_P(WideLayouts, GlobalMatchesReference) {
  const histeq::SampleFormat f = FormatOf(GetParam());
  for (const auto& name : testimg::TestPhotoNames()) {
    const Codes c = ref::Deepen(testimg::LoadTestPhotoLuma(name), f.depth, 3);
    EXPECT_EQ(Equalize(c, f, {}).v, ref::Apply(c, ref::EqualizeLut(c)).v) << name;
  }
  const Codes odd = ref::Deepen(testimg::MakeScene(385, 289, 2), f.depth, 4);
  EXPECT_EQ(Equalize(odd, f, {}, 4, 3).v, ref::Apply(odd, ref::EqualizeLut(odd)).v);
}

TEST_P(WideLayouts, LimitedRangeScalesWithDepth) {
  const histeq::SampleFormat f = FormatOf(GetParam());
  const Codes c = ref::Deepen(testimg::MakeNoise(120, 77, 5), f.depth, 5);
  histeq::Params p;
  p.range = histeq::Range::kLimited;
  const Codes out = Equalize(c, f, p);
  EXPECT_EQ(out.v, ref::Apply(c, ref::ToLimited(ref::EqualizeLut(c), f.depth)).v);
  const int lo = 16 << (f.depth - 8), hi = 235 << (f.depth - 8);
  for (uint16_t v : out.v) {
    ASSERT_GE(v, lo);
    ASSERT_LE(v, hi);
  }
}

TEST_P(WideLayouts, AdaptiveMatchesReference) {
  const histeq::SampleFormat f = FormatOf(GetParam());
  const Codes c = ref::Deepen(testimg::MakeScene(161, 97, 3), f.depth, 6);
  for (auto tiles : {std::make_pair(8, 8), std::make_pair(2, 3), std::make_pair(16, 9)}) {
    histeq::Params p;
    p.mode = histeq::Mode::kAdaptive;
    p.tiles_x = tiles.first;
    p.tiles_y = tiles.second;
    p.clip_limit = 4.0;
    EXPECT_EQ(Equalize(c, f, p).v, ref::Clahe(c, 4.0, tiles.first, tiles.second).v)
        << tiles.first << "x" << tiles.second;
  }
}

TEST_P(WideLayouts, StrengthBlends) {
  const histeq::SampleFormat f = FormatOf(GetParam());
  const Codes c = ref::Deepen(testimg::MakeScene(64, 48, 8), f.depth, 8);
  histeq::Params p;
  p.strength = 0.0;
  EXPECT_EQ(Equalize(c, f, p).v, c.v);
  p.strength = 0.4;
  EXPECT_EQ(Equalize(c, f, p).v, ref::Apply(c, ref::Blend(ref::EqualizeLut(c), 0.4)).v);
}

INSTANTIATE_TEST_SUITE_P(
    DepthsShiftsEndianness, WideLayouts,
    ::testing::Values(Layout{10, 0, false}, Layout{10, 0, true}, Layout{12, 0, false},
                      Layout{12, 0, true}, Layout{16, 0, false}, Layout{16, 0, true},
                      Layout{10, 6, false}, Layout{10, 6, true}, Layout{12, 4, false},
                      Layout{12, 4, true}),
    [](const ::testing::TestParamInfo<Layout>& i) {
      return "d" + std::to_string(std::get<0>(i.param)) + "_s" +
             std::to_string(std::get<1>(i.param)) + (std::get<2>(i.param) ? "_BE" : "_LE");
    });

TEST(Wide, TinyAndFlatFrames) {
  histeq::SampleFormat f;
  f.depth = 12;
  for (int s : {1, 2, 3}) {
    const Codes c = ref::Deepen(testimg::MakeNoise(s, s + 1, static_cast<uint32_t>(s)), 12, 1);
    EXPECT_EQ(Equalize(c, f, {}).v, ref::Apply(c, ref::EqualizeLut(c)).v);
    histeq::Params p;
    p.mode = histeq::Mode::kAdaptive;
    EXPECT_EQ(Equalize(c, f, p).v, ref::Clahe(c, 2.0, 8, 8).v);
  }
  Codes flat = ref::Deepen(testimg::MakeFlat(33, 9, 77), 12, 1);
  for (auto& v : flat.v) v = 1234;
  EXPECT_EQ(Equalize(flat, f, {}).v, flat.v);
}

TEST(Wide, SmoothingAtDepth) {
  histeq::SampleFormat f;
  f.depth = 10;
  const Codes a = ref::Deepen(testimg::LoadTestPhotoLuma("camera.pgm"), 10, 1);
  // The other photograph tiled to the same size: a cut, not a new grid.
  const testimg::Image coffee = testimg::LoadTestPhotoLuma("coffee.ppm");
  testimg::Image same_size = testimg::MakeFlat(a.width, a.height, 0);
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) same_size.at(x, y) = coffee.at(x % coffee.width, y % coffee.height);
  const Codes b = ref::Deepen(same_size, 10, 2);
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Params p;
    p.mode = mode;
    p.smoothing = 10;
    const Codes exact_a = Equalize(a, f, [&] { histeq::Params q = p; q.smoothing = 0; return q; }());
    histeq::Equalizer eq;
    for (int i = 0; i < 8; ++i) {
      WidePlane plane(a, f, 2, 0);
      eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), a.width, a.height, 2, f), p);
      const Codes got = plane.Read();
      int worst = 0;
      for (size_t k = 0; k < got.v.size(); ++k)
        worst = std::max(worst, std::abs(int(got.v[k]) - int(exact_a.v[k])));
      ASSERT_LE(worst, 1) << "static scene, frame " << i << " mode " << int(mode);
    }
    // A cut to another photograph: exact at once.
    WidePlane plane(b, f, 2, 0);
    histeq::FrameReport r;
    eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), b.width, b.height, 2, f), p, &r);
    EXPECT_TRUE(r.scene_cut);
    EXPECT_EQ(r.bins, 1024);
    histeq::Params q = p;
    q.smoothing = 0;
    EXPECT_EQ(plane.Read().v, Equalize(b, f, q).v);
  }
}

}  // namespace
