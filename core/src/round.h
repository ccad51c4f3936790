// Rounding as OpenCV's cvRound / saturate_cast<uchar>(float): to nearest,
// ties to even (the default floating-point rounding mode), inline. std::lrint
// would be a libm call per sample.
#ifndef HISTEQ_SRC_ROUND_H_
#define HISTEQ_SRC_ROUND_H_

#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#else
#include <cmath>
#endif

namespace histeq {

// Values the core rounds lie in the table's range (a count times a scale no
// larger than the table's top over the count); past int32 the result is the
// instruction's own (x86: INT_MIN, aarch64: saturated), as in the vector
// kernels of the same architecture.
inline int RoundHalfEven(float v) {
#if defined(__SSE2__) || defined(_M_X64)
  return _mm_cvtss_si32(_mm_set_ss(v));
#elif defined(__aarch64__)
  return vcvtns_s32_f32(v);  // FCVTNS: to nearest, ties to even
#else
  return static_cast<int>(std::lrint(v));
#endif
}

// std::lround (to nearest, halves away from zero) for |x| < 2^52, inline:
// the library call costs more than the rest of a table entry.
inline long RoundHalfAway(double x) {
  const double a = x < 0.0 ? -x : x;
  long r = static_cast<long>(a);
  r += (a - static_cast<double>(r)) >= 0.5;
  return x < 0.0 ? -r : r;
}

inline uint8_t SaturateRound8(float v) {
  const int r = RoundHalfEven(v);
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

}  // namespace histeq

#endif  // HISTEQ_SRC_ROUND_H_
