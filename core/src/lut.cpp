#include "histeq/lut.h"

#include <cmath>

namespace histeq {
namespace {

// cv::saturate_cast<uchar>(float): round half to even (the default floating
// point rounding mode, as cvRound), then clamp.
uint8_t SaturateRound8(float v) {
  const long r = std::lrint(v);
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

}  // namespace

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

bool BuildGlobalLut8(const uint32_t hist[kBins8], Range range,
                     uint8_t lut[kBins8]) {
  if (!BuildEqualizeLut8(hist, lut)) return false;
  if (range == Range::kLimited) CompressLutToLimitedRange8(lut);
  return true;
}

}  // namespace histeq
