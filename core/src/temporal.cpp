#include "temporal.h"

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

namespace {

// Bins [begin, end) of the distance: the sums of both distributions there,
// and the largest and smallest difference of their running sums, both
// started at 0 at `begin`.
struct DistancePart {
  double a = 0.0, b = 0.0;
  double high = 0.0, low = 0.0;
};

DistancePart DistanceOver(const uint32_t* a, double scale, const double* b, int begin, int end) {
  DistancePart p;
  for (int v = begin; v < end; ++v) {
    p.a += a[v] * scale;
    p.b += b[v];
    const double d = p.a - p.b;
    p.high = std::max(p.high, d);
    p.low = std::min(p.low, d);
  }
  return p;
}

// The largest |running difference| over the parts in order: in a part it is
// the offset carried in plus the part's own, extreme at its high or low.
double CombineDistance(const DistancePart* parts, int count) {
  double a = 0.0, b = 0.0, worst = 0.0;
  for (int i = 0; i < count; ++i) {
    const double offset = a - b;
    worst = std::max(worst, std::max(std::fabs(offset + parts[i].high),
                                      std::fabs(offset + parts[i].low)));
    a += parts[i].a;
    b += parts[i].b;
  }
  return worst;
}

constexpr int kMaxBlocks = 65536 / kDistanceBlock;
int DistanceBlocks(int bins) { return (bins + kDistanceBlock - 1) / kDistanceBlock; }

// Runs fn(begin, end) over the blocks of `bins`, split over the pool.
template <typename Fn>
void ForBlocks(ThreadPool* pool, int bins, Fn fn) {
  const int blocks = DistanceBlocks(bins);
  ForEach(pool, blocks, [&](int k) {
    fn(k, k * kDistanceBlock, std::min((k + 1) * kDistanceBlock, bins));
  });
}

}  // namespace

double HistogramDistance(const uint32_t* a, uint64_t a_total, const double* b, int bins,
                         ThreadPool* pool) {
  if (a_total == 0) return 0.0;
  const double scale = 1.0 / static_cast<double>(a_total);
  DistancePart parts[kMaxBlocks];
  ForBlocks(pool, bins, [&](int k, int begin, int end) {
    parts[k] = DistanceOver(a, scale, b, begin, end);
  });
  return CombineDistance(parts, DistanceBlocks(bins));
}

SmoothingStep HistogramSmoother::Update(const uint32_t* frame_hist, uint64_t frame_pixels,
                                        const uint32_t* region_hists, int regions,
                                        uint64_t region_pixels, int frames,
                                        double scene_threshold, int bins, int region_bins) {
  SmoothingStep step;
  if (region_bins <= 0) region_bins = bins;
  // Without smoothing only the frame's own distribution is kept (for the
  // scene-cut distance); the regions' averages, 32 MB of doubles for 16-bit
  // CLAHE, are dropped and restart from the frame when smoothing returns.
  const bool track_regions = frames > 0;
  const bool same_shape = valid_ && regions == region_count_ && bins == bins_ &&
                          region_bins == region_bins_ && (regions_valid_ || !track_regions);
  if (same_shape) {
    // The distance and, in the same pass, the frame's average moved on by
    // this frame; a scene cut found afterwards overwrites it instead.
    const double w_new = SmoothingWeight(frames);
    const double scale = frame_pixels > 0 ? 1.0 / static_cast<double>(frame_pixels) : 0.0;
    DistancePart parts[kMaxBlocks];
    ForBlocks(pool_, bins, [&](int k, int begin, int end) {
      parts[k] = DistanceOver(frame_hist, scale, frame_.data(), begin, end);
      Blend(frame_.data() + begin, frame_hist + begin, end - begin, frame_pixels, w_new);
    });
    step.distance = frame_pixels > 0 ? CombineDistance(parts, DistanceBlocks(bins)) : 0.0;
    // 1 disables cuts outright: rounding can put disjoint histograms a hair
    // above a distance of 1.
    step.scene_cut = scene_threshold < 1.0 && step.distance > scene_threshold;
  }
  step.fresh = !same_shape || step.scene_cut;
  const double w = step.fresh ? 1.0 : SmoothingWeight(frames);

  valid_ = true;
  region_count_ = regions;
  bins_ = bins;
  region_bins_ = region_bins;
  if (!same_shape || step.scene_cut) {
    frame_.resize(static_cast<size_t>(bins));
    ForBlocks(pool_, bins, [&](int, int begin, int end) {
      Blend(frame_.data() + begin, frame_hist + begin, end - begin, frame_pixels, 1.0);
    });
  }
  regions_valid_ = track_regions;
  if (!track_regions) {
    std::vector<double>().swap(regions_);
    return step;
  }
  const size_t rb = static_cast<size_t>(region_bins);
  regions_.resize(static_cast<size_t>(regions) * rb);
  // Each region on its own: the same doubles whatever thread blends it.
  ForEach(pool_, regions, [&](int r) {
    Blend(&regions_[static_cast<size_t>(r) * rb], region_hists + static_cast<size_t>(r) * rb,
          region_bins, region_pixels, w);
  });
  return step;
}

}  // namespace histeq
