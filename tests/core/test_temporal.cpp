// Temporal smoothing: the moving average, scene cuts, resets, and the
// double-precision tables against the exact ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "lut.h"
#include "temporal.h"
#include "threads.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;

// The exact per-frame result for `img` (smoothing 0).
Image PerFrame(const Image& img, const histeq::Params& p) {
  histeq::Params q = p;
  q.smoothing = 0;
  Image out = img;
  histeq::Equalizer eq;
  eq.Process(testcore::PlaneOf(out.pixels.data(), out.width, out.width, out.height, 1), q);
  return out;
}

Image Feed(histeq::Equalizer& eq, const Image& img, const histeq::Params& p,
          histeq::FrameReport* report = nullptr) {
  Image out = img;
  eq.Process(testcore::PlaneOf(out.pixels.data(), out.width, out.width, out.height, 1), p, report);
  return out;
}

int MaxAbsDiff(const Image& a, const Image& b) {
  int m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i)
    m = std::max(m, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return m;
}

histeq::Params Smoothed(histeq::Mode mode, int frames) {
  histeq::Params p;
  p.mode = mode;
  p.smoothing = frames;
  return p;
}

TEST(Temporal, WeightFromTimeConstant) {
  EXPECT_EQ(histeq::SmoothingWeight(0), 1.0);
  EXPECT_NEAR(histeq::SmoothingWeight(1), 1.0 - std::exp(-1.0), 1e-12);
  EXPECT_NEAR(histeq::SmoothingWeight(10), 0.09516258, 1e-8);
}

TEST(Temporal, DistanceIsLargestCdfGap) {
  std::array<uint32_t, 256> a{};
  std::array<double, 256> b{};
  a[10] = 100;
  b[10] = 1.0;
  EXPECT_DOUBLE_EQ(histeq::HistogramDistance(a.data(), 100, b.data()), 0.0);
  b[10] = 0.0;
  b[200] = 1.0;
  EXPECT_DOUBLE_EQ(histeq::HistogramDistance(a.data(), 100, b.data()), 1.0);
  // A fifth of the samples moved from 10 to 200.
  a[10] = 80;
  a[200] = 20;
  b[10] = 1.0;
  b[200] = 0.0;
  EXPECT_NEAR(histeq::HistogramDistance(a.data(), 100, b.data()), 0.2, 1e-12);
}

TEST(Temporal, DeepDistanceSameOnAnyThreadsAndByDefinition) {
  // 65536 bins, summed in blocks that threads may share: the same double on
  // 1, 2 and 3 threads, and the largest CDF gap as summed straight through
  // in long double, whether the gap peaks inside a block or at its edge.
  histeq::ThreadPool two(2), three(3);
  std::mt19937 rng(11);
  constexpr int kBins = 65536;
  for (int kind = 0; kind < 5; ++kind) {
    std::vector<uint32_t> a(kBins, 0);
    std::vector<double> b(kBins, 0.0);
    uint64_t total = 0;
    for (int v = 0; v < kBins; ++v) {
      // 0 noise against a shifted copy, 1 disjoint halves, 2 one spike
      // each, 3 gap peaking at a block edge (4096), 4 empty a-side block.
      const bool on = kind == 1 ? v < kBins / 2 : kind == 4 ? (v / 4096) % 2 == 0 : true;
      a[v] = kind == 2 ? (v == 30000) * 1000u : on ? static_cast<uint32_t>(rng() % 50) : 0u;
      if (kind == 3) a[v] = v < 4096 ? 10u : 1u;
      total += a[v];
    }
    double b_sum = 0.0;
    for (int v = 0; v < kBins; ++v) {
      const int src = kind == 0 ? (v + 700) % kBins : kind == 1 ? kBins - 1 - v : v;
      b[v] = kind == 2 ? (v == 41000) : kind == 3 ? 1.0 : static_cast<double>(a[src]) + 0.5;
      b_sum += b[v];
    }
    for (auto& x : b) x /= b_sum;
    long double ca = 0, cb = 0, want = 0;
    for (int v = 0; v < kBins; ++v) {
      ca += static_cast<long double>(a[v]) / total;
      cb += b[v];
      want = std::max(want, std::fabs(ca - cb));
    }
    const double one = histeq::HistogramDistance(a.data(), total, b.data(), kBins);
    EXPECT_NEAR(one, static_cast<double>(want), 1e-12) << "kind " << kind;
    EXPECT_EQ(histeq::HistogramDistance(a.data(), total, b.data(), kBins, &two), one) << kind;
    EXPECT_EQ(histeq::HistogramDistance(a.data(), total, b.data(), kBins, &three), one) << kind;
  }
}

TEST(Temporal, SmoothingZeroIsExactEveryFrame) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Equalizer eq;
    const histeq::Params p = Smoothed(mode, 0);
    for (uint32_t seed = 1; seed <= 5; ++seed) {
      const Image img = testimg::MakeScene(96, 64, seed);
      EXPECT_EQ(Feed(eq, img, p).pixels, PerFrame(img, p).pixels) << seed;
    }
  }
}

