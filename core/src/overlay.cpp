#include "overlay.h"

#include <algorithm>

#include "sample.h"

namespace histeq {

OverlayLayout ComputeOverlayLayout(int width, int height) {
  OverlayLayout l;
  if (width < 16 || height < 16) return l;
  l.columns = std::min(kMaxColumns, width / 3);
  l.bar_height = std::max(4, std::min(l.columns / 2, height / 6));
  l.x = 1;
  l.y = 1;
  l.width = l.columns + 2;             // border left and right
  l.height = 2 * l.bar_height + 3;     // border above, between, below
  if (l.x + l.width > width || l.y + l.height > height) return OverlayLayout();
  return l;
}

void OverlayBars(const uint32_t* hist, int bins, int columns, int bar_height, int* bars) {
  uint64_t sums[kMaxColumns] = {};
  for (int c = 0; c < columns; ++c) {
    const int first = static_cast<int>(static_cast<int64_t>(c) * bins / columns);
    const int last = static_cast<int>(static_cast<int64_t>(c + 1) * bins / columns);
    for (int b = first; b < last; ++b) sums[c] += hist[b];
  }
  const uint64_t tallest = *std::max_element(sums, sums + columns);
  for (int c = 0; c < columns; ++c)
    bars[c] = tallest == 0 ? 0
                           : static_cast<int>((sums[c] * 2 * bar_height + tallest) /
                                              (2 * tallest));
}

namespace {

// Writes 8-bit levels as code values of the plane's format.
class Painter {
 public:
  Painter(uint8_t* data, ptrdiff_t stride, int pixel_step, const SampleFormat& format)
      : data_(data), stride_(stride), step_(pixel_step), format_(format), codec_(format) {}

  void Put(int x, int y, uint8_t level) const {
    uint8_t* p = data_ + y * stride_ + static_cast<ptrdiff_t>(x) * step_;
    if (format_.depth <= 8) {
      *p = level;
    } else {
      // Scale so that 255 maps onto the top code value, 16 onto 16 << (d-8).
      codec_.Write(p, static_cast<uint32_t>(level) << (format_.depth - 8) |
                          static_cast<uint32_t>(level) >> (16 - format_.depth));
    }
  }

 private:
  uint8_t* data_;
  ptrdiff_t stride_;
  int step_;
  SampleFormat format_;
  WideCodec codec_;
};

}  // namespace

void DrawHistogramOverlay(const Plane& plane, const uint32_t* hist_in, const uint32_t* hist_out,
                          int bins, const OverlayLevels& levels) {
  const OverlayLayout l = ComputeOverlayLayout(plane.width, plane.height);
  if (l.columns == 0) return;
  int bars_in[kMaxColumns], bars_out[kMaxColumns];
  OverlayBars(hist_in, bins, l.columns, l.bar_height, bars_in);
  OverlayBars(hist_out, bins, l.columns, l.bar_height, bars_out);
  const Painter paint(plane.data, plane.stride, plane.pixel_step, plane.format);
  for (int y = 0; y < l.height; ++y) {
    // Row y of the panel: border, input bars, border, output bars, border.
    const int in_row = y - 1, out_row = y - 2 - l.bar_height;
    for (int x = 0; x < l.width; ++x) {
      const int c = x - 1;
      uint8_t level = levels.background;
      if (c >= 0 && c < l.columns) {
        if (in_row >= 0 && in_row < l.bar_height && l.bar_height - in_row <= bars_in[c])
          level = levels.before;
        else if (out_row >= 0 && out_row < l.bar_height && l.bar_height - out_row <= bars_out[c])
          level = levels.after;
      }
      paint.Put(l.x + x, l.y + y, level);
    }
  }
}

}  // namespace histeq
