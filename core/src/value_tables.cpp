#include "value_tables.h"

#include <algorithm>

#include "vectors.h"

namespace histeq {
namespace {

// The set bits of x (a word of the index), without the instruction baseline
// x86-64 lacks.
inline int Popcount(uint64_t x) {
#if defined(__POPCNT__) || defined(__aarch64__)
  return __builtin_popcountll(x);
#else
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
#endif
}

}  // namespace

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
    // The entries, the one at value 0 when the tile has none there, and
    // the total.
    cap_ = static_cast<size_t>(std::min<uint64_t>(
               static_cast<uint64_t>(bins),
               grid.tile_pixels() + (smoothed ? kCoarseBins : 0) + 1)) +
           1;
    words_ = bins / 64;
    const size_t tiles = static_cast<size_t>(grid.tiles());
    Fit(&tiles_, tiles);
    Fit(&entries_, tiles * cap_);
    Fit(&bits_, tiles * static_cast<size_t>(words_));
    Fit(&below_, tiles * static_cast<size_t>(words_));
    std::vector<Slot>().swap(slots_);
  }
  slots_.resize(static_cast<size_t>(slots));
  for (Slot& s : slots_) {
    s.again.resize(static_cast<size_t>(grid.tile_pixels()));
    s.occupied.resize(static_cast<size_t>((words_ + 63) / 64));
    s.entries.resize(cap_);
  }
}

size_t ValueTables::bytes() const {
  size_t b = tiles_.capacity() * sizeof(Tile) + entries_.capacity() * sizeof(Entry) +
             bits_.capacity() * 8 + below_.capacity() * 2;
  for (const Slot& s : slots_)
    b += s.again.capacity() * 2 + s.occupied.capacity() * 8 +
         s.entries.capacity() * sizeof(Entry);
  return b;
}