TEST(Temporal, FirstFrameIsExact) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Equalizer eq;
    const Image img = testimg::LoadTestPhotoLuma("camera.pgm");
    const histeq::Params p = Smoothed(mode, 10);
    EXPECT_EQ(Feed(eq, img, p).pixels, PerFrame(img, p).pixels);
  }
}

TEST(Temporal, StaticSceneStaysWithinOneOfPerFrame) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    for (double clip : {0.0, 3.0}) {
      histeq::Equalizer eq;
      histeq::Params p = Smoothed(mode, 10);
      p.clip_limit = clip;
      const Image img = testimg::LoadTestPhotoLuma("chelsea.ppm");
      const Image exact = PerFrame(img, p);
      for (int i = 0; i < 30; ++i)
        ASSERT_LE(MaxAbsDiff(Feed(eq, img, p), exact), 1)
            << "frame " << i << (mode == histeq::Mode::kAdaptive ? " adaptive" : " global")
            << " clip " << clip;
    }
  }
}

TEST(Temporal, AverageFollowsSlowly) {
  // Scene A for a while, then B with cuts disabled: the mapping moves from
  // A's towards B's over about `smoothing` frames, never jumping.
  const Image a = testimg::MakeScene(128, 96, 1);
  Image b = a;
  for (auto& v : b.pixels) v = static_cast<uint8_t>(std::min(255, v + 40));
  histeq::Equalizer eq;
  histeq::Params p = Smoothed(histeq::Mode::kGlobal, 10);
  p.scene_threshold = 1.0;
  for (int i = 0; i < 20; ++i) Feed(eq, a, p);
  const Image exact_b = PerFrame(b, p);
  int previous = MaxAbsDiff(Feed(eq, b, p), exact_b);
  EXPECT_GT(previous, 10);  // not there at once
  for (int i = 0; i < 60; ++i) {
    const int d = MaxAbsDiff(Feed(eq, b, p), exact_b);
    EXPECT_LE(d, previous + 1) << "frame " << i;
    previous = d;
  }
  EXPECT_LE(previous, 1);  // and there after 6 time constants
}

TEST(Temporal, SceneCutRestartsAtOnce) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    const Image a = testimg::LoadTestPhotoLuma("camera.pgm");
    const Image b = testimg::LoadTestPhotoLuma("coffee.ppm");
    const Image b_crop = [&] {
      Image c;
      c.width = a.width;
      c.height = a.height;
      for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) c.pixels.push_back(b.at(x % b.width, y % b.height));
      return c;
    }();
    histeq::Equalizer eq;
    const histeq::Params p = Smoothed(mode, 15);
    histeq::FrameReport r;
    for (int i = 0; i < 10; ++i) {
      Feed(eq, a, p, &r);
      EXPECT_FALSE(r.scene_cut);
    }
    EXPECT_EQ(Feed(eq, b_crop, p, &r).pixels, PerFrame(b_crop, p).pixels);
    EXPECT_TRUE(r.scene_cut);
    EXPECT_GT(r.distance, p.scene_threshold);
  }
}

TEST(Temporal, ResetAndGridChangeStartAfresh) {
  const Image a = testimg::MakeScene(120, 80, 3);
  Image b = a;
  for (auto& v : b.pixels) v = static_cast<uint8_t>(v / 2);
  histeq::Params p = Smoothed(histeq::Mode::kAdaptive, 20);
  p.scene_threshold = 1.0;  // only the reset may restart
  histeq::Equalizer eq;
  for (int i = 0; i < 5; ++i) Feed(eq, a, p);
  EXPECT_NE(Feed(eq, b, p).pixels, PerFrame(b, p).pixels);  // averaging
  eq.Reset();
  EXPECT_EQ(Feed(eq, b, p).pixels, PerFrame(b, p).pixels);
  for (int i = 0; i < 5; ++i) Feed(eq, a, p);
  p.tiles_x = 4;  // a new grid: the old tiles' averages mean nothing
  EXPECT_EQ(Feed(eq, b, p).pixels, PerFrame(b, p).pixels);
  for (int i = 0; i < 5; ++i) Feed(eq, a, p);
  p.mode = histeq::Mode::kGlobal;
  EXPECT_EQ(Feed(eq, b, p).pixels, PerFrame(b, p).pixels);
}

TEST(Temporal, ReportsInputHistogram) {
  const Image img = testimg::MakeNoise(50, 30, 2);
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Equalizer eq;
    histeq::FrameReport r;
    Feed(eq, img, Smoothed(mode, 5), &r);
    ASSERT_NE(r.histogram_in, nullptr);
    std::array<uint32_t, 256> expect{};
    for (uint8_t v : img.pixels) ++expect[v];
    for (int v = 0; v < 256; ++v) ASSERT_EQ(r.histogram_in[v], expect[v]) << v;
    EXPECT_EQ(r.pixels, 1500u);
  }
}

