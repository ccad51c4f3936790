// A plane of samples as the core reads and writes it: any stride, any
// distance between samples, 8-bit or 10 to 16-bit code values.
#ifndef HISTEQ_PLANE_H_
#define HISTEQ_PLANE_H_

#include <cstddef>
#include <cstdint>

#include "histeq/api.h"

namespace histeq {

// How a code value sits in memory: 8-bit samples, or 10 to 16-bit ones in a
// 16-bit word (either byte order, LSB- or MSB-aligned as P010 is).
struct SampleFormat {
  int depth = 8;            // bits of the code value: 8 to 16
  int shift = 0;            // its lowest bit's position in the 16-bit word
  bool big_endian = false;  // byte order of the 16-bit word

  int bins() const { return 1 << depth; }
  int max_value() const { return (1 << depth) - 1; }
};

// `data` points at the first sample; `stride` is the distance in bytes from
// one row to the next (larger than the row, or negative, as the caller's
// buffer has it); `pixel_step` the distance in bytes between two samples of a
// row (1 for planar 8-bit, 2 for Y in YUY2 or for planar 16-bit, 4 for Y in
// AYUV, ...). Only the samples are read or written: bytes between them and
// after each row are left alone.
struct Plane {
  uint8_t* data = nullptr;
  ptrdiff_t stride = 0;
  int width = 0, height = 0;
  int pixel_step = 1;
  SampleFormat format;

  // A plane of 8-bit samples, one after another in each row.
  static Plane Gray8(uint8_t* data, ptrdiff_t stride, int width, int height) {
    Plane p;
    p.data = data;
    p.stride = stride;
    p.width = width;
    p.height = height;
    return p;
  }
  // The same plane, rows [y0, y1) only.
  Plane Rows(int y0, int y1) const {
    Plane p = *this;
    p.data = data + y0 * stride;
    p.height = y1 - y0;
    return p;
  }
  bool empty() const { return width <= 0 || height <= 0; }
};

}  // namespace histeq

#endif  // HISTEQ_PLANE_H_
