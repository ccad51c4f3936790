#include "histeq/clahe.h"

namespace histeq {

void Clahe8::Apply(uint8_t* data, ptrdiff_t stride, int width, int height,
                   int step, const ClaheParams& params, Range range,
                   double strength) {
  if (width <= 0 || height <= 0 || params.tiles_x < 1 || params.tiles_y < 1)
    return;
  const TileGrid grid =
      TileGrid::Make(width, height, params.tiles_x, params.tiles_y);
  const size_t entries = static_cast<size_t>(grid.tiles()) * kBins8;
  hists_.resize(entries);
  luts_.resize(entries);

  histogrammer_.Compute(data, stride, step, grid, hists_.data());
  const uint64_t pixels = grid.tile_pixels();
  const uint32_t limit = ClipLimitCount8(params.clip_limit, pixels);
  for (int t = 0; t < grid.tiles(); ++t) {
    uint32_t* hist = &hists_[static_cast<size_t>(t) * kBins8];
    uint8_t* lut = &luts_[static_cast<size_t>(t) * kBins8];
    if (limit > 0) ClipHistogram8(hist, limit);
    BuildCdfLut8(hist, pixels, lut);
    FinishLut8(lut, range, strength);
  }
  interpolator_.Apply(data, stride, step, grid, luts_.data());
}

}  // namespace histeq
