// Bit-exactness with OpenCV depends on evaluating the float expressions
// exactly as written: no fused multiply-add (meson builds this file with
// -ffp-contract=off), single precision throughout, and the SSE2 path doing
// the very same operations in the same order as the scalar one.
#include "histeq/interpolate.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "histeq/sample.h"
#include "round.h"
#include "splits.h"

#include "histeq/simd.h"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HISTEQ_INTERPOLATE_SSE2 1
#endif
#include "x86.h"

namespace histeq {
namespace {

// The interpolated value of one sample from its packed quad of table values.
inline float Blend(uint32_t q, float a1, float a, float b1, float b) {
  const float tl = static_cast<float>(q & 0xff), tr = static_cast<float>((q >> 8) & 0xff);
  const float bl = static_cast<float>((q >> 16) & 0xff), br = static_cast<float>(q >> 24);
  return (tl * a1 + tr * a) * b1 + (bl * a1 + br * a) * b;
}

#ifdef HISTEQ_X86
// Eight samples at a time: the same operations as the SSE2 and scalar paths,
// in the same order, without FMA (no "fma" target), so the same bytes.
// Returns where the scalar tail starts.
template <int kStep>
HISTEQ_TARGET_AVX2 int InterpolateRowAvx2(uint8_t* p, int width, int step,
                                                      const int* span, const float* a,
                                                      const float* a1, const uint32_t* quads,
                                                      float b1, float b) {
  const int s = kStep > 0 ? kStep : step;
  const __m256i bytes = _mm256_set1_epi32(0xff);
  const __m256 vb = _mm256_set1_ps(b), vb1 = _mm256_set1_ps(b1);
  int x = 0;
  for (; x + 8 <= width; x += 8) {
    // Built from registers: eight stores and one wide load would stall on
    // store forwarding.
    auto quad = [&](int k) { return static_cast<int>(quads[span[x + k] + p[(x + k) * s]]); };
    const __m256i v = _mm256_setr_epi32(quad(0), quad(1), quad(2), quad(3), quad(4), quad(5),
                                        quad(6), quad(7));
    const __m256 tl = _mm256_cvtepi32_ps(_mm256_and_si256(v, bytes));
    const __m256 tr = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(v, 8), bytes));
    const __m256 bl = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(v, 16), bytes));
    const __m256 br = _mm256_cvtepi32_ps(_mm256_srli_epi32(v, 24));
    const __m256 va = _mm256_loadu_ps(a + x), va1 = _mm256_loadu_ps(a1 + x);
    const __m256 top = _mm256_add_ps(_mm256_mul_ps(tl, va1), _mm256_mul_ps(tr, va));
    const __m256 bottom = _mm256_add_ps(_mm256_mul_ps(bl, va1), _mm256_mul_ps(br, va));
    const __m256 res = _mm256_add_ps(_mm256_mul_ps(top, vb1), _mm256_mul_ps(bottom, vb));
    const __m256i r = _mm256_cvtps_epi32(res);  // round half to even
    const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    const uint64_t eight = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(r16, r16)));
    if (s == 1) {
      std::memcpy(p + x, &eight, 8);
    } else {
      for (int k = 0; k < 8; ++k) p[(x + k) * s] = static_cast<uint8_t>(eight >> (8 * k));
    }
  }
  return x;
}
#endif

#ifdef HISTEQ_X86
// A 256-entry byte table in four registers, looked up for 64 indices:
// vpermi2b does entries 0-127 and 128-255 (index bit 6 picks the register
// of a pair), bit 7 picks the pair.
struct Table256 {
  __m512i q0, q1, q2, q3;
};

HISTEQ_TARGET_AVX512 inline Table256 LoadTable(const uint8_t* t) {
  return {_mm512_loadu_si512(t), _mm512_loadu_si512(t + 64), _mm512_loadu_si512(t + 128),
          _mm512_loadu_si512(t + 192)};
}

