#include "histeq/histogram.h"

#include <cstring>

namespace histeq {
namespace {

constexpr int kSubHistograms = 4;

// Counts one row into four sub-histograms used round-robin: runs of equal
// samples (common in video) would otherwise make every increment wait for the
// store of the previous one to the same counter. kStep > 0 fixes the pixel
// step at compile time (the planar case); kStep == 0 reads it from `step`.
template <int kStep>
void CountRow(const uint8_t* p, int width, int step,
              uint32_t sub[kSubHistograms][kBins8]) {
  const int s = kStep > 0 ? kStep : step;
  int x = 0;
  for (; x + 4 <= width; x += 4, p += 4 * s) {
    ++sub[0][p[0]];
    ++sub[1][p[s]];
    ++sub[2][p[2 * s]];
    ++sub[3][p[3 * s]];
  }
  for (; x < width; ++x, p += s) ++sub[0][p[0]];
}

template <int kStep>
void CountPlane(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int step, uint32_t sub[kSubHistograms][kBins8]) {
  for (int y = 0; y < height; ++y)
    CountRow<kStep>(data + y * stride, width, step, sub);
}

}  // namespace

void AccumulateHistogram8(const uint8_t* data, ptrdiff_t stride, int width,
                          int height, int pixel_step, uint32_t hist[kBins8]) {
  if (width <= 0 || height <= 0) return;
  uint32_t sub[kSubHistograms][kBins8];
  std::memset(sub, 0, sizeof(sub));
  if (pixel_step == 1)
    CountPlane<1>(data, stride, width, height, 1, sub);
  else
    CountPlane<0>(data, stride, width, height, pixel_step, sub);
  for (int v = 0; v < kBins8; ++v)
    hist[v] += sub[0][v] + sub[1][v] + sub[2][v] + sub[3][v];
}

void Histogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int pixel_step, uint32_t hist[kBins8]) {
  std::memset(hist, 0, kBins8 * sizeof(hist[0]));
  AccumulateHistogram8(data, stride, width, height, pixel_step, hist);
}

void AccumulateHistogramWide(const uint8_t* data, ptrdiff_t stride, int width,
                             int height, int step, const SampleFormat& format,
                             uint32_t* hist) {
  const WideCodec codec(format);
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x, p += step) ++hist[codec.Read(p)];
  }
}

void HistogramWide(const uint8_t* data, ptrdiff_t stride, int width, int height,
                   int step, const SampleFormat& format, uint32_t* hist) {
  std::memset(hist, 0, static_cast<size_t>(format.bins()) * sizeof(hist[0]));
  AccumulateHistogramWide(data, stride, width, height, step, format, hist);
}

}  // namespace histeq
