#include "histeq/clahe.h"

#include <algorithm>
#include <cstring>

namespace histeq {

void Clahe::Apply(uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                  const ClaheParams& params, Range range, double strength,
                  const SampleFormat& format) {
  if (width <= 0 || height <= 0 || params.tiles_x < 1 || params.tiles_y < 1)
    return;
  const TileGrid grid = TileGrid::Make(width, height, params.tiles_x, params.tiles_y);
  if (format.depth > 8) {
    ComputeLuts(data, stride, step, format, grid, params.clip_limit, range, strength);
  } else {
    ComputeHistograms(data, stride, step, format, grid);
    BuildLuts(params.clip_limit, range, strength);
  }
  Interpolate(data, stride, step);
}

void Clahe::Setup(const SampleFormat& format, const TileGrid& grid, bool dense) {
  format_ = format;
  grid_ = grid;
  const size_t entries = static_cast<size_t>(grid.tiles()) * static_cast<size_t>(format.bins());
  if (dense)
    hists_.resize(entries);
  else
    std::vector<uint32_t>().swap(hists_);  // 16 MiB at 16 bits, not needed
  if (format.depth > 8)
    luts16_.resize(entries);
  else
    luts8_.resize(entries);
  ranges_.resize(static_cast<size_t>(grid.tiles()));
  histogrammer_.Prepare(grid);
}

// count(slot, begin, end, share) counts items [begin, end) (rows of tiles
// or tiles, as the caller has them), the frame's part into `share`.
template <typename Count>
void Clahe::CountPieces(int items, uint32_t* frame_hist, Count count) {
  const int pieces = Pieces(pool_, items);
  if (pieces <= 1) {
    if (frame_hist)
      std::fill(frame_hist, frame_hist + format_.bins(), 0u);
    count(0, 0, items, frame_hist);
    return;
  }
  // Each thread counts its pieces' share of the frame on its own; the shares
  // add up to the same counts in any order.
  partial_frame_hists_.Begin(Slots(pool_), format_.bins());
  ForEach(pool_, pieces, [&](int i, int slot) {
    int begin, end;
    StripeRows(i, pieces, items, &begin, &end);
    count(slot, begin, end, frame_hist ? partial_frame_hists_.Get(slot) : nullptr);
  });
  if (frame_hist) partial_frame_hists_.Sum(pool_, frame_hist);
}

void Clahe::ComputeHistograms(const uint8_t* data, ptrdiff_t stride, int step,
                              const SampleFormat& format, const TileGrid& grid,
                              uint32_t* frame_hist) {
  Setup(format, grid, true);
  // Pieces of rows of tiles: the histogrammer walks a band's rows once for
  // all its tiles.
  CountPieces(grid.tiles_y, frame_hist, [&](int, int begin, int end, uint32_t* share) {
    histogrammer_.Compute(data, stride, step, format, grid, hists_.data(), share, begin, end,
                          ranges_.data());
  });
}

void Clahe::ComputeLuts(const uint8_t* data, ptrdiff_t stride, int step,
                        const SampleFormat& format, const TileGrid& grid, double clip_limit,
                        Range range, double strength, uint32_t* frame_hist) {
  Setup(format, grid, false);
  const int bins = format.bins();
  const size_t tiles = static_cast<size_t>(grid.tiles());
  const uint64_t pixels = grid.tile_pixels();
  const uint32_t limit = ClipLimitCount(clip_limit, pixels, bins);
  spreads_.resize(tiles);
  kept_.resize(tiles);
  const size_t slots = static_cast<size_t>(Slots(pool_));
  if (scratch_.size() < slots) scratch_.resize(slots);
  for (auto& h : scratch_)
    if (h.size() != static_cast<size_t>(bins)) h.assign(static_cast<size_t>(bins), 0);

  // Each tile: counted into the thread's scratch histogram, its table filled
  // for its own values, the scratch cleared where it was used. Pieces of
  // whole rows of tiles when there are at least four a thread: threads
  // counting tiles side by side, in the same rows, fetch each other's lines
  // (the prefetcher runs on past a tile's edge), 2160p on two threads 1.07x
  // slower. With fewer rows (a grid one tile high) pieces of tiles, so that
  // the threads end together.
  const int row_units = grid.tiles_y >= 4 * Slots(pool_) ? grid.tiles_x : 1;
  CountPieces(grid.tiles() / row_units, frame_hist,
              [&](int slot, int unit_begin, int unit_end, uint32_t* share) {
    uint32_t* hist = scratch_[static_cast<size_t>(slot)].data();
    for (int t = unit_begin * row_units; t < unit_end * row_units; ++t) {
      const ValueRange r = histogrammer_.AccumulateTile(data, stride, step, format,
                                                        t % grid.tiles_x, t / grid.tiles_x,
                                                        hist, share);
      const size_t at = static_cast<size_t>(t);
      ranges_[at] = r;
      spreads_[at] = ClipSpread::Make(limit, ClippedCounts(hist, r.lo, r.hi + 1, limit), bins);
      kept_[at] = BuildCdfLutSpan(hist, r.lo, r.hi + 1, 0, spreads_[at], pixels, bins,
                                  &luts16_[at * static_cast<size_t>(bins)]);
      std::fill(hist + r.lo, hist + r.hi + 1, 0u);
    }
  });

  // Then each table over the values of its neighbourhood: below and above
  // its own values the clipped histogram holds only the handed-out excess.
  const int table_pieces = Pieces(pool_, grid.tiles());
  ForEach(pool_, table_pieces, [&](int i) {
    int begin, end;
    StripeRows(i, table_pieces, grid.tiles(), &begin, &end);
    for (int t = begin; t < end; ++t) {
      const int tx = t % grid.tiles_x, ty = t / grid.tiles_x;
      ValueRange n;
      for (int y = std::max(ty - 1, 0); y <= std::min(ty + 1, grid.tiles_y - 1); ++y)
        for (int x = std::max(tx - 1, 0); x <= std::min(tx + 1, grid.tiles_x - 1); ++x)
          n.Add(ranges_[static_cast<size_t>(y) * grid.tiles_x + x]);
      const ValueRange& r = ranges_[static_cast<size_t>(t)];
      uint16_t* lut = &luts16_[static_cast<size_t>(t) * bins];
      BuildCdfLutSpan(nullptr, n.lo, r.lo, 0, spreads_[t], pixels, bins, lut);
      BuildCdfLutSpan(nullptr, r.hi + 1, n.hi + 1, kept_[t], spreads_[t], pixels, bins, lut);
      FinishLutSpan(lut, n.lo, n.hi + 1, bins, range, strength);
    }
  });
}

template <typename T>
void Clahe::BuildLutsT(std::vector<T>& luts, const double* distributions,
                       double clip_limit, Range range, double strength) {
  const int bins = format_.bins();
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount(clip_limit, pixels, bins);
  const int tiles = grid_.tiles();
  const int pieces = Pieces(pool_, tiles);
  ForEach(pool_, pieces, [&](int i) {
    int begin, end;
    StripeRows(i, pieces, tiles, &begin, &end);
    for (int t = begin; t < end; ++t) {
      const size_t at = static_cast<size_t>(t) * bins;
      T* lut = &luts[at];
      if (distributions) {
        BuildCdfLutSmoothed(distributions + at, bins, pixels, limit, lut);
      } else {
        uint32_t* hist = &hists_[at];
        if (limit > 0) ClipHistogram(hist, bins, limit);
        BuildCdfLut(hist, bins, pixels, lut);
      }
      FinishLut(lut, bins, range, strength);
    }
  });
}

void Clahe::BuildLuts(double clip_limit, Range range, double strength) {
  BuildLutsFromDistributions(nullptr, clip_limit, range, strength);
}

void Clahe::BuildLutsFromDistributions(const double* distributions, double clip_limit,
                                       Range range, double strength) {
  if (format_.depth > 8)
    BuildLutsT(luts16_, distributions, clip_limit, range, strength);
  else
    BuildLutsT(luts8_, distributions, clip_limit, range, strength);
}

void Clahe::Interpolate(uint8_t* data, ptrdiff_t stride, int step) {
  const int slots = Slots(pool_);
  if (format_.depth > 8) {
    // Pieces of whole regions: a region cut between two pieces would have
    // its tables packed twice. With at least four bands a thread, a piece is
    // a whole band: threads working side by side in the same rows share the
    // cache lines at the regions' edges and fetch each other's lines (2160p
    // on two threads 1.3x slower). The full bands go first and the two
    // half-tile ones at the frame's edges last, so that the threads end
    // together. With fewer bands, pieces of a band's regions, about four
    // times the usual number, interleaved across bands.
    TileInterpolatorWide& w = interpolator_wide_;
    w.Prepare(grid_, format_.bins(), slots);
    const int bands = w.bands(), spans = w.spans();
    if (bands >= 4 * slots) {
      ForEach(pool_, bands, [&](int i, int slot) {
        const int band = (i + 1) % bands;  // 1, 2, ..., the last, 0
        w.ApplyRegions(data, stride, step, format_, luts16_.data(), ranges_.data(), band, 0,
                       spans, slot);
      });
      return;
    }
    const int wanted = 4 * Pieces(pool_, bands * spans);
    const int groups = std::min(spans, std::max(1, (wanted + bands - 1) / bands));
    ForEach(pool_, bands * groups, [&](int i, int slot) {
      int s0, s1;
      StripeRows(i / bands, groups, spans, &s0, &s1);
      w.ApplyRegions(data, stride, step, format_, luts16_.data(), ranges_.data(), i % bands, s0,
                     s1, slot);
    });
    return;
  }
  interpolator8_.Prepare(grid_, slots);
  const int pieces = Pieces(pool_, grid_.height);
  ForEach(pool_, pieces, [&](int i, int slot) {
    int begin, end;
    StripeRows(i, pieces, grid_.height, &begin, &end);
    interpolator8_.ApplyRows(data, stride, step, luts8_.data(), begin, end, slot);
  });
}

}  // namespace histeq
