#include "lut.h"

#include <algorithm>
#include <cmath>

#include "kernels/kernels.h"
#include "round.h"

namespace histeq {
namespace {

template <typename T>
T SaturateRound(float v, int max_value) {
  const int r = RoundHalfEven(v);
  return static_cast<T>(r < 0 ? 0 : (r > max_value ? max_value : r));
}

template <typename T>
T Saturate(double v, int max_value) {
  const long r = RoundHalfAway(v);
  return static_cast<T>(r < 0 ? 0 : (r > max_value ? max_value : r));
}

// Saturate for v >= 0 (below 2^63): RoundHalfAway's steps without the sign.
template <typename T>
T SaturateNonNegative(double v, int max_value) {
  long r = static_cast<long>(v);
  r += (v - static_cast<double>(r)) >= 0.5;
  return static_cast<T>(r > max_value ? max_value : r);
}

template <typename T>
void IdentityLut(T* lut, int first, int end) {
  for (int v = first; v < end; ++v) lut[v] = static_cast<T>(v);
}

// The kernels' CDF scan for the table's type.
inline int CdfScan(const kernels::Kernels& k, const uint32_t* hist, int first, int end,
                   const kernels::Spread& s, float scale, int max_value, uint64_t* kept,
                   uint8_t* lut) {
  return k.cdf_span8(hist, first, end, s, scale, max_value, kept, lut);
}
inline int CdfScan(const kernels::Kernels& k, const uint32_t* hist, int first, int end,
                   const kernels::Spread& s, float scale, int max_value, uint64_t* kept,
                   uint16_t* lut) {
  return k.cdf_span16(hist, first, end, s, scale, max_value, kept, lut);
}

}  // namespace

template <typename T>
bool BuildEqualizeLut(const uint32_t* hist, int bins, T* lut) {
  IdentityLut(lut, 0, bins);
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

uint32_t ClipLimitCount(double clip, uint64_t pixels, int bins) {
  if (!(clip > 0.0)) return 0;
  const double limit = clip * static_cast<double>(pixels) / bins;
  if (limit >= 4294967295.0) return UINT32_MAX;
  return limit < 1.0 ? 1u : static_cast<uint32_t>(limit);
}

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

uint64_t ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit) {
  if (limit == 0) return 0;
  uint64_t clipped = 0;
  const int v = kernels::Active().clipped_counts(hist, first, end, limit, &clipped);
  kernels::Scalar().clipped_counts(hist, v, end, limit, &clipped);
  return clipped;
}

uint64_t ClipCounts(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share) {
  const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
  uint64_t clipped = 0;
  const int v = kernels::Active().clip_counts(hist, first, end, cut, share, &clipped);
  kernels::Scalar().clip_counts(hist, v, end, cut, share, &clipped);
  return clipped;
}

template <typename T>
uint64_t BuildClippedCdfLutSpan(uint32_t* hist, int first, int end, uint64_t below,
                                const ClipSpread& spread, uint64_t pixels, int bins, T* lut) {
  // The single counts go to bins 0, step, ..., (residual - 1) step: k of
  // them lie below bin k step. Those below the span are added to `below`,
  // those in it to their bins; the result is less all of them.
  uint64_t before = 0, through = 0;
  if (spread.residual != 0) {
    const uint64_t step = spread.step, residual = spread.residual;
    uint64_t k = (static_cast<uint64_t>(first) + step - 1) / step;
    before = std::min(residual, k);
    for (; k < residual && k * step < static_cast<uint64_t>(end); ++k) ++hist[k * step];
    through = std::min(residual, k);
  }
  ClipSpread batch_only;
  batch_only.batch = spread.batch;
  return BuildCdfLutSpan(hist, first, end, below + before, batch_only, pixels, bins, lut) -
         through;
}

template <typename T>
uint64_t BuildCdfLutSpan(const uint32_t* hist, int first, int end, uint64_t below,
                         const ClipSpread& spread, uint64_t pixels, int bins, T* lut) {
  if (pixels == 0) {
    IdentityLut(lut, first, end);
    return below;
  }
  // cv::CLAHE's float operations: lutScale = float(M) / pixels.
  const int max_value = bins - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(pixels);
  const kernels::Spread s = {spread.limit, spread.batch, spread.residual, spread.step};
  uint64_t kept = below;
  int v = first;
  // The vector kernels sum in 32 bits; a table's sums never pass its pixels.
  if (pixels < (1ull << 31)) v = CdfScan(kernels::Active(), hist, first, end, s, scale, max_value, &kept, lut);
  CdfScan(kernels::Scalar(), hist, v, end, s, scale, max_value, &kept, lut);
  return kept;
}

template <typename T>
void BuildClaheLut(const uint32_t* hist, int bins, uint64_t pixels, uint32_t limit, T* lut) {
  const ClipSpread spread = ClipSpread::Make(limit, ClippedCounts(hist, 0, bins, limit), bins);
  BuildCdfLutSpan(hist, 0, bins, 0, spread, pixels, bins, lut);
}

template <typename T>
bool BuildEqualizeLutSmoothed(const double* p, int bins, uint64_t pixels, T* lut) {
  IdentityLut(lut, 0, bins);
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

namespace {

// The excess of a smoothed histogram handed out over `span` bins as
// OpenCV hands out whole counts: `batch` to each, then `residual` one count
// at a time every `step` bins. An average of whole counts is whole only up
// to rounding (85.9999999): the batch and the step must see 86, or the
// remainder lands in other bins than OpenCV puts it.
struct SmoothedSpread {
  double batch = 0.0, residual = 0.0;
  int step = 1;
};
SmoothedSpread SpreadSmoothed(double excess, int span) {
  SmoothedSpread s;
  s.step = span;
  if (excess <= 0.0) return s;
  constexpr double kWhole = 1e-6;
  s.batch = std::floor(excess / span + kWhole / span);
  s.residual = std::max(0.0, excess - s.batch * span);
  if (s.residual > kWhole) {
    const int whole = static_cast<int>(std::floor(s.residual + kWhole));
    s.step = whole > 0 ? std::max(span / whole, 1) : span;
  } else {
    s.residual = 0.0;
  }
  return s;
}

}  // namespace

template <typename T>
void BuildCdfLutSmoothed(const double* p, int bins, uint64_t pixels, uint32_t limit, T* lut) {
  const double n = static_cast<double>(pixels);
  // Clip in the count domain, bin by bin, then spread as OpenCV does. The
  // excess sums the bins' overs in their order; adding a 0 leaves a sum of
  // non-negative terms as it is, so the positive overs are gathered first
  // (without a branch) and only they are added, one after another.
  double excess = 0.0;
  if (limit > 0) {
    constexpr int kChunk = 256;
    double over[kChunk];
    for (int v0 = 0; v0 < bins; v0 += kChunk) {
      int k = 0;
      for (int v = v0; v < std::min(bins, v0 + kChunk); ++v) {
        over[k] = p[v] * n - limit;
        k += over[k] > 0.0;
      }
      for (int i = 0; i < k; ++i) excess += over[i];
    }
  }
  const SmoothedSpread spread = SpreadSmoothed(excess, bins);
  const double batch = spread.batch;
  double residual = spread.residual;
  const int step = spread.step;
  const double cap = limit > 0 ? static_cast<double>(limit) : HUGE_VAL;
  // The remainder, one count at a time to bins 0, step, 2 step, ...; the
  // fraction of a count left over goes to the next bin in the same walk.
  const int max_value = bins - 1;
  double cum = 0.0;
  int walk = 0;  // the walk's next bin
  for (int v = 0; v < bins; ++v) {
    double c = std::min(p[v] * n, cap) + batch;
    if (v == walk) {
      walk += step;
      if (residual > 0.0) {
        const double add = std::min(1.0, residual);
        c += add;
        residual -= add;
      }
    }
    cum += c;
    lut[v] = SaturateNonNegative<T>(cum * max_value / n, max_value);  // every c >= 0
  }
}

template <typename T>
bool BuildRangeClippedLut(const uint32_t* hist, int bins, uint32_t limit, T* lut) {
  IdentityLut(lut, 0, bins);
  uint64_t total = 0;
  for (int v = 0; v < bins; ++v) total += hist[v];
  if (total == 0) return false;
  int lo = 0, hi = bins - 1;
  while (hist[lo] == 0) ++lo;
  while (hist[hi] == 0) --hi;
  if (lo == hi) return false;

  // The cut-off counts, handed out over [lo, hi] as OpenCV hands them out
  // over all bins.
  const uint64_t excess = ClippedCounts(hist, lo, hi + 1, limit);
  const uint64_t n = static_cast<uint64_t>(hi - lo + 1);
  const uint64_t batch = excess / n, residual = excess % n;
  const uint64_t step = residual != 0 ? std::max<uint64_t>(n / residual, 1) : 1;
  auto count = [&](int v) {
    uint64_t c = hist[v];
    if (limit != 0 && c > limit) c = limit;
    const uint64_t k = static_cast<uint64_t>(v - lo);
    return c + batch + (k % step == 0 && k / step < residual ? 1 : 0);
  };
  const uint64_t base = count(lo);
  // cv::equalizeHist's float operations, from lo.
  const int max_value = bins - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(total - base);
  uint64_t sum = 0;
  lut[lo] = 0;
  for (int v = lo + 1; v <= hi; ++v) {
    sum += count(v);
    lut[v] = SaturateRound<T>(static_cast<float>(sum) * scale, max_value);
  }
  for (int v = hi + 1; v < bins; ++v) lut[v] = static_cast<T>(max_value);
  return true;
}

template <typename T>
bool BuildRangeClippedLutSmoothed(const double* p, int bins, uint64_t pixels, uint32_t limit,
                                  T* lut) {
  IdentityLut(lut, 0, bins);
  const double n = static_cast<double>(pixels);
  const double half = pixels > 0 ? 0.5 / n : 0.5;
  int lo = 0, hi = bins - 1;
  while (lo < bins && p[lo] < half) ++lo;
  if (lo == bins) return false;
  while (p[hi] < half) --hi;
  if (lo == hi) return false;
  double excess = 0.0;
  if (limit > 0)
    for (int v = 0; v < bins; ++v) excess += std::max(0.0, p[v] * n - limit);
  const SmoothedSpread spread = SpreadSmoothed(excess, hi - lo + 1);
  const double batch = spread.batch, residual = spread.residual;
  const int step = spread.step;
  // The running sum C over every bin (the tails under half a sample
  // included), twice: for C(lo) and the total, then for the table.
  const int max_value = bins - 1;
  auto walk = [&](auto&& at) {
    double left = residual, cum = 0.0;
    for (int v = 0; v < bins; ++v) {
      double x = p[v] * n;
      if (limit > 0 && x > limit) x = limit;
      if (v >= lo && v <= hi) {
        x += batch;
        if (left > 0.0 && (v - lo) % step == 0) {
          const double add = std::min(1.0, left);
          x += add;
          left -= add;
        }
      }
      cum += x;
      at(v, cum);
    }
    return cum;
  };
  double base = 0.0;
  const double total = walk([&](int v, double cum) {
    if (v == lo) base = cum;
  });
  const double scale = max_value / (total - base);
  walk([&](int v, double cum) { lut[v] = Saturate<T>((cum - base) * scale, max_value); });
  return true;
}

template <typename T>
void CompressLutToLimitedRange(T* lut, int first, int end, int bins) {
  for (int v = first; v < end; ++v)
    lut[v] = static_cast<T>(FinishEntry(lut[v], v, bins, Range::kLimited, 1.0));
}

template <typename T>
void FinishLutSpan(T* lut, int first, int end, int bins, Range range, double strength) {
  if (range != Range::kLimited && strength >= 1.0) return;
  for (int v = first; v < end; ++v)
    lut[v] = static_cast<T>(FinishEntry(lut[v], v, bins, range, strength));
}

uint64_t SyntheticHistogram(const uint32_t* hist, const uint32_t* blocks, const double* mass,
                            int bins, uint64_t pixels, uint32_t limit, uint32_t* out,
                            uint64_t* excess) {
  const int w = bins / kCoarseBins;
  const double scale = static_cast<double>(pixels) * kSyntheticScale;
  const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
  // Per block, c = h per_count + add: SyntheticCount's, or, in a block the
  // frame has no sample of (every h 0), add = its even share.
  double per_count[kCoarseBins], add[kCoarseBins];
  for (int b = 0; b < kCoarseBins; ++b) {
    const double m = mass[b] * scale;
    if (blocks[b] == 0) {
      per_count[b] = 0.0;
      add[b] = SyntheticEven(m, w);
    } else {
      per_count[b] = m / blocks[b];
      add[b] = 0.5;
    }
  }
  uint64_t total = 0, kept = 0;
  // The vector kernels sum in 32 bits: the counts total about scale (the
  // masses sum to 1) and half a count a bin more at most.
  const bool in_32_bits = scale + bins < static_cast<double>(1 << 30);
  const int done = in_32_bits ? kernels::Active().synthetic_counts(hist, 0, kCoarseBins, w,
                                                                   per_count, add, cut, out,
                                                                   &total, &kept)
                              : 0;
  kernels::Scalar().synthetic_counts(hist, done, kCoarseBins, w, per_count, add, cut, out, &total,
                                     &kept);
  *excess = total - kept;
  return total;
}

ClipSpread SyntheticSpread(uint32_t limit, uint64_t excess, int bins, uint32_t* leftover) {
  *leftover = static_cast<uint32_t>(excess % kSyntheticScale);
  return ClipSpread::Make(limit, excess / kSyntheticScale, bins);
}

template <typename T>
void BuildSyntheticLut(uint32_t* hist, int bins, uint64_t total, uint32_t limit,
                       uint64_t excess, T* lut) {
  if (total == 0) {
    IdentityLut(lut, 0, bins);
    return;
  }
  // The units handed out one by one (and the leftover) added where they
  // go: the table is then the kernels' running sum of a histogram with the
  // batch to every bin.
  uint32_t leftover = 0;
  const ClipSpread s = SyntheticSpread(limit, excess, bins, &leftover);
  for (uint32_t k = 0; k < s.residual; ++k) hist[k * s.step] += kSyntheticScale;
  hist[0] += leftover;
  ClipSpread whole;
  whole.batch = s.batch * kSyntheticScale;
  BuildCdfLutSpan(hist, 0, bins, 0, whole, total, bins, lut);
}

#define HISTEQ_INSTANTIATE_LUT(T)                                                          \
  template bool BuildEqualizeLut<T>(const uint32_t*, int, T*);                             \
  template uint64_t BuildCdfLutSpan<T>(const uint32_t*, int, int, uint64_t,                \
                                       const ClipSpread&, uint64_t, int, T*);              \
  template uint64_t BuildClippedCdfLutSpan<T>(uint32_t*, int, int, uint64_t,               \
                                              const ClipSpread&, uint64_t, int, T*);       \
  template void BuildClaheLut<T>(const uint32_t*, int, uint64_t, uint32_t, T*);            \
  template bool BuildEqualizeLutSmoothed<T>(const double*, int, uint64_t, T*);             \
  template void BuildCdfLutSmoothed<T>(const double*, int, uint64_t, uint32_t, T*);        \
  template bool BuildRangeClippedLut<T>(const uint32_t*, int, uint32_t, T*);               \
  template bool BuildRangeClippedLutSmoothed<T>(const double*, int, uint64_t, uint32_t, T*); \
  template void BuildSyntheticLut<T>(uint32_t*, int, uint64_t, uint32_t, uint64_t, T*);    \
  template void CompressLutToLimitedRange<T>(T*, int, int, int);                           \
  template void FinishLutSpan<T>(T*, int, int, int, Range, double);
HISTEQ_INSTANTIATE_LUT(uint8_t)
HISTEQ_INSTANTIATE_LUT(uint16_t)
#undef HISTEQ_INSTANTIATE_LUT

}  // namespace histeq
