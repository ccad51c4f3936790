#include "histeq/sparse_lut.h"

#include <algorithm>

#include "histeq/simd.h"
#include "round.h"

#include "x86.h"

namespace histeq {

ClipSpread ClipSpread::Make(uint32_t limit, uint64_t clipped, int bins) {
  ClipSpread s;
  s.limit = limit;
  if (limit == 0 || clipped == 0) return s;
  const uint64_t b = static_cast<uint64_t>(bins);
  s.batch = static_cast<uint32_t>(clipped / b);
  s.residual = static_cast<uint32_t>(clipped % b);
  if (s.residual != 0) s.step = std::max<uint32_t>(static_cast<uint32_t>(bins) / s.residual, 1);
  return s;
}

uint64_t ClipSpread::Added(int v) const {
  const uint64_t n = static_cast<uint64_t>(v) + 1;
  uint64_t added = static_cast<uint64_t>(batch) * n;
  if (residual != 0) added += std::min<uint64_t>(residual, static_cast<uint64_t>(v) / step + 1);
  return added;
}

namespace {

// max(h - limit, 0) by arithmetic only.
inline int64_t Over(uint32_t h, uint32_t limit) {
  const int64_t d = static_cast<int64_t>(h) - static_cast<int64_t>(limit);
  return d & ~(d >> 63);
}

#ifdef HISTEQ_X86
// ClippedCounts 16 bins at a time. Returns where the scalar tail starts.
HISTEQ_TARGET_AVX512 int ClippedAvx512(const uint32_t* hist, int first, int end,
                                       uint32_t limit, uint64_t* clipped) {
  const __m512i vlimit = _mm512_set1_epi32(static_cast<int>(limit));
  __m512i acc = _mm512_setzero_si512();  // eight 64-bit sums
  int v = first;
  for (; v + 16 <= end; v += 16) {
    const __m512i h = _mm512_loadu_si512(hist + v);
    const __m512i over = _mm512_sub_epi32(h, _mm512_min_epu32(h, vlimit));
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(over)));
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(over, 1)));
  }
  *clipped = static_cast<uint64_t>(_mm512_reduce_add_epi64(acc));
  return v;
}

// The same, 8 bins at a time.
HISTEQ_TARGET_AVX2 int ClippedAvx2(const uint32_t* hist, int first, int end, uint32_t limit,
                                   uint64_t* clipped) {
  const __m256i vlimit = _mm256_set1_epi32(static_cast<int>(limit));
  __m256i acc = _mm256_setzero_si256();  // four 64-bit sums
  int v = first;
  for (; v + 8 <= end; v += 8) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + v));
    const __m256i over = _mm256_sub_epi32(h, _mm256_min_epu32(h, vlimit));
    acc = _mm256_add_epi64(acc, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(over)));
    acc = _mm256_add_epi64(acc, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(over, 1)));
  }
  alignas(32) uint64_t sums[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums), acc);
  *clipped = sums[0] + sums[1] + sums[2] + sums[3];
  return v;
}
#endif

}  // namespace

uint64_t ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit) {
  if (limit == 0) return 0;
  uint64_t clipped = 0;
  int v = first;
#ifdef HISTEQ_X86
  if (ActiveSimd() >= SimdLevel::kAvx512Vbmi)
    v = ClippedAvx512(hist, first, end, limit, &clipped);
  else if (ActiveSimd() >= SimdLevel::kAvx2)
    v = ClippedAvx2(hist, first, end, limit, &clipped);
#endif
  // Without a branch (compilers turn a comparison into one here): whether a
  // bin is over a limit of a count or two is a coin toss.
  for (; v < end; ++v) clipped += static_cast<uint64_t>(Over(hist[v], limit));
  return clipped;
}

namespace {

#ifdef HISTEQ_X86
// 16 entries at a time: the clipped counts summed in the register (four
// shifted adds) plus the running total, the handed-out counts from the lane's
// value (v / step in float is exact: v < 2^24 and the quotient's rounding
// never reaches the next whole number), then the scalar loop's float product
// and rounding (cvtps2dq: to nearest, ties to even). Sums stay below 2^31.
// Returns where the scalar tail starts; *kept is the running total there.
HISTEQ_TARGET_AVX512 int CdfSpanAvx512(const uint32_t* hist, int first, int end,
                                       uint64_t* kept, const ClipSpread& spread,
                                       float scale, int max_value, uint16_t* lut) {
  const __m512i zero = _mm512_setzero_si512(), last = _mm512_set1_epi32(15);
  const __m512i top = _mm512_set1_epi32(max_value);
  const __m512i limit = _mm512_set1_epi32(spread.limit ? static_cast<int>(spread.limit) : -1);
  const __m512i batch = _mm512_set1_epi32(static_cast<int>(spread.batch));
  const __m512i residual = _mm512_set1_epi32(static_cast<int>(spread.residual));
  const __m512 step = _mm512_set1_ps(static_cast<float>(spread.step));
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 vscale = _mm512_set1_ps(scale);
  __m512i carry = _mm512_set1_epi32(static_cast<int>(*kept));
  int v = first;
  for (; v + 16 <= end; v += 16) {
    __m512i x = zero;
    if (hist) {
      x = _mm512_min_epu32(_mm512_loadu_si512(hist + v), limit);
      x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 15));
      x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 14));
      x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 12));
      x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 8));
    }
    x = _mm512_add_epi32(x, carry);
    carry = _mm512_permutexvar_epi32(last, x);
    const __m512i value = _mm512_add_epi32(_mm512_set1_epi32(v), iota);
    __m512i cdf = _mm512_add_epi32(x, _mm512_mullo_epi32(batch, _mm512_add_epi32(value, one)));
    if (spread.residual != 0) {
      const __m512i q = _mm512_cvttps_epi32(_mm512_div_ps(_mm512_cvtepi32_ps(value), step));
      cdf = _mm512_add_epi32(cdf, _mm512_min_epu32(_mm512_add_epi32(q, one), residual));
    }
    __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(cdf), vscale));
    r = _mm512_min_epi32(_mm512_max_epi32(r, zero), top);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lut + v), _mm512_cvtepi32_epi16(r));
  }
  *kept = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm512_castsi512_si128(carry)));
  return v;
}

