// The tile grid of contrast-limited adaptive equalization (CLAHE), laid out
// exactly as cv::CLAHE lays it out, and the histograms of its tiles.
#ifndef HISTEQ_SRC_TILES_H_
#define HISTEQ_SRC_TILES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "histeq/plane.h"
#include "histogram.h"
#include "sample.h"

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
  // Whether tile (tx, ty) lies inside the frame (it mirrors no samples).
  bool inside(int tx, int ty) const {
    return (tx + 1) * tile_width <= width && (ty + 1) * tile_height <= height;
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

  // Calls f(v, inside) for every sample value v of tile (tx, ty) of a plane
  // of 10 to 16-bit samples, mirrored past the frame's edges as
  // AccumulateTile counts them; `inside`: the sample is the frame's own, not
  // a mirrored copy.
  template <typename F>
  void ForEachWideSample(const Plane& plane, int tx, int ty, F&& f) const;

 private:
  TileGrid grid_;
  std::vector<int> mirror_x_;  // source column of extended column width + i
  std::vector<int> mirror_y_;  // source row of extended row height + i
};

template <typename F>
void TileHistogrammer::ForEachWideSample(const Plane& plane, int tx, int ty, F&& f) const {
  const TileGrid& g = grid_;
  const WideCodec codec(plane.format);
  const int step = plane.pixel_step;
  const int x0 = tx * g.tile_width, x1 = x0 + g.tile_width;
  const int y0 = ty * g.tile_height, y1 = y0 + g.tile_height;
  const int x_in = x1 < g.width ? x1 : g.width;
  for (int y = y0; y < y1; ++y) {
    const bool row_inside = y < g.height;
    const uint8_t* row = plane.data + (row_inside ? y : mirror_y_[y - g.height]) * plane.stride;
    if (PlainWords(plane)) {
      const uint16_t* words = reinterpret_cast<const uint16_t*>(row);
      for (int x = x0; x < x_in; ++x) {
        uint16_t w;
        std::memcpy(&w, words + x, 2);
        f(static_cast<uint32_t>(w), row_inside);
      }
    } else {
      for (int x = x0; x < x_in; ++x) f(codec.Read(row + static_cast<ptrdiff_t>(x) * step), row_inside);
    }
    for (int x = x_in > x0 ? x_in : x0; x < x1; ++x)
      f(codec.Read(row + static_cast<ptrdiff_t>(mirror_x_[x - g.width]) * step), false);
  }
}

}  // namespace histeq

#endif  // HISTEQ_SRC_TILES_H_
