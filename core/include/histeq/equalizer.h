// The whole equalization of one plane, as the element runs it per frame:
// global or adaptive, contrast limit, output range and strength.
#ifndef HISTEQ_EQUALIZER_H_
#define HISTEQ_EQUALIZER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/clahe.h"
#include "histeq/lut.h"
#include "histeq/sample.h"
#include "histeq/temporal.h"
#include "histeq/histogram.h"
#include "histeq/threads.h"

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
  // Temporal smoothing: the time constant, in frames, of the moving average
  // of histograms the mapping follows (see HistogramSmoother); 0 = every
  // frame on its own, exactly as cv::equalizeHist / cv::CLAHE.
  int smoothing = 0;
  // HistogramDistance above which a frame is a scene cut and the average
  // restarts from it; 1 never cuts.
  double scene_threshold = 0.3;
};

// What happened to one frame.
struct FrameReport {
  bool changed = false;    // the plane was written
  bool scene_cut = false;  // a scene cut restarted the temporal average
  double distance = 0.0;   // HistogramDistance from the running average
  // The histogram of the input plane, `bins` counts (valid until the next
  // Process).
  const uint32_t* histogram_in = nullptr;
  int bins = 0;
  uint64_t pixels = 0;
};

// Keeps what an equalization needs between frames: CLAHE's buffers, the
// tables and the temporal state. A stream of frames of one size and depth
// allocates only on the first.
class Equalizer {
 public:
  // Equalizes the plane in place; `format` says how its samples are stored
  // (8-bit by default). Returns false when it was left unchanged (strength 0,
  // or a flat frame in plain global mode). Frames that start the temporal
  // state afresh (the first, after Reset(), a scene cut, a change of mode,
  // tile grid or depth) are equalized on their own histogram exactly as with
  // smoothing 0; the others from the averaged histograms, in double.
  bool Process(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const SampleFormat& format, const Params& params,
               FrameReport* report = nullptr);
  bool Process(uint8_t* data, ptrdiff_t stride, int width, int height,
               int pixel_step, const Params& params, FrameReport* report = nullptr) {
    return Process(data, stride, width, height, pixel_step, SampleFormat(), params, report);
  }

  // Forgets the temporal state: the next frame starts afresh.
  void Reset() { smoother_.Reset(); }

  // Splits the work over the pool's threads (none: the calling thread
  // only). The result is the same bytes whatever the number of threads.
  void SetThreadPool(ThreadPool* pool) {
    pool_ = pool;
    clahe_.SetThreadPool(pool);
    smoother_.SetThreadPool(pool);
  }

 private:
  void PlaneHistogram(const uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                      const SampleFormat& format);
  template <typename Apply>
  void ForRowPieces(int height, Apply apply);

  template <typename T>
  bool BuildGlobalLut(const SampleFormat& format, uint64_t pixels, const Params& params,
                      bool exact, T* lut);

  Clahe clahe_;
  HistogramSmoother smoother_;
  std::vector<uint32_t> frame_hist_;
  std::vector<uint32_t> scratch_hist_;
  std::vector<uint8_t> lut8_;
  std::vector<uint16_t> lut16_;
  PartialHistograms partial_hists_;        // per slot of the pool
  std::vector<HistogramCounter8> counters_;  // per slot: 8-bit counts
  std::vector<char> counting_;               // per slot: its counter started
  PieceAffinity affinity_;                   // who counted which stripe
  bool last_adaptive_ = false;
  TileGrid last_grid_;
  ThreadPool* pool_ = nullptr;
};

// The 8-bit name the first version had; Equalizer handles every depth.
using Equalizer8 = Equalizer;

}  // namespace histeq

#endif  // HISTEQ_EQUALIZER_H_
