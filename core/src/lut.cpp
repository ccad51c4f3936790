#include "histeq/lut.h"

#include <algorithm>
#include <cmath>

#include "histeq/simd.h"
#include "round.h"

#include "x86.h"

namespace histeq {
namespace {

template <typename T>
T SaturateRound(float v, int max_value) {
  const int r = RoundHalfEven(v);
  return static_cast<T>(r < 0 ? 0 : (r > max_value ? max_value : r));
}

template <typename T>
T Saturate(double v, int max_value) {
  const long r = std::lround(v);
  return static_cast<T>(r < 0 ? 0 : (r > max_value ? max_value : r));
}

#ifdef HISTEQ_X86
// BuildCdfLut for 16-bit tables, 16 entries at a time: an in-register prefix
// sum (four shifted adds) plus the running total, then the same float
// conversion, product and rounding (cvtps2dq: to nearest, ties to even) as
// the scalar loop. The sums stay below 2^31, where int32 and uint64 convert
// to the same float. Returns how many entries it filled (a multiple of 16)
// and their sum in `*sum`.
HISTEQ_TARGET_AVX512 int CdfLut16Avx512(const uint32_t* hist, int bins, float scale, int max_value,
                                        uint16_t* lut, uint64_t* sum) {
  const __m512i zero = _mm512_setzero_si512(), last = _mm512_set1_epi32(15);
  const __m512i top = _mm512_set1_epi32(max_value);
  const __m512 vscale = _mm512_set1_ps(scale);
  __m512i carry = zero;
  int v = 0;
  for (; v + 16 <= bins; v += 16) {
    __m512i x = _mm512_loadu_si512(hist + v);
    x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 15));
    x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 14));
    x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 12));
    x = _mm512_add_epi32(x, _mm512_mask_alignr_epi32(zero, 0xFFFF, x, zero, 8));
    x = _mm512_add_epi32(x, carry);
    carry = _mm512_permutexvar_epi32(last, x);
    __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(x), vscale));
    r = _mm512_min_epi32(_mm512_max_epi32(r, zero), top);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lut + v), _mm512_cvtepi32_epi16(r));
  }
  *sum = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm512_castsi512_si128(carry)));
  return v;
}

// ClipHistogram's first pass, 16 bins at a time: the bins capped at `limit`
// and the sum of what was cut off. Returns how many bins it did.
HISTEQ_TARGET_AVX512 int ClipAvx512(uint32_t* hist, int bins, uint32_t limit, uint64_t* clipped) {
  const __m512i vlimit = _mm512_set1_epi32(static_cast<int>(limit));
  __m512i acc = _mm512_setzero_si512();  // eight 64-bit sums
  int v = 0;
  for (; v + 16 <= bins; v += 16) {
    const __m512i h = _mm512_loadu_si512(hist + v);
    const __m512i kept = _mm512_min_epu32(h, vlimit);
    const __m512i over = _mm512_sub_epi32(h, kept);
    _mm512_storeu_si512(hist + v, kept);
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(over)));
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(over, 1)));
  }
  *clipped = static_cast<uint64_t>(_mm512_reduce_add_epi64(acc));
  return v;
}
#endif

}  // namespace

template <typename T>
void IdentityLut(T* lut, int bins) {
  for (int v = 0; v < bins; ++v) lut[v] = static_cast<T>(v);
}

template <typename T>
bool BuildEqualizeLut(const uint32_t* hist, int bins, T* lut) {
  IdentityLut(lut, bins);
  uint64_t total = 0;
  for (int v = 0; v < bins; ++v) total += hist[v];
  if (total == 0) return false;

  int i = 0;
  while (hist[i] == 0) ++i;
  if (hist[i] == total) return false;

  // The same float operations, in the same order, as cv::equalizeHist.
  const int max_value = bins - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(total - hist[i]);
  uint64_t sum = 0;
  lut[i++] = 0;
  for (; i < bins; ++i) {
    sum += hist[i];
    lut[i] = SaturateRound<T>(static_cast<float>(sum) * scale, max_value);
  }
  return true;
}

namespace {

template <typename T>
void CompressSpan(T* lut, int first, int end, int bins) {
  const uint64_t max_value = static_cast<uint64_t>(bins - 1);
  const uint64_t lo = 16u * static_cast<uint64_t>(bins) / 256;
  const uint64_t span = 219u * static_cast<uint64_t>(bins) / 256;
  for (int v = first; v < end; ++v)
    lut[v] = static_cast<T>(lo + (lut[v] * span * 2 + max_value) / (2 * max_value));
}

template <typename T>
void BlendSpan(T* lut, int first, int end, double strength) {
  if (strength >= 1.0) return;
  const double s = strength > 0.0 ? strength : 0.0;
  for (int v = first; v < end; ++v)
    lut[v] = static_cast<T>(std::lround(v + s * (static_cast<double>(lut[v]) - v)));
}

}  // namespace

