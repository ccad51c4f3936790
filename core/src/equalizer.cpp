#include "histeq/equalizer.h"

#include <algorithm>
#include <cstring>

#include "equalizer_core.h"
#include "kernels/any.h"
#include "kernels/kernels.h"
#include "lut.h"
#include "overlay.h"
#include "sample.h"
#include "stats.h"

namespace histeq {
namespace {

// Params::meter clipped to a width x height plane; empty when that leaves
// nothing or the whole plane (both: meter the whole plane, as without one).
Rect MeterRegion(const Rect& meter, int width, int height) {
  if (meter.empty()) return Rect();
  const int64_t x0 = std::max<int64_t>(meter.x, 0);
  const int64_t y0 = std::max<int64_t>(meter.y, 0);
  const int64_t x1 = std::min<int64_t>(static_cast<int64_t>(meter.x) + meter.width, width);
  const int64_t y1 = std::min<int64_t>(static_cast<int64_t>(meter.y) + meter.height, height);
  if (x1 <= x0 || y1 <= y0) return Rect();
  if (x0 == 0 && y0 == 0 && x1 == width && y1 == height) return Rect();
  return Rect{static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0),
              static_cast<int>(y1 - y0)};
}

// The samples of `plane` inside `r` (which lies within it).
Plane SubPlane(const Plane& plane, const Rect& r) {
  Plane sub = plane.Rows(r.y, r.y + r.height);
  sub.data += static_cast<ptrdiff_t>(r.x) * plane.pixel_step;
  sub.width = r.width;
  return sub;
}

}  // namespace

void EqualizerCore::SetThreads(int threads) {
  const int n = ThreadPool::Resolve(threads);
  if (n == Slots(pool_) && (n == 1 || own_pool_)) return;
  own_pool_.reset(n > 1 ? new ThreadPool(n) : nullptr);
  SetThreadPool(own_pool_.get());
}

void EqualizerCore::SetThreadPool(ThreadPool* pool) {
  pool_ = pool;
  clahe_.SetThreadPool(pool);
  smoother_.SetThreadPool(pool);
}

bool EqualizerCore::Process(const Plane& plane, const Params& p, FrameReport* report) {
  FrameReport local;
  FrameReport& r = report ? *report : local;
  r = FrameReport();
  if (plane.empty()) return false;

  // 1. Histograms: the frame's, and the tiles' in adaptive mode. Without
  // smoothing the tiles' tables come with their histograms, which are not
  // kept (16 MiB of them at 16 bits).
  const bool adaptive = p.mode == Mode::kAdaptive;
  const SampleFormat& format = plane.format;
  const int bins = format.bins();
  const uint64_t pixels = static_cast<uint64_t>(plane.width) * plane.height;
  frame_hist_.resize(static_cast<size_t>(bins));
  TileGrid grid;
  TableParams tables;
  tables.clip_limit = p.clip_limit > 0.0 ? p.clip_limit : kDefaultAdaptiveClipLimit;
  tables.range = p.range;
  tables.strength = p.strength;
  const bool direct = p.smoothing <= 0;
  // The state of the other mode is given back: memory follows the setting.
  if (adaptive != last_adaptive_) {
    if (adaptive)
      std::vector<HistogramCounter8>().swap(counters_);
    else
      clahe_.Release();
  }
  // A metering region (global mode) is counted on its own, before the frame
  // so that the frame's count keeps who counted which stripe.
  const Rect region = adaptive ? Rect() : MeterRegion(p.meter, plane.width, plane.height);
  const bool metering = !region.empty();
  if (adaptive) {
    grid = TileGrid::Make(plane.width, plane.height, p.tiles_x, p.tiles_y);
    clahe_.Count(plane, grid, direct ? &tables : nullptr, frame_hist_.data());
  } else {
    if (metering) {
      meter_hist_.resize(static_cast<size_t>(bins));
      CountFrame(SubPlane(plane, region), meter_hist_.data(), false);
    }
    CountFrame(plane, frame_hist_.data(), true);
  }
  const uint32_t* metered = metering ? meter_hist_.data() : frame_hist_.data();
  const uint64_t metered_pixels =
      metering ? static_cast<uint64_t>(region.width) * static_cast<uint64_t>(region.height)
               : pixels;
  r.metered = metering ? region : Rect{0, 0, plane.width, plane.height};
  r.histogram_in = frame_hist_.data();
  r.bins = bins;
  r.pixels = pixels;

  // 2. Temporal state. A new mode or grid is a fresh start, like a cut (and
  // so is a new depth: the smoother sees the number of bins change). The
  // scene-cut distance is the whole frame's; what is averaged for the
  // mapping is the metered histogram, normalised, so a metering region that
  // changes size or place neither cuts nor restarts the average.
  if (adaptive != last_adaptive_ || !(grid == last_grid_)) smoother_.Reset();
  last_adaptive_ = adaptive;
  last_grid_ = grid;
  const SmoothingStep s =
      adaptive ? smoother_.Update(frame_hist_.data(), pixels, clahe_.tile_histograms(),
                                  grid.tiles(), grid.tile_pixels(), p.smoothing,
                                  p.scene_threshold, bins, clahe_.smoothing_bins())
               : smoother_.Update(frame_hist_.data(), pixels, metered, 1, metered_pixels,
                                  p.smoothing, p.scene_threshold, bins);
  r.scene_cut = s.scene_cut;
  r.distance = s.distance;
  const bool exact = p.smoothing <= 0 || s.fresh;

  // 3. Tables and their application.
  bool changed = false;
  if (p.strength > 0.0) {
    if (adaptive) {
      if (!direct) clahe_.BuildLuts(plane, exact ? nullptr : smoother_.regions(), tables);
      clahe_.Interpolate(plane);
      changed = true;
    } else if (format.depth > 8) {
      lut16_.resize(static_cast<size_t>(bins));
      changed = BuildGlobalLut(format, metered, metered_pixels, p, exact, lut16_.data());
      if (changed) ApplyGlobal(plane, lut16_.data());
    } else {
      lut8_.resize(kBins8);
      changed = BuildGlobalLut(format, metered, metered_pixels, p, exact, lut8_.data());
      if (changed) ApplyGlobal(plane, lut8_.data());
    }
  }
  affinity_.Clear();
  r.changed = changed;
  Finish(plane, p, &r);
  return changed;
}

