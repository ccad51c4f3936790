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

// Blends a table with the identity: round(v + strength * (lut[v] - v)).
Lut Blend(const Lut& lut, double strength);

// cv::createCLAHE(clip, Size(tiles_x, tiles_y))->apply(img) from its
// definition: the frame is extended (when the tiles do not divide it) by
// tiles - size % tiles columns and rows, mirrored (reflect-101); each tile's
// histogram is clipped at max(1, int(clip * tile_pixels / 256)) (no
// clipping for clip <= 0) with the excess spread as OpenCV does; its table
// is round(float(cumulative count) * (255.f / tile_pixels)); every sample is
// the bilinear blend (float, OpenCV's order) of the four nearest tables.
// With `limited`, each tile table is compressed to [16, 235] (ToLimited) and
// then blended with the identity by `strength`, before interpolation.
testimg::Image Clahe(const testimg::Image& img, double clip, int tiles_x, int tiles_y,
                     bool limited = false, double strength = 1.0);

}  // namespace ref

#endif  // HISTEQ_TESTS_REFERENCE_H_
