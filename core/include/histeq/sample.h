// How a code value sits in memory: 8-bit samples, or 10 to 16-bit ones in a
// 16-bit word (either byte order, LSB- or MSB-aligned as P010 is).
#ifndef HISTEQ_SAMPLE_H_
#define HISTEQ_SAMPLE_H_

#include <cstdint>
#include <cstring>

namespace histeq {

struct SampleFormat {
  int depth = 8;            // bits of the code value: 8, 10, 12 or 16
  int shift = 0;            // its lowest bit's position in the 16-bit word
  bool big_endian = false;  // byte order of the 16-bit word

  int bins() const { return 1 << depth; }
  int max_value() const { return (1 << depth) - 1; }
};

// Reads and writes the code values of one SampleFormat with depth > 8.
// Writing stores the value at its shift with the bits below it zero (as
// P010 requires) in the format's byte order.
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

#endif  // HISTEQ_SAMPLE_H_
