// Every vector path against the scalar one, byte for byte: odd widths,
// unaligned pointers, padded rows, and planes that end exactly at a page
// boundary with an unreadable page after it (an over-read crashes). The
// 8-bit histogram's paths are in test_histogram.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core_calls.h"
#include "histeq/rgb.h"
#include "histeq/simd.h"
#include "kernels/any.h"
#include "kernels/kernels.h"
#include "images.h"
#include "guarded_buffer.h"
#include "simd_levels.h"

namespace {

using histeq::SimdLevel;

using testsimd::Levels;
using testsimd::SimdCap;

using testmem::GuardedBuffer;

TEST(Simd, ReportsLevels) {
  std::string levels;
  for (SimdLevel l : Levels()) levels += std::string(" ") + testsimd::Name(l);
  std::printf("SIMD levels the tests compare:%s (this CPU has up to %s)\n", levels.c_str(),
              testsimd::Name(histeq::DetectedSimd()));
  EXPECT_GE(Levels().size(), 1u);
  EXPECT_EQ(Levels().front(), SimdLevel::kScalar);
}

TEST(Simd, ApplyLutEveryPathSameBytes) {
  uint8_t lut[256];
  std::mt19937 rng(3);
  for (auto& v : lut) v = static_cast<uint8_t>(rng());
  for (int width : {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 127, 128, 129, 1000}) {
    for (int offset : {0, 1, 3, 7, 15, 31}) {
      for (int padding : {0, 5}) {
        const int height = 5;
        const ptrdiff_t stride = width + padding;
        const size_t size = static_cast<size_t>(stride) * (height - 1) + width + offset;
        std::vector<uint8_t> input(size);
        for (auto& b : input) b = static_cast<uint8_t>(rng());
        std::vector<uint8_t> expected;
        for (SimdLevel level : Levels()) {
          SimdCap cap(level);
          GuardedBuffer buf(size);
          std::memcpy(buf.data(), input.data(), size);
          const histeq::kernels::Kernels& k = histeq::kernels::Active();
          for (int y = 0; y < height; ++y)
            histeq::kernels::RunRow<1>(buf.data() + offset + y * stride, 1, width, k.apply8_block,
                                       [&](uint8_t* p, int, int, int n) { k.apply8(p, n, lut, 0, 255); });
          std::vector<uint8_t> got(buf.data(), buf.data() + size);
          if (level == SimdLevel::kScalar) {
            expected = got;
            // The scalar path itself, against the definition.
            for (int y = 0; y < height; ++y)
              for (int x = 0; x < width; ++x) {
                const size_t o = offset + y * stride + x;
                ASSERT_EQ(got[o], lut[input[o]]);
              }
            for (size_t i = 0; i < static_cast<size_t>(offset); ++i) ASSERT_EQ(got[i], input[i]);
          } else {
            ASSERT_EQ(got, expected) << "level " << static_cast<int>(level) << " width " << width
                                     << " offset " << offset << " padding " << padding;
          }
        }
      }
    }
  }
}

// Samples within a range, which the kernels may look up in part of the
// table: every count of 16-entry rows, ranges at the table's ends and
// across its halves, widths with tails.
TEST(Simd, ApplyLutWithinRangeEveryPathSameBytes) {
  uint8_t lut[256];
  std::mt19937 rng(5);
  for (auto& v : lut) v = static_cast<uint8_t>(rng());
  std::vector<std::pair<int, int>> ranges = {{0, 0}, {255, 255}, {0, 20}, {120, 136},
                                             {100, 160}, {4, 194}, {1, 255}, {0, 254}};
  for (int len = 1; len <= 256; len += 5)
    for (int lo : {0, 3, 128 - len / 2, 256 - len})
      if (lo >= 0 && lo + len <= 256) ranges.emplace_back(lo, lo + len - 1);
  for (const auto& r : ranges) {
    for (int width : {1, 31, 32, 33, 64, 100, 1000}) {
      std::uniform_int_distribution<int> value(r.first, r.second);
      std::vector<uint8_t> input(static_cast<size_t>(width));
      for (auto& b : input) b = static_cast<uint8_t>(value(rng));
      for (SimdLevel level : Levels()) {
        SimdCap cap(level);
        GuardedBuffer buf(input.size());
        std::memcpy(buf.data(), input.data(), input.size());
        const histeq::kernels::Kernels& k = histeq::kernels::Active();
        histeq::kernels::RunRow<1>(buf.data(), 1, width, k.apply8_block,
                                   [&](uint8_t* p, int, int, int n) {
                                     k.apply8(p, n, lut, r.first, r.second);
                                   });
        for (int x = 0; x < width; ++x)
          ASSERT_EQ(buf.data()[x], lut[input[static_cast<size_t>(x)]])
              << "level " << static_cast<int>(level) << " range " << r.first << ".." << r.second
              << " width " << width << " x " << x;
      }
    }
  }
}

TEST(Simd, ClaheInterpolationEveryPathSameBytes) {
  // Spans (columns between two tile centres) narrower than a vector, of
  // many 64-sample blocks and a partial one (1283 columns, 3 tiles: 213 and
  // 428), and exactly 64 (512 columns, 4 tiles: 64 and 128).
  for (auto size : {std::make_pair(1, 8), std::make_pair(3, 8), std::make_pair(4, 8),
                    std::make_pair(5, 8), std::make_pair(7, 8), std::make_pair(33, 8),
                    std::make_pair(385, 8), std::make_pair(1283, 3), std::make_pair(512, 4)}) {
    const int width = size.first, tiles = size.second;
    for (int step : {1, 2, 4}) {
      const testimg::Image img = testimg::MakeScene(width, 37, static_cast<uint32_t>(width));
      std::vector<uint8_t> expected;
      for (SimdLevel level : Levels()) {
        SimdCap cap(level);
        testimg::PaddedPlane plane(img, step, 3);
        histeq::Clahe clahe;
        testcore::ClaheApply(&clahe, testcore::PlaneOf(plane.data(), plane.stride(), width, 37, step),
                             2.0, tiles, tiles);
        ASSERT_TRUE(plane.NonSamplesIntact());
        const std::vector<uint8_t> got = plane.Samples().pixels;
        if (level == SimdLevel::kScalar)
          expected = got;
        else
          ASSERT_EQ(got, expected) << "level " << static_cast<int>(level) << " width " << width
                                   << " step " << step;
      }
    }
  }
}

TEST(Simd, ClaheInterpolation16EveryPathSameBytes) {
  // 16-bit words in padded rows (step 2: the gather path; step 4: words
  // with a gap after each), a scene with random low bits so that every
  // table entry is in play; the padding must come out untouched.
  for (int width : {1, 15, 16, 17, 31, 33, 385}) {
    for (int step : {2, 4}) {
      const int height = 29;
      const testimg::Image img = testimg::MakeScene(width, height, static_cast<uint32_t>(width));
      const ptrdiff_t stride = static_cast<ptrdiff_t>(width) * step + 6;
      std::vector<uint8_t> input(static_cast<size_t>(stride) * height);
      std::mt19937 rng(static_cast<uint32_t>(width * 10 + step));
      for (auto& b : input) b = static_cast<uint8_t>(rng());
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const uint16_t v = static_cast<uint16_t>(img.at(x, y) << 8 | (rng() & 0xff));
          input[y * stride + x * step] = static_cast<uint8_t>(v);
          input[y * stride + x * step + 1] = static_cast<uint8_t>(v >> 8);
        }
      histeq::SampleFormat format;
      format.depth = 16;
      std::vector<uint8_t> expected;
      for (SimdLevel level : Levels()) {
        SimdCap cap(level);
        std::vector<uint8_t> got = input;
        histeq::Clahe clahe;
        testcore::ClaheApply(&clahe, testcore::PlaneOf(got.data(), stride, width, height, step, format),
                             2.0, 8, 8);
        for (int y = 0; y < height; ++y)
          for (ptrdiff_t i = 0; i < stride; ++i)
            if (i >= static_cast<ptrdiff_t>(width) * step || i % step >= 2) {
              ASSERT_EQ(got[y * stride + i], input[y * stride + i]) << "a byte not a sample";
            }
        if (level == SimdLevel::kScalar)
          expected = got;
        else
          ASSERT_EQ(got, expected) << "level " << static_cast<int>(level) << " width " << width
                                   << " step " << step;
      }
    }
  }
}

