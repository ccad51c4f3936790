#include "clahe.h"

#include <algorithm>
#include <cstring>

#include "vectors.h"

namespace histeq {

template <>
std::vector<uint8_t>& Clahe::Luts<uint8_t>() {
  return luts8_;
}
template <>
std::vector<uint16_t>& Clahe::Luts<uint16_t>() {
  return luts16_;
}
template <>
TileInterpolator<uint8_t>& Clahe::Interpolator<uint8_t>() {
  return interpolator8_;
}
template <>
TileInterpolator<uint16_t>& Clahe::Interpolator<uint16_t>() {
  return interpolator16_;
}

void Clahe::Apply(const Plane& plane, const TileGrid& grid, const TableParams& tables) {
  if (plane.empty() || grid.tiles_x < 1 || grid.tiles_y < 1) return;
  Count(plane, grid, &tables, nullptr);
  Interpolate(plane);
}

void Clahe::Setup(const Plane& plane, const TileGrid& grid, bool keep) {
  format_ = plane.format;
  grid_ = grid;
  const size_t bins = static_cast<size_t>(format_.bins());
  const size_t tiles = static_cast<size_t>(grid.tiles());
  const size_t slots = static_cast<size_t>(Slots(pool_));
  by_value_ = format_.depth > 8 && ValueTables::Fits(grid) &&
              (tables_mode_ == Tables::kByValue ||
                                    (tables_mode_ == Tables::kAuto &&
                                     ValueTables::Pays(grid, format_.bins(), keep)));
  // What the other way of keeping tables held goes (hundreds of MiB at 16
  // bits): the state follows the setting.
  const bool deep = format_.depth > 8;
  // Tiles of deeper samples with few samples for their bins (under a
  // quarter) are counted again when their tables are made (BuildLuts), in
  // the thread's scratch, rather than kept: read back, their histograms
  // (64 MiB at 12 bits and 64x64 tiles, mostly empty bins) come from memory,
  // not the cache; counting again costs less. Fuller ones are kept.
  recount_ = deep && keep && !by_value_ &&
             grid.tile_pixels() * 4 < static_cast<uint64_t>(bins);
  Fit(&hists_, keep && !by_value_ && !recount_ ? tiles * bins : 0);
  Fit(&blocks_, deep && keep ? tiles * kCoarseBins : 0);
  Fit(&luts16_, deep && !by_value_ ? tiles * bins : 0);
  Fit(&luts8_, deep ? 0 : tiles * bins);
  Fit(&synthetic_, deep && keep && !by_value_ ? slots * bins : 0);
  Fit(&ranges_, tiles);
  Fit(&spreads_, tiles);
  Fit(&kept_, tiles);
  histogrammer_.Prepare(grid);
  if (by_value_) {
    values_.Prepare(grid, format_.bins(), keep, static_cast<int>(slots));
  } else {
    values_ = ValueTables();
  }
  if ((!keep || recount_) && !by_value_) {
    scratch_.resize(slots);
    for (auto& h : scratch_)
      if (h.size() != bins) std::vector<uint32_t>(bins, 0).swap(h);
  } else {
    std::vector<std::vector<uint32_t>>().swap(scratch_);
  }
  // Any thread may count its first tile in any frame: every counter gets
  // what it needs now, so a steady stream allocates nothing.
  if (deep) {
    std::vector<HistogramCounter8>().swap(counters_);
    interpolator8_ = TileInterpolator<uint8_t>();
  } else {
    counters_.resize(slots);
    for (auto& c : counters_) c.Reserve(grid.tile_pixels(), grid.tile_width, plane.pixel_step);
    interpolator16_ = TileInterpolator<uint16_t>();
  }
}

size_t Clahe::bytes() const {
  size_t b = hists_.capacity() * 4 + blocks_.capacity() * 4 + luts8_.capacity() +
             luts16_.capacity() * 2 + synthetic_.capacity() * 4 + values_.bytes();
  for (const auto& h : scratch_) b += h.capacity() * 4;
  return b;
}

void Clahe::Count(const Plane& plane, const TileGrid& grid, const TableParams* tables,
                  uint32_t* frame_hist) {
  Setup(plane, grid, tables == nullptr);
  if (by_value_)
    CountByValue(plane, tables, frame_hist);
  else if (format_.depth > 8)
    CountT<uint16_t>(plane, tables, frame_hist);
  else
    CountT<uint8_t>(plane, tables, frame_hist);
}

template <typename T>
void Clahe::CountT(const Plane& plane, const TableParams* tables, uint32_t* frame_hist) {
  const TileGrid& grid = grid_;
  const int bins = format_.bins();
  const uint64_t pixels = grid.tile_pixels();
  const uint32_t limit = tables ? ClipLimitCount(tables->clip_limit, pixels, bins) : 0;
  std::vector<T>& luts = Luts<T>();
  // Each tile: counted into its kept histogram, or into the thread's scratch
  // histogram, whose table is then filled for its own values and which is
  // cleared again where it was used. Pieces of whole rows of tiles when
  // there are at least four a thread: threads counting tiles side by side,
  // in the same rows, fetch each other's lines (the prefetcher runs on past
  // a tile's edge), 2160p on two threads 1.07x slower. With fewer rows (a
  // grid one tile high) pieces of tiles, so that the threads end together.
  const int row_units = grid.tiles_y >= 4 * Slots(pool_) ? grid.tiles_x : 1;
  const int units = grid.tiles() / row_units;
  const int pieces = Pieces(pool_, units);
  auto count = [&](int slot, int unit_begin, int unit_end, uint32_t* share) {
    for (int t = unit_begin * row_units; t < unit_end * row_units; ++t) {
      const size_t at = static_cast<size_t>(t);
      // Kept for BuildLuts (without tables, unless it counts the tile
      // again) or counted into the thread's scratch, which is cleared again
      // where it was used.
      const bool kept = !tables && !recount_;
      uint32_t* hist = kept ? &hists_[at * static_cast<size_t>(bins)]
                            : scratch_[static_cast<size_t>(slot)].data();
      if (kept) std::memset(hist, 0, static_cast<size_t>(bins) * sizeof(*hist));
      // A tile inside the frame adds its counts to the frame's share in the
      // pass that clips them or sums their blocks (mirrored samples are not
      // the frame's).
      const bool share_after = share && (tables || sizeof(T) > 1) &&
                               grid.inside(t % grid.tiles_x, t / grid.tiles_x);
      const ValueRange r = histogrammer_.AccumulateTile(
          plane, t % grid.tiles_x, t / grid.tiles_x, hist, share_after ? nullptr : share,
          sizeof(T) == 1 ? &counters_[static_cast<size_t>(slot)] : nullptr);
      ranges_[at] = r;
      if (!tables) {
        if (sizeof(T) > 1) {
          // The tile's counts by block (a block's w values: 2^(depth - 8)),
          // and the scratch cleared in the same pass.
          uint32_t* blocks = &blocks_[at * kCoarseBins];
          std::fill(blocks, blocks + kCoarseBins, 0u);
          BlockCounts(hist, r.lo, r.hi + 1, format_.depth - 8, blocks,
                      share_after ? share : nullptr, !kept);
        }
        continue;
      }
      const uint64_t excess = ClipCounts(hist, r.lo, r.hi + 1, limit, share_after ? share : nullptr);
      spreads_[at] = ClipSpread::Make(limit, excess, bins);
      kept_[at] = BuildClippedCdfLutSpan(hist, r.lo, r.hi + 1, 0, spreads_[at], pixels, bins,
                                         &luts[at * static_cast<size_t>(bins)]);
      std::fill(hist + r.lo, hist + r.hi + 1, 0u);
    }
  };
  CountPieces(units, pieces, frame_hist, count);
  if (!tables) return;

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
      T* lut = &luts[static_cast<size_t>(t) * bins];
      BuildCdfLutSpan<T>(nullptr, n.lo, r.lo, 0, spreads_[t], pixels, bins, lut);
      BuildCdfLutSpan<T>(nullptr, r.hi + 1, n.hi + 1, kept_[t], spreads_[t], pixels, bins, lut);
      FinishLutSpan(lut, n.lo, n.hi + 1, bins, tables->range, tables->strength);
    }
  });
}

