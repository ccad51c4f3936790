// Contrast-limited adaptive histogram equalization (CLAHE) of an 8-bit
// plane, in place, matching cv::createCLAHE(clip, Size(tiles_x, tiles_y)).
#ifndef HISTEQ_CLAHE_H_
#define HISTEQ_CLAHE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/interpolate.h"
#include "histeq/lut.h"
#include "histeq/tiles.h"

namespace histeq {

struct ClaheParams {
  double clip_limit = 2.0;  // as OpenCV's clipLimit; <= 0: no clipping
  int tiles_x = 8;          // >= 1
  int tiles_y = 8;          // >= 1
};

// Holds the tile histograms, tables and geometry between frames: a stream of
// frames of one size and grid allocates only on the first.
class Clahe8 {
 public:
  // Per tile: histogram (mirrored past the edges as OpenCV), clip at the
  // limit, table of the clipped cumulative histogram, then FinishLut8 for
  // `range` and `strength`; the plane is then mapped through the tables with
  // bilinear interpolation. With Range::kFull and strength 1 the result is
  // cv::CLAHE's (within +-1, which the tests check is 0 in practice).
  void Apply(uint8_t* data, ptrdiff_t stride, int width, int height,
             int pixel_step, const ClaheParams& params, Range range = Range::kFull,
             double strength = 1.0);

 private:
  TileHistogrammer8 histogrammer_;
  TileInterpolator8 interpolator_;
  std::vector<uint32_t> hists_;
  std::vector<uint8_t> luts_;
};

}  // namespace histeq

#endif  // HISTEQ_CLAHE_H_
