// RGB through luma against its definition (ref::RgbThroughLuma): packed
// layouts with and without alpha or padding bytes, planar GBR, every luma
// matrix, global and adaptive; alpha and padding never change, hue is kept
// wherever nothing saturates.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "histeq/rgb.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;

// Where R, G and B sit in a pixel of `step` bytes (packed), or planar.
struct RgbLayout {
  const char* name;
  int step;
  int r, g, b;  // byte offsets in a packed pixel
  bool planar;
};

const RgbLayout kLayouts[] = {
    {"RGB", 3, 0, 1, 2, false},  {"BGR", 3, 2, 1, 0, false},  {"RGBx", 4, 0, 1, 2, false},
    {"BGRA", 4, 2, 1, 0, false}, {"xRGB", 4, 1, 2, 3, false}, {"ABGR", 4, 3, 2, 1, false},
    {"GBR", 1, 0, 0, 0, true},
};

// The frame laid out as `layout` with padded rows; the bytes that are not
// colour samples (alpha, x, padding) hold random values that must survive.
class RgbFrame {
 public:
  RgbFrame(const Image& rgb, const RgbLayout& l) : img_(rgb), l_(l) {
    const int w = rgb.width, h = rgb.height;
    stride_ = l.planar ? w + 5 : w * l.step + 7;
    const size_t plane = static_cast<size_t>(stride_) * h;
    buf_.resize(l.planar ? 3 * plane : plane);
    std::mt19937 rng(11);
    for (auto& b : buf_) b = static_cast<uint8_t>(rng());
    for (int c = 0; c < 3; ++c) {
      base_[c] = l.planar ? buf_.data() + c * plane : buf_.data() + (c == 0 ? l.r : c == 1 ? l.g : l.b);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) At(c, x, y) = rgb.at(x, y, c);
    }
    original_ = buf_;
  }
  histeq::RgbPlanes Planes() {
    histeq::RgbPlanes p;
    p.r = base_[0];
    p.g = base_[1];
    p.b = base_[2];
    p.stride_r = p.stride_g = p.stride_b = stride_;
    p.pixel_step = l_.step;
    if (!l_.planar) {  // the offsets enable the vector path for 4-byte pixels
      p.offset_r = l_.r;
      p.offset_g = l_.g;
      p.offset_b = l_.b;
    }
    return p;
  }
  Image Read() {
    Image out = img_;
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < img_.height; ++y)
        for (int x = 0; x < img_.width; ++x) out.at(x, y, c) = At(c, x, y);
    return out;
  }
  bool OthersIntact() {
    std::vector<bool> colour(buf_.size(), false);
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < img_.height; ++y)
        for (int x = 0; x < img_.width; ++x) colour[&At(c, x, y) - buf_.data()] = true;
    for (size_t i = 0; i < buf_.size(); ++i)
      if (!colour[i] && buf_[i] != original_[i]) return false;
    return true;
  }

 private:
  uint8_t& At(int c, int x, int y) { return base_[c][static_cast<size_t>(y) * stride_ + x * l_.step]; }
  Image img_;
  RgbLayout l_;
  ptrdiff_t stride_ = 0;
  uint8_t* base_[3] = {};
  std::vector<uint8_t> buf_, original_;
};

struct ErrorStats {
  int max_abs = 0;
  double mean_abs = 0, within2 = 0;
};

ErrorStats Compare(const Image& got, const Image& expected) {
  ErrorStats s;
  long long within = 0, sum = 0;
  for (size_t i = 0; i < got.pixels.size(); ++i) {
    const int d = std::abs(int(got.pixels[i]) - int(expected.pixels[i]));
    s.max_abs = std::max(s.max_abs, d);
    sum += d;
    within += d <= 2;
  }
  s.mean_abs = static_cast<double>(sum) / got.pixels.size();
  s.within2 = static_cast<double>(within) / got.pixels.size();
  return s;
}

Image Equalized(const Image& rgb, const RgbLayout& l, const histeq::LumaWeights& w,
                const histeq::Params& p) {
  RgbFrame f(rgb, l);
  histeq::RgbEqualizer eq;
  eq.Process(f.Planes(), rgb.width, rgb.height, w, p);
  EXPECT_TRUE(f.OthersIntact()) << l.name << ": alpha or padding changed";
  return f.Read();
}

