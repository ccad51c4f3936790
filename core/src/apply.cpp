#include "histeq/apply.h"

#include "histeq/simd.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HISTEQ_APPLY_AVX2 1
#endif

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

#ifdef HISTEQ_APPLY_AVX2
// 32 samples at a time: the table as 16 rows of 16 entries, one vpshufb per
// row. x walks the high nibble down by one row per step; adding 0x70 with
// saturation leaves a valid index (bit 7 clear) only in the lanes whose high
// nibble is the current row, so every lane picks exactly one entry.
__attribute__((target("avx2"))) void ApplyRowsAvx2(uint8_t* data, ptrdiff_t stride, int width,
                                                   int height, const uint8_t lut[kBins8]) {
  __m256i rows[16];
  for (int k = 0; k < 16; ++k)
    rows[k] = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(lut + 16 * k)));
  const __m256i bias = _mm256_set1_epi8(0x70), one_row = _mm256_set1_epi8(0x10);
  for (int y = 0; y < height; ++y) {
    uint8_t* p = data + y * stride;
    int x = 0;
    for (; x + 32 <= width; x += 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + x));
      __m256i r = _mm256_shuffle_epi8(rows[0], _mm256_adds_epu8(v, bias));
      __m256i idx = v;
      for (int k = 1; k < 16; ++k) {
        idx = _mm256_sub_epi8(idx, one_row);
        r = _mm256_or_si256(r, _mm256_shuffle_epi8(rows[k], _mm256_adds_epu8(idx, bias)));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + x), r);
    }
    for (; x < width; ++x) p[x] = lut[p[x]];
  }
}
#endif

}  // namespace

void ApplyLut8(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const uint8_t lut[kBins8]) {
  if (width <= 0 || height <= 0) return;
  if (pixel_step == 1) {
#ifdef HISTEQ_APPLY_AVX2
    if (ActiveSimd() >= SimdLevel::kAvx2) {
      ApplyRowsAvx2(data, stride, width, height, lut);
      return;
    }
#endif
    ApplyRows<1>(data, stride, width, height, 1, lut);
  } else {
    ApplyRows<0>(data, stride, width, height, pixel_step, lut);
  }
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
