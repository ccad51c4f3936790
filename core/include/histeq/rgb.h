// Equalizing RGB frames through their luma, keeping each pixel's chroma.
#ifndef HISTEQ_RGB_H_
#define HISTEQ_RGB_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "histeq/api.h"
#include "histeq/equalizer.h"

namespace histeq {

// The luma weights of a Y'CbCr matrix: Y = kr R + (1 - kr - kb) G + kb B.
struct LumaWeights {
  double kr = 0.2126, kb = 0.0722;  // BT.709, GStreamer's default for RGB

  static LumaWeights Bt709() { return {0.2126, 0.0722}; }
  static LumaWeights Bt601() { return {0.299, 0.114}; }
  static LumaWeights Bt2020() { return {0.2627, 0.0593}; }
};

// The colour channels of an 8-bit RGB frame, each as in Plane: packed
// formats give three pointers into one plane with the same stride and a
// step of 3 or 4; planar GBR three planes with a step of 1. Bytes that are
// not R, G or B samples (alpha, x, padding) are never written.
struct RgbPlanes {
  uint8_t* r = nullptr;
  uint8_t* g = nullptr;
  uint8_t* b = nullptr;
  ptrdiff_t stride_r = 0, stride_g = 0, stride_b = 0;
  int pixel_step = 1;
  // For packed formats of 4 bytes a pixel (RGBx, BGRA, xRGB, ...): the byte
  // offsets of R, G and B within their pixel, which enable a vector path;
  // -1 when unknown (any other layout takes the plain path).
  int offset_r = -1, offset_g = -1, offset_b = -1;
};

class RgbEqualizerCore;

// Keeps the luma planes and the equalizer's state between frames.
class HISTEQ_API RgbEqualizer {
 public:
  RgbEqualizer();
  ~RgbEqualizer();
  RgbEqualizer(RgbEqualizer&&) noexcept;
  RgbEqualizer& operator=(RgbEqualizer&&) noexcept;

  // Y = round(kr R + kg G + kb B) (full range; in 15-bit fixed point), L =
  // Y equalized as a GRAY8 plane with `params` (range is always full: RGB
  // is), then every channel c' = clamp(c + L - Y, 0, 255): adding the same
  // delta to R, G and B moves Y by it and leaves Cb and Cr as they were,
  // saturation at 0 and 255 aside. The report describes the luma (with
  // report_output: Y and L); draw_histograms draws into R, G and B alike.
  bool Process(const RgbPlanes& planes, int width, int height, const LumaWeights& weights,
               const Params& params, FrameReport* report = nullptr);
  void Reset();
  // As Equalizer::SetThreads.
  void SetThreads(int threads);
  int threads() const;

 private:
  std::unique_ptr<RgbEqualizerCore> core_;
};

}  // namespace histeq

#endif  // HISTEQ_RGB_H_
