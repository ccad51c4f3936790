// Contrast-limited adaptive histogram equalization (CLAHE) of a plane, in
// place, matching cv::createCLAHE(clip, Size(tiles_x, tiles_y)) (CV_8U for
// 8-bit samples, CV_16U for 16-bit ones; 10 and 12-bit samples are the same
// algorithm with 2^depth bins).
#ifndef HISTEQ_CLAHE_H_
#define HISTEQ_CLAHE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/interpolate.h"
#include "histeq/lut.h"
#include "histeq/sample.h"
#include "histeq/sparse_lut.h"
#include "histeq/threads.h"
#include "histeq/tiles.h"

namespace histeq {

struct ClaheParams {
  double clip_limit = 2.0;  // as OpenCV's clipLimit; <= 0: no clipping
  int tiles_x = 8;          // >= 1
  int tiles_y = 8;          // >= 1
};

// Holds the tile histograms, tables and geometry between frames: a stream of
// frames of one size, depth and grid allocates only on the first. Apply()
// does the whole equalization; the stages are public so that temporal
// smoothing can work on the tile histograms between them.
class Clahe {
 public:
  // Per tile: histogram (mirrored past the edges as OpenCV), clip at
  // max(1, int(clip * tile_pixels / bins)), table of the clipped cumulative
  // histogram, then FinishLut for `range` and `strength`; the plane is then
  // mapped through the tables with bilinear interpolation. With Range::kFull
  // and strength 1 the result is cv::CLAHE's (within +-1, which the tests
  // check is 0 in practice).
  void Apply(uint8_t* data, ptrdiff_t stride, int width, int height,
             int pixel_step, const ClaheParams& params, Range range = Range::kFull,
             double strength = 1.0, const SampleFormat& format = SampleFormat());

  // Stage 1: the tile histograms of the plane for `grid`, and the frame's
  // own histogram into `frame_hist` (format.bins() counts) when given.
  void ComputeHistograms(const uint8_t* data, ptrdiff_t stride, int pixel_step,
                         const SampleFormat& format, const TileGrid& grid,
                         uint32_t* frame_hist = nullptr);
  const uint32_t* tile_histograms() const { return hists_.data(); }
  // Stages 1 and 2 at once, for 10 to 16-bit samples when the tile
  // histograms are not wanted afterwards: each tile is counted into a
  // scratch histogram and its table filled only for the values its 3x3
  // neighbourhood of tiles holds, the only ones the interpolation reads (the
  // same entries BuildLuts gives them). tile_histograms() is then empty.
  void ComputeLuts(const uint8_t* data, ptrdiff_t stride, int pixel_step,
                   const SampleFormat& format, const TileGrid& grid, double clip_limit,
                   Range range, double strength, uint32_t* frame_hist = nullptr);
  // Stage 2: the tile tables, from the stage 1 histograms (exactly as
  // OpenCV) or from normalised distributions (grid.tiles() x bins doubles,
  // e.g. temporally averaged ones; see BuildCdfLutSmoothed).
  void BuildLuts(double clip_limit, Range range, double strength);
  void BuildLutsFromDistributions(const double* distributions, double clip_limit,
                                  Range range, double strength);
  // Stage 3: the plane through the tables, interpolated. `data` must be the
  // plane stage 1 counted (other values come out wrong, though in range).
  void Interpolate(uint8_t* data, ptrdiff_t stride, int pixel_step);

  // Splits every stage over the pool's threads (none: the calling thread
  // only). The result is the same bytes whatever the number of threads.
  void SetThreadPool(ThreadPool* pool) { pool_ = pool; }

 private:
  void Setup(const SampleFormat& format, const TileGrid& grid, bool dense);
  // Counts `items` (rows of tiles, or tiles) in pieces, count(slot, begin,
  // end, share), each thread's share of the frame into its own histogram, and
  // adds those up into `frame_hist` (when given).
  template <typename Count>
  void CountPieces(int items, uint32_t* frame_hist, Count count);

  template <typename T>
  void BuildLutsT(std::vector<T>& luts, const double* distributions, double clip_limit,
                  Range range, double strength);

  SampleFormat format_;
  TileGrid grid_;
  TileHistogrammer histogrammer_;
  TileInterpolator8 interpolator8_;
  TileInterpolatorWide interpolator_wide_;
  std::vector<uint32_t> hists_;
  std::vector<uint8_t> luts8_;
  std::vector<uint16_t> luts16_;
  PartialHistograms partial_frame_hists_;      // one per slot of the pool
  std::vector<ValueRange> ranges_;             // per tile: the values counted
  std::vector<std::vector<uint32_t>> scratch_;  // ComputeLuts: per slot, all zero
  std::vector<ClipSpread> spreads_;             // ComputeLuts: per tile
  std::vector<uint64_t> kept_;                  // ComputeLuts: per tile, clipped total
  ThreadPool* pool_ = nullptr;
};

// The 8-bit name the first version had; Clahe handles every depth.
using Clahe8 = Clahe;

}  // namespace histeq

#endif  // HISTEQ_CLAHE_H_
