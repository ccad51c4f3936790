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
// power of two. The values asked for come sorted (a region's), so that a
// tile's entries are walked once for them.
#ifndef HISTEQ_SRC_VALUE_TABLES_H_
#define HISTEQ_SRC_VALUE_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/equalizer.h"
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

// Sorts the 16-bit words w[0 .. n - 1] in place (a radix sort on their low,
// then their high byte), with `scratch` of n words.
void SortWords(uint16_t* w, int n, uint16_t* scratch);

class ValueTables {
 public:
  // Whether the tables of `grid` at `bins` bins are to be kept by value:
  // when whole tables (and, `kept`, the whole histograms smoothing keeps)
  // would take more than kWholeBudget. Whole tables are faster (a value's
  // entries are made ready once per region for any number of samples, not
  // once per sample); kept by value, memory follows the pixels.
  static constexpr uint64_t kWholeBudget = 96ull << 20;
  static bool Pays(const TileGrid& grid, int bins, bool kept);
  // Whether they can be (a tile's entries are counted in 16 bits).
  static bool Fits(const TileGrid& grid) { return grid.tile_pixels() + kCoarseBins < 65535; }

  // Room for the tiles of `grid` (tables of `bins` entries; a tile's entries
  // at most min(bins, tile pixels, + kCoarseBins when `smoothed`)) and
  // `slots` threads' scratch. Allocates only when one of them changes.
  void Prepare(const TileGrid& grid, int bins, bool smoothed, int slots);

  // Counts tile `t` of `plane` (its values and their counts, sorted), with
  // slot `slot`'s scratch; adds the frame's own samples to `share` (bins
  // counts) and the tile's counts by block to `blocks` (kCoarseBins counts,
  // zeroed here) when given.
  void Count(const Plane& plane, const TileHistogrammer& tiles, int t, uint32_t* share,
             uint32_t* blocks, int slot);
  // Tile t's table, once after its Count: from its counts (mass == nullptr),
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

  // Tile t's table entries (as applied) for the values q[0] < q[1] < ... <
  // q[m - 1], into out[0], out[step], ...
  void Lookup(int t, const uint16_t* q, int m, uint16_t* out, int step) const;

  size_t bytes() const;

 private:
  struct Tile {
    int n = 0;           // entries
    uint32_t batch = 0;  // the handed-out excess (ClipSpread)
    uint32_t residual = 0;
    uint64_t step_inverse = 0;  // ceil(2^32 / step): v / step for v < 65536
    uint32_t unit = 1;          // the counts of each handed-out one (kSyntheticScale when smoothed)
    uint32_t leftover = 0;      // ... and the excess of less than a unit, at bin 0
    float scale = 0.0f;         // float(bins - 1) / the histogram's sum; 0: identity
  };
  // An entry: its first value, log2 of its run of values, and the clipped
  // counts of the entries before it (after Count: its own count).
  struct Entry {
    uint32_t sum;
    uint16_t start;
    uint8_t log_len;
    uint8_t unused;
  };
  // Scratch of one thread.
  struct Slot {
    std::vector<uint32_t> hist;  // bins counts, zero between tiles
    std::vector<uint16_t> values, sorted;
    std::vector<Entry> entries;
  };

  // The table entry of value u: C(u) from the entries, e being the number
  // of entries that start at or below u (their last one holds u, or lies
  // below it), then rounded, saturated and finished as a whole table's.
  uint32_t Finish(const Tile& tile, const Entry* entries, int e, uint32_t u) const;

  TileGrid grid_;
  int bins_ = 0;
  int depth_shift_ = 0;  // log2(bins / kCoarseBins)
  bool smoothed_ = false;
  size_t cap_ = 0;       // entries per tile, and one more for the total
  Range range_ = Range::kFull;
  double strength_ = 1.0;
  std::vector<Tile> tiles_;
  std::vector<Entry> entries_;     // per tile, cap_
  std::vector<Slot> slots_;
};

inline uint32_t ValueTables::Finish(const Tile& tile, const Entry* entries, int e,
                                    uint32_t u) const {
  uint64_t c = static_cast<uint64_t>(tile.batch) * (u + 1);
  if (tile.residual != 0) {
    const uint32_t q = static_cast<uint32_t>((u * tile.step_inverse) >> 32) + 1;
    c += q < tile.residual ? q : tile.residual;
  }
  c = c * tile.unit + tile.leftover;
  if (e > 0) {
    const Entry& a = entries[e - 1];
    const uint32_t lg = a.log_len;
    const uint32_t run = u - a.start + 1, len = 1u << lg;
    c += a.sum + (run < len ? run : len) * ((entries[e].sum - a.sum) >> lg);
  }
  const int r = RoundHalfEven(static_cast<float>(c) * tile.scale);
  const int max_value = bins_ - 1;
  const uint32_t entry = static_cast<uint32_t>(r < 0 ? 0 : (r > max_value ? max_value : r));
  return FinishEntry(entry, static_cast<int>(u), bins_, range_, strength_);
}

}  // namespace histeq

#endif  // HISTEQ_SRC_VALUE_TABLES_H_
