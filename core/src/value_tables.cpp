#include "value_tables.h"

#include <algorithm>

#include "vectors.h"

namespace histeq {

void SortWords(uint16_t* w, int n, uint16_t* scratch) {
  uint32_t low[257] = {}, high[257] = {};
  for (int i = 0; i < n; ++i) {
    ++low[(w[i] & 0xff) + 1];
    ++high[(w[i] >> 8) + 1];
  }
  for (int d = 0; d < 256; ++d) {
    low[d + 1] += low[d];
    high[d + 1] += high[d];
  }
  for (int i = 0; i < n; ++i) scratch[low[w[i] & 0xff]++] = w[i];
  for (int i = 0; i < n; ++i) w[high[scratch[i] >> 8]++] = scratch[i];
}

bool ValueTables::Pays(const TileGrid& grid, int bins, bool kept) {
  if (bins <= kBins8 || !Fits(grid)) return false;
  const uint64_t per_bin = 2 + (kept ? 4 : 0);
  return static_cast<uint64_t>(grid.tiles()) * static_cast<uint64_t>(bins) * per_bin >
         kWholeBudget;
}

void ValueTables::Prepare(const TileGrid& grid, int bins, bool smoothed, int slots) {
  if (!(grid == grid_) || bins != bins_ || smoothed != smoothed_) {
    grid_ = grid;
    bins_ = bins;
    smoothed_ = smoothed;
    depth_shift_ = 0;
    while ((kCoarseBins << depth_shift_) < bins) ++depth_shift_;
    cap_ = static_cast<size_t>(std::min<uint64_t>(
               static_cast<uint64_t>(bins), grid.tile_pixels() + (smoothed ? kCoarseBins : 0))) +
           1;
    const size_t tiles = static_cast<size_t>(grid.tiles());
    Fit(&tiles_, tiles);
    Fit(&entries_, tiles * cap_);
    std::vector<Slot>().swap(slots_);
  }
  slots_.resize(static_cast<size_t>(slots));
  for (Slot& s : slots_) {
    if (s.hist.size() == static_cast<size_t>(bins)) continue;
    s.hist.assign(static_cast<size_t>(bins), 0);
    s.values.resize(cap_);
    s.sorted.resize(cap_);
    s.entries.resize(cap_);
  }
}

size_t ValueTables::bytes() const {
  size_t b = tiles_.capacity() * sizeof(Tile) + entries_.capacity() * sizeof(Entry);
  for (const Slot& s : slots_)
    b += s.hist.capacity() * 4 + (s.values.capacity() + s.sorted.capacity()) * 2 +
         s.entries.capacity() * sizeof(Entry);
  return b;
}

void ValueTables::Count(const Plane& plane, const TileHistogrammer& tiles, int t, uint32_t* share,
                        uint32_t* blocks, int slot) {
  Slot& s = slots_[static_cast<size_t>(slot)];
  uint32_t* hist = s.hist.data();
  uint16_t* values = s.values.data();
  int n = 0;
  int lo = bins_, hi = -1;
  // The tile's distinct values as they first come, and their counts.
  tiles.ForEachWideSample(plane, t % grid_.tiles_x, t / grid_.tiles_x, [&](uint32_t v, bool inside) {
    if (hist[v]++ == 0) {
      values[n++] = static_cast<uint16_t>(v);
      lo = std::min(lo, static_cast<int>(v));
      hi = std::max(hi, static_cast<int>(v));
    }
    if (inside && share) ++share[v];
  });
  // Sorted: by a walk over the histogram where the values lie close, else
  // by a radix sort.
  Entry* entries = &entries_[static_cast<size_t>(t) * cap_];
  uint16_t* start = values;
  if (n > 0 && hi - lo + 1 <= 8 * n) {
    int k = 0;
    for (int v = lo; v <= hi; ++v)
      if (hist[v] != 0) start[k++] = static_cast<uint16_t>(v);
  } else {
    SortWords(values, n, s.sorted.data());
  }
  if (blocks) std::fill(blocks, blocks + kCoarseBins, 0u);
  for (int e = 0; e < n; ++e) {
    const uint32_t v = start[e];
    entries[e] = Entry{hist[v], static_cast<uint16_t>(v), 0, 0};
    hist[v] = 0;
    if (blocks) blocks[v >> depth_shift_] += entries[e].sum;
  }
  tiles_[static_cast<size_t>(t)].n = n;
}

void ValueTables::Build(int t, const TableParams& params, const double* mass,
                        const uint32_t* blocks, int slot) {
  Tile& tile = tiles_[static_cast<size_t>(t)];
  Entry* entries = &entries_[static_cast<size_t>(t) * cap_];
  const uint64_t pixels = grid_.tile_pixels();
  uint32_t limit = ClipLimitCount(params.clip_limit, pixels, bins_);
  uint64_t total = pixels;
  if (mass) {
    // The synthetic histogram's entries, block by block, in scratch.
    Entry* out = slots_[static_cast<size_t>(slot)].entries.data();
    const int w = 1 << depth_shift_;
    const double scale = static_cast<double>(pixels) * kSyntheticScale;
    int n = 0, e = 0;
    total = 0;
    for (int b = 0; b < kCoarseBins; ++b) {
      const double m = mass[b] * scale;
      if (blocks[b] == 0) {
        const uint32_t q = SyntheticEven(m, w);
        if (q == 0) continue;
        out[n++] = Entry{q, static_cast<uint16_t>(b * w), static_cast<uint8_t>(depth_shift_), 0};
        total += static_cast<uint64_t>(q) * static_cast<uint64_t>(w);
        continue;
      }
      const double per_count = m / blocks[b];
      for (; e < tile.n && (entries[e].start >> depth_shift_) == b; ++e) {
        const uint32_t c = SyntheticCount(per_count, entries[e].sum);
        if (c == 0) continue;
        out[n++] = Entry{c, entries[e].start, 0, 0};
        total += c;
      }
    }
    std::copy(out, out + n, entries);
    tile.n = n;
    limit *= kSyntheticScale;
  }
  // The counts into running sums of the clipped counts; the excess counted.
  const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
  uint64_t excess = 0;
  uint32_t running = 0;
  for (int e = 0; e < tile.n; ++e) {
    const uint32_t lg = entries[e].log_len;
    const uint32_t per = entries[e].sum;  // the count of each value of the entry
    const uint32_t kept = std::min(per, cut);
    excess += static_cast<uint64_t>(per - kept) << lg;
    entries[e].sum = running;
    running += kept << lg;
  }
  entries[tile.n] = Entry{running, 0, 0, 0};
  uint32_t leftover = 0;
  const ClipSpread spread =
      mass ? SyntheticSpread(limit, excess, bins_, &leftover) : ClipSpread::Make(limit, excess, bins_);
  tile.unit = mass ? kSyntheticScale : 1;
  tile.leftover = leftover;
  tile.batch = spread.batch;
  tile.residual = spread.residual;
  tile.step_inverse = ((1ull << 32) + spread.step - 1) / spread.step;
  tile.scale = total > 0 ? static_cast<float>(bins_ - 1) / static_cast<float>(total) : 0.0f;
}

void ValueTables::Lookup(int t, const uint16_t* q, int m, uint16_t* out, int step) const {
  if (m == 0) return;
  const Tile& tile = tiles_[static_cast<size_t>(t)];
  if (tile.scale == 0.0f) {
    for (int i = 0; i < m; ++i)
      out[i * step] = static_cast<uint16_t>(FinishEntry(q[i], q[i], bins_, range_, strength_));
    return;
  }
  const Entry* entries = &entries_[static_cast<size_t>(t) * cap_];
  const int n = tile.n;
  // From the first value's place, one merge of the two sorted lists,
  // without a branch on the data: each step takes an entry or a value.
  int e = static_cast<int>(
      std::partition_point(entries, entries + n, [&](const Entry& x) { return x.start <= q[0]; }) -
      entries);
  int i = 0;
  while (i < m) {
    const uint32_t v = q[i];
    const bool take = (e < n) & (entries[e].start <= v);
    out[i * step] = static_cast<uint16_t>(e);
    e += take;
    i += !take;
  }
  for (i = 0; i < m; ++i)
    out[i * step] = static_cast<uint16_t>(Finish(tile, entries, out[i * step], q[i]));
}

}  // namespace histeq
