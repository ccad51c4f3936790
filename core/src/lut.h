// Look-up tables that map a sample value to its equalized value.
//
// Every function is one implementation over the number of bins (256 for
// 8-bit video, 2^depth for deeper video) and the table's type (uint8_t or
// uint16_t). With M = bins - 1 the definitions are OpenCV's with M in place
// of 255.
#ifndef HISTEQ_SRC_LUT_H_
#define HISTEQ_SRC_LUT_H_

#include <cmath>
#include <cstdint>

#include "histeq/equalizer.h"
#include "round.h"

namespace histeq {

// The table of cv::equalizeHist for `hist`.
//
// With N the sum of `hist` and i0 the lowest occupied bin: when hist[i0] == N
// (one value only, a flat image) the table is the identity and the function
// returns false. Otherwise scale = M / (N - hist[i0]) in float, lut[i0] = 0
// and lut[v] = saturate(round-half-even(float(hist[i0+1] + ... + hist[v]) *
// scale)) for v > i0; entries below i0 are the identity (no sample has them).
// An empty histogram gives the identity too.
template <typename T>
bool BuildEqualizeLut(const uint32_t* hist, int bins, T* lut);

// Contrast limiting, as cv::CLAHE defines it.
//
// The clip limit in counts for a region of `pixels` samples: 0 (no clipping)
// when clip <= 0, else max(1, int(clip * pixels / bins)). `clip` is relative
// to the height of a uniform histogram, like OpenCV's clipLimit.
uint32_t ClipLimitCount(double clip, uint64_t pixels, int bins);

// OpenCV cuts every bin above the limit down to it and hands the E counts
// cut off out again: batch = E / bins to every bin, then one count each to
// bins 0, step, ..., (residual - 1) step, with residual = E % bins and step =
// max(bins / residual, 1).
struct ClipSpread {
  uint32_t limit = 0;  // the clip limit in counts; 0: no clipping
  uint32_t batch = 0;
  uint32_t residual = 0;
  uint32_t step = 1;

  static ClipSpread Make(uint32_t limit, uint64_t clipped, int bins);
  // The counts bins 0 .. v received in all: batch (v + 1) + min(residual,
  // v / step + 1).
  uint64_t Added(int v) const;
};

// The counts above `limit` (> 0; 0 gives 0) in bins [first, end) of `hist`.
uint64_t ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit);
// The same, clipping the bins in place (hist[v] = min(hist[v], limit)) and,
// with `share`, adding their counts before to share (a frame's histogram).
// The bins hold fewer than 2^32 counts in all.
uint64_t ClipCounts(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share);

// The CLAHE table entries lut[first .. end - 1] (the arrays indexed by
// value): with `below` the clipped counts of the bins under `first` and
// hist[v] the unclipped count of bin v (nullptr: every bin in the span is
// empty), the entry is saturate(round-half-even(float(C(v)) * (float(M) /
// pixels))), C(v) = below + the clipped counts of first .. v + spread.Added(v),
// which is OpenCV's clipped, redistributed cumulative histogram. Returns
// below + the clipped counts of the span. pixels == 0 gives the identity.
//
// So a table is computed for the values asked for only: outside the values a
// tile holds, its clipped histogram is nothing but the handed-out excess.
template <typename T>
uint64_t BuildCdfLutSpan(const uint32_t* hist, int first, int end, uint64_t below,
                         const ClipSpread& spread, uint64_t pixels, int bins, T* lut);
// BuildCdfLutSpan of a histogram ClipCounts clipped (at spread.limit): the
// same entries and result, quicker. The counts the spread hands out one at a
// time to bins of the span are added to those bins first, so that the scan
// adds only the batch (hist is left with them: clear it after).
template <typename T>
uint64_t BuildClippedCdfLutSpan(uint32_t* hist, int first, int end, uint64_t below,
                                const ClipSpread& spread, uint64_t pixels, int bins, T* lut);

// The whole CLAHE table of a histogram of `pixels` counts clipped at
// `limit` counts (0: none): cv::CLAHE's table of a tile.
template <typename T>
void BuildClaheLut(const uint32_t* hist, int bins, uint64_t pixels, uint32_t limit, T* lut);

// The contrast-limited table of ExcessSpread::kRange. With N the sum of
// `hist`, lo and hi its lowest and highest occupied bins: when lo == hi (a
// flat frame, one value only) or N == 0 the table is the identity and the
// function returns false, as BuildEqualizeLut (the frame is left as it is).
// Otherwise every bin is clipped at `limit` counts (0: none) and the E
// counts cut off are handed out over the n = hi - lo + 1 bins [lo, hi] only:
// E / n to each, then one count each to lo, lo + step, ..., lo + (r - 1)
// step with r = E % n and step = max(n / r, 1). With C(v) the running sum
// of that histogram, scale = M / (N - C(lo)) in float, lut[lo] = 0 and
// lut[v] = saturate(round-half-even(float(C(v) - C(lo)) * scale)) for v >
// lo; entries below lo are the identity (no sample has them). N - C(lo) >=
// 1, as bin hi keeps at least one count. With limit 0 this is
// BuildEqualizeLut, byte for byte.
template <typename T>
bool BuildRangeClippedLut(const uint32_t* hist, int bins, uint32_t limit, T* lut);
// The same from a normalised distribution p of a region of `pixels`
// samples, in double: lo and hi are the lowest and highest v holding at
// least half a sample (p[v] * pixels >= 0.5); lo == hi (or none) is flat
// (identity, false). The counts p * pixels are clipped at `limit`, the
// excess handed out over [lo, hi] as above (whole counts, the fraction of a
// count left over to the bin after the last), and lut[v] = round(M * (C(v) -
// C(lo)) / (pixels - C(lo))) saturated, for every v (below lo: 0).
template <typename T>
bool BuildRangeClippedLutSmoothed(const double* p, int bins, uint64_t pixels, uint32_t limit,
                                  T* lut);