TEST(SmoothedLut, EqualizeMatchesExactWithinOne) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    std::array<uint32_t, 256> h{};
    const int lo = static_cast<int>(rng() % 200), span = 1 + static_cast<int>(rng() % 56);
    uint64_t n = 0;
    for (int k = 0; k < 1000; ++k) {
      ++h[lo + rng() % span];
      ++n;
    }
    std::array<double, 256> p{};
    for (int v = 0; v < 256; ++v) p[v] = h[v] / static_cast<double>(n);
    std::array<uint8_t, 256> exact{}, smooth{};
    const bool e = histeq::BuildEqualizeLut(h.data(), 256, exact.data());
    const bool s = histeq::BuildEqualizeLutSmoothed(p.data(), 256, n, smooth.data());
    ASSERT_EQ(e, s);
    for (int v = 0; v < 256; ++v) {
      if (h[v]) {
        ASSERT_LE(std::abs(exact[v] - smooth[v]), 1) << trial << " " << v;
      }
    }
  }
}

TEST(SmoothedLut, ClippedCdfMatchesExactWithinOne) {
  const Image img = testimg::MakeScene(64, 64, 2);
  std::array<uint32_t, 256> h{};
  for (uint8_t v : img.pixels) ++h[v];
  for (double clip : {1.0, 2.0, 4.0}) {
    const uint32_t limit = histeq::ClipLimitCount(clip, 4096, 256);
    std::array<double, 256> p{};
    for (int v = 0; v < 256; ++v) p[v] = h[v] / 4096.0;
    std::array<uint8_t, 256> exact{}, smooth{};
    histeq::BuildClaheLut(h.data(), 256, 4096, limit, exact.data());
    histeq::BuildCdfLutSmoothed(p.data(), 256, 4096, limit, smooth.data());
    for (int v = 0; v < 256; ++v) ASSERT_LE(std::abs(exact[v] - smooth[v]), 1) << clip << " " << v;
  }
}

// The clipped table of a distribution from its definition (lut.h),
// written out plainly: the excess as the sum of every bin's max(0, count -
// limit) in order; batch its whole share of a bin (with OpenCV's tolerance
// of 1e-6 of a count), the remainder handed out a count at a time from bin
// 0 every `step` bins; the running sum scaled and rounded half away.
std::vector<uint32_t> SmoothedTableByDefinition(const std::vector<double>& p, uint64_t pixels,
                                                uint32_t limit) {
  const int bins = static_cast<int>(p.size());
  const double n = static_cast<double>(pixels);
  double excess = 0.0;
  for (int v = 0; v < bins && limit > 0; ++v) excess += std::max(0.0, p[v] * n - limit);
  double batch = 0.0, rest = 0.0;
  int step = bins;
  if (excess > 0.0) {
    batch = std::floor(excess / bins + 1e-6 / bins);
    rest = std::max(0.0, excess - batch * bins);
    if (rest > 1e-6) {
      const int whole = static_cast<int>(std::floor(rest + 1e-6));
      if (whole > 0) step = std::max(bins / whole, 1);
    } else {
      rest = 0.0;
    }
  }
  std::vector<uint32_t> lut(p.size());
  double cum = 0.0;
  for (int v = 0; v < bins; ++v) {
    double c = p[v] * n;
    if (limit > 0 && c > limit) c = limit;
    c += batch;
    if (rest > 0.0 && v % step == 0) {
      const double add = std::min(1.0, rest);
      c += add;
      rest -= add;
    }
    cum += c;
    lut[v] = static_cast<uint32_t>(std::clamp<long>(std::lround(cum * (bins - 1) / n), 0, bins - 1));
  }
  return lut;
}

TEST(SmoothedLut, ClippedCdfByDefinition) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 400; ++trial) {
    const int bins = trial % 3 == 2 ? 4096 : 256;
    const uint64_t pixels = 1 + rng() % 100000;
    // Distributions of counts (some exactly at the limit, some far over),
    // averaged: fractions of a count.
    std::vector<double> p(static_cast<size_t>(bins));
    const uint32_t limit = trial % 5 == 0 ? 0 : histeq::ClipLimitCount(1.0 + trial % 7, pixels, bins);
    double sum = 0.0;
    for (auto& x : p) {
      const int kind = static_cast<int>(rng() % 4);
      x = kind == 0 ? 0.0 : kind == 1 ? limit : kind == 2 ? (rng() % 1000) / 7.0 : rng() % 5;
      sum += x;
    }
    if (sum == 0.0) p[0] = sum = 1.0;
    for (auto& x : p) x /= sum;
    const std::vector<uint32_t> want = SmoothedTableByDefinition(p, pixels, limit);
    if (bins == 256) {
      std::vector<uint8_t> got(256);
      histeq::BuildCdfLutSmoothed(p.data(), bins, pixels, limit, got.data());
      for (int v = 0; v < bins; ++v) ASSERT_EQ(got[v], want[v]) << trial << " " << v;
    } else {
      std::vector<uint16_t> got(static_cast<size_t>(bins));
      histeq::BuildCdfLutSmoothed(p.data(), bins, pixels, limit, got.data());
      for (int v = 0; v < bins; ++v) ASSERT_EQ(got[v], want[v]) << trial << " " << v;
    }
  }
}

}  // namespace
