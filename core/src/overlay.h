// A small picture of two histograms (before and after equalization) drawn
// over the top-left corner of a plane, for tuning by eye on live video.
#ifndef HISTEQ_SRC_OVERLAY_H_
#define HISTEQ_SRC_OVERLAY_H_

#include <cstddef>
#include <cstdint>

#include "histeq/plane.h"

namespace histeq {

// Where the panel goes in a width x height plane: `columns` bars of
// `bar_height` rows each for the input histogram (top) and the output one
// (below it), with a one-sample border around and between them. All zero
// when the plane is too small to hold a readable panel (under 16x16).
struct OverlayLayout {
  int x = 0, y = 0;          // top-left corner of the panel
  int width = 0, height = 0;
  int columns = 0;           // histogram columns (bins are grouped)
  int bar_height = 0;        // rows of one histogram
};

constexpr int kMaxColumns = 256;

// At most kMaxColumns columns and a third of the plane's width; each histogram a
// sixth of its height at most.
OverlayLayout ComputeOverlayLayout(int width, int height);

// The panel's levels, in 8-bit code values (scaled to deeper samples).
struct OverlayLevels {
  uint8_t background = 16;
  uint8_t before = 128;  // bars of the input histogram
  uint8_t after = 235;   // bars of the output histogram
};

// Draws the panel into the plane. `hist_in` and `hist_out` have `bins`
// counts; a column's bar is as tall, in rows out of bar_height, as its count
// (the sum of its bins) is of the tallest column, rounded to nearest. Only
// samples inside the panel are written.
void DrawHistogramOverlay(const Plane& plane, const uint32_t* hist_in, const uint32_t* hist_out,
                          int bins, const OverlayLevels& levels = OverlayLevels());

// The bar heights DrawHistogramOverlay draws for one histogram: `columns`
// (at most kMaxColumns) values in 0..bar_height.
void OverlayBars(const uint32_t* hist, int bins, int columns, int bar_height, int* bars);

}  // namespace histeq

#endif  // HISTEQ_SRC_OVERLAY_H_
