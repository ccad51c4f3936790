// Applying a look-up table to a plane, in place.
#ifndef HISTEQ_APPLY_H_
#define HISTEQ_APPLY_H_

#include <cstddef>
#include <cstdint>

#include "histeq/histogram.h"

namespace histeq {

// Replaces every sample v of the plane with lut[v]. Plane arguments as in
// histogram.h; bytes that are not samples are never written.
void ApplyLut8(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const uint8_t lut[kBins8]);

// The same for 10 to 16-bit samples: every code value v becomes lut[v],
// written back at the format's shift with the bits below it zero.
void ApplyLutWide(uint8_t* data, ptrdiff_t stride, int width, int height,
                  int pixel_step, const SampleFormat& format, const uint16_t* lut);

}  // namespace histeq

#endif  // HISTEQ_APPLY_H_
