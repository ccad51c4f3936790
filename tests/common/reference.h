// Plain references written from the definitions, independent of core/:
// one loop per step of the definition, no sub-histograms, no tables shared
// with the code under test.
#ifndef HISTEQ_TESTS_REFERENCE_H_
#define HISTEQ_TESTS_REFERENCE_H_

#include <array>
#include <cstdint>
#include <vector>

#include <cmath>

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

// A plane of code values of any depth (8 to 16 bits), packed.
struct Codes {
  int width = 0, height = 0, depth = 8;
  std::vector<uint16_t> v;
  uint16_t& at(int x, int y) { return v[static_cast<size_t>(y) * width + x]; }
  uint16_t at(int x, int y) const { return v[static_cast<size_t>(y) * width + x]; }
};
Codes ToCodes(const testimg::Image& img);        // depth 8
testimg::Image ToImage(const Codes& codes);      // depth 8 only
// An 8-bit picture scaled to `depth`: (v << (depth - 8)) with random low bits.
Codes Deepen(const testimg::Image& img, int depth, uint32_t seed);

// The definitions above for any depth, M = 2^depth - 1 in place of 255 (the
// 8-bit functions are these at depth 8).
std::vector<uint16_t> EqualizeLut(const Codes& c);
// lo + round(lut * (hi - lo) / M), lo = 16 and hi = 235 scaled to the depth.
std::vector<uint16_t> ToLimited(const std::vector<uint16_t>& full, int depth);
std::vector<uint16_t> Blend(const std::vector<uint16_t>& lut, double strength);
Codes Apply(const Codes& c, const std::vector<uint16_t>& lut);
// Global contrast limiting with the excess over the occupied codes
// (histeq::ExcessSpread::kRange), from its definition: lo, hi = lowest and
// highest value present; flat (lo == hi) or empty -> identity. Otherwise
// every count is clipped at max(1, int(clip * N / 2^depth)) (none for clip
// <= 0), the E counts cut off go E / n to each of the n = hi - lo + 1 values
// [lo, hi] and one more each to lo, lo + step, ... (E % n of them, step =
// max(n / (E % n), 1)); with C the running sum from lo, lut[lo] = 0 and
// lut[v] = saturate(round-half-even(float(C(v) - C(lo)) * (float(M) /
// float(N - C(lo))))) for v > lo.
std::vector<uint16_t> RangeClippedLut(const Codes& c, double clip);
// CLAHE with 2^depth bins: clip limit max(1, int(clip * tile_pixels / 2^depth)),
// table round(float(cumulative) * (float(M) / tile_pixels)).
Codes Clahe(const Codes& c, double clip, int tiles_x, int tiles_y, bool limited = false,
            double strength = 1.0);

// RGB through luma, from its definition: Y = round(kr R + kg G + kb B)
// (double), L = `equalize`(Y) as a GRAY8 plane, every channel c' = clamp(c +
// L - Y, 0, 255). `rgb` has 3 channels, R G B.
template <typename Equalize>
testimg::Image RgbThroughLuma(const testimg::Image& rgb, double kr, double kb, Equalize equalize) {
  testimg::Image y;
  y.width = rgb.width;
  y.height = rgb.height;
  for (int r = 0; r < rgb.height; ++r)
    for (int c = 0; c < rgb.width; ++c)
      y.pixels.push_back(static_cast<uint8_t>(
          std::lround(kr * rgb.at(c, r, 0) + (1 - kr - kb) * rgb.at(c, r, 1) + kb * rgb.at(c, r, 2))));
  const testimg::Image l = equalize(y);
  testimg::Image out = rgb;
  for (size_t i = 0; i < y.pixels.size(); ++i)
    for (int ch = 0; ch < 3; ++ch) {
      const int v = rgb.pixels[i * 3 + ch] + l.pixels[i] - y.pixels[i];
      out.pixels[i * 3 + ch] = static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
    }
  return out;
}

}  // namespace ref

#endif  // HISTEQ_TESTS_REFERENCE_H_