// Tables from a normalised distribution p (sum 1) rather than counts, for
// temporally averaged histograms; computed in double.
//
// The equalizeHist table of a frame of `pixels` samples: i0 = the lowest v
// holding at least half a sample (p[v] * pixels >= 0.5); when it holds all
// but half a sample the table is the identity (flat) and false is returned;
// otherwise lut[v] = round(M * (P(v) - P(i0)) / (1 - P(i0))), P the
// cumulative distribution. On a distribution of whole counts this is
// BuildEqualizeLut up to float rounding (+-1).
template <typename T>
bool BuildEqualizeLutSmoothed(const double* p, int bins, uint64_t pixels, T* lut);
// The CLAHE table of a region of `pixels` samples: the counts p * pixels
// clipped at `limit` counts (0: none) and the excess handed out exactly as
// ClipSpread describes (whole counts to every bin, the remainder one count
// at a time to bins 0, step, 2 step, ...), then lut[v] = round(M * C(v) /
// pixels). On whole counts this is BuildClaheLut up to float rounding (+-1).
template <typename T>
void BuildCdfLutSmoothed(const double* p, int bins, uint64_t pixels, uint32_t limit, T* lut);

// Temporal smoothing of the tables of 10 to 16-bit tiles keeps, per tile,
// an average over kCoarseBins blocks of W = bins / kCoarseBins values (its
// resolution does not grow with the depth). A frame's table is then made
// from a synthetic histogram of about kSyntheticScale * pixels counts: the
// averaged share m of each block spread over the values the frame's tile
// holds there in proportion to their counts (count h of n in the block:
// round(h (m S / n)), S = kSyntheticScale * pixels), or evenly over the
// block's W values (round(m S / W) each) when the frame has none there;
// rounding half up.
// It is clipped at kSyntheticScale times the tile's clip limit and its
// excess handed out in whole units of kSyntheticScale counts as ClipSpread
// does (the remainder of fewer than a unit to bin 0), then made into a table
// as a histogram of its sum's counts: on a still scene, where the synthetic
// histogram is kSyntheticScale times the frame's, the table is the frame's
// own, byte for byte.
constexpr int kCoarseBins = 256;
constexpr uint32_t kSyntheticScale = 16;
// round(h * per_count), per_count = m S / n of the block.
inline uint32_t SyntheticCount(double per_count, uint32_t h) {
  return static_cast<uint32_t>(h * per_count + 0.5);
}
inline uint32_t SyntheticEven(double mass_scaled, int w) {
  return static_cast<uint32_t>(mass_scaled / w + 0.5);
}
// The synthetic histogram of `hist` (bins counts, pixels in all) for the
// averaged block shares `mass` (kCoarseBins) and the frame's block counts
// `blocks` (kCoarseBins), clipped at `limit` synthetic counts (0: none),
// into `out` (bins counts). Returns its sum before clipping; the counts cut
// off in `excess`.
uint64_t SyntheticHistogram(const uint32_t* hist, const uint32_t* blocks, const double* mass,
                            int bins, uint64_t pixels, uint32_t limit, uint32_t* out,
                            uint64_t* excess);
// The spread of `excess` synthetic counts: in units of kSyntheticScale, the
// remainder in `leftover`.
ClipSpread SyntheticSpread(uint32_t limit, uint64_t excess, int bins, uint32_t* leftover);
// The table of a synthetic histogram of `total` counts, clipped at `limit`
// (0: none) with `excess` counts cut off (SyntheticHistogram's). `clipped`
// is changed: the handed-out units that are not the same in every bin are
// added to it.
template <typename T>
void BuildSyntheticLut(uint32_t* clipped, int bins, uint64_t total, uint32_t limit,
                       uint64_t excess, T* lut);

// Maps a full-range table onto the limited range: with lo = 16 and hi = 235
// scaled by bins / 256, lut[v] = lo + round(lut[v] * (hi - lo) / M), for the
// entries [first, end). The rounding never meets a tie (the numerator is
// even, M odd).
template <typename T>
void CompressLutToLimitedRange(T* lut, int first, int end, int bins);

// Maps a full-range equalization table to what is applied, for the entries
// [first, end) (`lut` indexed by value): compressed to the limited range for
// Range::kLimited, then blended with the identity by strength in [0, 1]:
// lut[v] = round(v + strength * (lut[v] - v)).
template <typename T>
void FinishLutSpan(T* lut, int first, int end, int bins, Range range, double strength);
// One entry of FinishLutSpan: entry e of value v.
inline uint32_t FinishEntry(uint32_t e, int v, int bins, Range range, double strength) {
  if (range == Range::kLimited) {
    const uint64_t max_value = static_cast<uint64_t>(bins - 1);
    const uint64_t lo = 16u * static_cast<uint64_t>(bins) / 256;
    const uint64_t span = 219u * static_cast<uint64_t>(bins) / 256;
    e = static_cast<uint32_t>(lo + (e * span * 2 + max_value) / (2 * max_value));
  }
  if (strength >= 1.0) return e;
  const double s = strength > 0.0 ? strength : 0.0;
  return static_cast<uint32_t>(RoundHalfAway(v + s * (static_cast<double>(e) - v)));
}
template <typename T>
void FinishLut(T* lut, int bins, Range range, double strength) {
  FinishLutSpan(lut, 0, bins, bins, range, strength);
}

}  // namespace histeq

#endif  // HISTEQ_SRC_LUT_H_
