#include "histeq/clahe.h"

namespace histeq {

void Clahe::Apply(uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                  const ClaheParams& params, Range range, double strength,
                  const SampleFormat& format) {
  if (width <= 0 || height <= 0 || params.tiles_x < 1 || params.tiles_y < 1)
    return;
  ComputeHistograms(data, stride, step, format,
                    TileGrid::Make(width, height, params.tiles_x, params.tiles_y));
  BuildLuts(params.clip_limit, range, strength);
  Interpolate(data, stride, step);
}

int Clahe::Stripes(int items) const {
  const int threads = pool_ ? pool_->size() : 1;
  return items < threads ? items : threads;
}

void Clahe::ComputeHistograms(const uint8_t* data, ptrdiff_t stride, int step,
                              const SampleFormat& format, const TileGrid& grid,
                              uint32_t* frame_hist) {
  format_ = format;
  grid_ = grid;
  const size_t bins = static_cast<size_t>(format.bins());
  const size_t entries = static_cast<size_t>(grid.tiles()) * bins;
  hists_.resize(entries);
  if (format.depth > 8)
    luts16_.resize(entries + 1);  // a spare entry for the interpolation's gathers
  else
    luts8_.resize(entries);
  histogrammer_.Prepare(grid);
  const int stripes = Stripes(grid.tiles_y);
  if (stripes == 1) {
    histogrammer_.Compute(data, stride, step, format, grid, hists_.data(), frame_hist);
    return;
  }
  // Each stripe of tile rows counts its share of the frame on its own; the
  // shares add up to the same counts in any order.
  partial_frame_hists_.resize(static_cast<size_t>(stripes) * bins);
  ForEach(pool_, stripes, [&](int i) {
    int begin, end;
    StripeRows(i, stripes, grid.tiles_y, &begin, &end);
    histogrammer_.Compute(data, stride, step, format, grid, hists_.data(),
                          &partial_frame_hists_[static_cast<size_t>(i) * bins], begin, end);
  });
  if (frame_hist) {
    for (size_t v = 0; v < bins; ++v) {
      uint32_t sum = 0;
      for (int i = 0; i < stripes; ++i) sum += partial_frame_hists_[static_cast<size_t>(i) * bins + v];
      frame_hist[v] = sum;
    }
  }
}

template <typename T>
void Clahe::BuildLutsT(std::vector<T>& luts, const double* distributions,
                       double clip_limit, Range range, double strength) {
  const int bins = format_.bins();
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount(clip_limit, pixels, bins);
  const int tiles = grid_.tiles();
  const int stripes = Stripes(tiles);
  ForEach(pool_, stripes, [&](int i) {
    int begin, end;
    StripeRows(i, stripes, tiles, &begin, &end);
    for (int t = begin; t < end; ++t) {
      const size_t at = static_cast<size_t>(t) * bins;
      T* lut = &luts[at];
      if (distributions) {
        BuildCdfLutSmoothed(distributions + at, bins, pixels, limit, lut);
      } else {
        uint32_t* hist = &hists_[at];
        if (limit > 0) ClipHistogram(hist, bins, limit);
        BuildCdfLut(hist, bins, pixels, lut);
      }
      FinishLut(lut, bins, range, strength);
    }
  });
}

void Clahe::BuildLuts(double clip_limit, Range range, double strength) {
  BuildLutsFromDistributions(nullptr, clip_limit, range, strength);
}

void Clahe::BuildLutsFromDistributions(const double* distributions, double clip_limit,
                                       Range range, double strength) {
  if (format_.depth > 8)
    BuildLutsT(luts16_, distributions, clip_limit, range, strength);
  else
    BuildLutsT(luts8_, distributions, clip_limit, range, strength);
}

void Clahe::Interpolate(uint8_t* data, ptrdiff_t stride, int step) {
  const int stripes = Stripes(grid_.height);
  if (format_.depth > 8)
    interpolator_wide_.Prepare(grid_, format_.bins());
  else
    interpolator8_.Prepare(grid_, stripes);
  ForEach(pool_, stripes, [&](int i) {
    int begin, end;
    StripeRows(i, stripes, grid_.height, &begin, &end);
    if (format_.depth > 8)
      interpolator_wide_.ApplyRows(data, stride, step, format_, luts16_.data(), begin, end);
    else
      interpolator8_.ApplyRows(data, stride, step, luts8_.data(), begin, end, i);
  });
}

}  // namespace histeq
