#include "histeq/apply.h"

#include "histeq/simd.h"

#include "x86.h"

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

#ifdef HISTEQ_X86
// 32 samples at a time: the table as 16 rows of 16 entries, one vpshufb per
// row. x walks the high nibble down by one row per step; adding 0x70 with
// saturation leaves a valid index (bit 7 clear) only in the lanes whose high
// nibble is the current row, so every lane picks exactly one entry.
HISTEQ_TARGET_AVX2 void ApplyRowsAvx2(uint8_t* data, ptrdiff_t stride, int width,
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

// 64 samples at a time, the whole table in four registers: vpermi2b looks
// up the low seven bits of every byte in two of them (128 entries each
// pair), the top bit picks which pair's answer to keep.
HISTEQ_TARGET_AVX512 inline __m512i LookUp64(__m512i v, __m512i t0, __m512i t1, __m512i t2,
                                    __m512i t3) {
  const __m512i low = _mm512_permutex2var_epi8(t0, v, t1);
  const __m512i high = _mm512_permutex2var_epi8(t2, v, t3);
  return _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), low, high);
}

// The row's last samples go through the same instructions with a byte mask:
// masked loads and stores touch no byte past the row, so no scalar tail.
HISTEQ_TARGET_AVX512 void ApplyRowsVbmi(uint8_t* data, ptrdiff_t stride, int width, int height,
                                        const uint8_t lut[kBins8]) {
  const __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
  const __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
  for (int y = 0; y < height; ++y) {
    uint8_t* p = data + y * stride;
    int x = 0;
    for (; x + 64 <= width; x += 64)
      _mm512_storeu_si512(p + x, LookUp64(_mm512_loadu_si512(p + x), t0, t1, t2, t3));
    if (x < width) {
      const __mmask64 tail = (1ull << (width - x)) - 1;  // width - x < 64
      _mm512_mask_storeu_epi8(
          p + x, tail, LookUp64(_mm512_maskz_loadu_epi8(tail, p + x), t0, t1, t2, t3));
    }
  }
}
#endif

}  // namespace

void ApplyLut8(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const uint8_t lut[kBins8]) {
  if (width <= 0 || height <= 0) return;
  if (pixel_step == 1) {
#ifdef HISTEQ_X86
    if (ActiveSimd() >= SimdLevel::kAvx512Vbmi) {
      ApplyRowsVbmi(data, stride, width, height, lut);
      return;
    }
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
