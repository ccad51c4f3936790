#include "histeq/lut.h"

#include <algorithm>
#include <cmath>

#include "round.h"

namespace histeq {
void IdentityLut8(uint8_t lut[kBins8]) {
  for (int v = 0; v < kBins8; ++v) lut[v] = static_cast<uint8_t>(v);
}

bool BuildEqualizeLut8(const uint32_t hist[kBins8], uint8_t lut[kBins8]) {
  IdentityLut8(lut);
  uint64_t total = 0;
  for (int v = 0; v < kBins8; ++v) total += hist[v];
  if (total == 0) return false;

  int i = 0;
  while (hist[i] == 0) ++i;
  if (hist[i] == total) return false;

  // The same float operations, in the same order, as cv::equalizeHist.
  const float scale = 255.0f / static_cast<float>(total - hist[i]);
  uint64_t sum = 0;
  lut[i++] = 0;
  for (; i < kBins8; ++i) {
    sum += hist[i];
    lut[i] = SaturateRound8(static_cast<float>(sum) * scale);
  }
  return true;
}

void CompressLutToLimitedRange8(uint8_t lut[kBins8]) {
  for (int v = 0; v < kBins8; ++v)
    lut[v] = static_cast<uint8_t>(16 + (lut[v] * 219 * 2 + 255) / 510);
}

uint32_t ClipLimitCount8(double clip, uint64_t pixels) {
  if (!(clip > 0.0)) return 0;
  const double limit = clip * static_cast<double>(pixels) / kBins8;
  if (limit >= 4294967295.0) return UINT32_MAX;
  return limit < 1.0 ? 1u : static_cast<uint32_t>(limit);
}

void ClipHistogram8(uint32_t hist[kBins8], uint32_t limit) {
  uint64_t clipped = 0;
  for (int v = 0; v < kBins8; ++v) {
    if (hist[v] > limit) {
      clipped += hist[v] - limit;
      hist[v] = limit;
    }
  }
  const uint32_t batch = static_cast<uint32_t>(clipped / kBins8);
  uint32_t residual = static_cast<uint32_t>(clipped % kBins8);
  for (int v = 0; v < kBins8; ++v) hist[v] += batch;
  if (residual != 0) {
    const uint32_t step = std::max<uint32_t>(kBins8 / residual, 1);
    for (uint32_t v = 0; v < kBins8 && residual > 0; v += step, --residual)
      ++hist[v];
  }
}

void BuildCdfLut8(const uint32_t hist[kBins8], uint64_t pixels,
                  uint8_t lut[kBins8]) {
  if (pixels == 0) {
    IdentityLut8(lut);
    return;
  }
  // The same float operations as cv::CLAHE: lutScale = 255.f / pixels.
  const float scale = static_cast<float>(kBins8 - 1) / static_cast<float>(pixels);
  uint64_t sum = 0;
  for (int v = 0; v < kBins8; ++v) {
    sum += hist[v];
    lut[v] = SaturateRound8(static_cast<float>(sum) * scale);
  }
}

namespace {

uint8_t Saturate8(double v) {
  const long r = std::lround(v);
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

}  // namespace

bool BuildEqualizeLutSmoothed8(const double p[kBins8], uint64_t pixels,
                               uint8_t lut[kBins8]) {
  IdentityLut8(lut);
  const double half = pixels > 0 ? 0.5 / static_cast<double>(pixels) : 0.5;
  int i0 = 0;
  while (i0 < kBins8 && p[i0] < half) ++i0;
  if (i0 == kBins8 || p[i0] >= 1.0 - half) return false;
  const double base = p[i0];
  const double scale = 255.0 / (1.0 - base);
  double cum = base;
  lut[i0] = 0;
  for (int v = i0 + 1; v < kBins8; ++v) {
    cum += p[v];
    lut[v] = Saturate8((cum - base) * scale);
  }
  return true;
}

void BuildCdfLutSmoothed8(const double p[kBins8], uint64_t pixels,
                          uint32_t limit, uint8_t lut[kBins8]) {
  const double n = static_cast<double>(pixels);
  double counts[kBins8];
  double excess = 0.0;
  for (int v = 0; v < kBins8; ++v) {
    counts[v] = p[v] * n;
    if (limit > 0 && counts[v] > limit) {
      excess += counts[v] - limit;
      counts[v] = limit;
    }
  }
  if (excess > 0.0) {
    // An average of whole counts is whole only up to rounding (85.9999999):
    // the batch and the step must see 86, or the remainder lands in other
    // bins than OpenCV puts it.
    constexpr double kWhole = 1e-6;
    const double batch = std::floor(excess / kBins8 + kWhole / kBins8);
    double residual = std::max(0.0, excess - batch * kBins8);
    for (int v = 0; v < kBins8; ++v) counts[v] += batch;
    // OpenCV's stepping for the remainder, on whole counts; the fraction of
    // a count left over goes to the next bin in the same walk.
    if (residual > kWhole) {
      const int whole = static_cast<int>(std::floor(residual + kWhole));
      const int step = whole > 0 ? std::max(kBins8 / whole, 1) : kBins8;
      for (int v = 0; v < kBins8 && residual > 0.0; v += step) {
        const double add = std::min(1.0, residual);
        counts[v] += add;
        residual -= add;
      }
    }
  }
  double cum = 0.0;
  for (int v = 0; v < kBins8; ++v) {
    cum += counts[v];
    lut[v] = Saturate8(cum * 255.0 / n);
  }
}

void BlendLutWithIdentity8(uint8_t lut[kBins8], double strength) {
  if (strength >= 1.0) return;
  const double s = strength > 0.0 ? strength : 0.0;
  for (int v = 0; v < kBins8; ++v)
    lut[v] = static_cast<uint8_t>(std::lround(v + s * (lut[v] - v)));
}

void FinishLut8(uint8_t lut[kBins8], Range range, double strength) {
  if (range == Range::kLimited) CompressLutToLimitedRange8(lut);
  BlendLutWithIdentity8(lut, strength);
}

bool BuildGlobalLut8(const uint32_t hist[kBins8], Range range,
                     uint8_t lut[kBins8]) {
  if (!BuildEqualizeLut8(hist, lut)) return false;
  if (range == Range::kLimited) CompressLutToLimitedRange8(lut);
  return true;
}

}  // namespace histeq
