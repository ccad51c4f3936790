// The equalization behind histeq::Equalizer and histeq::RgbEqualizer.
#ifndef HISTEQ_SRC_EQUALIZER_CORE_H_
#define HISTEQ_SRC_EQUALIZER_CORE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "clahe.h"
#include "histeq/equalizer.h"
#include "histeq/rgb.h"
#include "histogram.h"
#include "temporal.h"
#include "threads.h"

namespace histeq {

// Equalizer's state; the threads are the pool's it is given (SetThreadPool)
// or its own (SetThreads).
class EqualizerCore {
 public:
  bool Process(const Plane& plane, const Params& params, FrameReport* report);
  void Reset() { smoother_.Reset(); }

  void SetThreads(int threads);
  int threads() const { return Slots(pool_); }
  // Splits the work over `pool` (none: the calling thread only); the result
  // is the same bytes whatever the number of threads.
  void SetThreadPool(ThreadPool* pool);
  ThreadPool* pool() const { return pool_; }

 private:
  // Counts the plane into `hist` over the pool. With `keep`, who counted
  // which stripe is kept for the table pass that follows.
  void CountFrame(const Plane& plane, uint32_t* hist, bool keep);
  template <typename T>
  bool BuildGlobalLut(const SampleFormat& format, const uint32_t* hist, uint64_t pixels,
                      const Params& params, bool exact, T* lut);
  template <typename T>
  void ApplyGlobal(const Plane& plane, const T* lut);
  // The output histogram, statistics and panel a frame's params ask for.
  void Finish(const Plane& plane, const Params& params, FrameReport* report);

  Clahe clahe_;
  HistogramSmoother smoother_;
  std::vector<uint32_t> frame_hist_;
  std::vector<uint32_t> meter_hist_;  // the metering region's (Params::meter)
  std::vector<uint32_t> out_hist_;
  std::vector<uint32_t> scratch_hist_;
  std::vector<uint8_t> lut8_;
  std::vector<uint16_t> lut16_;
  PartialHistograms partial_hists_;          // per slot of the pool
  std::vector<HistogramCounter8> counters_;  // per slot: 8-bit counts
  std::vector<char> counting_;               // per slot: its counter started
  PieceAffinity affinity_;                   // who counted which stripe
  bool last_adaptive_ = false;
  TileGrid last_grid_;
  ThreadPool* pool_ = nullptr;
  std::unique_ptr<ThreadPool> own_pool_;
};

// RgbEqualizer's state.
class RgbEqualizerCore {
 public:
  bool Process(const RgbPlanes& planes, int width, int height, const LumaWeights& weights,
               const Params& params, FrameReport* report);
  void Reset() { equalizer_.Reset(); }
  void SetThreads(int threads);
  void SetThreadPool(ThreadPool* pool) { equalizer_.SetThreadPool(pool); }
  int threads() const { return equalizer_.threads(); }
  // The luma of the last frame after equalization, before it was applied to
  // R, G and B (width * height samples, packed).
  const uint8_t* equalized_luma() const { return l_.data(); }

 private:
  EqualizerCore equalizer_;
  std::vector<uint8_t> y_;  // the luma of the frame
  std::vector<uint8_t> l_;  // the same, equalized
};

}  // namespace histeq

#endif  // HISTEQ_SRC_EQUALIZER_CORE_H_
