#include "histeq/equalizer.h"

#include "histeq/apply.h"
#include "histeq/histogram.h"

namespace histeq {

bool Equalizer::Process(uint8_t* data, ptrdiff_t stride, int width, int height,
                        int step, const SampleFormat& format, const Params& p,
                        FrameReport* report) {
  FrameReport local;
  FrameReport& r = report ? *report : local;
  r = FrameReport();
  if (width <= 0 || height <= 0) return false;

  // 1. Histograms: the frame's, and the tiles' in adaptive mode.
  const bool adaptive = p.mode == Mode::kAdaptive;
  const bool wide = format.depth > 8;
  const int bins = format.bins();
  const uint64_t pixels = static_cast<uint64_t>(width) * height;
  frame_hist_.resize(static_cast<size_t>(bins));
  TileGrid grid;
  const double clip = p.clip_limit > 0.0 ? p.clip_limit : kDefaultAdaptiveClipLimit;
  // Deep samples without smoothing: the tables straight from the tiles, no
  // tile histograms kept (16 MiB of them at 16 bits).
  const bool direct = adaptive && wide && p.smoothing <= 0 && p.strength > 0.0;
  if (direct) {
    grid = TileGrid::Make(width, height, p.tiles_x, p.tiles_y);
    clahe_.ComputeLuts(data, stride, step, format, grid, clip, p.range, p.strength,
                       frame_hist_.data());
  } else if (adaptive) {
    grid = TileGrid::Make(width, height, p.tiles_x, p.tiles_y);
    clahe_.ComputeHistograms(data, stride, step, format, grid, frame_hist_.data());
  } else {
    PlaneHistogram(data, stride, width, height, step, format);
  }
  r.histogram_in = frame_hist_.data();
  r.bins = bins;
  r.pixels = pixels;

  // 2. Temporal state. A new mode or grid is a fresh start, like a cut (and
  // so is a new depth: the smoother sees the number of bins change).
  if (adaptive != last_adaptive_ || !(grid == last_grid_)) smoother_.Reset();
  last_adaptive_ = adaptive;
  last_grid_ = grid;
  const SmoothingStep s =
      adaptive ? smoother_.Update(frame_hist_.data(), pixels, clahe_.tile_histograms(),
                                  grid.tiles(), grid.tile_pixels(), p.smoothing,
                                  p.scene_threshold, bins)
               : smoother_.Update(frame_hist_.data(), pixels, frame_hist_.data(), 1, pixels,
                                  p.smoothing, p.scene_threshold, bins);
  r.scene_cut = s.scene_cut;
  r.distance = s.distance;
  const bool exact = p.smoothing <= 0 || s.fresh;

  // 3. Tables and their application.
  if (!(p.strength > 0.0)) return false;
  if (adaptive) {
    if (direct) {
      // The tables came with the histograms.
    } else if (exact) {
      clahe_.BuildLuts(clip, p.range, p.strength);
    } else {
      clahe_.BuildLutsFromDistributions(smoother_.regions(), clip, p.range, p.strength);
    }
    clahe_.Interpolate(data, stride, step);
  } else if (wide) {
    lut16_.resize(static_cast<size_t>(bins));
    if (!BuildGlobalLut(format, pixels, p, exact, lut16_.data())) return false;
    ForRowPieces(height, [&](int y0, int y1) {
      ApplyLutWide(data + y0 * stride, stride, width, y1 - y0, step, format, lut16_.data());
    });
  } else {
    lut8_.resize(kBins8);
    if (!BuildGlobalLut(format, pixels, p, exact, lut8_.data())) return false;
    ForRowPieces(height, [&](int y0, int y1) {
      ApplyLut8(data + y0 * stride, stride, width, y1 - y0, step, lut8_.data());
    });
  }
  r.changed = true;
  return true;
}

template <typename Apply>
void Equalizer::ForRowPieces(int height, Apply apply) {
  const int pieces = Pieces(pool_, height);
  // The histogram's stripes, when it kept who counted them: each thread
  // first maps its own (they may still be in its core's cache: 8-bit 720p
  // and 1080p on two threads 10 % faster).
  const bool owned = pieces > 1 && affinity_.pieces() == pieces;
  ForEach(pool_, pieces, [&](int i, int slot) {
    int y0, y1;
    StripeRows(owned ? affinity_.Take(slot) : i, pieces, height, &y0, &y1);
    apply(y0, y1);
  });
  affinity_.Clear();
}

void Equalizer::PlaneHistogram(const uint8_t* data, ptrdiff_t stride, int width, int height,
                               int step, const SampleFormat& format) {
  const int bins = format.bins();
  const int slots = Slots(pool_);
  const int pieces = Pieces(pool_, height);
  affinity_.Clear();
  if (pieces <= 1) {
    if (format.depth > 8)
      HistogramWide(data, stride, width, height, step, format, frame_hist_.data());
    else
      Histogram8(data, stride, width, height, step, frame_hist_.data());
    return;
  }
  // Each thread counts the pieces it takes into its own histogram; the sums
  // are the same whoever counted what.
  partial_hists_.Begin(slots, bins);
  const bool wide = format.depth > 8;
  const uint64_t share = static_cast<uint64_t>(width) * static_cast<uint64_t>(height) /
                         static_cast<uint64_t>(slots);
  if (!wide) {
    // Any thread may take its first piece in any frame: all counters get
    // their tables now, so a steady stream allocates nothing.
    counters_.resize(static_cast<size_t>(slots));
    for (auto& c : counters_) c.Reserve(share, width, step);
    counting_.assign(static_cast<size_t>(slots), 0);
  }
  // When a thread's share of an 8-bit plane fits a core's cache (1080p on
  // two threads), the thread that counted a stripe maps it too; larger
  // shares, or 16-bit ones, gained nothing that way (2-4 % slower).
  constexpr uint64_t kCachedShare = 1u << 20;
  const bool keep = !wide && share <= kCachedShare;
  if (keep) affinity_.Begin(pieces);
  ForEach(pool_, pieces, [&](int i, int slot) {
    if (keep) affinity_.Ran(i, slot);
    int y0, y1;
    StripeRows(i, pieces, height, &y0, &y1);
    const uint8_t* rows = data + y0 * stride;
    if (wide) {
      AccumulateHistogramWide(rows, stride, width, y1 - y0, step, format,
                              partial_hists_.Get(slot));
      return;
    }
    HistogramCounter8& c = counters_[static_cast<size_t>(slot)];
    if (!counting_[static_cast<size_t>(slot)]) {
      c.Start(share, width, step);
      counting_[static_cast<size_t>(slot)] = 1;
    }
    c.Add(rows, stride, width, y1 - y0, step);
  });
  if (!wide) {
    // The counters' tables folded into bins, each on its own thread.
    ForEach(pool_, slots, [&](int k) {
      if (counting_[static_cast<size_t>(k)]) counters_[static_cast<size_t>(k)].Finish(partial_hists_.Get(k));
    });
  }
  partial_hists_.Sum(pool_, frame_hist_.data());
}

template <typename T>
bool Equalizer::BuildGlobalLut(const SampleFormat& format, uint64_t pixels, const Params& p,
                               bool exact, T* lut) {
  const int bins = format.bins();
  if (p.clip_limit > 0.0) {
    const uint32_t limit = ClipLimitCount(p.clip_limit, pixels, bins);
    if (exact) {
      scratch_hist_.assign(frame_hist_.begin(), frame_hist_.end());
      ClipHistogram(scratch_hist_.data(), bins, limit);
      BuildCdfLut(scratch_hist_.data(), bins, pixels, lut);
    } else {
      BuildCdfLutSmoothed(smoother_.regions(), bins, pixels, limit, lut);
    }
  } else if (exact ? !BuildEqualizeLut(frame_hist_.data(), bins, lut)
                   : !BuildEqualizeLutSmoothed(smoother_.regions(), bins, pixels, lut)) {
    return false;  // flat: cv::equalizeHist leaves it as it is
  }
  FinishLut(lut, bins, p.range, p.strength);
  return true;
}

}  // namespace histeq
