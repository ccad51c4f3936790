#include "histeq/equalizer.h"

#include "histeq/apply.h"
#include "histeq/histogram.h"

namespace histeq {

bool Equalizer8::Process(uint8_t* data, ptrdiff_t stride, int width, int height,
                         int step, const Params& p) {
  if (width <= 0 || height <= 0 || !(p.strength > 0.0)) return false;

  if (p.mode == Mode::kAdaptive) {
    const double clip = p.clip_limit > 0.0 ? p.clip_limit : kDefaultAdaptiveClipLimit;
    clahe_.Apply(data, stride, width, height, step, {clip, p.tiles_x, p.tiles_y},
                 p.range, p.strength);
    return true;
  }

  uint32_t hist[kBins8];
  Histogram8(data, stride, width, height, step, hist);
  uint8_t lut[kBins8];
  if (p.clip_limit > 0.0) {
    const uint64_t pixels = static_cast<uint64_t>(width) * height;
    ClipHistogram8(hist, ClipLimitCount8(p.clip_limit, pixels));
    BuildCdfLut8(hist, pixels, lut);
  } else if (!BuildEqualizeLut8(hist, lut)) {
    return false;  // flat: cv::equalizeHist leaves it as it is
  }
  FinishLut8(lut, p.range, p.strength);
  ApplyLut8(data, stride, width, height, step, lut);
  return true;
}

}  // namespace histeq
