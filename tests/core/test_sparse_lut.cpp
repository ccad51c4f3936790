// The sparse CLAHE of deep samples against the dense one it replaces: table
// entries over spans (BuildCdfLutSpan, and BuildClippedCdfLutSpan after
// ClipCounts) against ClipHistogram + BuildCdfLut over every bin, and whole planes through Clahe::ComputeLuts against
// ComputeHistograms + BuildLuts, at every SIMD level the CPU has.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "clahe.h"
#include "core_calls.h"
#include "histeq/equalizer.h"
#include "histeq/simd.h"
#include "histogram.h"
#include "lut.h"
#include "sample.h"
#include "images.h"
#include "simd_levels.h"

namespace {

using histeq::SimdLevel;

using testsimd::Levels;
using testsimd::SimdCap;

// A histogram of `pixels` counts over bins [lo, hi] of `bins`, shaped by
// `kind`: 0 uniform noise, 1 one bin, 2 two bins, 3 a few tall spikes over
// noise, 4 every other bin.
std::vector<uint32_t> MakeHistogram(int bins, int lo, int hi, uint64_t pixels, int kind,
                                    std::mt19937& rng) {
  std::vector<uint32_t> h(static_cast<size_t>(bins), 0);
  std::uniform_int_distribution<int> any(lo, hi);
  for (uint64_t i = 0; i < pixels; ++i) {
    int v;
    switch (kind) {
      case 1: v = lo; break;
      case 2: v = i % 2 ? lo : hi; break;
      case 3: v = i % 3 ? any(rng) : lo + static_cast<int>(i % 5) * ((hi - lo) / 5); break;
      default: v = any(rng); break;
    }
    if (kind == 4) v = lo + ((v - lo) & ~1);
    ++h[static_cast<size_t>(v)];
  }
  return h;
}

// cv::CLAHE's table from its definition, bin by bin: the histogram clipped
// at `limit` (0: not), the excess handed out (batch to every bin, the rest
// one each to bins 0, step, 2 step, ...), then the rounded cumulative sum.
std::vector<uint16_t> DenseTable(std::vector<uint32_t> h, int bins, uint64_t pixels,
                                 uint32_t limit, std::vector<uint32_t>* clipped_out) {
  if (limit > 0) {
    uint64_t clipped = 0;
    for (auto& c : h)
      if (c > limit) {
        clipped += c - limit;
        c = limit;
      }
    const uint32_t batch = static_cast<uint32_t>(clipped / static_cast<uint64_t>(bins));
    uint32_t residual = static_cast<uint32_t>(clipped % static_cast<uint64_t>(bins));
    for (auto& c : h) c += batch;
    if (residual != 0) {
      const uint32_t step = std::max<uint32_t>(static_cast<uint32_t>(bins) / residual, 1);
      for (uint32_t v = 0; v < static_cast<uint32_t>(bins) && residual > 0; v += step, --residual)
        ++h[v];
    }
  }
  std::vector<uint16_t> lut(static_cast<size_t>(bins));
  const float scale = static_cast<float>(bins - 1) / static_cast<float>(pixels);
  uint64_t sum = 0;
  for (int v = 0; v < bins; ++v) {
    sum += h[static_cast<size_t>(v)];
    const long r = std::lrint(static_cast<float>(sum) * scale);
    lut[static_cast<size_t>(v)] = static_cast<uint16_t>(std::min<long>(std::max<long>(r, 0), bins - 1));
  }
  *clipped_out = h;
  return lut;
}

TEST(SparseLut, SpansGiveTheDenseTableEntries) {
  std::mt19937 rng(17);
  int cases = 0;
  for (int bins : {1024, 4096, 65536}) {
    for (uint64_t pixels : {uint64_t{1}, uint64_t{3}, uint64_t{777}, uint64_t{32400}, uint64_t{129600}}) {
      for (int kind = 0; kind < 5; ++kind) {
        for (double clip : {0.0, 1.0, 2.0, 40.0}) {
          const int lo = static_cast<int>(rng() % static_cast<unsigned>(bins));
          const int hi = std::min(bins - 1, lo + static_cast<int>(rng() % 20000u));
          const std::vector<uint32_t> hist = MakeHistogram(bins, lo, hi, pixels, kind, rng);
          const uint32_t limit = histeq::ClipLimitCount(clip, pixels, bins);
          // The dense table, as cv::CLAHE builds it.
          std::vector<uint32_t> clipped;
          const std::vector<uint16_t> dense = DenseTable(hist, bins, pixels, limit, &clipped);
          const histeq::ClipSpread spread = histeq::ClipSpread::Make(
              limit, histeq::ClippedCounts(hist.data(), lo, hi + 1, limit), bins);
          for (int v : {0, lo, hi, bins - 1})
            ASSERT_EQ(static_cast<uint64_t>(clipped[static_cast<size_t>(v)]),
                      spread.Added(v) - (v > 0 ? spread.Added(v - 1) : 0) +
                          (limit ? std::min(hist[static_cast<size_t>(v)], limit)
                                 : hist[static_cast<size_t>(v)]))
                << "bin " << v;
          // The spans: the tile's own values, then below and above them, as
          // Clahe fills them; and spans of odd lengths at odd places.
          const int below_lo = std::max(0, lo - static_cast<int>(rng() % 3000u) - 1);
          const int above_hi = std::min(bins, hi + 1 + static_cast<int>(rng() % 3000u));
          for (SimdLevel level : Levels()) {
            SimdCap cap(level);
            std::vector<uint16_t> sparse(static_cast<size_t>(bins), 0xDEAD);
            const uint64_t kept = histeq::BuildCdfLutSpan(hist.data(), lo, hi + 1, 0, spread,
                                                          pixels, bins, sparse.data());
            histeq::BuildCdfLutSpan(nullptr, below_lo, lo, 0, spread, pixels, bins,
                                    sparse.data());
            histeq::BuildCdfLutSpan(nullptr, hi + 1, above_hi, kept, spread, pixels, bins,
                                    sparse.data());
            // The same after clipping in place, adding the counts to a share.
            std::vector<uint32_t> in_place = hist;
            std::vector<uint32_t> share(static_cast<size_t>(bins), 5);
            const uint64_t excess =
                histeq::ClipCounts(in_place.data(), lo, hi + 1, limit, share.data());
            ASSERT_EQ(histeq::ClipSpread::Make(limit, excess, bins).residual, spread.residual);
            ASSERT_EQ(excess, histeq::ClippedCounts(hist.data(), lo, hi + 1, limit));
            for (int v = lo; v <= hi; ++v) {
              const uint32_t h = hist[static_cast<size_t>(v)];
              ASSERT_EQ(in_place[static_cast<size_t>(v)], limit ? std::min(h, limit) : h);
              ASSERT_EQ(share[static_cast<size_t>(v)], 5 + h);
            }
            std::vector<uint16_t> clipped_path(static_cast<size_t>(bins), 0xDEAD);
            ASSERT_EQ(histeq::BuildClippedCdfLutSpan(in_place.data(), lo, hi + 1, 0, spread,
                                                     pixels, bins, clipped_path.data()),
                      kept);
            histeq::BuildCdfLutSpan(nullptr, below_lo, lo, 0, spread, pixels, bins,
                                    clipped_path.data());
            histeq::BuildCdfLutSpan(nullptr, hi + 1, above_hi, kept, spread, pixels, bins,
                                    clipped_path.data());
            for (int v = 0; v < bins; ++v) {
              const uint16_t want = v >= below_lo && v < above_hi ? dense[static_cast<size_t>(v)]
                                                                  : uint16_t{0xDEAD};
              ASSERT_EQ(sparse[static_cast<size_t>(v)], want)
                  << "bins " << bins << " pixels " << pixels << " kind " << kind << " clip "
                  << clip << " level " << static_cast<int>(level) << " value " << v << " span ["
                  << lo << ", " << hi << "]";
              ASSERT_EQ(clipped_path[static_cast<size_t>(v)], want)
                  << "clipped in place: bins " << bins << " pixels " << pixels << " kind "
                  << kind << " clip " << clip << " level " << static_cast<int>(level)
                  << " value " << v;
            }
            ++cases;
          }
        }
      }
    }
  }
  // Every combination on every level.
  EXPECT_EQ(cases, 3 * 5 * 5 * 4 * static_cast<int>(Levels().size()));
}

TEST(SparseLut, WordRangeEveryPath) {
  // Blocks of odd widths at odd byte offsets in padded rows; the padding
  // holds 0 and 0xffff, which must not count.
  std::mt19937 rng(3);
  for (int width : {1, 7, 15, 16, 17, 33, 100}) {
    for (int height : {1, 3}) {
      const ptrdiff_t stride = 2 * width + 7;
      std::vector<uint8_t> buf(static_cast<size_t>(stride) * height + 1, 0);
      uint8_t* data = buf.data() + 1;
      for (int y = 0; y < height; ++y)
        for (ptrdiff_t i = 2 * width; i < stride; ++i) data[y * stride + i] = i % 2 ? 0xff : 0;
      int lo = 70000, hi = -1;
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const int v = 1000 + static_cast<int>(rng() % 60000u);
          data[y * stride + 2 * x] = static_cast<uint8_t>(v);
          data[y * stride + 2 * x + 1] = static_cast<uint8_t>(v >> 8);
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      for (SimdLevel level : Levels()) {
        SimdCap cap(level);
        const histeq::ValueRange r = histeq::WordRange(data, stride, width, height);
        ASSERT_EQ(r.lo, lo) << width << "x" << height << " level " << static_cast<int>(level);
        ASSERT_EQ(r.hi, hi) << width << "x" << height << " level " << static_cast<int>(level);
      }
    }
  }
}

struct Grid {
  double clip_limit;
  int tiles_x, tiles_y;
};

// Clahe's two routes over a plane of deep samples, byte for byte: the tables
// made while counting, for the values in use, or kept histograms and whole
// tables.
std::vector<uint8_t> RunClahe(const std::vector<uint8_t>& input, ptrdiff_t stride, int width,
                              int height, int step, const histeq::SampleFormat& f, const Grid& p,
                              histeq::Range range, double strength, bool sparse) {
  std::vector<uint8_t> out = input;
  const histeq::Plane plane = testcore::PlaneOf(out.data(), stride, width, height, step, f);
  histeq::Clahe clahe;
  const histeq::TileGrid grid = histeq::TileGrid::Make(width, height, p.tiles_x, p.tiles_y);
  histeq::TableParams tables;
  tables.clip_limit = p.clip_limit;
  tables.range = range;
  tables.strength = strength;
  if (sparse) {
    clahe.Count(plane, grid, &tables, nullptr);
  } else {
    clahe.Count(plane, grid, nullptr, nullptr);
    clahe.BuildLuts(plane, nullptr, tables);
  }
  clahe.Interpolate(plane);
  return out;
}

TEST(SparseLut, ClaheSameBytesAsDenseTables) {
  struct Case {
    int width, height, depth, shift, step;
    bool big_endian;
    Grid params;
    histeq::Range range;
    double strength;
  };
  const Case cases[] = {
      {1, 1, 16, 0, 2, false, {2.0, 8, 8}, histeq::Range::kFull, 1.0},
      {37, 23, 16, 0, 2, false, {2.0, 8, 8}, histeq::Range::kFull, 1.0},
      {161, 90, 16, 0, 2, false, {40.0, 3, 5}, histeq::Range::kFull, 1.0},
      {161, 90, 16, 0, 2, false, {0.0, 8, 8}, histeq::Range::kFull, 1.0},
      {200, 120, 16, 0, 4, false, {2.0, 8, 8}, histeq::Range::kLimited, 1.0},
      {99, 71, 16, 0, 2, true, {2.0, 4, 4}, histeq::Range::kFull, 0.6},
      {130, 64, 10, 6, 2, false, {2.0, 8, 8}, histeq::Range::kLimited, 1.0},
      {77, 50, 12, 0, 2, false, {4.0, 16, 9}, histeq::Range::kFull, 1.0},
      {640, 360, 16, 0, 2, false, {2.0, 8, 8}, histeq::Range::kFull, 1.0},
  };
  for (const Case& c : cases) {
    histeq::SampleFormat f;
    f.depth = c.depth;
    f.shift = c.shift;
    f.big_endian = c.big_endian;
    const ptrdiff_t stride = static_cast<ptrdiff_t>(c.width) * c.step + 10;
    const testimg::Image scene = testimg::MakeScene(c.width, c.height, 5);
    std::vector<uint8_t> input(static_cast<size_t>(stride) * c.height);
    std::mt19937 rng(static_cast<uint32_t>(c.width));
    for (auto& b : input) b = static_cast<uint8_t>(rng());  // padding and gaps
    const histeq::WideCodec codec(f);
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) {
        const uint32_t v = (static_cast<uint32_t>(scene.at(x, y)) << (c.depth - 8)) |
                           (rng() & ((1u << (c.depth - 8)) - 1));
        codec.Write(&input[static_cast<size_t>(y * stride + x * c.step)], v);
      }
    const std::vector<uint8_t> dense =
        RunClahe(input, stride, c.width, c.height, c.step, f, c.params, c.range, c.strength, false);
    for (SimdLevel level : Levels()) {
      SimdCap cap(level);
      const std::vector<uint8_t> sparse =
          RunClahe(input, stride, c.width, c.height, c.step, f, c.params, c.range, c.strength, true);
      ASSERT_EQ(sparse, dense) << c.width << "x" << c.height << " depth " << c.depth << " step "
                               << c.step << " level " << static_cast<int>(level);
    }
    // The dense route changed something: the comparison means something.
    EXPECT_NE(dense, input) << c.width << "x" << c.height;
  }
}

