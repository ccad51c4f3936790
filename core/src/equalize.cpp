#include "histeq/equalize.h"

#include "histeq/apply.h"
#include "histeq/histogram.h"

namespace histeq {

bool EqualizeHist8(uint8_t* data, ptrdiff_t stride, int width, int height,
                   int pixel_step, Range range) {
  uint32_t hist[kBins8];
  Histogram8(data, stride, width, height, pixel_step, hist);
  uint8_t lut[kBins8];
  if (!BuildGlobalLut8(hist, range, lut)) return false;
  ApplyLut8(data, stride, width, height, pixel_step, lut);
  return true;
}

}  // namespace histeq