void EqualizerCore::Finish(const Plane& plane, const Params& p, FrameReport* r) {
  if (!p.report_output && !p.draw_histograms) return;
  const int bins = r->bins;
  if (r->changed) {
    out_hist_.resize(static_cast<size_t>(bins));
    CountFrame(plane, out_hist_.data(), false);
    r->histogram_out = out_hist_.data();
  } else {
    r->histogram_out = r->histogram_in;  // the plane is as it came
  }
  const PlaneStats in = StatsFromHistogram(r->histogram_in, bins);
  const PlaneStats out = StatsFromHistogram(r->histogram_out, bins);
  r->mean_in = in.mean;
  r->stddev_in = in.stddev;
  r->mean_out = out.mean;
  r->stddev_out = out.stddev;
  if (p.draw_histograms) DrawHistogramOverlay(plane, r->histogram_in, r->histogram_out, bins);
}

template <typename T>
void EqualizerCore::ApplyGlobal(const Plane& plane, const T* lut) {
  const kernels::Kernels& k = kernels::Active();
  const int pieces = Pieces(pool_, plane.height);
  const int step = plane.pixel_step;
  const bool plain = sizeof(T) == 1 || PlainWords(plane);
  const kernels::Codec codec = CodecOf(plane.format);
  // The histogram's stripes, when it kept who counted them: each thread
  // first maps its own (they may still be in its core's cache: 8-bit 720p
  // and 1080p on two threads 10 % faster).
  const bool owned = pieces > 1 && affinity_.pieces() == pieces;
  // The frame's 8-bit samples lie between its first and last counted values
  // (frame_hist_ is the whole frame's even when metering): the kernel may
  // look up only that part of the table.
  int lo = 0, hi = kBins8 - 1;
  if constexpr (sizeof(T) == 1) {
    while (lo < hi && frame_hist_[static_cast<size_t>(lo)] == 0) ++lo;
    while (hi > lo && frame_hist_[static_cast<size_t>(hi)] == 0) --hi;
  }
  ForEach(pool_, pieces, [&](int i, int slot) {
    int y0, y1;
    StripeRows(owned ? affinity_.Take(slot) : i, pieces, plane.height, &y0, &y1);
    for (int y = y0; y < y1; ++y) {
      uint8_t* row = plane.data + y * plane.stride;
      if constexpr (sizeof(T) == 1) {
        if (step == 1)
          kernels::RunRow<1>(row, 1, plane.width, k.apply8_block,
                             [&](uint8_t* s, int, int, int n) { k.apply8(s, n, lut, lo, hi); });
        else
          k.apply8_strided(row, step, plane.width, lut);
      } else if (plain) {
        kernels::RunRow<2>(row, 2, plane.width, k.apply16_block,
                           [&](uint8_t* s, int, int, int n) { k.apply16(s, n, lut); });
      } else {
        k.apply_codec(row, step, plane.width, codec, lut);
      }
    }
  });
}