HISTEQ_TARGET_AVX512 inline __m512i LookUp(const Table256& t, __m512i v, __mmask64 high) {
  return _mm512_mask_blend_epi8(high, _mm512_permutex2var_epi8(t.q0, v, t.q1),
                                _mm512_permutex2var_epi8(t.q2, v, t.q3));
}

// Dword k of `spread` holds an index i in its low byte, zero above: with
// only the low bytes kept, permutexvar_epi8 gives dword k = bytes[i], as a
// float.
HISTEQ_TARGET_AVX512 inline __m512 Widen(__m512i bytes, __m512i spread) {
  return _mm512_cvtepi32_ps(
      _mm512_maskz_permutexvar_epi8(0x1111111111111111ull, spread, bytes));
}

// One span of a planar row (columns [x0, x1) between the same tile
// centres), 64 samples at a time: the four tables looked up in registers,
// no packed quads; then, 16 samples a group, the same float operations in
// the same order as the scalar path. The last block is masked (no read or
// write past x1).
HISTEQ_TARGET_AVX512 void InterpolateSpanAvx512(uint8_t* p, int x0, int x1, const uint8_t* tl_lut,
                                                const uint8_t* tr_lut, const uint8_t* bl_lut,
                                                const uint8_t* br_lut, const float* a,
                                                const float* a1, float b1, float b) {
  const Table256 ttl = LoadTable(tl_lut), ttr = LoadTable(tr_lut);
  const Table256 tbl = LoadTable(bl_lut), tbr = LoadTable(br_lut);
  const __m512 vb = _mm512_set1_ps(b), vb1 = _mm512_set1_ps(b1);
  // Group g: dword k from byte 16 g + k.
  const __m512i k16 = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i spread[4] = {k16, _mm512_add_epi32(k16, _mm512_set1_epi32(16)),
                             _mm512_add_epi32(k16, _mm512_set1_epi32(32)),
                             _mm512_add_epi32(k16, _mm512_set1_epi32(48))};
  // After packing, dword lanes come out in the order 0 4 8 12 1 5 9 13 ...
  const __m512i unpack = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  for (int x = x0; x < x1; x += 64) {
    const int n = x1 - x < 64 ? x1 - x : 64;
    const __mmask64 m = n == 64 ? ~0ull : (1ull << n) - 1;
    const __m512i v = _mm512_maskz_loadu_epi8(m, p + x);
    const __mmask64 high = _mm512_movepi8_mask(v);
    const __m512i tl = LookUp(ttl, v, high), tr = LookUp(ttr, v, high);
    const __m512i bl = LookUp(tbl, v, high), br = LookUp(tbr, v, high);
    __m512i r[4];
    for (int g = 0; g < 4; ++g) {
      const __mmask16 gm = static_cast<__mmask16>(m >> (16 * g));
      const __m512 ftl = Widen(tl, spread[g]), ftr = Widen(tr, spread[g]);
      const __m512 fbl = Widen(bl, spread[g]), fbr = Widen(br, spread[g]);
      const __m512 va = _mm512_maskz_loadu_ps(gm, a + x + 16 * g);
      const __m512 va1 = _mm512_maskz_loadu_ps(gm, a1 + x + 16 * g);
      const __m512 top = _mm512_add_ps(_mm512_mul_ps(ftl, va1), _mm512_mul_ps(ftr, va));
      const __m512 bottom = _mm512_add_ps(_mm512_mul_ps(fbl, va1), _mm512_mul_ps(fbr, va));
      const __m512 res = _mm512_add_ps(_mm512_mul_ps(top, vb1), _mm512_mul_ps(bottom, vb));
      r[g] = _mm512_cvtps_epi32(res);  // round half to even
    }
    // The blend of values 0..255 stays in 0..255: pack the 64 results into
    // one register and store them at once (four partial stores would make
    // the next block's load wait for them).
    const __m512i words01 = _mm512_packus_epi32(r[0], r[1]), words23 = _mm512_packus_epi32(r[2], r[3]);
    const __m512i out = _mm512_permutexvar_epi32(unpack, _mm512_packus_epi16(words01, words23));
    _mm512_mask_storeu_epi8(p + x, m, out);
  }
}
#endif

