// CLAHE tables of 10 to 16-bit tiles kept by value: what the tables of small
// tiles of deep samples are made of, in memory that follows the pixels.
//
// A whole table per tile holds 2^depth entries: 64x64 tiles of 16-bit video
// would need 512 MiB of tables, and counting them 65536 bins a tile, however
// few samples the tile has. A tile's clipped, redistributed cumulative
// histogram (OpenCV's, see lut.h) is instead kept as its sorted values with
// the running sum of their clipped counts, and an entry is computed when the
// interpolation asks for it: C(v) = the clipped counts of the tile's values
// up to v + ClipSpread::Added(v), then the same rounding, range and strength
// as a whole table. So an entry equals the whole table's, byte for byte.
//
// An entry may also stand for a run of W values with the same count (the
// blocks a smoothed synthetic histogram spreads evenly, see lut.h), W a
// power of two. A value's entry is found by its rank among the tile's
// entries (kernels.h, ValueIndex): the values cut into buckets (256, or
// more for tiles of more samples, about four entries each), the entries
// below each bucket and the entries' first values compared 16 at a time,
// so that a tile's index takes about four bytes an entry whatever the
// depth, the values asked for need no order, and each costs the same few
// instructions (kernels' value_quads). A tile's entries come from its
// samples sorted (two counting passes, by their low and their high bits).
#ifndef HISTEQ_SRC_VALUE_TABLES_H_
#define HISTEQ_SRC_VALUE_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/equalizer.h"
#include "kernels/kernels.h"
#include "lut.h"
#include "round.h"
#include "tiles.h"

namespace histeq {

// What the tables of a frame are made with.
struct TableParams {
  double clip_limit = kDefaultAdaptiveClipLimit;  // as OpenCV's clipLimit; <= 0: no clipping
  Range range = Range::kFull;
  double strength = 1.0;
};

class ValueTables {
 public:
  // Whether the tables of `grid` at `bins` bins are to be kept by value:
  // when whole tables (and, `kept`, the whole histograms smoothing keeps)
  // would take more than kWholeBudget, or hold more than kWholePerPixel
  // entries a pixel. Whole tables cost tiles x bins entries made and packed
  // whatever the picture, and then a load a sample; kept by value, time and
  // memory follow the pixels (1080p 16-bit: 16x16 whole tables 26 ms, by
  // value 39 ms; 20x20 53 ms against 39 ms).
  static constexpr uint64_t kWholeBudget = 96ull << 20;
  static constexpr uint64_t kWholePerPixel = 10;
  static bool Pays(const TileGrid& grid, int bins, bool kept);
  // Whether they can be (a tile's entries are counted in 16 bits).
  static bool Fits(const TileGrid& grid) { return grid.tile_pixels() + kCoarseBins < 65535; }

  // Room for the tiles of `grid` (tables of `bins` entries; a tile's entries
  // at most min(bins, tile pixels, + kCoarseBins when `smoothed`)) and
  // `slots` threads' scratch. Allocates only when one of them changes.
  void Prepare(const TileGrid& grid, int bins, bool smoothed, int slots);

  // Counts tile `t` of `plane` (its values and their counts, in the order
  // of their values, and the rank index of them), with slot `slot`'s
  // scratch; adds the frame's own samples to `share` (bins counts) and
  // puts the tile's counts by block into `blocks` (kCoarseBins counts)
  // when given. With `params`, the tile's table is made at once, as Build
  // makes it from the counts.
  void Count(const Plane& plane, const TileHistogrammer& tiles, int t, uint32_t* share,
             uint32_t* blocks, int slot, const TableParams* params = nullptr);
  // Tile t's table, once after a Count without params: from its counts (mass == nullptr),
  // or from the synthetic histogram of the averaged block shares `mass` and
  // the frame's block counts `blocks` (kCoarseBins each, see lut.h).
  void Build(int t, const TableParams& params, const double* mass, const uint32_t* blocks,
             int slot);
  // The range and strength the entries are finished with (params' own):
  // set before Builds that run on several threads.
  void SetFinish(const TableParams& params) {
    range_ = params.range;
    strength_ = params.strength;
  }

