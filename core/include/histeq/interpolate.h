// Applying per-tile tables with bilinear interpolation between the four
// nearest tile centres, as cv::CLAHE does.
#ifndef HISTEQ_INTERPOLATE_H_
#define HISTEQ_INTERPOLATE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/histogram.h"
#include "histeq/sample.h"
#include "histeq/tiles.h"

namespace histeq {

// Keeps the per-column tile indices and weights for one grid, so repeated
// frames of the same size allocate and compute them once.
class TileInterpolator8 {
 public:
  // Replaces every sample v at (x, y) of the plane, in place, with the blend
  // of luts[tile][v] over the tiles around (x, y): with t = x / tile_width -
  // 0.5 (float), tx1 = floor(t), a = t - tx1, the columns tx1 and tx1 + 1
  // (clamped to the grid) weigh 1 - a and a; likewise rows; the result is
  // ((L11 (1-a) + L12 a)(1-b) + (L21 (1-a) + L22 a) b) in float, rounded half
  // to even, the operations in OpenCV's order. `luts` holds grid.tiles()
  // tables of kBins8 entries, tile (tx, ty) at (ty * tiles_x + tx) * kBins8.
  void Apply(uint8_t* data, ptrdiff_t stride, int pixel_step,
             const TileGrid& grid, const uint8_t* luts);
  // The same for rows [y_begin, y_end) only, with scratch `slot` (one slot
  // per thread working at once; slots < slots given to Prepare).
  void ApplyRows(uint8_t* data, ptrdiff_t stride, int pixel_step, const uint8_t* luts,
                 int y_begin, int y_end, int slot);
  void Prepare(const TileGrid& grid, int slots = 1);

 private:
  // For the band of rows between tile rows top and bottom, one table per
  // span of columns between tile columns left and right: entry v packs
  // {top-left[v], top-right[v], bottom-left[v], bottom-right[v]} into 32
  // bits, so a sample costs one load instead of four.
  void BuildBand(const uint8_t* luts, int top, int bottom, uint32_t* quads) const;

  TileGrid grid_;
  std::vector<int> span_;    // per column: offset of its span's table
  std::vector<int> span_x_;  // span s: columns [span_x_[s], span_x_[s + 1])
  std::vector<float> a_;     // per column: weight of the right tile
  std::vector<float> a1_;    // per column: weight of the left tile
  // per slot: (tiles_x + 1) tables of kBins8 entries
  std::vector<std::vector<uint32_t>> quads_;
};

// The same interpolation for 10 to 16-bit samples and uint16_t tables of
// format.bins() entries per tile (cv::CLAHE's CV_16U path): float in
// OpenCV's order, rounded half to even and saturated to the depth. Region by
// region (the samples between the same four tile centres) the four tables
// are first packed into one of 64-bit entries, for the values the region's
// tiles hold only, so that a sample costs one load instead of four.
class TileInterpolatorWide {
 public:
  // `ranges` holds, per tile, the values the tile holds: a region reads
  // the tables only for the values of the tiles it lies in, and each table
  // must be filled for those (Clahe fills a tile's table for its 3x3
  // neighbourhood's values). A sample outside gives a wrong value, never a
  // read out of bounds.
  void Apply(uint8_t* data, ptrdiff_t stride, int pixel_step, const SampleFormat& format,
             const TileGrid& grid, const uint16_t* luts, const ValueRange* ranges);
  // Rows [y_begin, y_end) only, with scratch `slot` (slots < the slots
  // given to Prepare, one per thread working at once).
  void ApplyRows(uint8_t* data, ptrdiff_t stride, int pixel_step, const SampleFormat& format,
                 const uint16_t* luts, const ValueRange* ranges, int y_begin, int y_end,
                 int slot);
  void Prepare(const TileGrid& grid, int bins, int slots = 1);

  // The grid Prepare was given in regions: bands (runs of rows between the
  // same two tile rows) by spans (runs of columns between the same two tile
  // columns). A region's four tables are packed once for all its rows, so
  // threads split the work by regions, not rows.
  int bands() const { return static_cast<int>(band_y_.size()) - 1; }
  int spans() const { return static_cast<int>(span_left_.size()); }
  // The regions of band `band_index` (0 .. bands() - 1) and spans
  // [span_begin, span_end), with scratch `slot`.
  void ApplyRegions(uint8_t* data, ptrdiff_t stride, int pixel_step, const SampleFormat& format,
                    const uint16_t* luts, const ValueRange* ranges, int band_index,
                    int span_begin, int span_end, int slot);

 private:
  // Rows [y, y_stop) of `band` (its first tile row, -1 above the first
  // centre), spans [span_begin, span_end).
  void ApplyBand(uint8_t* data, ptrdiff_t stride, int pixel_step, const SampleFormat& format,
                 const uint16_t* luts, const ValueRange* ranges, int band, int y, int y_stop,
                 int span_begin, int span_end, int slot);

  TileGrid grid_;
  int bins_ = 0;
  std::vector<int> span_x_;                   // span s: columns [span_x_[s], span_x_[s + 1])
  std::vector<int> span_left_, span_right_;  // per span: its left and right tile columns
  std::vector<float> a_, a1_;                 // per column: their weights
  std::vector<int> band_y_;                   // band b: rows [band_y_[b], band_y_[b + 1])
  // per slot: bins packed entries {tl, tr, bl, br}, filled where in use
  std::vector<std::vector<uint64_t>> quads_;
};

}  // namespace histeq

#endif  // HISTEQ_INTERPOLATE_H_
