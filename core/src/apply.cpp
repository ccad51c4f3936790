#include "histeq/apply.h"

namespace histeq {
namespace {

template <int kStep>
void ApplyRows(uint8_t* data, ptrdiff_t stride, int width, int height,
               int step, const uint8_t lut[kBins8]) {
  const int s = kStep > 0 ? kStep : step;
  for (int y = 0; y < height; ++y) {
    uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x, p += s) *p = lut[*p];
  }
}

}  // namespace

void ApplyLut8(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const uint8_t lut[kBins8]) {
  if (width <= 0 || height <= 0) return;
  if (pixel_step == 1)
    ApplyRows<1>(data, stride, width, height, 1, lut);
  else
    ApplyRows<0>(data, stride, width, height, pixel_step, lut);
}

void ApplyLutWide(uint8_t* data, ptrdiff_t stride, int width, int height,
                  int step, const SampleFormat& format, const uint16_t* lut) {
  const WideCodec codec(format);
  for (int y = 0; y < height; ++y) {
    uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x, p += step) codec.Write(p, lut[codec.Read(p)]);
  }
}

}  // namespace histeq