// Span s (the columns between tile centres s - 1 and s, 0 .. tiles_x): the
// offsets, within a row of tile tables, of its left and right tiles' tables
// (clamped at the edges).
inline void SpanTables(int span, int tiles_x, int* left, int* right) {
  *left = std::max(span - 1, 0) * kBins8;
  *right = std::min(span, tiles_x - 1) * kBins8;
}

// One row: every sample through its span's quad table.
template <int kStep>
void InterpolateRow(uint8_t* p, int width, int step, const int* span, const float* a,
                    const float* a1, const uint32_t* quads, float b1, float b, bool vector,
                    bool avx2) {
  const int s = kStep > 0 ? kStep : step;
  int x = 0;
#ifdef HISTEQ_X86
  if (avx2) x = InterpolateRowAvx2<kStep>(p, width, step, span, a, a1, quads, b1, b);
#else
  (void)avx2;
#endif
#ifdef HISTEQ_INTERPOLATE_SSE2
  const int vector_end = vector ? width : 0;
  const __m128i bytes = _mm_set1_epi32(0xff);
  const __m128 vb = _mm_set1_ps(b), vb1 = _mm_set1_ps(b1);
  for (x = vector ? x : 0; x + 4 <= vector_end; x += 4) {
    const __m128i q = _mm_set_epi32(
        static_cast<int>(quads[span[x + 3] + p[(x + 3) * s]]),
        static_cast<int>(quads[span[x + 2] + p[(x + 2) * s]]),
        static_cast<int>(quads[span[x + 1] + p[(x + 1) * s]]),
        static_cast<int>(quads[span[x] + p[x * s]]));
    const __m128 tl = _mm_cvtepi32_ps(_mm_and_si128(q, bytes));
    const __m128 tr = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 8), bytes));
    const __m128 bl = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 16), bytes));
    const __m128 br = _mm_cvtepi32_ps(_mm_srli_epi32(q, 24));
    const __m128 va = _mm_loadu_ps(a + x), va1 = _mm_loadu_ps(a1 + x);
    const __m128 top = _mm_add_ps(_mm_mul_ps(tl, va1), _mm_mul_ps(tr, va));
    const __m128 bottom = _mm_add_ps(_mm_mul_ps(bl, va1), _mm_mul_ps(br, va));
    const __m128 res = _mm_add_ps(_mm_mul_ps(top, vb1), _mm_mul_ps(bottom, vb));
    // Round half to even (cvtps2dq), saturate to 0..255 by packing.
    __m128i r = _mm_cvtps_epi32(res);
    r = _mm_packs_epi32(r, r);
    r = _mm_packus_epi16(r, r);
    const uint32_t four = static_cast<uint32_t>(_mm_cvtsi128_si32(r));
    if (s == 1) {
      std::memcpy(p + x, &four, 4);
    } else {
      p[x * s] = static_cast<uint8_t>(four);
      p[(x + 1) * s] = static_cast<uint8_t>(four >> 8);
      p[(x + 2) * s] = static_cast<uint8_t>(four >> 16);
      p[(x + 3) * s] = static_cast<uint8_t>(four >> 24);
    }
  }
#else
  (void)vector;
#endif
  for (; x < width; ++x) {
    uint8_t& v = p[x * s];
    v = SaturateRound8(Blend(quads[span[x] + v], a1[x], a[x], b1, b));
  }
}

}  // namespace