TEST(SparseLut, EqualizerSwitchesRoutesWithSmoothing) {
  // Smoothing on keeps the tile histograms (the dense route), off drops
  // them; a frame right after each switch is equalized as a fresh start.
  const int w = 96, h = 64;
  histeq::SampleFormat f;
  f.depth = 16;
  std::vector<std::vector<uint8_t>> frames;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const testimg::Image scene = testimg::MakeScene(w, h, seed);
    std::vector<uint8_t> plane(static_cast<size_t>(w) * h * 2);
    for (int i = 0; i < w * h; ++i) {
      const uint16_t v = static_cast<uint16_t>(scene.pixels[static_cast<size_t>(i)] << 8 | (i * 37 & 0xff));
      plane[2 * static_cast<size_t>(i)] = static_cast<uint8_t>(v);
      plane[2 * static_cast<size_t>(i) + 1] = static_cast<uint8_t>(v >> 8);
    }
    frames.push_back(plane);
  }
  histeq::Params p;
  p.mode = histeq::Mode::kAdaptive;
  histeq::Equalizer eq;
  for (int round = 0; round < 2; ++round) {
    for (int smoothing : {0, 5, 0}) {
      p.smoothing = smoothing;
      for (const auto& frame : frames) {
        std::vector<uint8_t> got = frame;
        histeq::FrameReport report;
        eq.Process(testcore::PlaneOf(got.data(), w * 2, w, h, 2, f), p, &report);
        if (smoothing == 0 || report.scene_cut) {
          histeq::Equalizer fresh;
          histeq::Params q = p;
          q.smoothing = 0;
          std::vector<uint8_t> want = frame;
          fresh.Process(testcore::PlaneOf(want.data(), w * 2, w, h, 2, f), q);
          ASSERT_EQ(got, want) << "smoothing " << smoothing;
        }
      }
    }
  }
}

}  // namespace
