#include "histeq/equalizer.h"

#include "histeq/apply.h"
#include "histeq/histogram.h"

namespace histeq {

bool Equalizer8::Process(uint8_t* data, ptrdiff_t stride, int width, int height,
                         int step, const Params& p, FrameReport* report) {
  FrameReport local;
  FrameReport& r = report ? *report : local;
  r = FrameReport();
  if (width <= 0 || height <= 0) return false;

  // 1. Histograms: the frame's, and the tiles' in adaptive mode.
  const bool adaptive = p.mode == Mode::kAdaptive;
  const uint64_t pixels = static_cast<uint64_t>(width) * height;
  TileGrid grid;
  if (adaptive) {
    grid = TileGrid::Make(width, height, p.tiles_x, p.tiles_y);
    clahe_.ComputeHistograms(data, stride, step, grid, frame_hist_);
  } else {
    Histogram8(data, stride, width, height, step, frame_hist_);
  }
  r.histogram_in = frame_hist_;
  r.pixels = pixels;

  // 2. Temporal state. A new mode or grid is a fresh start, like a cut.
  if (adaptive != last_adaptive_ || !(grid == last_grid_)) smoother_.Reset();
  last_adaptive_ = adaptive;
  last_grid_ = grid;
  const SmoothingStep s =
      adaptive ? smoother_.Update(frame_hist_, pixels, clahe_.tile_histograms(), grid.tiles(),
                                  grid.tile_pixels(), p.smoothing, p.scene_threshold)
               : smoother_.Update(frame_hist_, pixels, frame_hist_, 1, pixels, p.smoothing,
                                  p.scene_threshold);
  r.scene_cut = s.scene_cut;
  r.distance = s.distance;
  const bool exact = p.smoothing <= 0 || s.fresh;

  // 3. Tables and their application.
  if (!(p.strength > 0.0)) return false;
  if (!adaptive) {
    r.changed = ProcessGlobal(data, stride, width, height, step, p, exact);
    return r.changed;
  }
  const double clip = p.clip_limit > 0.0 ? p.clip_limit : kDefaultAdaptiveClipLimit;
  if (exact)
    clahe_.BuildLuts(clip, p.range, p.strength);
  else
    clahe_.BuildLutsFromDistributions(smoother_.regions(), clip, p.range, p.strength);
  clahe_.Interpolate(data, stride, step);
  r.changed = true;
  return true;
}

bool Equalizer8::ProcessGlobal(uint8_t* data, ptrdiff_t stride, int width, int height,
                               int step, const Params& p, bool exact) {
  const uint64_t pixels = static_cast<uint64_t>(width) * height;
  uint8_t lut[kBins8];
  if (p.clip_limit > 0.0) {
    const uint32_t limit = ClipLimitCount8(p.clip_limit, pixels);
    if (exact) {
      uint32_t hist[kBins8];
      for (int v = 0; v < kBins8; ++v) hist[v] = frame_hist_[v];
      ClipHistogram8(hist, limit);
      BuildCdfLut8(hist, pixels, lut);
    } else {
      BuildCdfLutSmoothed8(smoother_.regions(), pixels, limit, lut);
    }
  } else if (exact ? !BuildEqualizeLut8(frame_hist_, lut)
                   : !BuildEqualizeLutSmoothed8(smoother_.regions(), pixels, lut)) {
    return false;  // flat: cv::equalizeHist leaves it as it is
  }
  FinishLut8(lut, p.range, p.strength);
  ApplyLut8(data, stride, width, height, step, lut);
  return true;
}

}  // namespace histeq
