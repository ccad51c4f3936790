#include "value_tables.h"

#include <algorithm>

#include "kernels/kernels.h"
#include "vectors.h"

namespace histeq {
namespace {

// firsts[i] = counts[0] + ... + counts[i - 1], i in [0, n) (in place when
// the same array); returns the sum of all.
uint32_t FirstsOf(const uint32_t* counts, int n, uint32_t* firsts) {
  uint32_t sum = 0;
  const int done = kernels::Active().running_sums(counts, 0, n, firsts, &sum);
  kernels::Scalar().running_sums(counts, done, n, firsts, &sum);
  return sum;
}

}  // namespace

bool ValueTables::Pays(const TileGrid& grid, int bins, bool kept) {
  if (bins <= kBins8 || !Fits(grid)) return false;
  const uint64_t entries = static_cast<uint64_t>(grid.tiles()) * static_cast<uint64_t>(bins);
  const uint64_t per_bin = 2 + (kept ? 4 : 0);
  return entries * per_bin > kWholeBudget ||
         entries > kWholePerPixel * grid.tile_pixels() * static_cast<uint64_t>(grid.tiles());
}

void ValueTables::Prepare(const TileGrid& grid, int bins, bool smoothed, int slots) {
  if (!(grid == grid_) || bins != bins_ || smoothed != smoothed_) {
    grid_ = grid;
    bins_ = bins;
    smoothed_ = smoothed;
    depth_shift_ = 0;
    while ((kCoarseBins << depth_shift_) < bins) ++depth_shift_;
    // The entries, the one at value 0 when the tile has none there, and
    // the total.
    cap_ = static_cast<size_t>(std::min<uint64_t>(
               static_cast<uint64_t>(bins),
               grid.tile_pixels() + (smoothed ? kCoarseBins : 0) + 1)) +
           1;
    stride_ = cap_ + 16;
    // Buckets for about four entries each, at least 256, of 16 values or
    // more; buckets of more than 16 entries (only where they hold more
    // than 16 values) at most one per 17 entries.
    buckets_ = kCoarseBins;
    while (buckets_ < bins / 16 && 4 * static_cast<size_t>(buckets_) < cap_) buckets_ *= 2;
    bucket_shift_ = 0;
    while ((buckets_ << bucket_shift_) < bins) ++bucket_shift_;
    dense_cap_ = bucket_shift_ > 4 ? std::min<size_t>(static_cast<size_t>(buckets_), cap_ / 17) : 0;
    const size_t tiles = static_cast<size_t>(grid.tiles());
    Fit(&tiles_, tiles);
    Fit(&sums_, tiles * stride_);
    Fit(&starts_, tiles * stride_);
    Fit(&lens_, smoothed ? tiles * stride_ : 0);
    Fit(&below_, tiles * static_cast<size_t>(buckets_ + 1));
    Fit(&dense_, dense_cap_ > 0 ? tiles * static_cast<size_t>(buckets_) : 0);
    Fit(&sub_, tiles * dense_cap_ * 16);
    std::vector<Slot>().swap(slots_);
  }
  slots_.resize(static_cast<size_t>(slots));
  for (Slot& s : slots_) {
    s.samples.resize(static_cast<size_t>(grid.tile_pixels()));
    s.by_low.resize(static_cast<size_t>(grid.tile_pixels()));
    s.buckets.resize(static_cast<size_t>(buckets_));
    s.entries.resize(cap_);
  }
}

size_t ValueTables::bytes() const {
  size_t b = tiles_.capacity() * sizeof(Tile) + sums_.capacity() * 4 + starts_.capacity() * 2 +
             lens_.capacity() + below_.capacity() * 4 + dense_.capacity() * 2 + sub_.capacity();
  for (const Slot& s : slots_)
    b += (s.samples.capacity() + s.by_low.capacity()) * 2 +
         s.buckets.capacity() * 4 + s.entries.capacity() * sizeof(Entry);
  return b;
}

void ValueTables::Count(const Plane& plane, const TileHistogrammer& tiles, int t, uint32_t* share,
                        uint32_t* blocks, int slot, const TableParams* params) {
  Slot& s = slots_[static_cast<size_t>(slot)];
  uint16_t* samples = s.samples.data();
  uint16_t* by_low = s.by_low.data();
  const int shift = depth_shift_;
  const uint32_t low_mask = (1u << shift) - 1;
  // The samples, counted by their low and by their high bits.
  uint32_t low[kCoarseBins] = {}, high[kCoarseBins] = {};
  int m = 0;
  tiles.ForEachWideSample(plane, t % grid_.tiles_x, t / grid_.tiles_x, [&](uint32_t v, bool inside) {
    samples[m++] = static_cast<uint16_t>(v);
    ++low[v & low_mask];
    ++high[v >> shift];
    if (inside && share) ++share[v];
  });
  // Sorted by their low bits, then (keeping that order) by their high bits.
  FirstsOf(low, static_cast<int>(low_mask) + 1, low);
  for (int i = 0; i < m; ++i) by_low[low[samples[i] & low_mask]++] = samples[i];
  FirstsOf(high, kCoarseBins, high);
  for (int i = 0; i < m; ++i) samples[high[by_low[i] >> shift]++] = by_low[i];
  // The entries in the order of their values, a run of equal samples
  // each. Value 0 is an entry whatever the tile holds (of no count when it
  // has none there).
  const size_t at = static_cast<size_t>(t) * stride_;
  uint32_t* sums = &sums_[at];
  uint16_t* starts = &starts_[at];
  uint32_t* buckets = s.buckets.data();
  std::fill(buckets, buckets + buckets_, 0u);
  const int bucket_shift = bucket_shift_;
  int n = 0;
  if (m == 0 || samples[0] != 0) {
    sums[n] = 0;
    starts[n++] = 0;
    ++buckets[0];
  }
  if (params) {
    // The table at once: each entry the running sum of the clipped counts
    // before it (added as a run ends), the excess counted. Without a
    // branch on the data: at every sample, the entry of its run is
    // written again, and a new run ends the one before.
    const uint32_t limit = ClipLimitCount(params->clip_limit, grid_.tile_pixels(), bins_);
    const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
    uint32_t running = 0, first = 0;
    uint64_t excess = 0;
    if (m > 0) {
      sums[n] = 0;
      starts[n] = samples[0];
      ++buckets[samples[0] >> bucket_shift];
    }
    for (int i = 1; i < m; ++i) {
      const uint32_t v = samples[i];
      const uint32_t next = v != samples[i - 1];  // a new run
      const uint32_t c = static_cast<uint32_t>(i) - first, kept = c < cut ? c : cut;
      running += kept & (0u - next);
      excess += (c - kept) & (0u - next);
      first = next ? static_cast<uint32_t>(i) : first;
      n += static_cast<int>(next);
      sums[n] = running;
      starts[n] = static_cast<uint16_t>(v);
      buckets[v >> bucket_shift] += next;
    }
    if (m > 0) {
      const uint32_t c = static_cast<uint32_t>(m) - first, kept = c < cut ? c : cut;
      running += kept;
      excess += c - kept;
      ++n;
    }
    Tile& tile = tiles_[static_cast<size_t>(t)];
    tile.n = n;
    tile.runs = false;
    Finish(t, running, ClipSpread::Make(limit, excess, bins_), 1, 0, grid_.tile_pixels());
  } else {
    // Each run's count, written again at every sample of it, and the
    // tile's counts by block.
    if (blocks) std::fill(blocks, blocks + kCoarseBins, 0u);
    uint32_t first = 0;
    n -= 1;  // the entry of sample 0's run is the next
    for (int i = 0; i < m; ++i) {
      const uint32_t v = samples[i];
      const uint32_t next = i == 0 || v != samples[i - 1];  // a new run
      first = next ? static_cast<uint32_t>(i) : first;
      n += static_cast<int>(next);
      sums[n] = static_cast<uint32_t>(i) + 1 - first;
      starts[n] = static_cast<uint16_t>(v);
      buckets[v >> bucket_shift] += next;
      if (blocks) ++blocks[v >> shift];
    }
    ++n;
    tiles_[static_cast<size_t>(t)].n = n;
    if (smoothed_) std::fill(&lens_[at], &lens_[at] + n, uint8_t{0});
  }
  Index(t, buckets, slot);
}

void ValueTables::Finish(int t, uint32_t running, const ClipSpread& spread, uint32_t unit,
                         uint32_t leftover, uint64_t total) {
  Tile& tile = tiles_[static_cast<size_t>(t)];
  uint32_t* sums = &sums_[static_cast<size_t>(t) * stride_];
  // The total, and again past it for the ranks the index counts there.
  std::fill(sums + tile.n, sums + tile.n + 17, running);
  tile.unit = unit;
  tile.leftover = leftover;
  tile.batch = spread.batch;
  tile.residual = spread.residual;
  tile.step = spread.step;
  tile.step_inverse = ((1ull << 32) + spread.step - 1) / spread.step;
  tile.scale = total > 0 ? static_cast<float>(bins_ - 1) / static_cast<float>(total) : 0.0f;
}

void ValueTables::Build(int t, const TableParams& params, const double* mass,
                        const uint32_t* blocks, int slot) {
  Tile& tile = tiles_[static_cast<size_t>(t)];
  const size_t at = static_cast<size_t>(t) * stride_;
  uint32_t* sums = &sums_[at];
  uint16_t* starts = &starts_[at];
  uint8_t* lens = smoothed_ ? &lens_[at] : nullptr;
  const uint64_t pixels = grid_.tile_pixels();
  uint32_t limit = ClipLimitCount(params.clip_limit, pixels, bins_);
  uint64_t total = pixels;
  if (mass) {
    // The synthetic histogram's entries, block by block, in scratch.
    Entry* out = slots_[static_cast<size_t>(slot)].entries.data();
    const int w = 1 << depth_shift_;
    const double scale = static_cast<double>(pixels) * kSyntheticScale;
    // Per block, the synthetic count of one of the frame's counts (blocks
    // with none are spread evenly instead).
    double per_count[kCoarseBins];
    for (int b = 0; b < kCoarseBins; ++b)
      per_count[b] = mass[b] * scale / std::max<uint32_t>(blocks[b], 1u);
    // In value order: an even entry for each block without samples, the
    // entries of those with some, those of no synthetic count left out.
    // Walked entry by entry (a loop per block would end on a mispredicted
    // branch, a block holding a count or two of 256).
    int n = 0, next_block = 0;
    total = 0;
    const auto evens_before = [&](int end_block) {
      for (; next_block < end_block; ++next_block) {
        if (blocks[next_block] != 0) continue;
        const uint32_t q = SyntheticEven(mass[next_block] * scale, w);
        if (q == 0) continue;
        out[n++] = Entry{q, static_cast<uint16_t>(next_block * w), static_cast<uint8_t>(depth_shift_)};
        total += static_cast<uint64_t>(q) * static_cast<uint64_t>(w);
      }
    };
    // Count's entry at value 0 of no count is no sample: not carried over.
    for (int e = tile.n > 0 && sums[0] == 0 ? 1 : 0; e < tile.n; ++e) {
      const int b = starts[e] >> depth_shift_;
      evens_before(b);
      next_block = b + 1;
      const uint32_t c = SyntheticCount(per_count[b], sums[e]);
      out[n] = Entry{c, starts[e], 0};
      n += c != 0;
      total += c;
    }
    evens_before(kCoarseBins);
    for (int i = 0; i < n; ++i) {
      sums[i] = out[i].count;
      starts[i] = out[i].start;
      lens[i] = out[i].log_len;
    }
    tile.n = n;
    limit *= kSyntheticScale;
  }
  if (tile.n == 0 || starts[0] != 0) {
    std::copy_backward(sums, sums + tile.n, sums + tile.n + 1);
    std::copy_backward(starts, starts + tile.n, starts + tile.n + 1);
    sums[0] = 0;
    starts[0] = 0;
    if (lens) {
      std::copy_backward(lens, lens + tile.n, lens + tile.n + 1);
      lens[0] = 0;
    }
    ++tile.n;
  }
  // The counts into running sums of the clipped counts; the excess counted.
  const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
  uint64_t excess = 0;
  uint32_t running = 0;
  tile.runs = false;
  for (int e = 0; e < tile.n; ++e) {
    const uint32_t lg = lens ? lens[e] : 0;
    tile.runs |= lg != 0;
    const uint32_t per = sums[e];  // the count of each value of the entry
    const uint32_t kept = std::min(per, cut);
    excess += static_cast<uint64_t>(per - kept) << lg;
    sums[e] = running;
    running += kept << lg;
  }
  uint32_t leftover = 0;
  const ClipSpread spread =
      mass ? SyntheticSpread(limit, excess, bins_, &leftover) : ClipSpread::Make(limit, excess, bins_);
  Finish(t, running, spread, mass ? kSyntheticScale : 1, leftover, total);
  if (mass) Index(t, nullptr, slot);  // Count indexed the frame's own entries
}

void ValueTables::Index(int t, const uint32_t* buckets, int slot) {
  const Tile& tile = tiles_[static_cast<size_t>(t)];
  uint32_t* below = &below_[static_cast<size_t>(t) * static_cast<size_t>(buckets_ + 1)];
  uint16_t* starts = &starts_[static_cast<size_t>(t) * stride_];
  const int shift = bucket_shift_;
  // Each bucket's entries, then the counts summed up.
  const uint32_t* counts = buckets;
  if (!buckets) {
    uint32_t* own = slots_[static_cast<size_t>(slot)].buckets.data();
    std::fill(own, own + buckets_, 0u);
    for (int e = 0; e < tile.n; ++e) ++own[starts[e] >> shift];
    counts = own;
  }
  std::fill(starts + tile.n, starts + tile.n + 16, uint16_t{0xffff});
  below[buckets_] = FirstsOf(counts, buckets_, below);
  if (dense_cap_ == 0) return;
  // Buckets of more than 16 entries: the entries below each sub-bucket.
  uint16_t* dense = &dense_[static_cast<size_t>(t) * static_cast<size_t>(buckets_)];
  uint8_t* sub = &sub_[static_cast<size_t>(t) * dense_cap_ * 16];
  const int sub_shift = shift - 4;
  const uint32_t low_mask = (1u << shift) - 1;
  int d = 0;
  for (int h = 0; h < buckets_; ++h) {
    if (counts[h] <= 16) continue;
    dense[h] = static_cast<uint16_t>(d);
    uint8_t* table = sub + 16 * d++;
    uint32_t e = below[h];
    for (uint32_t j = 0; j < 16; ++j) {
      while (e < below[h + 1] && ((starts[e] & low_mask) >> sub_shift) < j) ++e;
      table[j] = static_cast<uint8_t>(e - below[h]);
    }
  }
}

void ValueTables::Fetch(int t) const {
  const auto fetch = [](const void* p, size_t bytes) {
    const char* c = static_cast<const char*>(p);
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(c + b);
  };
  const size_t at = static_cast<size_t>(t);
  const size_t n = static_cast<size_t>(tiles_[at].n);
  fetch(&below_[at * static_cast<size_t>(buckets_ + 1)], static_cast<size_t>(buckets_ + 1) * 4);
  fetch(&starts_[at * stride_], (n + 16) * 2);
  fetch(&sums_[at * stride_], (n + 1) * 4);
}

kernels::ValueIndex ValueTables::IndexOf(int t) const {
  const Tile& tile = tiles_[static_cast<size_t>(t)];
  kernels::ValueIndex ix;
  ix.sums = &sums_[static_cast<size_t>(t) * stride_];
  ix.log_lens = smoothed_ ? &lens_[static_cast<size_t>(t) * stride_] : nullptr;
  ix.below = &below_[static_cast<size_t>(t) * static_cast<size_t>(buckets_ + 1)];
  ix.starts = &starts_[static_cast<size_t>(t) * stride_];
  ix.n = static_cast<uint32_t>(tile.n);
  ix.dense = dense_cap_ > 0 ? &dense_[static_cast<size_t>(t) * static_cast<size_t>(buckets_)] : nullptr;
  ix.sub = dense_cap_ > 0 ? &sub_[static_cast<size_t>(t) * dense_cap_ * 16] : nullptr;
  ix.shift = bucket_shift_;
  ix.sub_shift = bucket_shift_ > 4 ? bucket_shift_ - 4 : 0;
  ix.runs = tile.runs;
  ix.spread = kernels::Spread{0, tile.batch, tile.residual, tile.step};
  ix.step_inverse = tile.step_inverse;
  ix.unit = tile.unit;
  ix.leftover = tile.leftover;
  ix.scale = tile.scale;
  ix.max_value = bins_ - 1;
  return ix;
}

bool ValueTables::Finished() const { return range_ == Range::kFull && strength_ >= 1.0; }

void ValueTables::Quads(const int* t, const uint16_t* q, int m, uint64_t* out) const {
  const kernels::ValueIndex ix[4] = {IndexOf(t[0]), IndexOf(t[1]), IndexOf(t[2]), IndexOf(t[3])};
  kernels::Active().value_quads(ix, q, m, out);
  // A tile of no counts (scale 0) is the identity table; range and
  // strength, when not full, are applied to every entry.
  bool identity = false;
  for (int j = 0; j < 4; ++j) identity |= ix[j].scale == 0.0f;
  if (Finished() && !identity) return;
  for (int i = 0; i < m; ++i) {
    uint64_t quad = 0;
    for (int j = 0; j < 4; ++j) {
      const uint32_t e =
          ix[j].scale == 0.0f ? q[i] : static_cast<uint32_t>(out[i] >> (16 * j)) & 0xffff;
      quad |= static_cast<uint64_t>(FinishEntry(e, q[i], bins_, range_, strength_)) << (16 * j);
    }
    out[i] = quad;
  }
}

}  // namespace histeq
