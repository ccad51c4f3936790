#include "histeq/rgb.h"

#include <cmath>
#include <cstring>

#include "equalizer_core.h"
#include "kernels/any.h"
#include "kernels/kernels.h"
#include "overlay.h"

namespace histeq {
namespace {

// The layout and the luma weights in 15-bit fixed point, summing to exactly
// 1 << 15 (15 bits so that they fit the signed 16-bit multipliers of the
// vector kernels; every kernel uses the very same numbers).
kernels::Rgb4 Layout(const RgbPlanes& pl, const LumaWeights& w) {
  const int r = static_cast<int>(std::lround(w.kr * 32768.0));
  const int b = static_cast<int>(std::lround(w.kb * 32768.0));
  return {pl.offset_r, pl.offset_g, pl.offset_b, r, 32768 - r - b, b};
}

// Packed 4 bytes a pixel with R, G and B at known offsets: the layout the
// luma4 and delta4 kernels take.
bool Packed4(const RgbPlanes& pl) {
  return pl.pixel_step == 4 && pl.offset_r >= 0 && pl.offset_g >= 0 && pl.offset_b >= 0 &&
         pl.offset_r + pl.offset_g + pl.offset_b <= 6;
}

// The luma of one packed row: the kernel over whole blocks, then over a
// block-sized copy of the last pixels (kernels/any.h), whose lumas are
// copied out.
void LumaRow4(const kernels::Kernels& k, const uint8_t* px, int width, const kernels::Rgb4& l,
              uint8_t* y) {
  const int block = k.rgb4_block;
  const int whole = width - width % block;
  if (whole > 0) k.luma4(px, whole, l, y);
  const int tail = width - whole;
  if (tail == 0) return;
  alignas(64) uint8_t pixels[4 * kernels::kMaxBlock] = {};
  uint8_t lumas[kernels::kMaxBlock];
  std::memcpy(pixels, px + 4 * whole, static_cast<size_t>(4 * tail));
  k.luma4(pixels, block, l, lumas);
  std::memcpy(y + whole, lumas, static_cast<size_t>(tail));
}

}  // namespace

void RgbEqualizerCore::SetThreads(int threads) { equalizer_.SetThreads(threads); }

bool RgbEqualizerCore::Process(const RgbPlanes& pl, int width, int height,
                               const LumaWeights& weights, const Params& params,
                               FrameReport* report) {
  if (width <= 0 || height <= 0) return false;
  const size_t n = static_cast<size_t>(width) * height;
  // Room for a kernel's block past the last pixel (kernels/any.h).
  y_.resize(n + kernels::kMaxBlock);
  l_.resize(n + kernels::kMaxBlock);

  const kernels::Kernels& k = kernels::Active();
  const kernels::Rgb4 layout = Layout(pl, weights);
  const bool packed = Packed4(pl);
  const int s = pl.pixel_step;
  ThreadPool* pool = equalizer_.pool();
  const int pieces = Pieces(pool, height);
  ForEach(pool, pieces, [&](int i) {
    int y0, y1;
    StripeRows(i, pieces, height, &y0, &y1);
    for (int y = y0; y < y1; ++y) {
      uint8_t* yl = &y_[static_cast<size_t>(y) * width];
      if (packed)
        LumaRow4(k, pl.r - pl.offset_r + y * pl.stride_r, width, layout, yl);
      else
        k.luma_any(pl.r + y * pl.stride_r, pl.g + y * pl.stride_g, pl.b + y * pl.stride_b, s,
                   width, layout, yl);
      std::memcpy(&l_[static_cast<size_t>(y) * width], yl, static_cast<size_t>(width));
    }
  });

  // The luma equalized as GRAY8, always full range (RGB is); the panel, if
  // asked for, goes into R, G and B below.
  Params p = params;
  p.range = Range::kFull;
  p.draw_histograms = false;
  p.report_output = params.report_output || params.draw_histograms;
  FrameReport local;
  FrameReport* r = report ? report : &local;
  const bool changed = equalizer_.Process(Plane::Gray8(l_.data(), width, width, height), p, r);

  if (changed) {
    ForEach(pool, pieces, [&](int i) {
      int y0, y1;
      StripeRows(i, pieces, height, &y0, &y1);
      for (int y = y0; y < y1; ++y) {
        const uint8_t* yl = &y_[static_cast<size_t>(y) * width];
        const uint8_t* ll = &l_[static_cast<size_t>(y) * width];
        if (packed) {
          kernels::RunRow<4>(pl.r - pl.offset_r + y * pl.stride_r, 4, width, k.rgb4_block,
                             [&](uint8_t* px, int, int x, int count) {
                               k.delta4(px, count, layout, yl + x, ll + x);
                             });
        } else {
          k.delta_any(pl.r + y * pl.stride_r, pl.g + y * pl.stride_g, pl.b + y * pl.stride_b, s,
                      width, yl, ll);
        }
      }
    });
  }
  if (params.draw_histograms) {
    uint8_t* const channels[3] = {pl.r, pl.g, pl.b};
    const ptrdiff_t strides[3] = {pl.stride_r, pl.stride_g, pl.stride_b};
    for (int c = 0; c < 3; ++c) {
      Plane plane = Plane::Gray8(channels[c], strides[c], width, height);
      plane.pixel_step = s;
      DrawHistogramOverlay(plane, r->histogram_in, r->histogram_out, r->bins);
    }
  }
  return changed;
}

RgbEqualizer::RgbEqualizer() : core_(new RgbEqualizerCore) {}
RgbEqualizer::~RgbEqualizer() = default;
RgbEqualizer::RgbEqualizer(RgbEqualizer&&) noexcept = default;
RgbEqualizer& RgbEqualizer::operator=(RgbEqualizer&&) noexcept = default;

bool RgbEqualizer::Process(const RgbPlanes& planes, int width, int height,
                           const LumaWeights& weights, const Params& params,
                           FrameReport* report) {
  return core_->Process(planes, width, height, weights, params, report);
}
void RgbEqualizer::Reset() { core_->Reset(); }
void RgbEqualizer::SetThreads(int threads) { core_->SetThreads(threads); }
int RgbEqualizer::threads() const { return core_->threads(); }

}  // namespace histeq
