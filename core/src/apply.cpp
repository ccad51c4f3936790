#include "histeq/apply.h"

#include "histeq/simd.h"
#include "prefetch.h"

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
// 32 samples at a time, the table as 16 rows of 16 entries (rows[k] holds
// entries 16k..16k+15 in both halves). vpshufb looks up a sample's low
// nibble in a row and gives zero where the index has bit 7 set. Bits 4-5
// pick a row within a group of four without a blend: index j is valid only
// where they equal j (the low six bits minus 16j lie in [0, 16): adding 0x70
// with saturation leaves bit 7 clear there and sets it everywhere else), so
// the OR of the four lookups is the sample's row of every group. Bits 6 and
// 7 then choose the group with three blends. 16 lookups, 12 ORs and 3 blends
// for 32 samples, where one index per row took 16 lookups and 45 other
// operations (1080p photo on Zen 3: 1.35x faster).
HISTEQ_TARGET_AVX2 inline __m256i LookUp32(__m256i v, const __m256i rows[16]) {
  const __m256i low6 = _mm256_and_si256(v, _mm256_set1_epi8(0x3f));
  const __m256i bias = _mm256_set1_epi8(0x70);
  __m256i idx[4];
  for (int j = 0; j < 4; ++j)
    idx[j] = _mm256_adds_epu8(_mm256_sub_epi8(low6, _mm256_set1_epi8(static_cast<char>(16 * j))),
                              bias);
  __m256i group[4];
  for (int g = 0; g < 4; ++g) {
    const __m256i* r = rows + 4 * g;
    group[g] = _mm256_or_si256(
        _mm256_or_si256(_mm256_shuffle_epi8(r[0], idx[0]), _mm256_shuffle_epi8(r[1], idx[1])),
        _mm256_or_si256(_mm256_shuffle_epi8(r[2], idx[2]), _mm256_shuffle_epi8(r[3], idx[3])));
  }
  const __m256i bit6 = _mm256_add_epi8(v, v);  // bit 6 moved to bit 7, which blendv reads
  return _mm256_blendv_epi8(_mm256_blendv_epi8(group[0], group[1], bit6),
                            _mm256_blendv_epi8(group[2], group[3], bit6), v);
}

HISTEQ_TARGET_AVX2 void ApplyRowsAvx2(uint8_t* data, ptrdiff_t stride, int width, int height,
                                      const uint8_t lut[kBins8]) {
  __m256i rows[16];
  for (int k = 0; k < 16; ++k)
    rows[k] = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(lut + 16 * k)));
  for (int y = 0; y < height; ++y) {
    uint8_t* p = data + y * stride;
    int x = 0;
    for (; x + 32 <= width; x += 32) {
      __m256i* q = reinterpret_cast<__m256i*>(p + x);
      _mm256_storeu_si256(q, LookUp32(_mm256_loadu_si256(q), rows));
    }
    for (; x < width; ++x) p[x] = lut[p[x]];
  }
}

// 64 samples at a time, the whole table in four registers: vpermi2b looks
// up the low seven bits of every byte in two of them (128 entries each
// pair), the top bit picks which pair's answer to keep.
HISTEQ_TARGET_AVX512 inline __m512i LookUp64(__m512i v, __m512i t0, __m512i t1, __m512i t2,
                                    __m512i t3) {
  // The mask first: GCC then copies v in registers for the two lookups
  // instead of loading it three times and merging with a masked move, which
  // ran 1.3x slower on Sapphire Rapids.
  const __mmask64 high_half = _mm512_movepi8_mask(v);
  const __m512i low = _mm512_permutex2var_epi8(t0, v, t1);
  const __m512i high = _mm512_permutex2var_epi8(t2, v, t3);
  return _mm512_mask_blend_epi8(high_half, low, high);
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
    for (; x + 64 <= width; x += 64) {
      // Rows another thread counted, or that are in L3 or memory, come in
      // faster fetched ahead (2160p on two threads: 8 % off the frame).
      __builtin_prefetch(p + x + kStreamAheadBytes, 1);
      _mm512_storeu_si512(p + x, LookUp64(_mm512_loadu_si512(p + x), t0, t1, t2, t3));
    }
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
