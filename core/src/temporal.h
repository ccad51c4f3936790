// Temporal smoothing for video: an exponential moving average of the
// per-frame histograms, with scene-cut detection.
#ifndef HISTEQ_SRC_TEMPORAL_H_
#define HISTEQ_SRC_TEMPORAL_H_

#include <cstdint>
#include <vector>

#include "histogram.h"
#include "threads.h"

namespace histeq {

// The weight of the newest frame in an average with a time constant of
// `frames` frames: 1 - exp(-1 / frames); 1 (no averaging) for 0.
double SmoothingWeight(int frames);

// Kolmogorov-Smirnov distance between two histograms: the largest
// difference between their cumulative distributions, each normalised to 1.
// 0 for the same distribution, 1 for distributions with no overlap; a
// uniform brightness shift of d levels on a smooth histogram gives roughly
// the share of samples within d levels of any one grey level. Summed in
// blocks of kDistanceBlock bins, so that the blocks can be split over threads
// and give the same double whatever the threads. At most 65536 bins.
constexpr int kDistanceBlock = 4096;
double HistogramDistance(const uint32_t* a, uint64_t a_total, const double* b,
                         int bins = kBins8, ThreadPool* pool = nullptr);

// What HistogramSmoother::Update decided for a frame.
struct SmoothingStep {
  bool fresh = false;      // the state restarted from this frame alone
  bool scene_cut = false;  // ... because of a scene cut
  double distance = 0.0;   // the frame's distance from the running average
};

// Averages normalised histograms over frames, one for the frame and one per
// region (a single region in global mode, one per tile in adaptive mode):
// state = (1 - w) * state + w * this frame's distribution, w =
// SmoothingWeight(frames). The state restarts from the frame alone after
// Reset(), when the number of regions changes, and at a scene cut: when the
// frame's histogram is further than `scene_threshold` (HistogramDistance)
// from the running average of the frames before it (1 never cuts).
class HistogramSmoother {
 public:
  void Reset() { valid_ = false; }
  // Splits the per-bin work over the pool's threads (none: the calling
  // thread only); the result is the same whatever the threads.
  void SetThreadPool(ThreadPool* pool) { pool_ = pool; }
  // The frame's histogram has `bins` counts (kBins8, or 2^depth for deeper
  // video), the regions' `region_bins` each (0: bins; fewer for averages
  // kept at a coarser resolution).
  SmoothingStep Update(const uint32_t* frame_hist, uint64_t frame_pixels,
                       const uint32_t* region_hists, int regions,
                       uint64_t region_pixels, int frames, double scene_threshold,
                       int bins = kBins8, int region_bins = 0);
  // The averaged distributions of the regions, `region_bins` doubles each;
  // kept only while `frames` > 0.
  const double* regions() const { return regions_.data(); }

 private:
  bool valid_ = false;
  bool regions_valid_ = false;
  int region_count_ = 0;
  int bins_ = 0;
  int region_bins_ = 0;
  std::vector<double> frame_;
  std::vector<double> regions_;
  ThreadPool* pool_ = nullptr;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_TEMPORAL_H_
