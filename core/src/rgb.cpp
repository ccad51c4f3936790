#include "histeq/rgb.h"

#include <cmath>
#include <cstring>

#include "histeq/simd.h"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HISTEQ_RGB_SSE2 1
#endif

namespace histeq {
namespace {

// Luma weights in 15-bit fixed point, summing to exactly 1 << 15 (15 bits so
// that they fit the signed 16-bit multipliers of the vector path; the scalar
// path uses the very same numbers, so both give the same bytes).
struct Weights15 {
  int r, g, b;
};

Weights15 ToFixed(const LumaWeights& w) {
  const int r = static_cast<int>(std::lround(w.kr * 32768.0));
  const int b = static_cast<int>(std::lround(w.kb * 32768.0));
  return {r, 32768 - r - b, b};
}

inline uint8_t Luma(const Weights15& w, int r, int g, int b) {
  return static_cast<uint8_t>((w.r * r + w.g * g + w.b * b + 16384) >> 15);
}

inline uint8_t Clamp8(int v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

// A packed 4-byte layout the vector path can take.
bool Packed4(const RgbPlanes& pl) {
  return ActiveSimd() >= SimdLevel::kSse2 && pl.pixel_step == 4 && pl.offset_r >= 0 && pl.offset_g >= 0 && pl.offset_b >= 0 &&
         pl.offset_r + pl.offset_g + pl.offset_b <= 6;
}

// x from which the scalar tail of a row starts after the vector part.
int LumaRowVector(const RgbPlanes& pl, const Weights15& w, int y, int width, uint8_t* out) {
#ifdef HISTEQ_RGB_SSE2
  if (!Packed4(pl)) return 0;
  const uint8_t* px = pl.r - pl.offset_r + y * pl.stride_r;
  const __m128i bytes = _mm_set1_epi32(0xff);
  const __m128i cr = _mm_cvtsi32_si128(8 * pl.offset_r);
  const __m128i cg = _mm_cvtsi32_si128(8 * pl.offset_g);
  const __m128i cb = _mm_cvtsi32_si128(8 * pl.offset_b);
  const __m128i wrg = _mm_set1_epi32(w.r | (w.g << 16));  // pairs (R, G)
  const __m128i wb = _mm_set1_epi32(w.b);                 // pairs (B, 0)
  const __m128i half = _mm_set1_epi32(16384);
  int x = 0;
  for (; x + 4 <= width; x += 4) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(px + 4 * x));
    const __m128i r = _mm_and_si128(_mm_srl_epi32(v, cr), bytes);
    const __m128i g = _mm_and_si128(_mm_srl_epi32(v, cg), bytes);
    const __m128i b = _mm_and_si128(_mm_srl_epi32(v, cb), bytes);
    const __m128i rg = _mm_or_si128(r, _mm_slli_epi32(g, 16));
    __m128i sum = _mm_add_epi32(_mm_madd_epi16(rg, wrg), _mm_madd_epi16(b, wb));
    sum = _mm_srli_epi32(_mm_add_epi32(sum, half), 15);
    sum = _mm_packs_epi32(sum, sum);
    sum = _mm_packus_epi16(sum, sum);
    const uint32_t four = static_cast<uint32_t>(_mm_cvtsi128_si32(sum));
    std::memcpy(out + x, &four, 4);
  }
  return x;
#else
  (void)pl, (void)w, (void)y, (void)width, (void)out;
  return 0;
#endif
}

int DeltaRowVector(const RgbPlanes& pl, int y, int width, const uint8_t* yl, const uint8_t* ll) {
#ifdef HISTEQ_RGB_SSE2
  if (!Packed4(pl)) return 0;
  uint8_t* px = pl.r - pl.offset_r + y * pl.stride_r;
  // Zero in the byte of each pixel that is neither R, G nor B.
  const int other = 6 - pl.offset_r - pl.offset_g - pl.offset_b;
  const __m128i keep = _mm_set1_epi32(static_cast<int>(~(0xffu << (8 * other))));
  int x = 0;
  for (; x + 4 <= width; x += 4) {
    uint32_t y4, l4;
    std::memcpy(&y4, yl + x, 4);
    std::memcpy(&l4, ll + x, 4);
    const __m128i vy = _mm_cvtsi32_si128(static_cast<int>(y4));
    const __m128i vl = _mm_cvtsi32_si128(static_cast<int>(l4));
    // Each pixel's delta as a positive and a negative part, one of them
    // zero, spread to the four bytes of its pixel.
    __m128i up = _mm_subs_epu8(vl, vy), down = _mm_subs_epu8(vy, vl);
    up = _mm_unpacklo_epi8(up, up);
    up = _mm_and_si128(_mm_unpacklo_epi16(up, up), keep);
    down = _mm_unpacklo_epi8(down, down);
    down = _mm_and_si128(_mm_unpacklo_epi16(down, down), keep);
    __m128i* p = reinterpret_cast<__m128i*>(px + 4 * x);
    const __m128i v = _mm_loadu_si128(p);
    _mm_storeu_si128(p, _mm_subs_epu8(_mm_adds_epu8(v, up), down));
  }
  return x;
#else
  (void)pl, (void)y, (void)width, (void)yl, (void)ll;
  return 0;
#endif
}

}  // namespace

bool RgbEqualizer::Process(const RgbPlanes& pl, int width, int height,
                           const LumaWeights& weights, const Params& params,
                           FrameReport* report) {
  if (width <= 0 || height <= 0) return false;
  const size_t n = static_cast<size_t>(width) * height;
  y_.resize(n);
  l_.resize(n);

  const Weights15 w = ToFixed(weights);
  const int s = pl.pixel_step;
  const int pieces = Pieces(pool_, height);
  ForEach(pool_, pieces, [&](int i) {
    int y0, y1;
    StripeRows(i, pieces, height, &y0, &y1);
    for (int y = y0; y < y1; ++y) {
      const uint8_t* r = pl.r + y * pl.stride_r;
      const uint8_t* g = pl.g + y * pl.stride_g;
      const uint8_t* b = pl.b + y * pl.stride_b;
      uint8_t* yl = &y_[static_cast<size_t>(y) * width];
      for (int x = LumaRowVector(pl, w, y, width, yl); x < width; ++x)
        yl[x] = Luma(w, r[x * s], g[x * s], b[x * s]);
      std::memcpy(&l_[static_cast<size_t>(y) * width], yl, static_cast<size_t>(width));
    }
  });

  Params p = params;
  p.range = Range::kFull;
  if (!equalizer_.Process(l_.data(), width, width, height, 1, p, report)) return false;

  ForEach(pool_, pieces, [&](int i) {
    int y0, y1;
    StripeRows(i, pieces, height, &y0, &y1);
    for (int y = y0; y < y1; ++y) {
      uint8_t* r = pl.r + y * pl.stride_r;
      uint8_t* g = pl.g + y * pl.stride_g;
      uint8_t* b = pl.b + y * pl.stride_b;
      const uint8_t* yl = &y_[static_cast<size_t>(y) * width];
      const uint8_t* ll = &l_[static_cast<size_t>(y) * width];
      for (int x = DeltaRowVector(pl, y, width, yl, ll); x < width; ++x) {
        const int d = ll[x] - yl[x];
        r[x * s] = Clamp8(r[x * s] + d);
        g[x * s] = Clamp8(g[x * s] + d);
        b[x * s] = Clamp8(b[x * s] + d);
      }
    }
  });
  return true;
}

}  // namespace histeq
