// The tile grid of contrast-limited adaptive equalization (CLAHE), laid out
// exactly as cv::CLAHE lays it out, and the histograms of its tiles.
#ifndef HISTEQ_TILES_H_
#define HISTEQ_TILES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/histogram.h"

namespace histeq {

// When the tiles do not divide the frame, OpenCV computes the histograms on
// the frame extended to the right by tiles_x - width % tiles_x columns and at
// the bottom by tiles_y - height % tiles_y rows (both, even when only one
// does not divide), mirrored as BORDER_REFLECT_101 (dcb|abcd|cba). The
// interpolation then uses that extended tile size on the original frame.
struct TileGrid {
  int width = 0, height = 0;          // the frame
  int tiles_x = 0, tiles_y = 0;       // the grid
  int tile_width = 0, tile_height = 0;
  int ext_width = 0, ext_height = 0;  // the extended frame the tiles cover

  static TileGrid Make(int width, int height, int tiles_x, int tiles_y);
  int tiles() const { return tiles_x * tiles_y; }
  uint64_t tile_pixels() const {
    return static_cast<uint64_t>(tile_width) * tile_height;
  }
  bool operator==(const TileGrid& o) const {
    return width == o.width && height == o.height && tiles_x == o.tiles_x &&
           tiles_y == o.tiles_y;
  }
};

// cv::borderInterpolate for BORDER_REFLECT_101: the sample index that
// position p (possibly past either end) mirrors, for a row of len samples.
int Reflect101(int p, int len);

// Per-tile histograms of a plane; keeps the mirror tables for one grid so
// repeated frames of the same size allocate nothing.
class TileHistogrammer {
 public:
  // Writes grid.tiles() histograms of format.bins() counts, tile (tx, ty) at
  // hists + (ty * tiles_x + tx) * bins. When `frame_hist` is given, the
  // histogram of the frame itself (the tiles' parts inside the frame, which
  // cover it exactly once) is added to it (not cleared first), at no extra
  // pass. Tile rows [ty_begin, ty_end) only (all by default); `frame_hist`
  // then gets those rows' share of the frame. Call Prepare(grid) first when rows
  // are computed on several threads at once.
  // `ranges`, when given, receives each tile's range of values at the
  // tile's index (see AccumulateTile).
  void Compute(const uint8_t* data, ptrdiff_t stride, int pixel_step,
               const SampleFormat& format, const TileGrid& grid, uint32_t* hists,
               uint32_t* frame_hist = nullptr, int ty_begin = 0, int ty_end = -1,
               ValueRange* ranges = nullptr);
  void Prepare(const TileGrid& grid);

  // Adds the histogram of tile (tx, ty) of the grid Prepare was given to
  // `hist` (format.bins() counts), and its part inside the frame to
  // `frame_hist` when given. Returns the range of the values it counted
  // (for 8-bit samples, not tracked: the whole range).
  ValueRange AccumulateTile(const uint8_t* data, ptrdiff_t stride, int pixel_step,
                            const SampleFormat& format, int tx, int ty, uint32_t* hist,
                            uint32_t* frame_hist) const;

 private:
  TileGrid grid_;
  std::vector<int> mirror_x_;  // source column of extended column width + i
  std::vector<int> mirror_y_;  // source row of extended row height + i
};

}  // namespace histeq

#endif  // HISTEQ_TILES_H_
