// Look-up tables that map a sample value to its equalized value.
#ifndef HISTEQ_LUT_H_
#define HISTEQ_LUT_H_

#include <cstdint>

#include "histeq/histogram.h"

namespace histeq {

// The output range of an equalization.
enum class Range {
  kFull,     // [0, 255]: the values of cv::equalizeHist.
  kLimited,  // [16, 235]: studio-range video (BT.601/709 "limited" Y).
};

// Builds the cv::equalizeHist table for `hist`.
//
// With N the sum of `hist` and i0 the lowest occupied bin: when hist[i0] == N
// (one value only, a flat image) the table is the identity and the function
// returns false. Otherwise scale = 255 / (N - hist[i0]) in float, lut[i0] = 0
// and lut[v] = saturate(round-half-even(float(hist[i0+1] + ... + hist[v]) *
// scale)) for v > i0; entries below i0 are the identity (no sample has them).
// An empty histogram gives the identity too.
bool BuildEqualizeLut8(const uint32_t hist[kBins8], uint8_t lut[kBins8]);

// Maps a full-range table onto [16, 235]: lut[v] = 16 + round(lut[v] * 219 /
// 255). The rounding never meets a tie (219 * 2 * k is even, 255 is odd).
void CompressLutToLimitedRange8(uint8_t lut[kBins8]);

// The table histogram equalization applies for `range`: BuildEqualizeLut8,
// compressed to [16, 235] for Range::kLimited. A flat histogram gives the
// identity in every range, so a flat frame passes through unchanged.
// Returns false when the table is the identity.
bool BuildGlobalLut8(const uint32_t hist[kBins8], Range range,
                     uint8_t lut[kBins8]);

// Fills `lut` with the identity.
void IdentityLut8(uint8_t lut[kBins8]);

}  // namespace histeq

#endif  // HISTEQ_LUT_H_
