// Reading and writing the code values of a SampleFormat.
#ifndef HISTEQ_SRC_SAMPLE_H_
#define HISTEQ_SRC_SAMPLE_H_

#include <cstdint>
#include <cstring>

#include "histeq/plane.h"
#include "kernels/kernels.h"

namespace histeq {

// The kernels' description of a layout of 10 to 16-bit samples.
inline kernels::Codec CodecOf(const SampleFormat& f) {
  return {f.shift, static_cast<uint32_t>(f.max_value()), f.big_endian};
}

// 16-bit little-endian words that are the code values, one after another:
// the layout the vector kernels take.
inline bool PlainWords(const Plane& p) {
  return p.format.depth == 16 && p.format.shift == 0 && !p.format.big_endian &&
         p.pixel_step == 2;
}

// Reads and writes the code values of one SampleFormat with depth > 8, one
// sample at a time. Writing stores the value at its shift with the bits
// below it zero (as P010 requires) in the format's byte order.
class WideCodec {
 public:
  explicit WideCodec(const SampleFormat& f)
      : shift_(f.shift), mask_(static_cast<uint32_t>(f.max_value())), swap_(f.big_endian) {}

  uint32_t Read(const uint8_t* p) const {
    uint16_t w;
    std::memcpy(&w, p, 2);
    if (swap_) w = static_cast<uint16_t>(w >> 8 | w << 8);
    return (static_cast<uint32_t>(w) >> shift_) & mask_;
  }
  void Write(uint8_t* p, uint32_t v) const {
    uint16_t w = static_cast<uint16_t>(v << shift_);
    if (swap_) w = static_cast<uint16_t>(w >> 8 | w << 8);
    std::memcpy(p, &w, 2);
  }

 private:
  int shift_;
  uint32_t mask_;
  bool swap_;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_SAMPLE_H_