TEST(Rgb, PhotographsWithinTolerance) {
  ErrorStats worst{0, 0, 1.0};
  for (const char* name : {"chelsea.ppm", "coffee.ppm"}) {
    const Image rgb = testimg::LoadTestPhoto(name);
    for (const auto& w : {histeq::LumaWeights::Bt709(), histeq::LumaWeights::Bt601(),
                          histeq::LumaWeights::Bt2020()}) {
      for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
        histeq::Params p;
        p.mode = mode;
        const Image expected = ref::RgbThroughLuma(rgb, w.kr, w.kb, [&](const Image& y) {
          return mode == histeq::Mode::kGlobal ? ref::Apply(y, ref::EqualizeLut(y))
                                               : ref::Clahe(y, 2.0, 8, 8);
        });
        for (const RgbLayout& l : kLayouts) {
          const ErrorStats s = Compare(Equalized(rgb, l, w, p), expected);
          EXPECT_GE(s.within2, 0.99) << name << " " << l.name;
          EXPECT_LE(s.max_abs, 4) << name << " " << l.name;
          worst.max_abs = std::max(worst.max_abs, s.max_abs);
          worst.mean_abs = std::max(worst.mean_abs, s.mean_abs);
          worst.within2 = std::min(worst.within2, s.within2);
        }
      }
    }
  }
  std::printf("RGB vs reference, worst case over photographs, matrices, modes, layouts: "
              "max |err| %d, mean |err| %.5f, within +-2: %.4f%%\n",
              worst.max_abs, worst.mean_abs, 100.0 * worst.within2);
}

TEST(Rgb, EveryLayoutGivesTheSameBytes) {
  // The 4-byte layouts take the vector path, RGB/BGR and GBR the scalar one:
  // all must agree byte for byte, at widths that leave vector tails.
  for (int width : {1, 3, 4, 5, 7, 8, 9, 31, 451}) {
    const Image src = testimg::LoadTestPhoto("chelsea.ppm");
    Image rgb;
    rgb.width = width;
    rgb.height = 13;
    rgb.channels = 3;
    for (int y = 0; y < 13; ++y)
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < 3; ++c) rgb.pixels.push_back(src.at(x, y * 20, c));
    for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
      histeq::Params p;
      p.mode = mode;
      const Image first = Equalized(rgb, kLayouts[0], histeq::LumaWeights::Bt709(), p);
      for (const RgbLayout& l : kLayouts)
        EXPECT_EQ(Equalized(rgb, l, histeq::LumaWeights::Bt709(), p).pixels, first.pixels)
            << l.name << " width " << width;
    }
  }
}

TEST(Rgb, HueKeptWhereNothingSaturates) {
  const Image rgb = testimg::LoadTestPhoto("coffee.ppm");
  const Image out = Equalized(rgb, kLayouts[0], histeq::LumaWeights::Bt709(), {});
  long long kept = 0;
  for (size_t i = 0; i < rgb.pixels.size(); i += 3) {
    bool saturated = false;
    for (int c = 0; c < 3; ++c) saturated = saturated || out.pixels[i + c] == 0 || out.pixels[i + c] == 255;
    if (saturated) continue;
    const int d0 = out.pixels[i] - rgb.pixels[i];
    ASSERT_EQ(out.pixels[i + 1] - rgb.pixels[i + 1], d0) << i;
    ASSERT_EQ(out.pixels[i + 2] - rgb.pixels[i + 2], d0) << i;
    ++kept;
  }
  EXPECT_GT(kept, static_cast<long long>(rgb.pixels.size() / 3 / 2));
}

TEST(Rgb, GreyStaysGreyAndStrengthZeroIsIdentity) {
  Image grey;
  grey.width = 40;
  grey.height = 30;
  grey.channels = 3;
  const Image y = testimg::MakeScene(40, 30, 3);
  for (uint8_t v : y.pixels) grey.pixels.insert(grey.pixels.end(), {v, v, v});
  const Image out = Equalized(grey, kLayouts[2], histeq::LumaWeights::Bt709(), {});
  const Image expected_y = ref::Apply(y, ref::EqualizeLut(y));
  for (size_t i = 0; i < y.pixels.size(); ++i)
    for (int c = 0; c < 3; ++c) ASSERT_EQ(out.pixels[i * 3 + c], expected_y.pixels[i]) << i;
  histeq::Params p;
  p.strength = 0;
  EXPECT_EQ(Equalized(grey, kLayouts[6], histeq::LumaWeights::Bt601(), p).pixels, grey.pixels);
}

TEST(Rgb, OddSizes) {
  for (int s : {1, 2, 3, 17}) {
    Image rgb;
    rgb.width = s;
    rgb.height = s + 2;
    rgb.channels = 3;
    std::mt19937 rng(static_cast<uint32_t>(s));
    for (int i = 0; i < rgb.width * rgb.height * 3; ++i) rgb.pixels.push_back(static_cast<uint8_t>(rng()));
    const auto w = histeq::LumaWeights::Bt709();
    const Image expected = ref::RgbThroughLuma(rgb, w.kr, w.kb, [](const Image& y) {
      return ref::Apply(y, ref::EqualizeLut(y));
    });
    for (const RgbLayout& l : kLayouts) {
      const ErrorStats e = Compare(Equalized(rgb, l, w, {}), expected);
      EXPECT_LE(e.max_abs, 4) << s << " " << l.name;
    }
  }
}

}  // namespace
