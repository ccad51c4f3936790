// Look-up tables that map a sample value to its equalized value.
//
// The functions are generic over the number of bins (256 for 8-bit video,
// 2^depth for deeper video) and the table's type (uint8_t or uint16_t); the
// ...8 functions are the 8-bit instances. With M = bins - 1 the definitions
// are OpenCV's with M in place of 255.
#ifndef HISTEQ_LUT_H_
#define HISTEQ_LUT_H_

#include <cstdint>

#include "histeq/histogram.h"

namespace histeq {

// The output range of an equalization.
enum class Range {
  kFull,     // [0, M]: the values of cv::equalizeHist.
  kLimited,  // [16, 235] scaled to the depth: studio-range video Y.
};

// Builds the cv::equalizeHist table for `hist`.
//
// With N the sum of `hist` and i0 the lowest occupied bin: when hist[i0] == N
// (one value only, a flat image) the table is the identity and the function
// returns false. Otherwise scale = M / (N - hist[i0]) in float, lut[i0] = 0
// and lut[v] = saturate(round-half-even(float(hist[i0+1] + ... + hist[v]) *
// scale)) for v > i0; entries below i0 are the identity (no sample has them).
// An empty histogram gives the identity too.
template <typename T>
bool BuildEqualizeLut(const uint32_t* hist, int bins, T* lut);
bool BuildEqualizeLut8(const uint32_t hist[kBins8], uint8_t lut[kBins8]);

// Maps a full-range table onto the limited range: with lo = 16 and hi = 235
// scaled by bins / 256, lut[v] = lo + round(lut[v] * (hi - lo) / M). The
// rounding never meets a tie (the numerator is even, M odd).
template <typename T>
void CompressLutToLimitedRange(T* lut, int bins);
void CompressLutToLimitedRange8(uint8_t lut[kBins8]);

// The table histogram equalization applies for `range`: BuildEqualizeLut8,
// compressed to [16, 235] for Range::kLimited. A flat histogram gives the
// identity in every range, so a flat frame passes through unchanged.
// Returns false when the table is the identity.
bool BuildGlobalLut8(const uint32_t hist[kBins8], Range range,
                     uint8_t lut[kBins8]);

// Fills `lut` with the identity.
template <typename T>
void IdentityLut(T* lut, int bins);
void IdentityLut8(uint8_t lut[kBins8]);

// Contrast limiting, as cv::CLAHE defines it.
//
// The clip limit in counts for a region of `pixels` samples: 0 (no clipping)
// when clip <= 0, else max(1, int(clip * pixels / bins)). `clip` is relative
// to the height of a uniform histogram, like OpenCV's clipLimit.
uint32_t ClipLimitCount(double clip, uint64_t pixels, int bins);
uint32_t ClipLimitCount8(double clip, uint64_t pixels);

// Cuts every bin above `limit` (> 0) down to it and spreads the excess as
// OpenCV does: excess / bins to every bin, then one count each to bins 0,
// step, 2 step, ... for the remainder r, with step = max(bins / r, 1).
void ClipHistogram(uint32_t* hist, int bins, uint32_t limit);
void ClipHistogram8(uint32_t hist[kBins8], uint32_t limit);

// The table of CLAHE: lut[v] = saturate(round-half-even(float(hist[0] + ...
// + hist[v]) * (float(M) / pixels))), `pixels` being the histogram's total.
template <typename T>
void BuildCdfLut(const uint32_t* hist, int bins, uint64_t pixels, T* lut);
void BuildCdfLut8(const uint32_t hist[kBins8], uint64_t pixels,
                  uint8_t lut[kBins8]);

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
bool BuildEqualizeLutSmoothed8(const double p[kBins8], uint64_t pixels,
                               uint8_t lut[kBins8]);
// The CLAHE table of a region of `pixels` samples: the counts p * pixels
// clipped at `limit` counts (0: none) and the excess handed out exactly as
// ClipHistogram does (whole counts to every bin, the remainder one count at
// a time to bins 0, step, 2 step, ...), then lut[v] = round(M * C(v) /
// pixels). On whole counts this is ClipHistogram + BuildCdfLut up to float
// rounding (+-1).
template <typename T>
void BuildCdfLutSmoothed(const double* p, int bins, uint64_t pixels,
                         uint32_t limit, T* lut);
void BuildCdfLutSmoothed8(const double p[kBins8], uint64_t pixels,
                          uint32_t limit, uint8_t lut[kBins8]);

// Blends a table with the identity: lut[v] = round(v + strength * (lut[v] -
// v)), strength in [0, 1]; 1 leaves the table as it is, 0 makes it the
// identity.
template <typename T>
void BlendLutWithIdentity(T* lut, int bins, double strength);
void BlendLutWithIdentity8(uint8_t lut[kBins8], double strength);

// Maps a full-range equalization table to what is applied: compressed to the
// limited range for Range::kLimited, then blended with the identity by
// strength.
template <typename T>
void FinishLut(T* lut, int bins, Range range, double strength);
// The same for the entries [first, end) only (`lut` indexed by value).
template <typename T>
void FinishLutSpan(T* lut, int first, int end, int bins, Range range, double strength);
void FinishLut8(uint8_t lut[kBins8], Range range, double strength);

}  // namespace histeq

#endif  // HISTEQ_LUT_H_