  // The entries (as applied) of the four tiles t[0 .. 3] for the m values
  // q, packed as the interpolation reads them (out[i]: tile t[0]'s entry of
  // q[i] in the lowest 16 bits, then t[1]'s, ...).
  void Quads(const int* t, const uint16_t* q, int m, uint64_t* out) const;

  // Asks for tile t's index and entries in this core's cache (a region's
  // Quads reads them at random: fetched one region ahead, they are there).
  void Fetch(int t) const;

  // Tile t's entries (after its Build).
  int entries(int t) const { return tiles_[static_cast<size_t>(t)].n; }

  size_t bytes() const;

 private:
  struct Tile {
    int n = 0;           // entries
    uint32_t batch = 0;  // the handed-out excess (ClipSpread)
    uint32_t residual = 0;
    uint32_t step = 1;
    uint64_t step_inverse = 0;  // ceil(2^32 / step): v / step for v < 65536
    uint32_t unit = 1;          // the counts of each handed-out one (kSyntheticScale when smoothed)
    uint32_t leftover = 0;      // ... and the excess of less than a unit, at bin 0
    float scale = 0.0f;         // float(bins - 1) / the histogram's sum; 0: identity
    bool runs = false;          // some entry stands for a run of values
  };
  // An entry of a synthetic histogram being made: its count, first value
  // and log2 of its run of values.
  struct Entry {
    uint32_t count;
    uint16_t start;
    uint8_t log_len;
  };
  // Scratch of one thread.
  struct Slot {
    std::vector<uint16_t> samples;  // a tile's, then sorted
    std::vector<uint16_t> by_low;   // sorted by their low bits
    std::vector<uint32_t> buckets;  // entries per bucket of the index
    std::vector<Entry> entries;     // a synthetic histogram's
  };

  // Tile t's table done: `running` the sum of its clipped counts (with the
  // sums made of them), the excess handed out by `spread` in units of
  // `unit` and `leftover` at bin 0, of `total` counts in all.
  void Finish(int t, uint32_t running, const ClipSpread& spread, uint32_t unit, uint32_t leftover,
              uint64_t total);
  // Tile t's index and finish for the kernels.
  kernels::ValueIndex IndexOf(int t) const;
  // Whether an entry as the kernels make it is final (full range, full
  // strength).
  bool Finished() const;
  // The rank index of tile t's entries (after a synthetic histogram's
  // Build): their first values and `buckets` (each bucket's entries);
  // with `buckets` given, the first values are there and the index is made
  // of them and the counts; else of the entries, with slot `slot`'s
  // scratch.
  void Index(int t, const uint32_t* buckets, int slot);

  TileGrid grid_;
  int bins_ = 0;
  int depth_shift_ = 0;   // log2(bins / kCoarseBins): a block's values
  int buckets_ = 0;       // of the index: 256 or more, for about four entries each
  int bucket_shift_ = 0;  // log2(bins / buckets_)
  bool smoothed_ = false;
  size_t cap_ = 0;        // entries per tile, and one more for the total
  size_t stride_ = 0;     // ... and 16 more: a tile's share of sums_, starts_ and lens_
  size_t dense_cap_ = 0;  // sub-tables per tile (buckets of more than 16 entries)
  Range range_ = Range::kFull;
  double strength_ = 1.0;
  std::vector<Tile> tiles_;
  // Per tile, stride_ each: an entry's clipped counts before it (after a
  // Count without params: its own count), its first value, and (smoothed)
  // log2 of its run of values.
  std::vector<uint32_t> sums_;
  std::vector<uint16_t> starts_;
  std::vector<uint8_t> lens_;
  std::vector<uint32_t> below_;  // per tile, buckets_ + 1
  std::vector<uint16_t> dense_;  // per tile, buckets_ (when buckets hold more than 16 values)
  std::vector<uint8_t> sub_;     // per tile, 16 dense_cap_
  std::vector<Slot> slots_;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_VALUE_TABLES_H_