void Clahe::CountByValue(const Plane& plane, const TableParams* tables, uint32_t* frame_hist) {
  const TileGrid& grid = grid_;
  // As CountT: pieces of rows of tiles, or of tiles. Each tile's table is
  // made as soon as it is counted.
  const int row_units = grid.tiles_y >= 4 * Slots(pool_) ? grid.tiles_x : 1;
  const int units = grid.tiles() / row_units;
  const int pieces = Pieces(pool_, units);
  if (tables) values_.SetFinish(*tables);
  auto count = [&](int slot, int unit_begin, int unit_end, uint32_t* share) {
    for (int t = unit_begin * row_units; t < unit_end * row_units; ++t) {
      uint32_t* blocks = tables ? nullptr : &blocks_[static_cast<size_t>(t) * kCoarseBins];
      values_.Count(plane, histogrammer_, t, share, blocks, slot, tables);
    }
  };
  CountPieces(units, pieces, frame_hist, count);
}

template <typename F>
void Clahe::CountPieces(int units, int pieces, uint32_t* frame_hist, F count) {
  if (pieces <= 1) {
    if (frame_hist) std::fill(frame_hist, frame_hist + format_.bins(), 0u);
    count(0, 0, units, frame_hist);
    return;
  }
  // Each thread counts its pieces' share of the frame on its own; the
  // shares add up to the same counts in any order.
  partial_frame_hists_.Begin(Slots(pool_), format_.bins());
  ForEach(pool_, pieces, [&](int i, int slot) {
    int begin, end;
    StripeRows(i, pieces, units, &begin, &end);
    count(slot, begin, end, frame_hist ? partial_frame_hists_.Get(slot) : nullptr);
  });
  if (frame_hist) partial_frame_hists_.Sum(pool_, frame_hist);
}