void EqualizerCore::CountFrame(const Plane& plane, uint32_t* hist, bool keep) {
  const int bins = plane.format.bins();
  const int slots = Slots(pool_);
  const int pieces = Pieces(pool_, plane.height);
  const bool wide = plane.format.depth > 8;
  affinity_.Clear();
  if (counters_.size() < static_cast<size_t>(slots)) counters_.resize(static_cast<size_t>(slots));
  if (pieces <= 1) {
    std::memset(hist, 0, static_cast<size_t>(bins) * sizeof(*hist));
    if (wide) {
      AccumulateWide(plane, hist);
      return;
    }
    HistogramCounter8& c = counters_[0];
    c.Start(static_cast<uint64_t>(plane.width) * static_cast<uint64_t>(plane.height), plane.width,
            plane.pixel_step);
    c.Add(plane);
    c.Finish(hist);
    return;
  }
  // Each thread counts the pieces it takes into its own histogram; the sums
  // are the same whoever counted what.
  partial_hists_.Begin(slots, bins);
  const uint64_t share = static_cast<uint64_t>(plane.width) *
                         static_cast<uint64_t>(plane.height) / static_cast<uint64_t>(slots);
  if (!wide) {
    // Any thread may take its first piece in any frame: all counters get
    // their tables now, so a steady stream allocates nothing.
    for (auto& c : counters_) c.Reserve(share, plane.width, plane.pixel_step);
    counting_.assign(static_cast<size_t>(slots), 0);
  }
  // When a thread's share of an 8-bit plane fits a core's cache (1080p on
  // two threads), the thread that counted a stripe maps it too; larger
  // shares, or 16-bit ones, gained nothing that way (2-4 % slower).
  constexpr uint64_t kCachedShare = 1u << 20;
  keep = keep && !wide && share <= kCachedShare;
  if (keep) affinity_.Begin(pieces);
  ForEach(pool_, pieces, [&](int i, int slot) {
    if (keep) affinity_.Ran(i, slot);
    int y0, y1;
    StripeRows(i, pieces, plane.height, &y0, &y1);
    const Plane rows = plane.Rows(y0, y1);
    if (wide) {
      AccumulateWide(rows, partial_hists_.Get(slot));
      return;
    }
    HistogramCounter8& c = counters_[static_cast<size_t>(slot)];
    if (!counting_[static_cast<size_t>(slot)]) {
      c.Start(share, plane.width, plane.pixel_step);
      counting_[static_cast<size_t>(slot)] = 1;
    }
    c.Add(rows);
  });
  if (!wide) {
    // The counters' tables folded into bins, each on its own thread.
    ForEach(pool_, slots, [&](int k) {
      if (counting_[static_cast<size_t>(k)]) counters_[static_cast<size_t>(k)].Finish(partial_hists_.Get(k));
    });
  }
  partial_hists_.Sum(pool_, hist);
}

template <typename T>
bool EqualizerCore::BuildGlobalLut(const SampleFormat& format, const uint32_t* hist,
                                   uint64_t pixels, const Params& p, bool exact, T* lut) {
  const int bins = format.bins();
  if (p.clip_limit > 0.0 && p.clip_spread == ExcessSpread::kRange) {
    // The excess over the occupied codes; a flat frame is left as it is.
    const uint32_t limit = ClipLimitCount(p.clip_limit, pixels, bins);
    if (exact ? !BuildRangeClippedLut(hist, bins, limit, lut)
              : !BuildRangeClippedLutSmoothed(smoother_.regions(), bins, pixels, limit, lut))
      return false;
  } else if (p.clip_limit > 0.0) {
    const uint32_t limit = ClipLimitCount(p.clip_limit, pixels, bins);
    if (exact)
      BuildClaheLut(hist, bins, pixels, limit, lut);
    else
      BuildCdfLutSmoothed(smoother_.regions(), bins, pixels, limit, lut);
  } else if (exact ? !BuildEqualizeLut(hist, bins, lut)
                   : !BuildEqualizeLutSmoothed(smoother_.regions(), bins, pixels, lut)) {
    return false;  // flat: cv::equalizeHist leaves it as it is
  }
  FinishLut(lut, bins, p.range, p.strength);
  return true;
}

Equalizer::Equalizer() : core_(new EqualizerCore) {}
Equalizer::~Equalizer() = default;
Equalizer::Equalizer(Equalizer&&) noexcept = default;
Equalizer& Equalizer::operator=(Equalizer&&) noexcept = default;

bool Equalizer::Process(const Plane& plane, const Params& params, FrameReport* report) {
  return core_->Process(plane, params, report);
}
void Equalizer::Reset() { core_->Reset(); }
void Equalizer::SetThreads(int threads) { core_->SetThreads(threads); }
int Equalizer::threads() const { return core_->threads(); }

}  // namespace histeq
