// SSE2 kernels (the x86-64 baseline): the 8-bit interpolation four samples
// at a time and the packed RGB luma and delta. The float operations are the
// scalar kernels' own, in their order.
#include <emmintrin.h>

#include <cstring>

#include "kernels/kernels.h"

namespace histeq {
namespace kernels {
namespace {

// Four samples' interpolated values from their packed quads, rounded half
// to even (cvtps2dq) and saturated to 0..255 by packing.
inline uint32_t Interpolate4(__m128i q, const Weights& w, int x) {
  const __m128i bytes = _mm_set1_epi32(0xff);
  const __m128 tl = _mm_cvtepi32_ps(_mm_and_si128(q, bytes));
  const __m128 tr = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 8), bytes));
  const __m128 bl = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 16), bytes));
  const __m128 br = _mm_cvtepi32_ps(_mm_srli_epi32(q, 24));
  const __m128 va = _mm_loadu_ps(w.a + x), va1 = _mm_loadu_ps(w.a1 + x);
  const __m128 top = _mm_add_ps(_mm_mul_ps(tl, va1), _mm_mul_ps(tr, va));
  const __m128 bottom = _mm_add_ps(_mm_mul_ps(bl, va1), _mm_mul_ps(br, va));
  const __m128 res = _mm_add_ps(_mm_mul_ps(top, _mm_set1_ps(w.b1)), _mm_mul_ps(bottom, _mm_set1_ps(w.b)));
  __m128i r = _mm_cvtps_epi32(res);
  r = _mm_packs_epi32(r, r);
  r = _mm_packus_epi16(r, r);
  return static_cast<uint32_t>(_mm_cvtsi128_si32(r));
}

void Interp8Strided(uint8_t* p, int step, int n, const Weights& w, const Region8& r) {
  const uint32_t* quads = r.quads;
  for (int x = 0; x < n; x += 4) {
    const __m128i q = _mm_set_epi32(static_cast<int>(quads[p[(x + 3) * step]]),
                                    static_cast<int>(quads[p[(x + 2) * step]]),
                                    static_cast<int>(quads[p[(x + 1) * step]]),
                                    static_cast<int>(quads[p[x * step]]));
    const uint32_t four = Interpolate4(q, w, x);
    p[x * step] = static_cast<uint8_t>(four);
    p[(x + 1) * step] = static_cast<uint8_t>(four >> 8);
    p[(x + 2) * step] = static_cast<uint8_t>(four >> 16);
    p[(x + 3) * step] = static_cast<uint8_t>(four >> 24);
  }
}

void Interp8(uint8_t* p, int n, const Weights& w, const Region8& r) {
  const uint32_t* quads = r.quads;
  for (int x = 0; x < n; x += 4) {
    const __m128i q = _mm_set_epi32(static_cast<int>(quads[p[x + 3]]),
                                    static_cast<int>(quads[p[x + 2]]),
                                    static_cast<int>(quads[p[x + 1]]), static_cast<int>(quads[p[x]]));
    const uint32_t four = Interpolate4(q, w, x);
    std::memcpy(p + x, &four, 4);
  }
}

// Four pixels of 4 bytes at a time: each channel shifted down to its
// byte's place, multiplied in pairs (R, G) and (B, 0) by the weights
// (pmaddwd), rounded, shifted down by 15.
void Luma4(const uint8_t* px, int n, const Rgb4& l, uint8_t* y) {
  const __m128i bytes = _mm_set1_epi32(0xff);
  const __m128i cr = _mm_cvtsi32_si128(8 * l.offset_r);
  const __m128i cg = _mm_cvtsi32_si128(8 * l.offset_g);
  const __m128i cb = _mm_cvtsi32_si128(8 * l.offset_b);
  const __m128i wrg = _mm_set1_epi32(l.wr | (l.wg << 16));  // pairs (R, G)
  const __m128i wb = _mm_set1_epi32(l.wb);                  // pairs (B, 0)
  const __m128i half = _mm_set1_epi32(16384);
  for (int x = 0; x < n; x += 4) {
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
    std::memcpy(y + x, &four, 4);
  }
}

// Each pixel's delta as a positive and a negative part (one of them zero),
// spread to the bytes of its pixel but the one that is neither R, G nor B,
// added and subtracted with saturation.
void Delta4(uint8_t* px, int n, const Rgb4& l, const uint8_t* y, const uint8_t* lum) {
  const int other = 6 - l.offset_r - l.offset_g - l.offset_b;
  const __m128i keep = _mm_set1_epi32(static_cast<int>(~(0xffu << (8 * other))));
  for (int x = 0; x < n; x += 4) {
    uint32_t y4, l4;
    std::memcpy(&y4, y + x, 4);
    std::memcpy(&l4, lum + x, 4);
    const __m128i vy = _mm_cvtsi32_si128(static_cast<int>(y4));
    const __m128i vl = _mm_cvtsi32_si128(static_cast<int>(l4));
    __m128i up = _mm_subs_epu8(vl, vy), down = _mm_subs_epu8(vy, vl);
    up = _mm_unpacklo_epi8(up, up);
    up = _mm_and_si128(_mm_unpacklo_epi16(up, up), keep);
    down = _mm_unpacklo_epi8(down, down);
    down = _mm_and_si128(_mm_unpacklo_epi16(down, down), keep);
    __m128i* q = reinterpret_cast<__m128i*>(px + 4 * x);
    const __m128i v = _mm_loadu_si128(q);
    _mm_storeu_si128(q, _mm_subs_epu8(_mm_adds_epu8(v, up), down));
  }
}

}  // namespace

void FillSse2(Kernels* k) {
  k->level = SimdLevel::kSse2;
  k->interp8 = Interp8;
  k->interp8_block = 4;
  k->interp8_strided = Interp8Strided;
  k->interp8_strided_block = 4;
  k->luma4 = Luma4;
  k->delta4 = Delta4;
  k->rgb4_block = 4;
}

}  // namespace kernels
}  // namespace histeq
