// The 8-bit histogram on every SIMD level (plain counting, the pair tables,
// the AVX-512 sorted bit counts) against a count written from the
// definition: 1x1 to rows longer than the counters' segments, every pixel
// step, padded rows ending at an unreadable page, flat frames at the edges
// of the counters' value classes, noise and photographs, pieces of a frame
// counted in any order.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "core_calls.h"
#include "histogram.h"
#include "threads.h"
#include "guarded_buffer.h"
#include "images.h"
#include "simd_levels.h"

namespace {

using histeq::SimdLevel;
using testsimd::Levels;
using testsimd::SimdCap;

// hist[v]: how many of the samples are v, one at a time.
std::vector<uint32_t> CountOneByOne(const uint8_t* data, ptrdiff_t stride, int width, int height,
                                    int step) {
  std::vector<uint32_t> hist(256, 0);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) ++hist[data[y * stride + static_cast<ptrdiff_t>(x) * step]];
  return hist;
}

// Kinds of picture: 0 a scene, 1 noise, 2-9 flat at the edges of the
// 64-value classes (0, 63, 64, 127, 128, 191, 192, 255), 10 two values in
// neighbouring classes, 11 every value in turn, 12 bars (runs that change
// value mid-vector), 13 a photograph, 14 bands of 100 rows of the
// photograph and of noise (pieces counted in pairs and sample by sample).
constexpr int kKinds = 15;
testimg::Image Picture(int kind, int width, int height) {
  static const uint8_t kEdges[] = {0, 63, 64, 127, 128, 191, 192, 255};
  const uint32_t seed = static_cast<uint32_t>(width * 31 + height + kind);
  switch (kind) {
    case 0: return testimg::MakeScene(width, height, seed);
    case 1: return testimg::MakeNoise(width, height, seed);
    case 10: return testimg::MakeTwoValued(width, height, 63, 64, seed);
    case 13:
    case 14: {
      const testimg::Image photo = testimg::LoadTestPhotoLuma("chelsea.ppm");
      const testimg::Image noise = testimg::MakeNoise(width, height, seed);
      testimg::Image img = testimg::MakeFlat(width, height, 0);
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
          img.at(x, y) = kind == 14 && y / 100 % 2 ? noise.at(x, y)
                                                   : photo.at(x % photo.width, y % photo.height);
      return img;
    }
    default: break;
  }
  testimg::Image img = testimg::MakeFlat(width, height, kind >= 2 && kind <= 9 ? kEdges[kind - 2] : 0);
  for (size_t i = 0; kind >= 11 && i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<uint8_t>(kind == 11 ? i : (i / 37) % 7 * 41);
  return img;
}

void ExpectSame(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want,
                const std::string& what) {
  for (int v = 0; v < 256; ++v) ASSERT_EQ(got[v], want[v]) << what << ", value " << v;
}

TEST(Histogram8, EveryLevelCountsEverySample) {
  const std::pair<int, int> sizes[] = {{1, 1},   {1, 9},    {7, 3},   {63, 5},    {64, 4},
                                       {65, 3},  {127, 17}, {200, 9}, {1283, 11}, {4099, 3},
                                       {33, 61}, {512, 300}};
  for (const auto& size : sizes) {
    const int width = size.first, height = size.second;
    for (int kind = 0; kind < kKinds; ++kind) {
      const testimg::Image img = Picture(kind, width, height);
      for (int step : {1, 2, 3, 4, 8}) {
        for (int padding : {0, 7}) {
          // Samples `step` bytes apart, `padding` more bytes after each row,
          // the last sample the last readable byte.
          const ptrdiff_t stride = static_cast<ptrdiff_t>(width) * step + padding;
          const size_t bytes = static_cast<size_t>(stride) * (height - 1) +
                               static_cast<size_t>(width - 1) * step + 1;
          testmem::GuardedBuffer buf(bytes);
          std::mt19937 rng(static_cast<uint32_t>(bytes));
          for (size_t i = 0; i < bytes; ++i) buf.data()[i] = static_cast<uint8_t>(rng());
          for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) buf.data()[y * stride + x * step] = img.at(x, y);
          const std::vector<uint32_t> want = CountOneByOne(buf.data(), stride, width, height, step);
          for (SimdLevel level : Levels()) {
            SimdCap cap(level);
            const std::string what = std::string(testsimd::Name(level)) + ", " +
                                     std::to_string(width) + "x" + std::to_string(height) +
                                     " kind " + std::to_string(kind) + " step " +
                                     std::to_string(step) + " padding " + std::to_string(padding);
            std::vector<uint32_t> got(256, 3);  // accumulates: starts at 3
            testcore::AccumulateHistogram8(buf.data(), stride, width, height, step, got.data());
            for (auto& c : got) c -= 3;
            ExpectSame(got, want, "AccumulateHistogram8, " + what);
            testcore::Histogram8(buf.data(), stride, width, height, step, got.data());
            ExpectSame(got, want, "Histogram8, " + what);
          }
        }
      }
    }
  }
}