template <typename T>
void CompressLutToLimitedRange(T* lut, int bins) {
  CompressSpan(lut, 0, bins, bins);
}

uint32_t ClipLimitCount(double clip, uint64_t pixels, int bins) {
  if (!(clip > 0.0)) return 0;
  const double limit = clip * static_cast<double>(pixels) / bins;
  if (limit >= 4294967295.0) return UINT32_MAX;
  return limit < 1.0 ? 1u : static_cast<uint32_t>(limit);
}

void ClipHistogram(uint32_t* hist, int bins, uint32_t limit) {
  // Without a branch: with 65536 bins and a limit of a count or two, whether
  // a bin is over it is a coin toss.
  uint64_t clipped = 0;
  int v = 0;
#ifdef HISTEQ_X86
  if (ActiveSimd() >= SimdLevel::kAvx512Vbmi) v = ClipAvx512(hist, bins, limit, &clipped);
#endif
  for (; v < bins; ++v) {
    const uint32_t h = hist[v];
    const uint32_t over = h > limit ? h - limit : 0;
    clipped += over;
    hist[v] = h - over;
  }
  const uint32_t batch = static_cast<uint32_t>(clipped / static_cast<uint64_t>(bins));
  uint32_t residual = static_cast<uint32_t>(clipped % static_cast<uint64_t>(bins));
  for (int v = 0; v < bins; ++v) hist[v] += batch;
  if (residual != 0) {
    const uint32_t step = std::max<uint32_t>(static_cast<uint32_t>(bins) / residual, 1);
    for (uint32_t v = 0; v < static_cast<uint32_t>(bins) && residual > 0; v += step, --residual)
      ++hist[v];
  }
}

template <typename T>
void BuildCdfLut(const uint32_t* hist, int bins, uint64_t pixels, T* lut) {
  if (pixels == 0) {
    IdentityLut(lut, bins);
    return;
  }
  // The same float operations as cv::CLAHE: lutScale = float(M) / pixels.
  const int max_value = bins - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(pixels);
  uint64_t sum = 0;
  int v = 0;
#ifdef HISTEQ_X86
  // The clipped histogram sums to the tile's pixels.
  if (sizeof(T) == 2 && pixels < (1ull << 31) && ActiveSimd() >= SimdLevel::kAvx512Vbmi) {
    v = CdfLut16Avx512(hist, bins, scale, max_value, reinterpret_cast<uint16_t*>(lut), &sum);
  }
#endif
  for (; v < bins; ++v) {
    sum += hist[v];
    lut[v] = SaturateRound<T>(static_cast<float>(sum) * scale, max_value);
  }
}

template <typename T>
bool BuildEqualizeLutSmoothed(const double* p, int bins, uint64_t pixels, T* lut) {
  IdentityLut(lut, bins);
  const double half = pixels > 0 ? 0.5 / static_cast<double>(pixels) : 0.5;
  int i0 = 0;
  while (i0 < bins && p[i0] < half) ++i0;
  if (i0 == bins || p[i0] >= 1.0 - half) return false;
  const int max_value = bins - 1;
  const double base = p[i0];
  const double scale = max_value / (1.0 - base);
  double cum = base;
  lut[i0] = 0;
  for (int v = i0 + 1; v < bins; ++v) {
    cum += p[v];
    lut[v] = Saturate<T>((cum - base) * scale, max_value);
  }
  return true;
}

