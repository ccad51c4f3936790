// The whole equalization of one plane, as the element runs it per frame:
// global or adaptive, contrast limit, output range and strength.
#ifndef HISTEQ_EQUALIZER_H_
#define HISTEQ_EQUALIZER_H_

#include <cstddef>
#include <cstdint>

#include "histeq/clahe.h"
#include "histeq/lut.h"

namespace histeq {

enum class Mode {
  kGlobal,    // one table for the frame (cv::equalizeHist)
  kAdaptive,  // CLAHE: one table per tile, interpolated (cv::CLAHE)
};

// The clip limit adaptive mode uses when none is given.
constexpr double kDefaultAdaptiveClipLimit = 2.0;

struct Params {
  Mode mode = Mode::kGlobal;
  // 0: automatic, i.e. none in global mode (plain cv::equalizeHist) and
  // kDefaultAdaptiveClipLimit in adaptive mode. > 0: OpenCV's clipLimit; in
  // global mode this is contrast-limited global equalization, which is
  // cv::createCLAHE(clip, Size(1, 1)).
  double clip_limit = 0.0;
  int tiles_x = 8, tiles_y = 8;  // adaptive mode only
  double strength = 1.0;         // 0 (identity) .. 1 (full equalization)
  Range range = Range::kFull;
};

// Keeps what an equalization needs between frames (CLAHE's buffers), so a
// stream of same-sized frames allocates only on the first.
class Equalizer8 {
 public:
  // Equalizes the plane in place. Returns false when it was left unchanged
  // (strength 0, or a flat frame in plain global mode).
  bool Process(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const Params& params);

 private:
  Clahe8 clahe_;
};

}  // namespace histeq

#endif  // HISTEQ_EQUALIZER_H_