TEST(Histogram8, WholeFramesEveryLevel) {
  // Frame sizes where the pair tables and the sorted counts take over (rows
  // of exactly one 16-sample step, and of one with a 15-sample tail, for the
  // pairs), padded rows, and one flat frame of 8 M samples in a single class (the
  // per-value byte counts widened many times over).
  const std::pair<int, int> sizes[] = {{512, 511}, {512, 512},   {1021, 257},  {8, 40000},
                                       {16, 20000}, {17, 20001}, {31, 9000},   {1920, 1080},
                                       {4000, 2000}};
  for (const auto& size : sizes) {
    for (int kind : {0, 1, 5, 9, 12, 13, 14}) {
      if (size.first == 4000 && kind != 9) continue;
      const testimg::Image img = Picture(kind, size.first, size.second);
      testimg::PaddedPlane plane(img, 1, 3);
      const std::vector<uint32_t> want =
          CountOneByOne(plane.data(), plane.stride(), img.width, img.height, 1);
      for (SimdLevel level : Levels()) {
        SimdCap cap(level);
        std::vector<uint32_t> got(256);
        testcore::Histogram8(plane.data(), plane.stride(), img.width, img.height, 1, got.data());
        ExpectSame(got, want, std::string(testsimd::Name(level)) + ", " +
                                  std::to_string(size.first) + "x" +
                                  std::to_string(size.second) + " kind " + std::to_string(kind));
      }
    }
  }
}

TEST(Histogram8, CounterTakesPiecesInAnyOrder) {
  // A plane cut into stripes of rows, the stripes counted in a scrambled
  // order by two counters (two threads' worth), added up: the counts one by
  // one, on every level, planar and with pixel steps.
  const std::pair<int, int> sizes[] = {{1920, 1080}, {1021, 700}, {17, 40001}, {15, 30000},
                                       {640, 360},   {3, 2000}};
  for (const auto& size : sizes) {
    for (int kind : {0, 1, 4, 13, 14}) {
      const testimg::Image img = Picture(kind, size.first, size.second);
      for (int step : {1, 2, 4}) {
        testimg::PaddedPlane plane(img, step, 5);
        const std::vector<uint32_t> want =
            CountOneByOne(plane.data(), plane.stride(), img.width, img.height, step);
        for (SimdLevel level : Levels()) {
          SimdCap cap(level);
          const int pieces = 13;
          const uint64_t samples = static_cast<uint64_t>(img.width) * img.height;
          histeq::HistogramCounter8 counters[2];
          for (auto& c : counters) c.Start(samples / 2, img.width, step);
          for (int k = 0; k < pieces; ++k) {
            const int i = (k * 5) % pieces;  // 0 5 10 2 7 12 ...
            int y0, y1;
            histeq::StripeRows(i, pieces, img.height, &y0, &y1);
            counters[k % 3 == 0].Add(testcore::PlaneOf(plane.data() + y0 * plane.stride(),
                                                       plane.stride(), img.width, y1 - y0, step));
          }
          std::vector<uint32_t> got(256, 0);
          for (auto& c : counters) c.Finish(got.data());
          ExpectSame(got, want,
                     std::string(testsimd::Name(level)) + ", " + std::to_string(size.first) + "x" +
                         std::to_string(size.second) + " kind " + std::to_string(kind) +
                         " step " + std::to_string(step));
          // Started again, a counter forgets the last count.
          counters[0].Start(samples, img.width, step);
          counters[0].Add(
              testcore::PlaneOf(plane.data(), plane.stride(), img.width, img.height, step));
          std::fill(got.begin(), got.end(), 0u);
          counters[0].Finish(got.data());
          ExpectSame(got, want, std::string("again, ") + testsimd::Name(level));
        }
      }
    }
  }
}

TEST(Histogram8, CounterForgetsPairsOfTheLastCount) {
  // The pair tables of a count are cleared when a later one first counts
  // in pairs: a photo (pairs), noise (sample by sample), the photo again.
  const int width = 1920, height = 1080;
  const uint64_t samples = static_cast<uint64_t>(width) * height;
  histeq::HistogramCounter8 counter;
  for (SimdLevel level : Levels()) {
    SimdCap cap(level);
    for (int kind : {13, 1, 13, 14, 13}) {
      const testimg::Image img = Picture(kind, width, height);
      const std::vector<uint32_t> want = CountOneByOne(img.pixels.data(), width, width, height, 1);
      counter.Start(samples, width, 1);
      counter.Add(testcore::PlaneOf(img.pixels.data(), width, width, height, 1));
      std::vector<uint32_t> got(256, 0);
      counter.Finish(got.data());
      ExpectSame(got, want, std::string(testsimd::Name(level)) + " kind " + std::to_string(kind));
    }
  }
}

}  // namespace
