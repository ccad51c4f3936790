// CLAHE tables built over a span of values only.
//
// A tile of 16-bit samples holds a few thousand of the 65536 values, and a
// table entry is only ever read for values the tile's neighbourhood holds.
// Outside the tile's own values the clipped histogram is nothing but the
// excess handed out by ClipHistogram, so its cumulative sum has a closed
// form there: these functions give the very table entries ClipHistogram +
// BuildCdfLut give (the same integer sums, the same float product and
// rounding), for the values asked for only.
#ifndef HISTEQ_SPARSE_LUT_H_
#define HISTEQ_SPARSE_LUT_H_

#include <cstdint>

#include "histeq/lut.h"

namespace histeq {

// How ClipHistogram hands out the E counts it cut off a histogram of `bins`
// bins: batch = E / bins to every bin, then one count each to bins 0, step,
// ..., (residual - 1) step, with residual = E % bins and step = max(bins /
// residual, 1).
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

// The CLAHE table entries lut[first .. end - 1] (the arrays indexed by
// value): with `below` the clipped counts of the bins under `first` and
// hist[v] the unclipped count of bin v (nullptr: every bin in the span is
// empty), the entry is saturate(round-half-even(float(C(v)) * (float(M) /
// pixels))), C(v) = below + the clipped counts of first .. v + spread.Added(v),
// exactly as BuildCdfLut after ClipHistogram. Returns below + the clipped
// counts of the span. pixels == 0 gives the identity.
uint64_t BuildCdfLutSpan(const uint32_t* hist, int first, int end, uint64_t below,
                         const ClipSpread& spread, uint64_t pixels, int bins, uint16_t* lut);

}  // namespace histeq

#endif  // HISTEQ_SPARSE_LUT_H_