template <typename F>
void Clahe::ForTiles(F fn) {
  const int count = grid_.tiles();
  const int pieces = Pieces(pool_, count);
  ForEach(pool_, pieces, [&](int i, int slot) {
    int begin, end;
    StripeRows(i, pieces, count, &begin, &end);
    for (int t = begin; t < end; ++t) fn(t, slot);
  });
}

void Clahe::BuildLuts(const Plane& plane, const double* distributions, const TableParams& tables) {
  if (by_value_) {
    values_.SetFinish(tables);
    ForTiles([&](int t, int slot) {
      const size_t at = static_cast<size_t>(t) * kCoarseBins;
      values_.Build(t, tables, distributions ? distributions + at : nullptr, &blocks_[at], slot);
    });
    return;
  }
  if (format_.depth > 8)
    BuildLutsT<uint16_t>(plane, distributions, tables);
  else
    BuildLutsT<uint8_t>(plane, distributions, tables);
}

template <typename T>
void Clahe::BuildLutsT(const Plane& plane, const double* distributions,
                       const TableParams& tables) {
  const int bins = format_.bins();
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount(tables.clip_limit, pixels, bins);
  std::vector<T>& luts = Luts<T>();
  ForTiles([&](int t, int slot) {
    const size_t at = static_cast<size_t>(t) * bins;
    T* lut = &luts[at];
    // A deeper tile's histogram, counted again into the thread's scratch
    // (cleared after): read back from a kept one, 4096 tiles of 4096 bins at
    // 12 bits, it came from memory, not the cache.
    uint32_t* hist = recount_ ? scratch_[static_cast<size_t>(slot)].data() : &hists_[at];
    const ValueRange counted =
        recount_ ? histogrammer_.AccumulateTile(plane, t % grid_.tiles_x, t / grid_.tiles_x, hist,
                                                nullptr, nullptr)
                 : ValueRange();
    if (!distributions) {
      BuildClaheLut(hist, bins, pixels, limit, lut);
    } else if (sizeof(T) == 1) {
      BuildCdfLutSmoothed(distributions + at, bins, pixels, limit, lut);
    } else {
      const size_t coarse = static_cast<size_t>(t) * kCoarseBins;
      uint32_t* synthetic = &synthetic_[static_cast<size_t>(slot) * bins];
      const uint32_t cut = limit * kSyntheticScale;
      uint64_t excess = 0;
      const uint64_t total = SyntheticHistogram(hist, &blocks_[coarse],
                                                distributions + coarse, bins, pixels, cut,
                                                synthetic, &excess);
      BuildSyntheticLut(synthetic, bins, total, cut, excess, lut);
    }
    if (!counted.empty()) std::fill(hist + counted.lo, hist + counted.hi + 1, 0u);
    FinishLut(lut, bins, tables.range, tables.strength);
  });
}

