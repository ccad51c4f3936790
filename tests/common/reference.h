// Plain references written from the definitions, independent of core/:
// one loop per step of the definition, no sub-histograms, no tables shared
// with the code under test.
#ifndef HISTEQ_TESTS_REFERENCE_H_
#define HISTEQ_TESTS_REFERENCE_H_

#include <array>
#include <cstdint>

#include "images.h"

namespace ref {

using Lut = std::array<uint8_t, 256>;

// cv::equalizeHist's table for the samples of `img` (first channel):
// i0 = lowest value present; flat -> identity; else scale = 255 / (N - h[i0])
// in float, lut[i0] = 0, lut[v] = saturate(round-half-even(float(h[i0+1] +
// ... + h[v]) * scale)).
Lut EqualizeLut(const testimg::Image& img);

// 16 + round(lut * 219 / 255), computed in double.
Lut ToLimited(const Lut& full);

// img with every sample replaced by lut[sample].
testimg::Image Apply(const testimg::Image& img, const Lut& lut);

}  // namespace ref

#endif  // HISTEQ_TESTS_REFERENCE_H_
