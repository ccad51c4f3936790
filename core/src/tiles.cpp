#include "histeq/tiles.h"

#include <algorithm>
#include <cstring>

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

void TileHistogrammer::Compute(const uint8_t* data, ptrdiff_t stride, int step,
                               const SampleFormat& format, const TileGrid& g,
                               uint32_t* hists, uint32_t* frame_hist, int ty_begin,
                               int ty_end, ValueRange* ranges) {
  if (!(grid_ == g)) Prepare(g);
  if (ty_end < 0) ty_end = g.tiles_y;
  const size_t bins = static_cast<size_t>(format.bins());
  for (int ty = ty_begin; ty < ty_end; ++ty) {
    for (int tx = 0; tx < g.tiles_x; ++tx) {
      const size_t t = static_cast<size_t>(ty) * g.tiles_x + tx;
      uint32_t* hist = hists + t * bins;
      std::memset(hist, 0, bins * sizeof(*hist));
      const ValueRange r = AccumulateTile(data, stride, step, format, tx, ty, hist, frame_hist);
      if (ranges) ranges[t] = r;
    }
  }
}

ValueRange TileHistogrammer::AccumulateTile(const uint8_t* data, ptrdiff_t stride, int step,
                                            const SampleFormat& format, int tx, int ty,
                                            uint32_t* hist, uint32_t* frame_hist) const {
  const TileGrid& g = grid_;
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
    const uint8_t* block = data + y0 * stride + static_cast<ptrdiff_t>(x0) * step;
    if (wide) {
      range = AccumulateHistogramWide(block, stride, x_in - x0, y_in - y0, step, format, hist);
      if (frame_hist) AddCounts(frame_hist + range.lo, hist + range.lo, range.hi - range.lo + 1);
    } else {
      AccumulateHistogram8(block, stride, x_in - x0, y_in - y0, step, hist);
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
