#include "histeq/rgb.h"

#include <cmath>

namespace histeq {
namespace {

inline uint8_t Clamp8(int v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

}  // namespace

bool RgbEqualizer::Process(const RgbPlanes& pl, int width, int height,
                           const LumaWeights& w, const Params& params,
                           FrameReport* report) {
  if (width <= 0 || height <= 0) return false;
  const size_t n = static_cast<size_t>(width) * height;
  y_.resize(n);
  l_.resize(n);

  // Luma in 16-bit fixed point; the weights sum to exactly 1 << 16.
  const int wr = static_cast<int>(std::lround(w.kr * 65536.0));
  const int wb = static_cast<int>(std::lround(w.kb * 65536.0));
  const int wg = 65536 - wr - wb;
  const int s = pl.pixel_step;
  for (int y = 0; y < height; ++y) {
    const uint8_t* r = pl.r + y * pl.stride_r;
    const uint8_t* g = pl.g + y * pl.stride_g;
    const uint8_t* b = pl.b + y * pl.stride_b;
    uint8_t* yl = &y_[static_cast<size_t>(y) * width];
    for (int x = 0; x < width; ++x)
      yl[x] = static_cast<uint8_t>((wr * r[x * s] + wg * g[x * s] + wb * b[x * s] + 32768) >> 16);
  }
  l_ = y_;

  Params p = params;
  p.range = Range::kFull;
  if (!equalizer_.Process(l_.data(), width, width, height, 1, p, report)) return false;

  for (int y = 0; y < height; ++y) {
    uint8_t* r = pl.r + y * pl.stride_r;
    uint8_t* g = pl.g + y * pl.stride_g;
    uint8_t* b = pl.b + y * pl.stride_b;
    const uint8_t* yl = &y_[static_cast<size_t>(y) * width];
    const uint8_t* ll = &l_[static_cast<size_t>(y) * width];
    for (int x = 0; x < width; ++x) {
      const int d = ll[x] - yl[x];
      if (d == 0) continue;
      r[x * s] = Clamp8(r[x * s] + d);
      g[x * s] = Clamp8(g[x * s] + d);
      b[x * s] = Clamp8(b[x * s] + d);
    }
  }
  return true;
}

}  // namespace histeq
