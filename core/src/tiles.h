// The tile grid of contrast-limited adaptive equalization (CLAHE), laid out
// exactly as cv::CLAHE lays it out, and the histograms of its tiles.
#ifndef HISTEQ_SRC_TILES_H_
#define HISTEQ_SRC_TILES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/plane.h"
#include "histogram.h"

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

// Counts the tiles of a plane; keeps the mirror tables for one grid so
// repeated frames of the same size allocate nothing.
class TileHistogrammer {
 public:
  void Prepare(const TileGrid& grid);

  // Adds the histogram of tile (tx, ty) of the grid Prepare was given to
  // `hist` (format.bins() counts), and its part inside the frame to
  // `frame_hist` when given; `counter` counts 8-bit samples. Returns the
  // range of the values it counted (for 8-bit samples, not tracked: the
  // whole range).
  ValueRange AccumulateTile(const Plane& plane, int tx, int ty, uint32_t* hist,
                            uint32_t* frame_hist, HistogramCounter8* counter) const;

 private:
  TileGrid grid_;
  std::vector<int> mirror_x_;  // source column of extended column width + i
  std::vector<int> mirror_y_;  // source row of extended row height + i
};

}  // namespace histeq

#endif  // HISTEQ_SRC_TILES_H_
