// Rounding as OpenCV's cvRound / saturate_cast<uchar>(float): to nearest,
// ties to even (the default floating-point rounding mode), inline. std::lrint
// would be a libm call per sample.
#ifndef HISTEQ_SRC_ROUND_H_
#define HISTEQ_SRC_ROUND_H_

#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#else
#include <cmath>
#endif

namespace histeq {

inline int RoundHalfEven(float v) {
#if defined(__SSE2__) || defined(_M_X64)
  return _mm_cvtss_si32(_mm_set_ss(v));
#else
  return static_cast<int>(std::lrint(v));
#endif
}

inline uint8_t SaturateRound8(float v) {
  const int r = RoundHalfEven(v);
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

}  // namespace histeq

#endif  // HISTEQ_SRC_ROUND_H_
