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
