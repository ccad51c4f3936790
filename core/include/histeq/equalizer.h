// Histogram equalization of a plane, in place, as the element runs it per
// frame: global (cv::equalizeHist) or contrast-limited adaptive (cv::CLAHE),
// an output range, a strength and temporal smoothing for video.
#ifndef HISTEQ_EQUALIZER_H_
#define HISTEQ_EQUALIZER_H_

#include <cstdint>
#include <memory>

#include "histeq/api.h"
#include "histeq/plane.h"

namespace histeq {

enum class Mode {
  kGlobal,    // one table for the frame (cv::equalizeHist)
  kAdaptive,  // CLAHE: one table per tile, interpolated (cv::CLAHE)
};

// The output range of an equalization (M = 2^depth - 1).
enum class Range {
  kFull,     // [0, M]: the values of cv::equalizeHist
  kLimited,  // [16, 235] scaled to the depth: studio-range video Y
};

// Where contrast limiting hands out the counts it cuts off, in global mode.
enum class ExcessSpread {
  // Over all 2^depth codes, the table read from code 0: cv::CLAHE's (and
  // so cv::createCLAHE(clip, Size(1, 1))'s), the default.
  kAll,
  // Over the occupied codes only, [lo, hi] (the lowest and highest code
  // the histogram holds), the table mapped from lo as cv::equalizeHist maps
  // from its first non-empty bin: on a dull frame that uses a hundred codes
  // of 256 the cut-off counts buy contrast instead of going to codes no
  // sample has. See BuildRangeClippedLut (core/src/lut.h) for the exact
  // arithmetic. Without a clip limit both are cv::equalizeHist.
  kRange,
};

// A rectangle of a plane, in samples: columns [x, x + width), rows
// [y, y + height). Empty when width or height is 0 or less.
struct Rect {
  int x = 0, y = 0, width = 0, height = 0;

  bool empty() const { return width <= 0 || height <= 0; }
  bool operator==(const Rect& o) const {
    return x == o.x && y == o.y && width == o.width && height == o.height;
  }
  bool operator!=(const Rect& o) const { return !(*this == o); }
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
  // Global mode only, with a clip limit; adaptive mode ignores it (every
  // tile's excess goes over all codes, as cv::CLAHE's).
  ExcessSpread clip_spread = ExcessSpread::kAll;
  int tiles_x = 8, tiles_y = 8;  // adaptive mode only, 1 or more
  double strength = 1.0;         // 0 (identity) .. 1 (full equalization)
  Range range = Range::kFull;
  // Temporal smoothing: the time constant, in frames, of the exponential
  // moving average of normalised histograms the mapping follows; 0 = every
  // frame on its own, exactly as cv::equalizeHist / cv::CLAHE.
  int smoothing = 0;
  // The distance (see FrameReport) above which a frame is a scene cut and
  // the average restarts from it; 1 never cuts.
  double scene_threshold = 0.3;
  // Metering region, global mode only: the histogram the mapping is built
  // from (and, with smoothing, averaged) is taken from the samples of this
  // rectangle, clipped to the plane, and the one mapping it gives is applied
  // to the whole plane. Empty, wholly outside the plane, or covering it: the
  // whole plane, exactly as without one. Adaptive mode ignores it (each tile
  // is metered on its own pixels). Scene cuts are measured on the whole
  // plane either way, so a region that moves, appears or vanishes is no cut.
  Rect meter;
  // Also count the result: FrameReport's histogram_out and the means and
  // standard deviations. Costs a pass over the plane.
  bool report_output = false;
  // Draw the histograms before (grey, above) and after (white, below) over
  // the plane's top-left corner, into the samples; planes under 16x16 get
  // none.
  bool draw_histograms = false;
};

// What happened to one frame. The histograms stay valid until the next
// Process of the same equalizer.
struct FrameReport {
  bool changed = false;    // the plane was written
  bool scene_cut = false;  // a scene cut restarted the temporal average
  // The largest difference between the frame's normalised cumulative
  // histogram and the running average's (Kolmogorov-Smirnov): 0 for the
  // same distribution, 1 for disjoint ones.
  double distance = 0.0;
  // The rectangle the mapping was metered on: Params::meter clipped, or the
  // whole plane.
  Rect metered;
  // The whole plane's, whatever was metered.
  const uint32_t* histogram_in = nullptr;  // `bins` counts
  const uint32_t* histogram_out = nullptr;  // with Params::report_output
  int bins = 0;
  uint64_t pixels = 0;
  // Of the whole plane's code values, before and after (after: with
  // report_output).
  double mean_in = 0.0, stddev_in = 0.0, mean_out = 0.0, stddev_out = 0.0;
};

class EqualizerCore;

// Keeps what an equalization needs between frames: buffers, tables, the
// temporal state and its threads. A stream of frames of one size, depth and
// grid allocates only on the first.
class HISTEQ_API Equalizer {
 public:
  Equalizer();
  ~Equalizer();
  Equalizer(Equalizer&&) noexcept;
  Equalizer& operator=(Equalizer&&) noexcept;

  // Equalizes the plane in place. Returns false when it was left unchanged
  // (strength 0, or a flat frame in plain global mode). Frames that start
  // the temporal state afresh (the first, after Reset(), a scene cut, a
  // change of mode, tile grid or depth) are equalized on their own
  // histogram exactly as with smoothing 0; the others from the averaged
  // histograms, in double.
  bool Process(const Plane& plane, const Params& params, FrameReport* report = nullptr);

  // Forgets the temporal state: the next frame starts afresh.
  void Reset();

  // Splits each frame over `threads` threads, the caller's included (0 =
  // one per core; 1, the default, = the caller only). Threads are made
  // here, never per frame; the output is the same bytes whatever the
  // number.
  void SetThreads(int threads);
  int threads() const;

 private:
  std::unique_ptr<EqualizerCore> core_;
};

}  // namespace histeq

#endif  // HISTEQ_EQUALIZER_H_
