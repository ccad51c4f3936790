// Bit-exactness with OpenCV depends on evaluating the float expressions
// exactly as written: the kernels all do the scalar kernel's operations in
// its order, and the split of a position between two tile centres is
// OpenCV's (splits.h; the core is built with -ffp-contract=off).
#include "interpolate.h"

#include <algorithm>
#include <cstring>

#include "kernels/any.h"
#include "kernels/kernels.h"
#include "prefetch.h"
#include "sample.h"
#include "splits.h"
#include "vectors.h"

namespace histeq {

template <typename T>
void TileInterpolator<T>::Prepare(const TileGrid& g, int bins, int slots, bool by_value) {
  if (!(grid_ == g && bins == bins_)) Layout(g, bins);
  if (!by_value) {
    std::vector<Seen>().swap(seen_);
  } else {
    seen_.resize(static_cast<size_t>(slots));
    for (Seen& s : seen_) {
      if (s.region.size() != static_cast<size_t>(bins)) {
        s.region.assign(static_cast<size_t>(bins), 0);
        s.id = 0;
      }
      s.values.resize(region_samples_);
      s.quads.resize(region_samples_);
    }
  }
  // Row by row, a slot holds every region of a band; else one region (and
  // a kernel's block past its samples' quads, see InterpolateRowBySample).
  const size_t entries =
      static_cast<size_t>(bins) * (RowByRow() ? spans() : 1) + kernels::kMaxBlock;
  quads_.resize(static_cast<size_t>(slots));
  for (auto& q : quads_) Fit(&q, entries);
  regions_.resize(static_cast<size_t>(slots));
  for (auto& r : regions_) r.resize(static_cast<size_t>(spans()));
}

template <typename T>
void TileInterpolator<T>::Layout(const TileGrid& g, int bins) {
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
  inv_th_ = 1.0f / static_cast<float>(g.tile_height);
  band_y_.assign(1, 0);
  for (int y = 1; y < g.height; ++y)
    if (SplitAt(y, inv_th_).first != SplitAt(y - 1, inv_th_).first) band_y_.push_back(y);
  band_y_.push_back(g.height);
  int widest = 0, tallest = 0;
  for (size_t i = 0; i + 1 < span_x_.size(); ++i) widest = std::max(widest, span_x_[i + 1] - span_x_[i]);
  for (size_t i = 0; i + 1 < band_y_.size(); ++i) tallest = std::max(tallest, band_y_[i + 1] - band_y_[i]);
  region_samples_ = static_cast<size_t>(widest) * static_cast<size_t>(tallest);
}

template <typename T>
void TileInterpolator<T>::Apply(const Plane& plane, const TileGrid& g, const T* luts,
                                const ValueRange* ranges) {
  Prepare(g, plane.format.bins());
  if (RowByRow()) {
    ApplyRows(plane, luts, ranges, 0, g.height, 0);
    return;
  }
  for (int band = 0; band < bands(); ++band) ApplyRegions(plane, luts, ranges, band, 0, spans(), 0);
}

template <typename T>
typename TileInterpolator<T>::Band TileInterpolator<T>::BandOf(int y) const {
  const int first = SplitAt(y, inv_th_).first;  // its upper tile row, -1 above the first centre
  Band b;
  b.top = std::max(first, 0) * grid_.tiles_x;
  b.bottom = std::min(first + 1, grid_.tiles_y - 1) * grid_.tiles_x;
  return b;
}

template <typename T>
void TileInterpolator<T>::PrepareRegion(const kernels::Kernels& k, const Plane& plane,
                                        const T* luts, const ValueRange* ranges, const Band& band,
                                        int s, int y0, int y1, Quad* quads,
                                        kernels::Region8* region8) const {
  const int t[4] = {band.top + span_left_[s], band.top + span_right_[s],
                    band.bottom + span_left_[s], band.bottom + span_right_[s]};
  const T* tables[4];
  for (int i = 0; i < 4; ++i) tables[i] = luts + static_cast<size_t>(t[i]) * bins_;
  if constexpr (sizeof(T) == 1) {
    (void)ranges, (void)y0, (void)y1;
    for (int i = 0; i < 4; ++i) region8->tables[i] = tables[i];
    region8->quads = quads;
    k.prepare8(region8, plane.pixel_step);
  } else {
    (void)region8;
    // The region's samples lie in these tiles, so within their values.
    // When the region has few samples for the values (small frames, many
    // tiles) its own range, quick to find in plain words, packs less.
    ValueRange values;
    for (int i : t) values.Add(ranges[i]);
    const int x0 = span_x_[s], width = span_x_[s + 1] - x0;
    if (PlainWords(plane) && static_cast<int64_t>(width) * (y1 - y0) < 2 * (values.hi - values.lo + 1))
      values = WordRange(plane.data + y0 * plane.stride + 2 * x0, plane.stride, width, y1 - y0);
    const int done = k.pack16(tables, values.lo, values.hi + 1, quads);
    kernels::Scalar().pack16(tables, done, values.hi + 1, quads);
  }
}

namespace {

// Results of the 16-bit kernel over a chunk of code values, words[0 .. n),
// stored as little-endian words at the codec's shift (clamped as the codec
// kernel clamps).
void StoreShifted(const uint16_t* words, int n, const kernels::Codec& c, uint8_t* at) {
  for (int i = 0; i < n; ++i) {
    const uint16_t w = static_cast<uint16_t>(std::min<uint32_t>(words[i], c.mask) << c.shift);
    std::memcpy(at + 2 * i, &w, 2);
  }
}

}  // namespace

template <typename T>
void TileInterpolator<T>::InterpolateRow(const kernels::Kernels& k, const Plane& plane, int s,
                                         int y, int y_end, float b, bool fetch,
                                         const Quad* quads,
                                         const kernels::Region8& region8) const {
  const int step = plane.pixel_step;
  const int x0 = span_x_[s], width = span_x_[s + 1] - x0;
  const float b1 = 1.0f - b;
  uint8_t* row = plane.data + y * plane.stride + static_cast<ptrdiff_t>(x0) * step;
  if (fetch) FetchRowAhead(row, plane.stride, 0, y_end - y, static_cast<int64_t>(width) * step, true);
  auto weights = [&](int x) {
    return kernels::Weights{a_.data() + x0 + x, a1_.data() + x0 + x, b1, b};
  };
  if constexpr (sizeof(T) == 1) {
    (void)quads;
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
  } else if (PlainWords(plane)) {
    (void)region8;
    kernels::RunRow<2>(row, 2, width, k.interp16_block, [&](uint8_t* p, int, int x, int n) {
      k.interp16(p, n, weights(x), quads);
    });
  } else if (step == 2 && !plane.format.big_endian) {
    // Little-endian words holding fewer bits (10/12-bit planes, P010's
    // high bits): a chunk's code values as plain words, the 16-bit kernel
    // over them, the results (never above the format's maximum, clamped
    // as the codec kernel clamps) stored back at their shift.
    const kernels::Codec c = CodecOf(plane.format);
    constexpr int kChunk = 256;
    alignas(64) uint16_t words[kChunk];
    for (int x = 0; x < width; x += kChunk) {
      const int n = std::min(kChunk, width - x);
      uint8_t* at = row + 2 * x;
      for (int i = 0; i < n; ++i) {
        uint16_t w;
        std::memcpy(&w, at + 2 * i, 2);
        words[i] = static_cast<uint16_t>((w >> c.shift) & c.mask);
      }
      uint8_t* plain = reinterpret_cast<uint8_t*>(words);
      kernels::RunRow<2>(plain, 2, n, k.interp16_block, [&](uint8_t* p, int, int xi, int m) {
        k.interp16(p, m, weights(x + xi), quads);
      });
      StoreShifted(words, n, c, at);
    }
  } else {
    k.interp_codec(row, step, width, CodecOf(plane.format), weights(0), quads);
  }
}

template <typename T>
void TileInterpolator<T>::ApplyRegions(const Plane& plane, const T* luts,
                                       const ValueRange* ranges, int band_index, int span_begin,
                                       int span_end, int slot) {
  const kernels::Kernels& k = kernels::Active();
  const int y0 = band_y_[static_cast<size_t>(band_index)];
  const int y1 = band_y_[static_cast<size_t>(band_index) + 1];
  const Band band = BandOf(y0);
  Quad* quads = quads_[static_cast<size_t>(slot)].data();
  for (int s = span_begin; s < span_end; ++s) {
    kernels::Region8 region8 = {};
    PrepareRegion(k, plane, luts, ranges, band, s, y0, y1, quads, &region8);
    for (int y = y0; y < y1; ++y)
      InterpolateRow(k, plane, s, y, y1, SplitAt(y, inv_th_).a, true, quads, region8);
  }
}

template <typename T>
void TileInterpolator<T>::ApplyRows(const Plane& plane, const T* luts, const ValueRange* ranges,
                                    int y_begin, int y_end, int slot) {
  const kernels::Kernels& k = kernels::Active();
  const size_t per_region = static_cast<size_t>(bins_);
  std::vector<kernels::Region8>& regions = regions_[static_cast<size_t>(slot)];
  for (size_t b = 0; b + 1 < band_y_.size(); ++b) {
    const int y0 = std::max(band_y_[b], y_begin), y1 = std::min(band_y_[b + 1], y_end);
    if (y0 >= y1) continue;
    const Band band = BandOf(y0);
    Quad* quads = quads_[static_cast<size_t>(slot)].data();
    for (int s = 0; s < spans(); ++s)
      PrepareRegion(k, plane, luts, ranges, band, s, y0, y1, quads + s * per_region,
                    &regions[static_cast<size_t>(s)]);
    for (int y = y0; y < y1; ++y) {
      const float b = SplitAt(y, inv_th_).a;
      for (int s = 0; s < spans(); ++s)
        InterpolateRow(k, plane, s, y, y1, b, false, quads + s * per_region,
                       regions[static_cast<size_t>(s)]);
    }
  }
}

template <typename T>
void TileInterpolator<T>::ApplyRegionsByValue(const Plane& plane, const ValueTables& tables,
                                              int band_index, int span_begin, int span_end,
                                              int slot) {
  if constexpr (sizeof(T) == 1) {
    (void)plane, (void)tables, (void)band_index, (void)span_begin, (void)span_end, (void)slot;
  } else {
    const kernels::Kernels& k = kernels::Active();
    const int y0 = band_y_[static_cast<size_t>(band_index)];
    const int y1 = band_y_[static_cast<size_t>(band_index) + 1];
    const Band band = BandOf(y0);
    Quad* quads = quads_[static_cast<size_t>(slot)].data();
    Seen& seen = seen_[static_cast<size_t>(slot)];
    const WideCodec codec(plane.format);
    const bool words = PlainWords(plane);
    const int step = plane.pixel_step;
    // A region whose tables hold about as many entries as it has samples
    // (noise, grain) gains nothing from finding its values first: its
    // samples are looked up one by one, in their order, and interpolated
    // through quads by position (the same quads, so the same bytes).
    const bool in_words = words || (step == 2 && !plane.format.big_endian);
    for (int s = span_begin; s < span_end; ++s) {
      const int x0 = span_x_[s], x1 = span_x_[s + 1];
      const int t[4] = {band.top + span_left_[s], band.top + span_right_[s],
                        band.bottom + span_left_[s], band.bottom + span_right_[s]};
      const int samples = (x1 - x0) * (y1 - y0);
      uint64_t held = 0;
      for (int j = 0; j < 4; ++j) held += static_cast<uint64_t>(tables.entries(t[j]));
      const bool by_sample =
          in_words && samples <= bins_ && held >= 3 * static_cast<uint64_t>(grid_.tile_pixels());
      uint16_t* values = seen.values.data();
      int n = 0;
      if (by_sample) {
        for (int y = y0; y < y1; ++y) {
          const uint8_t* row = plane.data + y * plane.stride;
          if (words) {
            std::memcpy(values + n, row + 2 * x0, static_cast<size_t>(x1 - x0) * 2);
            n += x1 - x0;
            continue;
          }
          for (int x = x0; x < x1; ++x) values[n++] = static_cast<uint16_t>(codec.Read(row + 2 * x));
        }
      } else {
        if (++seen.id == 0) {  // wrapped: forget every region
          std::fill(seen.region.begin(), seen.region.end(), 0u);
          seen.id = 1;
        }
        const uint32_t id = seen.id;
        uint32_t* region = seen.region.data();
        // The region's distinct values.
        for (int y = y0; y < y1; ++y) {
          const uint8_t* row = plane.data + y * plane.stride;
          for (int x = x0; x < x1; ++x) {
            uint32_t v;
            if (words) {
              uint16_t w;
              std::memcpy(&w, row + 2 * x, 2);
              v = w;
            } else {
              v = codec.Read(row + static_cast<ptrdiff_t>(x) * step);
            }
            if (region[v] != id) {
              region[v] = id;
              values[n++] = static_cast<uint16_t>(v);
            }
          }
        }
      }
      // Their entries in the four tables (the same tile twice at the edges).
      if (s + 1 < spans() && span_right_[s + 1] != span_right_[s]) {
        tables.Fetch(band.top + span_right_[s + 1]);
        if (band.bottom != band.top) tables.Fetch(band.bottom + span_right_[s + 1]);
      }
      if (by_sample) {
        tables.Quads(t, values, n, quads);
        for (int y = y0; y < y1; ++y)
          InterpolateRowBySample(k, plane, s, y, (y - y0) * (x1 - x0), SplitAt(y, inv_th_).a, quads);
        continue;
      }
      uint64_t* packed = seen.quads.data();
      tables.Quads(t, values, n, packed);
      for (int i = 0; i < n; ++i) quads[values[i]] = packed[i];
      const kernels::Region8 region8 = {};
      for (int y = y0; y < y1; ++y)
        InterpolateRow(k, plane, s, y, y1, SplitAt(y, inv_th_).a, true, quads, region8);
    }
  }
}

template <typename T>
void TileInterpolator<T>::InterpolateRowBySample(const kernels::Kernels& k, const Plane& plane,
                                                 int s, int y, int first, float b,
                                                 const Quad* quads) const {
  if constexpr (sizeof(T) == 1) {
    (void)k, (void)plane, (void)s, (void)y, (void)first, (void)b, (void)quads;
  } else {
    // The row's quads lie in its samples' order from quads[first]: the
    // kernel blends them straight into plain words, or into a chunk of
    // words stored back at their shift.
    const int x0 = span_x_[s], width = span_x_[s + 1] - x0;
    const float b1 = 1.0f - b;
    uint8_t* row = plane.data + y * plane.stride + static_cast<ptrdiff_t>(x0) * 2;
    const Quad* q = quads + first;
    auto blend = [&](uint8_t* p, int x, int n) {
      const int at = x0 + x;
      k.interp16_in_order(p, n, kernels::Weights{a_.data() + at, a1_.data() + at, b1, b}, q + x);
    };
    if (PlainWords(plane)) {
      kernels::RunRow<2>(row, 2, width, k.interp16_block,
                         [&](uint8_t* p, int, int x, int n) { blend(p, x, n); });
      return;
    }
    const kernels::Codec c = CodecOf(plane.format);
    constexpr int kChunk = 256;
    alignas(64) uint16_t words[kChunk];
    for (int x = 0; x < width; x += kChunk) {
      const int n = std::min(kChunk, width - x);
      kernels::RunRow<2>(reinterpret_cast<uint8_t*>(words), 2, n, k.interp16_block,
                         [&](uint8_t* p, int, int xi, int m) { blend(p, x + xi, m); });
      StoreShifted(words, n, c, row + 2 * x);
    }
  }
}

template class TileInterpolator<uint8_t>;
template class TileInterpolator<uint16_t>;

}  // namespace histeq