void Clahe::Interpolate(const Plane& plane) {
  if (format_.depth > 8)
    InterpolateT<uint16_t>(plane);
  else
    InterpolateT<uint8_t>(plane);
}

template <typename T>
void Clahe::InterpolateT(const Plane& plane) {
  const int slots = Slots(pool_);
  TileInterpolator<T>& w = Interpolator<T>();
  w.Prepare(grid_, format_.bins(), slots, by_value_);
  if (by_value_) {
    ForRegions(w, [&](int band, int s0, int s1, int slot) {
      w.ApplyRegionsByValue(plane, values_, band, s0, s1, slot);
    });
    return;
  }
  const T* luts = Luts<T>().data();
  if (w.RowByRow()) {
    // Stripes of rows, as the picture lies in memory; a stripe makes ready
    // the regions of the bands it crosses.
    const int pieces = Pieces(pool_, grid_.height);
    ForEach(pool_, pieces, [&](int i, int slot) {
      int y0, y1;
      StripeRows(i, pieces, grid_.height, &y0, &y1);
      w.ApplyRows(plane, luts, ranges_.data(), y0, y1, slot);
    });
    return;
  }
  ForRegions(w, [&](int band, int s0, int s1, int slot) {
    w.ApplyRegions(plane, luts, ranges_.data(), band, s0, s1, slot);
  });
}

template <typename T, typename F>
void Clahe::ForRegions(TileInterpolator<T>& w, F apply) {
  // Pieces of whole regions: a region cut between two pieces would have its
  // tables made ready twice. With at least four bands a thread, a piece is a
  // whole band: threads working side by side in the same rows share the
  // cache lines at the regions' edges and fetch each other's lines (16-bit
  // 2160p on two threads 1.3x slower). The full bands go first and the two
  // half-tile ones at the frame's edges last, so that the threads end
  // together. With fewer bands, pieces of a band's regions, about four times
  // the usual number, interleaved across bands.
  const int slots = Slots(pool_);
  const int bands = w.bands(), spans = w.spans();
  if (bands >= 4 * slots) {
    ForEach(pool_, bands, [&](int i, int slot) {
      const int band = (i + 1) % bands;  // 1, 2, ..., the last, 0
      apply(band, 0, spans, slot);
    });
    return;
  }
  const int wanted = 4 * Pieces(pool_, bands * spans);
  const int groups = std::min(spans, std::max(1, (wanted + bands - 1) / bands));
  ForEach(pool_, bands * groups, [&](int i, int slot) {
    int s0, s1;
    StripeRows(i / bands, groups, spans, &s0, &s1);
    apply(i % bands, s0, s1, slot);
  });
}

}  // namespace histeq
