#include "histeq/histogram.h"

#include <cstring>
#include <vector>

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

// Neighbouring samples of real pictures are alike, so counting pairs of
// samples in a 65536-entry table touches few entries, each increment counts
// two samples, and the table folds back into 256 bins cheaply. Worth it from
// a few hundred thousand samples on (the fold and the clearing cost ~0.3 M
// operations); uniform noise, the worst case, is about 10 % slower.
constexpr uint64_t kPairHistogramMin = 1u << 18;

void HistogramPairs(const uint8_t* data, ptrdiff_t stride, int width, int height,
                    uint32_t hist[kBins8]) {
  thread_local std::vector<uint32_t> pairs(1u << 16);
  std::memset(pairs.data(), 0, pairs.size() * sizeof(uint32_t));
  uint32_t* t = pairs.data();
  // Flat areas (sky, walls, black bars) would hit one counter back to back
  // and wait on each store; eight equal samples instead extend a run kept in
  // a register, added once when the value changes.
  int run_value = 0;
  uint32_t run = 0;
  constexpr uint64_t kSplat = 0x0101010101010101ull;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    int x = 0;
    for (; x + 8 <= width; x += 8) {
      uint64_t w;
      std::memcpy(&w, p + x, 8);
      const uint64_t first = w & 0xff;
      if (w == first * kSplat) {
        if (static_cast<int>(first) != run_value) {
          hist[run_value] += run;
          run_value = static_cast<int>(first);
          run = 0;
        }
        run += 8;
        continue;
      }
      ++t[w & 0xffff];
      ++t[(w >> 16) & 0xffff];
      ++t[(w >> 32) & 0xffff];
      ++t[w >> 48];
    }
    for (; x < width; ++x) ++hist[p[x]];
  }
  hist[run_value] += run;
  // Each pair counts once for each of its two bytes; byte order does not
  // matter for that.
  for (uint32_t pair = 0; pair < (1u << 16); ++pair) {
    const uint32_t c = t[pair];
    if (c) {
      hist[pair & 0xff] += c;
      hist[pair >> 8] += c;
    }
  }
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
  if (pixel_step == 1 && width >= 8 && height > 0 &&
      static_cast<uint64_t>(width) * static_cast<uint64_t>(height) >= kPairHistogramMin) {
    HistogramPairs(data, stride, width, height, hist);
    return;
  }
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
