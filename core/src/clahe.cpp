#include "histeq/clahe.h"

namespace histeq {

void Clahe8::Apply(uint8_t* data, ptrdiff_t stride, int width, int height,
                   int step, const ClaheParams& params, Range range,
                   double strength) {
  if (width <= 0 || height <= 0 || params.tiles_x < 1 || params.tiles_y < 1)
    return;
  ComputeHistograms(data, stride, step,
                    TileGrid::Make(width, height, params.tiles_x, params.tiles_y));
  BuildLuts(params.clip_limit, range, strength);
  Interpolate(data, stride, step);
}

void Clahe8::ComputeHistograms(const uint8_t* data, ptrdiff_t stride, int step,
                               const TileGrid& grid, uint32_t* frame_hist) {
  grid_ = grid;
  const size_t entries = static_cast<size_t>(grid.tiles()) * kBins8;
  hists_.resize(entries);
  luts_.resize(entries);
  histogrammer_.Compute(data, stride, step, grid, hists_.data(), frame_hist);
}

void Clahe8::BuildLuts(double clip_limit, Range range, double strength) {
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount8(clip_limit, pixels);
  for (int t = 0; t < grid_.tiles(); ++t) {
    uint32_t* hist = &hists_[static_cast<size_t>(t) * kBins8];
    uint8_t* lut = &luts_[static_cast<size_t>(t) * kBins8];
    if (limit > 0) ClipHistogram8(hist, limit);
    BuildCdfLut8(hist, pixels, lut);
    FinishLut8(lut, range, strength);
  }
}

void Clahe8::BuildLutsFromDistributions(const double* distributions,
                                        double clip_limit, Range range,
                                        double strength) {
  const uint64_t pixels = grid_.tile_pixels();
  const uint32_t limit = ClipLimitCount8(clip_limit, pixels);
  for (int t = 0; t < grid_.tiles(); ++t) {
    uint8_t* lut = &luts_[static_cast<size_t>(t) * kBins8];
    BuildCdfLutSmoothed8(distributions + static_cast<size_t>(t) * kBins8, pixels, limit, lut);
    FinishLut8(lut, range, strength);
  }
}

void Clahe8::Interpolate(uint8_t* data, ptrdiff_t stride, int step) {
  interpolator_.Apply(data, stride, step, grid_, luts_.data());
}

}  // namespace histeq
