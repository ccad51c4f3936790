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

// The clip limit adaptive mode uses when none is given.
constexpr double kDefaultAdaptiveClipLimit = 2.0;

struct Params {
  Mode mode = Mode::kGlobal;
  // 0: automatic, i.e. none in global mode (plain cv::equalizeHist) and
  // kDefaultAdaptiveClipLimit in adaptive mode. > 0: OpenCV's clipLimit; in
  // global mode this is contrast-limited global equalization, which is
  // cv::createCLAHE(clip, Size(1, 1)).
  double clip_limit = 0.0;
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
  const uint32_t* histogram_in = nullptr;  // `bins` counts
  const uint32_t* histogram_out = nullptr;  // with Params::report_output
  int bins = 0;
  uint64_t pixels = 0;
  // Of the code values, before and after (after: with report_output).
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