template <typename T>
void BuildCdfLutSmoothed(const double* p, int bins, uint64_t pixels, uint32_t limit, T* lut) {
  const double n = static_cast<double>(pixels);
  // Clip in the count domain, bin by bin, then spread as ClipHistogram does.
  double excess = 0.0;
  if (limit > 0)
    for (int v = 0; v < bins; ++v) excess += std::max(0.0, p[v] * n - limit);
  double batch = 0.0, residual = 0.0;
  int step = bins;
  if (excess > 0.0) {
    // An average of whole counts is whole only up to rounding (85.9999999):
    // the batch and the step must see 86, or the remainder lands in other
    // bins than OpenCV puts it.
    constexpr double kWhole = 1e-6;
    batch = std::floor(excess / bins + kWhole / bins);
    residual = std::max(0.0, excess - batch * bins);
    if (residual > kWhole) {
      const int whole = static_cast<int>(std::floor(residual + kWhole));
      step = whole > 0 ? std::max(bins / whole, 1) : bins;
    } else {
      residual = 0.0;
    }
  }
  // The remainder, one count at a time to bins 0, step, 2 step, ...; the
  // fraction of a count left over goes to the next bin in the same walk.
  const int max_value = bins - 1;
  double cum = 0.0;
  for (int v = 0; v < bins; ++v) {
    double c = p[v] * n;
    if (limit > 0 && c > limit) c = limit;
    c += batch;
    if (residual > 0.0 && v % step == 0) {
      const double add = std::min(1.0, residual);
      c += add;
      residual -= add;
    }
    cum += c;
    lut[v] = Saturate<T>(cum * max_value / n, max_value);
  }
}

template <typename T>
void BlendLutWithIdentity(T* lut, int bins, double strength) {
  BlendSpan(lut, 0, bins, strength);
}

template <typename T>
void FinishLutSpan(T* lut, int first, int end, int bins, Range range, double strength) {
  if (range == Range::kLimited) CompressSpan(lut, first, end, bins);
  BlendSpan(lut, first, end, strength);
}

template <typename T>
void FinishLut(T* lut, int bins, Range range, double strength) {
  FinishLutSpan(lut, 0, bins, bins, range, strength);
}

#define HISTEQ_INSTANTIATE_LUT(T)                                                        \
  template void IdentityLut<T>(T*, int);                                                 \
  template bool BuildEqualizeLut<T>(const uint32_t*, int, T*);                           \
  template void CompressLutToLimitedRange<T>(T*, int);                                   \
  template void BuildCdfLut<T>(const uint32_t*, int, uint64_t, T*);                      \
  template bool BuildEqualizeLutSmoothed<T>(const double*, int, uint64_t, T*);           \
  template void BuildCdfLutSmoothed<T>(const double*, int, uint64_t, uint32_t, T*);      \
  template void BlendLutWithIdentity<T>(T*, int, double);                                \
  template void FinishLut<T>(T*, int, Range, double);                                    \
  template void FinishLutSpan<T>(T*, int, int, int, Range, double);
HISTEQ_INSTANTIATE_LUT(uint8_t)
HISTEQ_INSTANTIATE_LUT(uint16_t)
#undef HISTEQ_INSTANTIATE_LUT

// The 8-bit instances.
void IdentityLut8(uint8_t lut[kBins8]) { IdentityLut(lut, kBins8); }
bool BuildEqualizeLut8(const uint32_t hist[kBins8], uint8_t lut[kBins8]) {
  return BuildEqualizeLut(hist, kBins8, lut);
}
void CompressLutToLimitedRange8(uint8_t lut[kBins8]) { CompressLutToLimitedRange(lut, kBins8); }
uint32_t ClipLimitCount8(double clip, uint64_t pixels) { return ClipLimitCount(clip, pixels, kBins8); }
void ClipHistogram8(uint32_t hist[kBins8], uint32_t limit) { ClipHistogram(hist, kBins8, limit); }
void BuildCdfLut8(const uint32_t hist[kBins8], uint64_t pixels, uint8_t lut[kBins8]) {
  BuildCdfLut(hist, kBins8, pixels, lut);
}
bool BuildEqualizeLutSmoothed8(const double p[kBins8], uint64_t pixels, uint8_t lut[kBins8]) {
  return BuildEqualizeLutSmoothed(p, kBins8, pixels, lut);
}
void BuildCdfLutSmoothed8(const double p[kBins8], uint64_t pixels, uint32_t limit,
                          uint8_t lut[kBins8]) {
  BuildCdfLutSmoothed(p, kBins8, pixels, limit, lut);
}
void BlendLutWithIdentity8(uint8_t lut[kBins8], double strength) {
  BlendLutWithIdentity(lut, kBins8, strength);
}
void FinishLut8(uint8_t lut[kBins8], Range range, double strength) {
  FinishLut(lut, kBins8, range, strength);
}

bool BuildGlobalLut8(const uint32_t hist[kBins8], Range range, uint8_t lut[kBins8]) {
  if (!BuildEqualizeLut8(hist, lut)) return false;
  if (range == Range::kLimited) CompressLutToLimitedRange8(lut);
  return true;
}

}  // namespace histeq