void ValueTables::Count(const Plane& plane, const TileHistogrammer& tiles, int t, uint32_t* share,
                        uint32_t* blocks, int slot) {
  Slot& s = slots_[static_cast<size_t>(slot)];
  uint64_t* bits = &bits_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  uint16_t* below = &below_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  uint64_t* occupied = s.occupied.data();
  uint16_t* again = s.again.data();
  // The tile's samples into the bits of the index (a value's first) and
  // the samples of a value seen before; which words hold entries.
  std::fill(bits, bits + words_, uint64_t{0});
  std::fill(occupied, occupied + s.occupied.size(), uint64_t{0});
  int repeats = 0;
  tiles.ForEachWideSample(plane, t % grid_.tiles_x, t / grid_.tiles_x, [&](uint32_t v, bool inside) {
    uint64_t& word = bits[v >> 6];
    const uint64_t bit = uint64_t{1} << (v & 63);
    again[repeats] = static_cast<uint16_t>(v);
    repeats += (word & bit) != 0;
    word |= bit;
    occupied[v >> 12] |= uint64_t{1} << ((v >> 6) & 63);
    if (inside && share) ++share[v];
  });
  // Value 0 is an entry whatever the tile holds (of no count when it has
  // none there).
  const uint32_t zeros = static_cast<uint32_t>(bits[0] & 1);
  bits[0] |= 1;
  occupied[0] |= 1;
  // The entries in the order of their values, of one sample each; each
  // word's entries counted in the word after it: those summed up are the
  // entries below each word.
  Entry* entries = &entries_[static_cast<size_t>(t) * cap_];
  std::fill(below, below + words_, uint16_t{0});
  int n = 0;
  for (size_t o = 0; o < s.occupied.size(); ++o) {
    for (uint64_t words = occupied[o]; words != 0; words &= words - 1) {
      const int w = static_cast<int>(o * 64) + __builtin_ctzll(words);
      const int first = n;
      for (uint64_t m = bits[w]; m != 0; m &= m - 1)
        entries[n++] = Entry{1, static_cast<uint16_t>(w * 64 + __builtin_ctzll(m)), 0, 0};
      if (w + 1 < words_) below[w + 1] = static_cast<uint16_t>(n - first);
    }
  }
  for (int w = 1; w < words_; ++w) below[w] = static_cast<uint16_t>(below[w] + below[w - 1]);
  entries[0].sum = zeros;
  // Then the repeated samples, each to its value's entry (found by rank).
  for (int i = 0; i < repeats; ++i) {
    const uint32_t v = again[i];
    const uint64_t at_or_below = bits[v >> 6] & ((uint64_t{2} << (v & 63)) - 1);
    ++entries[below[v >> 6] + Popcount(at_or_below) - 1].sum;
  }
  if (blocks) {
    std::fill(blocks, blocks + kCoarseBins, 0u);
    for (int e = 0; e < n; ++e) blocks[entries[e].start >> depth_shift_] += entries[e].sum;
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
    // Count's entry at value 0 of no count is no sample: not carried over.
    int n = 0, e = tile.n > 0 && entries[0].sum == 0 ? 1 : 0;
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
  if (tile.n == 0 || entries[0].start != 0) {
    std::copy_backward(entries, entries + tile.n, entries + tile.n + 1);
    entries[0] = Entry{0, 0, 0, 0};
    ++tile.n;
  }
  // The counts into running sums of the clipped counts; the excess counted.
  const uint32_t cut = limit != 0 ? limit : UINT32_MAX;
  uint64_t excess = 0;
  uint32_t running = 0;
  tile.runs = false;
  for (int e = 0; e < tile.n; ++e) {
    const uint32_t lg = entries[e].log_len;
    tile.runs |= lg != 0;
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
  tile.step = spread.step;
  tile.step_inverse = ((1ull << 32) + spread.step - 1) / spread.step;
  tile.scale = total > 0 ? static_cast<float>(bins_ - 1) / static_cast<float>(total) : 0.0f;
  if (mass) Index(t);  // Count's index is of the frame's own entries
}

void ValueTables::Index(int t) {
  const Tile& tile = tiles_[static_cast<size_t>(t)];
  const Entry* entries = &entries_[static_cast<size_t>(t) * cap_];
  uint64_t* bits = &bits_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  uint16_t* below = &below_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  // Each word's bits and count of entries, then the counts summed up.
  std::fill(bits, bits + words_, uint64_t{0});
  std::fill(below, below + words_, uint16_t{0});
  for (int e = 0; e < tile.n; ++e) {
    const uint32_t v = entries[e].start;
    bits[v >> 6] |= uint64_t{1} << (v & 63);
    ++below[v >> 6];
  }
  uint32_t sum = 0;
  for (int w = 0; w < words_; ++w) {
    const uint32_t c = below[w];
    below[w] = static_cast<uint16_t>(sum);
    sum += c;
  }
}

void ValueTables::Fetch(int t) const {
  const auto fetch = [](const void* p, size_t bytes) {
    const char* c = static_cast<const char*>(p);
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(c + b);
  };
  const size_t w = static_cast<size_t>(words_);
  fetch(&bits_[static_cast<size_t>(t) * w], w * 8);
  fetch(&below_[static_cast<size_t>(t) * w], w * 2);
  fetch(&entries_[static_cast<size_t>(t) * cap_],
        static_cast<size_t>(tiles_[static_cast<size_t>(t)].n + 1) * sizeof(Entry));
}

void ValueTables::Lookup(int t, const uint16_t* q, int m, uint32_t* counts, uint16_t* out) const {
  const Tile& tile = tiles_[static_cast<size_t>(t)];
  if (tile.scale == 0.0f) {
    for (int i = 0; i < m; ++i)
      out[i] = static_cast<uint16_t>(FinishEntry(q[i], q[i], bins_, range_, strength_));
    return;
  }
  kernels::ValueIndex ix;
  ix.entries = &entries_[static_cast<size_t>(t) * cap_];
  ix.bits = &bits_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  ix.below = &below_[static_cast<size_t>(t) * static_cast<size_t>(words_)];
  ix.runs = tile.runs;
  ix.spread = kernels::Spread{0, tile.batch, tile.residual, tile.step};
  ix.step_inverse = tile.step_inverse;
  ix.unit = tile.unit;
  ix.leftover = tile.leftover;
  ix.scale = tile.scale;
  ix.max_value = bins_ - 1;
  kernels::Active().value_entries(ix, q, m, counts, out);
  if (range_ == Range::kLimited || strength_ < 1.0) {
    for (int i = 0; i < m; ++i)
      out[i] = static_cast<uint16_t>(FinishEntry(out[i], q[i], bins_, range_, strength_));
  }
}

}  // namespace histeq
