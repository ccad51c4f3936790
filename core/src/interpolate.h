// Applying per-tile tables with bilinear interpolation between the four
// nearest tile centres, as cv::CLAHE does: one implementation over the
// sample type (uint8_t tables for 8-bit samples, uint16_t for deeper ones).
#ifndef HISTEQ_SRC_INTERPOLATE_H_
#define HISTEQ_SRC_INTERPOLATE_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "histeq/plane.h"
#include "histogram.h"
#include "kernels/kernels.h"
#include "tiles.h"
#include "value_tables.h"

namespace histeq {

// Replaces every sample v at (x, y), in place, with the blend of
// luts[tile][v] over the tiles around (x, y): with t = x / tile_width - 0.5
// (float), tx1 = floor(t), a = t - tx1, the columns tx1 and tx1 + 1 (clamped
// to the grid) weigh 1 - a and a; likewise rows; the result is ((L11 (1-a) +
// L12 a)(1-b) + (L21 (1-a) + L22 a) b) in float, rounded half to even and
// saturated to the depth, the operations in OpenCV's order. `luts` holds
// grid.tiles() tables of `bins` entries, tile (tx, ty) at (ty * tiles_x +
// tx) * bins.
//
// A region is the samples between the same four tile centres, a band (rows
// between two tile rows) by a span (columns between two tile columns). A
// region's four tables are made ready for the kernels once for all its rows
// (packed into one table of quads, for the values the region's tiles hold),
// so a sample costs one load, not four. When a band's prepared regions are
// small (8-bit: 1 KiB each) they are all made ready and the band is walked
// row by row, as the picture lies in memory; larger ones (16-bit) are walked
// region by region.
template <typename T>
class TileInterpolator {
 public:
  // `by_value`: the tables come from ValueTables (ApplyRegionsByValue).
  void Prepare(const TileGrid& grid, int bins, int slots = 1, bool by_value = false);

  int bands() const { return static_cast<int>(band_y_.size()) - 1; }
  int spans() const { return static_cast<int>(span_left_.size()); }
  // Whether the grid Prepare was given is walked row by row (ApplyRows) or
  // region by region (ApplyRegions).
  bool RowByRow() const {
    return static_cast<size_t>(spans()) * static_cast<size_t>(bins_) * sizeof(Quad) <=
           kRowByRowBytes;
  }
  // Rows [y_begin, y_end), with scratch `slot`.
  void ApplyRows(const Plane& plane, const T* luts, const ValueRange* ranges, int y_begin,
                 int y_end, int slot);

  // The regions of band `band_index` (0 .. bands() - 1) and spans
  // [span_begin, span_end), with scratch `slot` (slots < those given to
  // Prepare, one per thread working at once). `ranges` holds, per tile, the
  // values the tile holds: a region reads the tables only for the values of
  // its tiles, and each table must be filled for those (Clahe fills a tile's
  // table for its 3x3 neighbourhood's values). A sample outside gives a wrong
  // value, never a read out of bounds.
  void ApplyRegions(const Plane& plane, const T* luts, const ValueRange* ranges, int band_index,
                    int span_begin, int span_end, int slot);
  // ApplyRegions with tables kept by value (10 to 16-bit samples): a
  // region's quads are made for the values its samples hold only.
  void ApplyRegionsByValue(const Plane& plane, const ValueTables& tables, int band_index,
                           int span_begin, int span_end, int slot);
  // The whole plane.
  void Apply(const Plane& plane, const TileGrid& grid, const T* luts, const ValueRange* ranges);

 private:
  using Quad = typename std::conditional<sizeof(T) == 1, uint32_t, uint64_t>::type;
  // A band's prepared regions up to this fit a core's L1 and L2 with the rows.
  static constexpr size_t kRowByRowBytes = 128 * 1024;
  // A band's upper and lower tile rows, as the index of their first tile.
  struct Band {
    int top, bottom;
  };

  void Layout(const TileGrid& grid, int bins);
  Band BandOf(int y) const;
  // Region (band, span s) ready for the kernels in `quads` (and `region8`);
  // rows [y0, y1) of it are to be interpolated.
  void PrepareRegion(const kernels::Kernels& k, const Plane& plane, const T* luts,
                     const ValueRange* ranges, const Band& band, int s, int y0, int y1,
                     Quad* quads, kernels::Region8* region8) const;
  // Row y of span s (rows up to y_end in the same band), whose lower tile
  // weighs b; `fetch`: the rows below are fetched ahead (region by region,
  // where each row starts a page the prefetcher has not seen).
  void InterpolateRow(const kernels::Kernels& k, const Plane& plane, int s, int y, int y_end,
                      float b, bool fetch, const Quad* quads,
                      const kernels::Region8& region8) const;
  // Row y of region s (16-bit words, plain or little-endian at a shift),
  // whose samples' quads are quads[first ..] in the row's order (followed
  // by kernels::kMaxBlock readable quads).
  void InterpolateRowBySample(const kernels::Kernels& k, const Plane& plane, int s, int y,
                              int first, float b, const Quad* quads) const;

  TileGrid grid_;
  int bins_ = 0;
  std::vector<int> span_x_;                  // span s: columns [span_x_[s], span_x_[s + 1])
  std::vector<int> span_left_, span_right_;  // per span: its left and right tile columns
  // Per column, and kernels::kMaxBlock more: weights of the right and left tile.
  std::vector<float> a_, a1_;
  std::vector<int> band_y_;  // band b: rows [band_y_[b], band_y_[b + 1])
  float inv_th_ = 0.0f;      // 1 / tile height
  // Per slot: packed entries, filled where in use, and the regions' tables.
  std::vector<std::vector<Quad>> quads_;
  std::vector<std::vector<kernels::Region8>> regions_;
  // Per slot, by value: the region a value was last seen in, and a region's
  // values.
  struct Seen {
    std::vector<uint32_t> region;
    uint32_t id = 0;
    std::vector<uint16_t> values;
    std::vector<uint64_t> quads;    // a region's values' quads, in their order
  };
  std::vector<Seen> seen_;
  size_t region_samples_ = 0;  // the most samples a region has
};

extern template class TileInterpolator<uint8_t>;
extern template class TileInterpolator<uint16_t>;

}  // namespace histeq

#endif  // HISTEQ_SRC_INTERPOLATE_H_
