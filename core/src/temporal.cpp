#include "histeq/temporal.h"

#include <algorithm>
#include <cmath>

namespace histeq {
namespace {

// dst = (1 - w) * dst + w * counts / total; w == 1 overwrites.
void Blend(double* dst, const uint32_t* counts, int bins, uint64_t total, double w) {
  const double scale = total > 0 ? 1.0 / static_cast<double>(total) : 0.0;
  if (w >= 1.0) {
    for (int v = 0; v < bins; ++v) dst[v] = counts[v] * scale;
    return;
  }
  for (int v = 0; v < bins; ++v) dst[v] += w * (counts[v] * scale - dst[v]);
}

}  // namespace

double SmoothingWeight(int frames) {
  return frames > 0 ? 1.0 - std::exp(-1.0 / frames) : 1.0;
}

double HistogramDistance(const uint32_t* a, uint64_t a_total, const double* b,
                         int bins) {
  if (a_total == 0) return 0.0;
  const double scale = 1.0 / static_cast<double>(a_total);
  double ca = 0.0, cb = 0.0, worst = 0.0;
  for (int v = 0; v < bins; ++v) {
    ca += a[v] * scale;
    cb += b[v];
    worst = std::max(worst, std::fabs(ca - cb));
  }
  return worst;
}

SmoothingStep HistogramSmoother::Update(const uint32_t* frame_hist, uint64_t frame_pixels,
                                        const uint32_t* region_hists, int regions,
                                        uint64_t region_pixels, int frames,
                                        double scene_threshold, int bins) {
  SmoothingStep step;
  // Without smoothing only the frame's own distribution is kept (for the
  // scene-cut distance); the regions' averages, 32 MB of doubles for 16-bit
  // CLAHE, are dropped and restart from the frame when smoothing returns.
  const bool track_regions = frames > 0;
  const bool same_shape = valid_ && regions == region_count_ && bins == bins_ &&
                          (regions_valid_ || !track_regions);
  if (same_shape) {
    step.distance = HistogramDistance(frame_hist, frame_pixels, frame_.data(), bins);
    // 1 disables cuts outright: rounding can put disjoint histograms a hair
    // above a distance of 1.
    step.scene_cut = scene_threshold < 1.0 && step.distance > scene_threshold;
  }
  step.fresh = !same_shape || step.scene_cut;
  const double w = step.fresh ? 1.0 : SmoothingWeight(frames);

  valid_ = true;
  region_count_ = regions;
  bins_ = bins;
  frame_.resize(static_cast<size_t>(bins));
  Blend(frame_.data(), frame_hist, bins, frame_pixels, w);
  regions_valid_ = track_regions;
  if (!track_regions) return step;
  regions_.resize(static_cast<size_t>(regions) * bins);
  for (int r = 0; r < regions; ++r)
    Blend(&regions_[static_cast<size_t>(r) * bins], region_hists + static_cast<size_t>(r) * bins,
          bins, region_pixels, w);
  return step;
}

}  // namespace histeq