TEST(Simd, RgbPacked4EveryPathSameBytes) {
  const testimg::Image photo = testimg::LoadTestPhoto("coffee.ppm");
  for (int width : {1, 3, 4, 5, 9, 600}) {
    std::vector<uint8_t> expected;
    for (SimdLevel level : Levels()) {
      SimdCap cap(level);
      // BGRx, one padded row after another, ending at a guard page.
      const int height = 11, stride = width * 4 + 4;
      const size_t size = static_cast<size_t>(stride) * (height - 1) + width * 4;
      GuardedBuffer buf(size);
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
          for (int c = 0; c < 4; ++c)
            buf.data()[y * stride + x * 4 + c] = c == 3 ? 0xA5 : photo.at(x, y * 30, 2 - c);
      histeq::RgbPlanes pl;
      pl.b = buf.data();
      pl.g = buf.data() + 1;
      pl.r = buf.data() + 2;
      pl.stride_r = pl.stride_g = pl.stride_b = stride;
      pl.pixel_step = 4;
      pl.offset_b = 0;
      pl.offset_g = 1;
      pl.offset_r = 2;
      histeq::RgbEqualizer eq;
      eq.Process(pl, width, height, histeq::LumaWeights::Bt709(), {});
      std::vector<uint8_t> got(buf.data(), buf.data() + size);
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) ASSERT_EQ(got[y * stride + x * 4 + 3], 0xA5) << "x byte";
      if (level == SimdLevel::kScalar)
        expected = got;
      else
        ASSERT_EQ(got, expected) << "level " << static_cast<int>(level) << " width " << width;
    }
  }
}

}  // namespace
