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

void Clahe::ComputeHistograms(const uint8_t* data, ptrdiff_t stride, int step,
                              const SampleFormat& format, const TileGrid& grid,
                              uint32_t* frame_hist) {
  format_ = format;
  grid_ = grid;
  const size_t entries = static_cast<size_t>(grid.tiles()) * format.bins();
  hists_.resize(entries);
  if (format.depth > 8)
    luts16_.resize(entries);
  else
    luts8_.resize(entries);
  histogrammer_.Compute(data, stride, step, format, grid, hists_.data(), frame_hist);
}

template <typename T>
void Clahe::BuildLutsT(std::vector<T>& luts, const double* distributions,
                       double clip_limit, Range range, double strength) {
  const int bins = format_.bins();
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount(clip_limit, pixels, bins);
  for (int t = 0; t < grid_.tiles(); ++t) {
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
  if (format_.depth > 8)
    interpolator_wide_.Apply(data, stride, step, format_, grid_, luts16_.data());
  else
    interpolator8_.Apply(data, stride, step, grid_, luts8_.data());
}

}  // namespace histeq
