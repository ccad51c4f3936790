// The show-histogram panel: where it goes, how tall its bars are (checked
// against counts made here from the definition), and that nothing outside it
// is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "core_calls.h"
#include "overlay.h"
#include "sample.h"

namespace {

using histeq::ComputeOverlayLayout;
using histeq::OverlayLayout;

TEST(OverlayLayout, FitsEverySizeOrIsEmpty) {
  for (int h = 1; h <= 70; h += 3)
    for (int w = 1; w <= 900; w += 7) {
      const OverlayLayout l = ComputeOverlayLayout(w, h);
      if (w < 16 || h < 16) {
        EXPECT_EQ(l.columns, 0) << w << "x" << h;
        continue;
      }
      ASSERT_GT(l.columns, 0) << w << "x" << h;
      EXPECT_LE(l.x + l.width, w);
      EXPECT_LE(l.y + l.height, h);
      EXPECT_EQ(l.width, l.columns + 2);
      EXPECT_EQ(l.height, 2 * l.bar_height + 3);
    }
  const OverlayLayout hd = ComputeOverlayLayout(1920, 1080);
  EXPECT_EQ(hd.columns, 256);  // one column per 8-bit value
  EXPECT_EQ(hd.bar_height, 128);
}

// Column sums of `hist` grouped as the definition says, then each bar the
// rounded fraction of the tallest.
std::vector<int> ReferenceBars(const std::vector<uint32_t>& hist, int columns, int rows) {
  const int bins = static_cast<int>(hist.size());
  std::vector<double> sums(columns, 0.0);
  for (int b = 0; b < bins; ++b) {
    // Bin b belongs to the column c with c*bins/columns <= b < (c+1)*bins/columns.
    int c = 0;
    while (static_cast<long long>(c + 1) * bins / columns <= b) ++c;
    sums[c] += hist[b];
  }
  double tallest = 0;
  for (double s : sums) tallest = std::max(tallest, s);
  std::vector<int> bars(columns, 0);
  for (int c = 0; c < columns; ++c)
    if (tallest > 0) bars[c] = static_cast<int>(std::floor(sums[c] / tallest * rows + 0.5));
  return bars;
}

TEST(OverlayBars, MatchTheDefinition) {
  for (int bins : {256, 1024, 4096, 65536})
    for (int columns : {5, 85, 256}) {
      std::vector<uint32_t> hist(bins);
      uint32_t seed = 12345u + bins + columns;
      for (uint32_t& v : hist) {
        seed = seed * 1664525u + 1013904223u;
        v = (seed >> 16) % 7 == 0 ? (seed >> 8) % 5000 : 0;
      }
      std::vector<int> bars(columns);
      histeq::OverlayBars(hist.data(), bins, columns, 40, bars.data());
      EXPECT_EQ(bars, ReferenceBars(hist, columns, 40)) << bins << " bins, " << columns;
    }
}

TEST(OverlayBars, EmptyAndSingleValueHistograms) {
  std::vector<uint32_t> hist(256, 0);
  std::vector<int> bars(256, -1);
  histeq::OverlayBars(hist.data(), 256, 256, 10, bars.data());
  EXPECT_EQ(std::accumulate(bars.begin(), bars.end(), 0), 0);
  hist[200] = 1;
  histeq::OverlayBars(hist.data(), 256, 256, 10, bars.data());
  EXPECT_EQ(bars[200], 10);
  EXPECT_EQ(std::accumulate(bars.begin(), bars.end(), 0), 10);
}

// Draws into a plane full of sentinel bytes (samples, the bytes between them
// and the row padding) and checks the panel column by column.
void CheckDrawing(int width, int height, int step, const histeq::SampleFormat& format) {
  const int sample_bytes = format.depth > 8 ? 2 : 1;
  const ptrdiff_t stride = static_cast<ptrdiff_t>(width) * step + 13;
  std::vector<uint8_t> plane(static_cast<size_t>(stride) * height, 0xA5);
  const std::vector<uint8_t> before = plane;
  const int bins = format.bins();
  std::vector<uint32_t> hist_in(bins, 0), hist_out(bins, 0);
  hist_in[bins / 4] = 300;
  hist_in[bins / 2] = 100;
  for (int b = 0; b < bins; b += 3) hist_out[b] = 1 + b % 5;

  histeq::DrawHistogramOverlay(testcore::PlaneOf(plane.data(), stride, width, height, step, format),
                               hist_in.data(), hist_out.data(), bins);
  const OverlayLayout l = ComputeOverlayLayout(width, height);
  ASSERT_GT(l.columns, 0);
  const histeq::WideCodec codec(format);
  auto level_at = [&](int x, int y) -> uint32_t {
    const uint8_t* p = plane.data() + y * stride + static_cast<ptrdiff_t>(x) * step;
    return format.depth > 8 ? codec.Read(p) : *p;
  };
  const uint32_t scale = format.depth > 8 ? 1u << (format.depth - 8) : 1u;
  const std::vector<int> in = ReferenceBars(hist_in, l.columns, l.bar_height);
  const std::vector<int> out = ReferenceBars(hist_out, l.columns, l.bar_height);
  for (int c = 0; c < l.columns; ++c) {
    int lit_in = 0, lit_out = 0;
    for (int r = 0; r < l.bar_height; ++r) {
      lit_in += level_at(l.x + 1 + c, l.y + 1 + r) / scale == 128;
      lit_out += level_at(l.x + 1 + c, l.y + 2 + l.bar_height + r) / scale == 235;
    }
    EXPECT_EQ(lit_in, in[c]) << "column " << c;
    EXPECT_EQ(lit_out, out[c]) << "column " << c;
  }
  EXPECT_EQ(level_at(l.x, l.y) / scale, 16u);  // the border
  // Every byte that is not a sample of the panel is as it was.
  for (int y = 0; y < height; ++y)
    for (ptrdiff_t i = 0; i < stride; ++i) {
      const bool in_row = y >= l.y && y < l.y + l.height;
      const ptrdiff_t x = i / step, within = i % step;
      const bool panel = in_row && i < static_cast<ptrdiff_t>(width) * step && x >= l.x &&
                         x < l.x + l.width && within < sample_bytes;
      if (!panel) {
        ASSERT_EQ(plane[y * stride + i], before[y * stride + i]) << x << "," << y;
      }
    }
}

TEST(Overlay, Gray8OddSizePaddedStride) { CheckDrawing(333, 161, 1, {}); }
TEST(Overlay, PackedLumaStepTwo) { CheckDrawing(65, 17, 2, {}); }
TEST(Overlay, SmallestPanel) { CheckDrawing(16, 16, 1, {}); }
TEST(Overlay, TenBitLittleEndian) { CheckDrawing(641, 99, 2, {10, 0, false}); }
TEST(Overlay, TenBitMsbAlignedBigEndian) { CheckDrawing(200, 50, 4, {10, 6, true}); }
TEST(Overlay, SixteenBit) { CheckDrawing(1000, 300, 2, {16, 0, false}); }

TEST(Overlay, TooSmallPlaneIsLeftAlone) {
  std::vector<uint8_t> plane(15 * 40, 7);
  std::vector<uint32_t> hist(256, 1);
  histeq::DrawHistogramOverlay(testcore::PlaneOf(plane.data(), 15, 15, 40), hist.data(), hist.data(),
                               256);
  EXPECT_EQ(plane, std::vector<uint8_t>(15 * 40, 7));
}

}  // namespace
