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
// entries: a bit per value where an entry starts and, per 64 values, the
// entries below them (2^depth / 64 words of 10 bytes a tile), so the values
// asked for need no order, and each costs the same few instructions
// (kernels' value_entries).
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

  // Counts tile `t` of `plane` (its values and their counts, in the order
  // of their values, and the rank index of them), with slot `slot`'s
  // scratch; adds the frame's own samples to `share` (bins
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

  // Tile t's table entries (as applied) for the m values q[0 .. m - 1],
  // into out[0 .. m - 1], with `counts` scratch for m.
  void Lookup(int t, const uint16_t* q, int m, uint32_t* counts, uint16_t* out) const;

  // Asks for tile t's index and entries in this core's cache (a region's
  // Lookup reads them at random: fetched one region ahead, they are there).
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
  // An entry: its first value, log2 of its run of values, and the clipped
  // counts of the entries before it (after Count: its own count).
  using Entry = kernels::ValueEntry;
  // Scratch of one thread.
  struct Slot {
    std::vector<uint16_t> again;     // a tile's samples of values seen before
    std::vector<uint64_t> occupied;  // bit w: index word w holds entries
    std::vector<Entry> entries;      // a synthetic histogram's
  };

  // The rank index of tile t's entries (a synthetic histogram's: Count
  // indexes the frame's own).
  void Index(int t);

  TileGrid grid_;
  int bins_ = 0;
  int depth_shift_ = 0;  // log2(bins / kCoarseBins)
  bool smoothed_ = false;
  size_t cap_ = 0;       // entries per tile, and one more for the total
  Range range_ = Range::kFull;
  double strength_ = 1.0;
  std::vector<Tile> tiles_;
  std::vector<Entry> entries_;     // per tile, cap_
  int words_ = 0;                  // index words per tile: bins / 64
  std::vector<uint64_t> bits_;     // per tile, words_
  std::vector<uint16_t> below_;    // per tile, words_
  std::vector<Slot> slots_;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_VALUE_TABLES_H_
