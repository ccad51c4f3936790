// Bit-exactness with OpenCV depends on evaluating the float expressions
// exactly as written: the kernels all do the scalar kernel's operations in
// its order, and the split of a position between two tile centres is
// OpenCV's (splits.h; the core is built with -ffp-contract=off).
#include "interpolate.h"

#include <algorithm>

#include "kernels/any.h"
#include "kernels/kernels.h"
#include "prefetch.h"
#include "sample.h"
#include "splits.h"

namespace histeq {

template <typename T>
void TileInterpolator<T>::Prepare(const TileGrid& g, int bins, int slots) {
  if (static_cast<int>(quads_.size()) < slots) quads_.resize(static_cast<size_t>(slots));
  for (auto& q : quads_) q.resize(static_cast<size_t>(bins));
  if (grid_ == g && bins == bins_) return;
  grid_ = g;
  bins_ = bins;
  std::vector<int> first;
  ColumnSplits(g, &first, &a_, &a1_);
  // Room for a kernel's block past the last column (see kernels/any.h).
  a_.resize(a_.size() + kernels::kMaxBlock, 0.0f);
  a1_.resize(a1_.size() + kernels::kMaxBlock, 0.0f);
  // Spans: runs of columns between the same two tile centres.
  span_x_.assign(1, 0);
  span_left_.clear();
  span_right_.clear();
  for (int x = 0; x < g.width; ++x) {
    if (x > 0 && first[x] == first[x - 1]) continue;
    if (x > 0) span_x_.push_back(x);
    span_left_.push_back(std::max(first[x], 0));
    span_right_.push_back(std::min(first[x] + 1, g.tiles_x - 1));
  }
  span_x_.push_back(g.width);
  // Bands: runs of rows between the same two tile rows.
  const float inv_th = 1.0f / static_cast<float>(g.tile_height);
  band_y_.assign(1, 0);
  for (int y = 1; y < g.height; ++y)
    if (SplitAt(y, inv_th).first != SplitAt(y - 1, inv_th).first) band_y_.push_back(y);
  band_y_.push_back(g.height);
}

template <typename T>
void TileInterpolator<T>::Apply(const Plane& plane, const TileGrid& g, const T* luts,
                                const ValueRange* ranges) {
  Prepare(g, plane.format.bins());
  for (int band = 0; band < bands(); ++band) ApplyRegions(plane, luts, ranges, band, 0, spans(), 0);
}

template <typename T>
void TileInterpolator<T>::ApplyRegions(const Plane& plane, const T* luts,
                                       const ValueRange* ranges, int band_index, int span_begin,
                                       int span_end, int slot) {
  const TileGrid& g = grid_;
  const kernels::Kernels& k = kernels::Active();
  const int step = plane.pixel_step;
  const int y0 = band_y_[static_cast<size_t>(band_index)];
  const int y1 = band_y_[static_cast<size_t>(band_index) + 1];
  const float inv_th = 1.0f / static_cast<float>(g.tile_height);
  const int band = SplitAt(y0, inv_th).first;  // its upper tile row, -1 above the first centre
  const int top = std::max(band, 0) * g.tiles_x;
  const int bottom = std::min(band + 1, g.tiles_y - 1) * g.tiles_x;
  Quad* quads = quads_[static_cast<size_t>(slot)].data();
  const bool plain = sizeof(T) == 1 || PlainWords(plane);
  const kernels::Codec codec = CodecOf(plane.format);
  for (int s = span_begin; s < span_end; ++s) {
    const int t[4] = {top + span_left_[s], top + span_right_[s], bottom + span_left_[s],
                      bottom + span_right_[s]};
    const T* tables[4];
    for (int i = 0; i < 4; ++i) tables[i] = luts + static_cast<size_t>(t[i]) * bins_;
    const int x0 = span_x_[s], width = span_x_[s + 1] - x0;
    kernels::Region8 region8 = {};
    if constexpr (sizeof(T) == 1) {
      for (int i = 0; i < 4; ++i) region8.tables[i] = tables[i];
      region8.quads = quads;
      k.prepare8(&region8, step);
    } else {
      // The region's samples lie in these tiles, so within their values.
      // When the region has few samples for the values (small frames, many
      // tiles) its own range, quick to find in plain words, packs less.
      ValueRange values;
      for (int i : t) values.Add(ranges[i]);
      if (plain && static_cast<int64_t>(width) * (y1 - y0) < 2 * (values.hi - values.lo + 1))
        values = WordRange(plane.data + y0 * plane.stride + 2 * x0, plane.stride, width, y1 - y0);
      const int done = k.pack16(tables, values.lo, values.hi + 1, quads);
      kernels::Scalar().pack16(tables, done, values.hi + 1, quads);
    }
    for (int y = y0; y < y1; ++y) {
      const float b = SplitAt(y, inv_th).a, b1 = 1.0f - b;
      uint8_t* row = plane.data + y * plane.stride + static_cast<ptrdiff_t>(x0) * step;
      FetchRowAhead(row, plane.stride, y - y0, y1 - y0,
                    static_cast<int64_t>(width) * step, true);
      auto weights = [&](int x) {
        return kernels::Weights{a_.data() + x0 + x, a1_.data() + x0 + x, b1, b};
      };
      if constexpr (sizeof(T) == 1) {
        if (step == 1) {
          kernels::RunRow<1>(row, 1, width, k.interp8_block, [&](uint8_t* p, int, int x, int n) {
            k.interp8(p, n, weights(x), region8);
          });
        } else {
          kernels::RunRow<1>(row, step, width, k.interp8_strided_block,
                             [&](uint8_t* p, int st, int x, int n) {
                               k.interp8_strided(p, st, n, weights(x), region8);
                             });
        }
      } else if (plain) {
        kernels::RunRow<2>(row, 2, width, k.interp16_block, [&](uint8_t* p, int, int x, int n) {
          k.interp16(p, n, weights(x), quads);
        });
      } else {
        k.interp_codec(row, step, width, codec, weights(0), quads);
      }
    }
  }
}

template class TileInterpolator<uint8_t>;
template class TileInterpolator<uint16_t>;

}  // namespace histeq
