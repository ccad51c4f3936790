#include "tiles.h"

#include <algorithm>
#include <cstring>

#include "sample.h"

namespace histeq {

TileGrid TileGrid::Make(int width, int height, int tiles_x, int tiles_y) {
  TileGrid g;
  g.width = width;
  g.height = height;
  g.tiles_x = tiles_x;
  g.tiles_y = tiles_y;
  if (width % tiles_x == 0 && height % tiles_y == 0) {
    g.ext_width = width;
    g.ext_height = height;
  } else {
    g.ext_width = width + tiles_x - width % tiles_x;
    g.ext_height = height + tiles_y - height % tiles_y;
  }
  g.tile_width = g.ext_width / tiles_x;
  g.tile_height = g.ext_height / tiles_y;
  return g;
}

int Reflect101(int p, int len) {
  if (len == 1) return 0;
  while (p < 0 || p >= len) p = p < 0 ? -p : 2 * (len - 1) - p;
  return p;
}

void TileHistogrammer::Prepare(const TileGrid& g) {
  if (grid_ == g) return;
  grid_ = g;
  mirror_x_.resize(g.ext_width - g.width);
  for (size_t i = 0; i < mirror_x_.size(); ++i)
    mirror_x_[i] = Reflect101(g.width + static_cast<int>(i), g.width);
  mirror_y_.resize(g.ext_height - g.height);
  for (size_t i = 0; i < mirror_y_.size(); ++i)
    mirror_y_[i] = Reflect101(g.height + static_cast<int>(i), g.height);
}

ValueRange TileHistogrammer::AccumulateTile(const Plane& plane, int tx, int ty, uint32_t* hist,
                                            uint32_t* frame_hist,
                                            HistogramCounter8* counter) const {
  const TileGrid& g = grid_;
  const SampleFormat& format = plane.format;
  const uint8_t* data = plane.data;
  const ptrdiff_t stride = plane.stride;
  const int step = plane.pixel_step;
  const bool wide = format.depth > 8;
  const WideCodec codec(format);
  ValueRange range;
  auto count = [&](const uint8_t* p) {
    const uint32_t v = wide ? codec.Read(p) : *p;
    ++hist[v];
    range.Add(static_cast<int>(v));
  };
  auto src_x = [&](int x) { return x < g.width ? x : mirror_x_[x - g.width]; };
  const int x0 = tx * g.tile_width, x1 = x0 + g.tile_width;
  const int y0 = ty * g.tile_height, y1 = y0 + g.tile_height;
  const int x_in = std::min(x1, g.width), y_in = std::min(y1, g.height);
  // The part inside the frame, then the mirrored columns and rows.
  if (x0 < x_in && y0 < y_in) {
    Plane block = plane;
    block.data = plane.data + y0 * stride + static_cast<ptrdiff_t>(x0) * step;
    block.width = x_in - x0;
    block.height = y_in - y0;
    if (wide) {
      range = AccumulateWide(block, hist);
      if (frame_hist) AddCounts(frame_hist + range.lo, hist + range.lo, range.hi - range.lo + 1);
    } else {
      counter->Start(static_cast<uint64_t>(block.width) * static_cast<uint64_t>(block.height),
                     block.width, step);
      counter->Add(block);
      counter->Finish(hist);
      if (frame_hist)
        for (int v = 0; v < kBins8; ++v) frame_hist[v] += hist[v];
    }
  }
  for (int y = y0; y < y_in; ++y) {
    const uint8_t* row = data + y * stride;
    for (int x = std::max(x0, g.width); x < x1; ++x) count(row + src_x(x) * step);
  }
  for (int y = std::max(y0, g.height); y < y1; ++y) {
    const uint8_t* row = data + mirror_y_[y - g.height] * stride;
    for (int x = x0; x < x1; ++x) count(row + src_x(x) * step);
  }
  if (!wide) range = ValueRange{0, kBins8 - 1};
  return range;
}

}  // namespace histeq
