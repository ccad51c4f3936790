// The algorithms without GStreamer: link histeq-core (pkg-config histeq-core)
// and equalize any 8 to 16-bit plane in memory, described by a histeq::Plane
// (pointer, stride, width, height, pixel step, sample format).
//
//   c++ -std=c++17 core-example.cpp $(pkg-config --cflags --libs histeq-core)
//
// Equalizes a dull gradient globally (as cv::equalizeHist) and adaptively
// (as cv::createCLAHE(2.0, {8, 8})) and prints the ranges.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "histeq/equalizer.h"

int main() {
  const int width = 321, height = 200;
  const ptrdiff_t stride = 336;  // rows may be padded; padding is never written
  std::vector<uint8_t> plane(static_cast<size_t>(stride) * height, 0);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      plane[y * stride + x] = static_cast<uint8_t>(90 + (x + y) * 50 / (width + height));

  auto range = [&](const std::vector<uint8_t>& p) {
    int lo = 255, hi = 0;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        lo = std::min<int>(lo, p[y * stride + x]);
        hi = std::max<int>(hi, p[y * stride + x]);
      }
    return std::pair<int, int>(lo, hi);
  };
  const auto [in_lo, in_hi] = range(plane);

  histeq::Equalizer equalizer;  // keeps its buffers between frames
  equalizer.SetThreads(2);      // optional: the same bytes on any number
  std::vector<uint8_t> global = plane, adaptive = plane;
  histeq::Params params;  // global, no clip limit: cv::equalizeHist
  equalizer.Process(histeq::Plane::Gray8(global.data(), stride, width, height), params);
  params.mode = histeq::Mode::kAdaptive;  // CLAHE, 8x8 tiles, clip limit 2
  histeq::FrameReport report;
  equalizer.Process(histeq::Plane::Gray8(adaptive.data(), stride, width, height), params, &report);
  if (!report.changed) return 1;

  const auto [g_lo, g_hi] = range(global);
  const auto [a_lo, a_hi] = range(adaptive);
  std::printf("input %d..%d, global %d..%d, adaptive %d..%d\n", in_lo, in_hi, g_lo, g_hi, a_lo,
              a_hi);
  return g_lo == 0 && g_hi == 255 && a_hi - a_lo > in_hi - in_lo ? 0 : 1;
}