void TileInterpolator8::Prepare(const TileGrid& g, int slots) {
  if (static_cast<int>(quads_.size()) < slots) quads_.resize(static_cast<size_t>(slots));
  for (auto& q : quads_) q.resize(static_cast<size_t>(g.tiles_x + 1) * kBins8);
  if (grid_ == g) return;
  grid_ = g;
  ColumnSplits(g, &span_, &a_, &a1_);
  for (int& span : span_) span = (span + 1) * kBins8;  // spans 0 .. tiles_x
  span_x_.assign(1, 0);
  for (int x = 1; x < g.width; ++x)
    if (span_[x] != span_[x - 1]) span_x_.push_back(x);
  span_x_.push_back(g.width);
}

void TileInterpolator8::BuildBand(const uint8_t* luts, int top, int bottom,
                                  uint32_t* quads) const {
  const size_t row = static_cast<size_t>(grid_.tiles_x) * kBins8;
  const uint8_t* t = luts + top * row;
  const uint8_t* b = luts + bottom * row;
  for (int span = 0; span <= grid_.tiles_x; ++span) {
    int left, right;
    SpanTables(span, grid_.tiles_x, &left, &right);
    uint32_t* q = quads + static_cast<size_t>(span) * kBins8;
    for (int v = 0; v < kBins8; ++v)
      q[v] = static_cast<uint32_t>(t[left + v]) | static_cast<uint32_t>(t[right + v]) << 8 |
             static_cast<uint32_t>(b[left + v]) << 16 | static_cast<uint32_t>(b[right + v]) << 24;
  }
}

void TileInterpolator8::Apply(uint8_t* data, ptrdiff_t stride, int step,
                              const TileGrid& g, const uint8_t* luts) {
  Prepare(g);
  ApplyRows(data, stride, step, luts, 0, g.height, 0);
}

void TileInterpolator8::ApplyRows(uint8_t* data, ptrdiff_t stride, int step,
                                  const uint8_t* luts, int y_begin, int y_end, int slot) {
  const TileGrid& g = grid_;
  const float inv_th = 1.0f / static_cast<float>(g.tile_height);
#ifdef HISTEQ_X86
  if (step == 1 && ActiveSimd() >= SimdLevel::kAvx512Vbmi) {
    // The tables straight from registers: no packed quads to build.
    const size_t row = static_cast<size_t>(g.tiles_x) * kBins8;
    for (int y = y_begin; y < y_end; ++y) {
      const Split sp = SplitAt(y, inv_th);
      const uint8_t* top = luts + std::max(sp.first, 0) * row;
      const uint8_t* bottom = luts + std::min(sp.first + 1, g.tiles_y - 1) * row;
      uint8_t* p = data + y * stride;
      for (size_t s = 0; s + 1 < span_x_.size(); ++s) {
        const int x0 = span_x_[s], x1 = span_x_[s + 1];
        int left, right;
        SpanTables(span_[x0] / kBins8, g.tiles_x, &left, &right);
        InterpolateSpanAvx512(p, x0, x1, top + left, top + right, bottom + left, bottom + right,
                              a_.data(), a1_.data(), 1.0f - sp.a, sp.a);
      }
    }
    return;
  }
#endif
  uint32_t* quads = quads_[static_cast<size_t>(slot)].data();
  const bool vector = ActiveSimd() >= SimdLevel::kSse2;
  const bool avx2 = ActiveSimd() >= SimdLevel::kAvx2;
  int band = -2;
  for (int y = y_begin; y < y_end; ++y) {
    const Split sp = SplitAt(y, inv_th);
    if (sp.first != band) {
      band = sp.first;
      BuildBand(luts, std::max(band, 0), std::min(band + 1, g.tiles_y - 1), quads);
    }
    const float b = sp.a, b1 = 1.0f - sp.a;
    uint8_t* row = data + y * stride;
    if (step == 1)
      InterpolateRow<1>(row, g.width, 1, span_.data(), a_.data(), a1_.data(), quads, b1, b,
                        vector, avx2);
    else
      InterpolateRow<0>(row, g.width, step, span_.data(), a_.data(), a1_.data(), quads, b1, b,
                        vector, avx2);
  }
}

}  // namespace histeq
