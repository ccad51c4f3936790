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

// Contrast limiting, as cv::CLAHE defines it.
//
// The clip limit in counts for a region of `pixels` samples: 0 (no clipping)
// when clip <= 0, else max(1, int(clip * pixels / 256)). `clip` is relative
// to the height of a uniform histogram, like OpenCV's clipLimit.
uint32_t ClipLimitCount8(double clip, uint64_t pixels);

// Cuts every bin above `limit` (> 0) down to it and spreads the excess as
// OpenCV does: excess / 256 to every bin, then one count each to bins 0,
// step, 2 step, ... for the remainder r, with step = max(256 / r, 1).
void ClipHistogram8(uint32_t hist[kBins8], uint32_t limit);

// The table of CLAHE: lut[v] = saturate(round-half-even(float(hist[0] + ...
// + hist[v]) * (255.f / pixels))), `pixels` being the histogram's total.
void BuildCdfLut8(const uint32_t hist[kBins8], uint64_t pixels,
                  uint8_t lut[kBins8]);

// Blends a table with the identity: lut[v] = round(v + strength * (lut[v] -
// v)), strength in [0, 1]; 1 leaves the table as it is, 0 makes it the
// identity.
void BlendLutWithIdentity8(uint8_t lut[kBins8], double strength);

// Tables from a normalised distribution p (sum 1) rather than counts, for
// temporally averaged histograms; computed in double.
//
// The equalizeHist table of a frame of `pixels` samples: i0 = the lowest v
// holding at least half a sample (p[v] * pixels >= 0.5); when it holds all
// but half a sample the table is the identity (flat) and false is returned;
// otherwise lut[v] = round(255 * (P(v) - P(i0)) / (1 - P(i0))), P the
// cumulative distribution. On a distribution of whole counts this is
// BuildEqualizeLut8 up to float rounding (+-1).
bool BuildEqualizeLutSmoothed8(const double p[kBins8], uint64_t pixels,
                               uint8_t lut[kBins8]);
// The CLAHE table of a region of `pixels` samples: the counts p * pixels
// clipped at `limit` counts (0: none) and the excess handed out exactly as
// ClipHistogram8 does (whole counts to every bin, the remainder one count at
// a time to bins 0, step, 2 step, ...), then lut[v] = round(255 * C(v) /
// pixels). On whole counts this is ClipHistogram8 + BuildCdfLut8 up to
// float rounding (+-1).
void BuildCdfLutSmoothed8(const double p[kBins8], uint64_t pixels,
                          uint32_t limit, uint8_t lut[kBins8]);

// Maps a full-range equalization table to what is applied: compressed to
// [16, 235] for Range::kLimited, then blended with the identity by strength.
void FinishLut8(uint8_t lut[kBins8], Range range, double strength);

}  // namespace histeq

#endif  // HISTEQ_LUT_H_