// The same, 8 entries at a time: the prefix sum within each 128-bit lane,
// then the low lane's total added to the high lane.
HISTEQ_TARGET_AVX2 int CdfSpanAvx2(const uint32_t* hist, int first, int end, uint64_t* kept,
                                   const ClipSpread& spread, float scale, int max_value,
                                   uint16_t* lut) {
  const __m256i zero = _mm256_setzero_si256(), top = _mm256_set1_epi32(max_value);
  const __m256i limit = _mm256_set1_epi32(spread.limit ? static_cast<int>(spread.limit) : -1);
  const __m256i batch = _mm256_set1_epi32(static_cast<int>(spread.batch));
  const __m256i residual = _mm256_set1_epi32(static_cast<int>(spread.residual));
  const __m256 step = _mm256_set1_ps(static_cast<float>(spread.step));
  const __m256i one = _mm256_set1_epi32(1), iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i last = _mm256_set1_epi32(7), lane3 = _mm256_set1_epi32(3);
  const __m256 vscale = _mm256_set1_ps(scale);
  __m256i carry = _mm256_set1_epi32(static_cast<int>(*kept));
  int v = first;
  for (; v + 8 <= end; v += 8) {
    __m256i x = zero;
    if (hist) {
      x = _mm256_min_epu32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + v)), limit);
      x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
      x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));
      // The low lane's total into the high lane.
      const __m256i low_total = _mm256_permutevar8x32_epi32(x, lane3);
      x = _mm256_add_epi32(x, _mm256_blend_epi32(zero, low_total, 0xF0));
    }
    x = _mm256_add_epi32(x, carry);
    carry = _mm256_permutevar8x32_epi32(x, last);
    const __m256i value = _mm256_add_epi32(_mm256_set1_epi32(v), iota);
    __m256i cdf = _mm256_add_epi32(x, _mm256_mullo_epi32(batch, _mm256_add_epi32(value, one)));
    if (spread.residual != 0) {
      const __m256i q = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(value), step));
      cdf = _mm256_add_epi32(cdf, _mm256_min_epu32(_mm256_add_epi32(q, one), residual));
    }
    __m256i r = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(cdf), vscale));
    r = _mm256_min_epi32(_mm256_max_epi32(r, zero), top);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lut + v), _mm256_castsi256_si128(packed));
  }
  *kept = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(carry)));
  return v;
}
#endif

}  // namespace

uint64_t BuildCdfLutSpan(const uint32_t* hist, int first, int end, uint64_t below,
                         const ClipSpread& spread, uint64_t pixels, int bins, uint16_t* lut) {
  if (pixels == 0) {
    for (int v = first; v < end; ++v) lut[v] = static_cast<uint16_t>(v);
    return below;
  }
  // cv::CLAHE's float operations: lutScale = float(M) / pixels.
  const int max_value = bins - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(pixels);
  uint64_t kept = below;
  int v = first;
#ifdef HISTEQ_X86
  // The clipped histogram sums to the tile's pixels.
  if (pixels < (1ull << 31) && ActiveSimd() >= SimdLevel::kAvx512Vbmi)
    v = CdfSpanAvx512(hist, first, end, &kept, spread, scale, max_value, lut);
  else if (pixels < (1ull << 31) && ActiveSimd() >= SimdLevel::kAvx2)
    v = CdfSpanAvx2(hist, first, end, &kept, spread, scale, max_value, lut);
#endif
  if (v == end) return kept;
  // Added(v) kept up step by step: a division per entry would cost more
  // than the rest of the loop.
  const uint32_t limit = spread.limit != 0 ? spread.limit : UINT32_MAX;
  uint64_t whole = static_cast<uint64_t>(spread.batch) * static_cast<uint64_t>(v);
  uint32_t q = static_cast<uint32_t>(v) / spread.step, rem = static_cast<uint32_t>(v) % spread.step;
  for (; v < end; ++v) {
    if (hist) kept += static_cast<uint64_t>(hist[v] - Over(hist[v], limit));
    whole += spread.batch;
    const uint64_t bumps = spread.residual == 0 ? 0 : std::min(spread.residual, q + 1);
    if (++rem == spread.step) {
      rem = 0;
      ++q;
    }
    const int r = RoundHalfEven(static_cast<float>(kept + whole + bumps) * scale);
    lut[v] = static_cast<uint16_t>(r < 0 ? 0 : (r > max_value ? max_value : r));
  }
  return kept;
}

}  // namespace histeq
