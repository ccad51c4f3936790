// Global histogram equalization of an 8-bit plane, in place.
#ifndef HISTEQ_EQUALIZE_H_
#define HISTEQ_EQUALIZE_H_

#include <cstddef>
#include <cstdint>

#include "histeq/lut.h"

namespace histeq {

// Equalizes the plane in place: Histogram8, then BuildGlobalLut8 for `range`,
// then ApplyLut8. With Range::kFull and pixel_step 1 the result is
// byte-for-byte cv::equalizeHist. Returns false when the plane was left
// unchanged because it is flat (or empty).
bool EqualizeHist8(uint8_t* data, ptrdiff_t stride, int width, int height,
                   int pixel_step = 1, Range range = Range::kFull);

}  // namespace histeq

#endif  // HISTEQ_EQUALIZE_H_
