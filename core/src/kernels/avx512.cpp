// AVX-512 kernels (F, BW and VBMI; compiled with those flags, no fused
// multiply-add contraction): 64-byte table lookups (vpermi2b) for the 8-bit
// table pass and the 8-bit interpolation, and 16 lanes at a time for the
// 16-bit interpolation, its quads and the CLAHE table scans. Every one gives
// the scalar kernel's results.

#include <cstring>

#include "kernels/flags.h"
#include "kernels/kernels.h"
#include "kernels/x86.h"
#include "prefetch.h"

namespace histeq {
namespace kernels {
namespace {

// The bytes the last vector of a row takes: masked loads and stores touch
// nothing past the row, so the row kernels take any count (block 1) and
// their tail is the same instructions.
inline __mmask64 BlockMask(int left) { return left >= 64 ? ~0ull : (1ull << left) - 1; }

// 64 samples at a time, the whole table in four registers: vpermi2b looks
// up the low seven bits of every byte in two of them (128 entries each
// pair), the top bit picks which pair's answer to keep.
inline __m512i LookUp64(__m512i v, __m512i t0, __m512i t1, __m512i t2, __m512i t3) {
  // The mask first: GCC then copies v in registers for the two lookups
  // instead of loading it three times and merging with a masked move, which
  // ran 1.3x slower on Sapphire Rapids.
  const __mmask64 high_half = _mm512_movepi8_mask(v);
  const __m512i low = _mm512_permutex2var_epi8(t0, v, t1);
  const __m512i high = _mm512_permutex2var_epi8(t2, v, t3);
  return _mm512_mask_blend_epi8(high_half, low, high);
}

void Apply8(uint8_t* p, int n, const uint8_t* lut, int, int) {
  const __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
  const __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
  int x = 0;
  for (; x + 64 <= n; x += 64) {
    // Rows another thread counted, or that are in L3 or memory, come in
    // faster fetched ahead (2160p on two threads: 8 % off the frame).
    __builtin_prefetch(p + x + kStreamAheadBytes, 1);
    _mm512_storeu_si512(p + x, LookUp64(_mm512_loadu_si512(p + x), t0, t1, t2, t3));
  }
  if (x < n) {
    const __mmask64 m = BlockMask(n - x);
    _mm512_mask_storeu_epi8(p + x, m,
                            LookUp64(_mm512_maskz_loadu_epi8(m, p + x), t0, t1, t2, t3));
  }
}

// A 256-entry byte table in four registers, looked up for 64 indices:
// vpermi2b does entries 0-127 and 128-255 (index bit 6 picks the register
// of a pair), bit 7 picks the pair.
struct Table256 {
  __m512i q0, q1, q2, q3;
};

inline Table256 LoadTable(const uint8_t* t) {
  return {_mm512_loadu_si512(t), _mm512_loadu_si512(t + 64), _mm512_loadu_si512(t + 128),
          _mm512_loadu_si512(t + 192)};
}

inline __m512i LookUp(const Table256& t, __m512i v, __mmask64 high) {
  return _mm512_mask_blend_epi8(high, _mm512_permutex2var_epi8(t.q0, v, t.q1),
                                _mm512_permutex2var_epi8(t.q2, v, t.q3));
}

// Dword k of `spread` holds an index i in its low byte, zero above: with
// only the low bytes kept, permutexvar_epi8 gives dword k = bytes[i], as a
// float.
inline __m512 Widen(__m512i bytes, __m512i spread) {
  return _mm512_cvtepi32_ps(_mm512_maskz_permutexvar_epi8(0x1111111111111111ull, spread, bytes));
}

// The blend of 16 samples' table values, in the scalar kernel's order.
inline __m512i Blend16(__m512 tl, __m512 tr, __m512 bl, __m512 br, __m512 va, __m512 va1,
                       __m512 vb1, __m512 vb) {
  const __m512 top = _mm512_add_ps(_mm512_mul_ps(tl, va1), _mm512_mul_ps(tr, va));
  const __m512 bottom = _mm512_add_ps(_mm512_mul_ps(bl, va1), _mm512_mul_ps(br, va));
  const __m512 res = _mm512_add_ps(_mm512_mul_ps(top, vb1), _mm512_mul_ps(bottom, vb));
  return _mm512_cvtps_epi32(res);  // round half to even
}

// Planar 8-bit samples, 64 at a time: the four tables looked up in
// registers, no packed quads; then, 16 samples a group, the blend.
void Interp8(uint8_t* p, int n, const Weights& w, const Region8& region) {
  const Table256 ttl = LoadTable(region.tables[0]), ttr = LoadTable(region.tables[1]);
  const Table256 tbl = LoadTable(region.tables[2]), tbr = LoadTable(region.tables[3]);
  const __m512 vb = _mm512_set1_ps(w.b), vb1 = _mm512_set1_ps(w.b1);
  // Group g: dword k from byte 16 g + k.
  const __m512i k16 = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i spread[4] = {k16, _mm512_add_epi32(k16, _mm512_set1_epi32(16)),
                             _mm512_add_epi32(k16, _mm512_set1_epi32(32)),
                             _mm512_add_epi32(k16, _mm512_set1_epi32(48))};
  // After packing, dword lanes come out in the order 0 4 8 12 1 5 9 13 ...
  const __m512i unpack = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  for (int x = 0; x < n; x += 64) {
    const __mmask64 m = BlockMask(n - x);
    const __m512i v = _mm512_maskz_loadu_epi8(m, p + x);
    const __mmask64 high = _mm512_movepi8_mask(v);
    const __m512i tl = LookUp(ttl, v, high), tr = LookUp(ttr, v, high);
    const __m512i bl = LookUp(tbl, v, high), br = LookUp(tbr, v, high);
    __m512i r[4];
    for (int g = 0; g < 4; ++g) {
      const __mmask16 gm = static_cast<__mmask16>(m >> (16 * g));
      const __m512 va = _mm512_maskz_loadu_ps(gm, w.a + x + 16 * g);
      const __m512 va1 = _mm512_maskz_loadu_ps(gm, w.a1 + x + 16 * g);
      r[g] = Blend16(Widen(tl, spread[g]), Widen(tr, spread[g]), Widen(bl, spread[g]),
                     Widen(br, spread[g]), va, va1, vb1, vb);
    }
    // The blend of values 0..255 stays in 0..255: pack the 64 results into
    // one register and store them at once (four partial stores would make
    // the next block's load wait for them).
    const __m512i words01 = _mm512_packus_epi32(r[0], r[1]);
    const __m512i words23 = _mm512_packus_epi32(r[2], r[3]);
    const __m512i out = _mm512_permutexvar_epi32(unpack, _mm512_packus_epi16(words01, words23));
    _mm512_mask_storeu_epi8(p + x, m, out);
  }
}

// Interp8 reads the tables themselves; samples further apart take the
// packed quads of the level below.
void Prepare8(Region8* r, int step) {
  if (step == 1) return;
  const uint8_t* const* t = r->tables;
  for (int v = 0; v < 256; ++v)
    r->quads[v] = static_cast<uint32_t>(t[0][v]) | static_cast<uint32_t>(t[1][v]) << 8 |
                  static_cast<uint32_t>(t[2][v]) << 16 | static_cast<uint32_t>(t[3][v]) << 24;
}

int ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit, uint64_t* clipped) {
  const __m512i vlimit = _mm512_set1_epi32(static_cast<int>(limit));
  __m512i acc = _mm512_setzero_si512();  // eight 64-bit sums
  int v = first;
  for (; v + 16 <= end; v += 16) {
    const __m512i h = _mm512_loadu_si512(hist + v);
    const __m512i over = _mm512_sub_epi32(h, _mm512_min_epu32(h, vlimit));
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(over)));
    acc = _mm512_add_epi64(acc, _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(over, 1)));
  }
  *clipped += static_cast<uint64_t>(_mm512_reduce_add_epi64(acc));
  return v;
}

template <bool kShare>
int ClipCountsOf(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
                 uint64_t* clipped) {
  const __m512i vlimit = _mm512_set1_epi32(static_cast<int>(limit));
  __m512i acc = _mm512_setzero_si512();
  int v = first;
  for (; v + 16 <= end; v += 16) {
    const __m512i h = _mm512_loadu_si512(hist + v);
    if constexpr (kShare) _mm512_storeu_si512(share + v, _mm512_add_epi32(_mm512_loadu_si512(share + v), h));
    const __m512i kept = _mm512_min_epu32(h, vlimit);
    _mm512_storeu_si512(hist + v, kept);
    acc = _mm512_add_epi32(acc, _mm512_sub_epi32(h, kept));
  }
  // The sum of the 32-bit lanes, widened.
  *clipped += static_cast<uint64_t>(_mm512_reduce_add_epi64(
      _mm512_add_epi64(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(acc)),
                       _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(acc, 1)))));
  return v;
}

int ClipCounts(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
               uint64_t* clipped) {
  return WithFlags(
      [&](auto with_share) {
        return ClipCountsOf<decltype(with_share)::value>(hist, first, end, limit, share, clipped);
      },
      share != nullptr);
}

inline void Store16(uint8_t* lut, __m512i r) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(lut), _mm512_cvtepi32_epi8(r));
}
inline void Store16(uint16_t* lut, __m512i r) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lut), _mm512_cvtepi32_epi16(r));
}

// 16 entries at a time: the clipped counts summed in the register (four
// shifted adds) plus the running total, batch (v + 1) kept up by adds, the
// handed-out counts from the lane's value (v / step in float is exact: v <
// 2^24 and the quotient's rounding never reaches the next whole number),
// then the scalar kernel's float product and rounding. The steps a span
// does not need (no histogram, no clipping, no residual) are left out of
// its loop. The sums must stay below 2^31.
template <typename T, bool kHist, bool kClip, bool kResidual>
int CdfSpanOf(const uint32_t* hist, int first, int end, const Spread& s, float scale,
              int max_value, uint64_t* kept, T* lut) {
  const __m512i zero = _mm512_setzero_si512(), last = _mm512_set1_epi32(15);
  const __m512i top = _mm512_set1_epi32(max_value);
  const __m512i limit = _mm512_set1_epi32(static_cast<int>(s.limit));
  const __m512i residual = _mm512_set1_epi32(static_cast<int>(s.residual));
  const __m512 step = _mm512_set1_ps(static_cast<float>(s.step));
  const __m512i one = _mm512_set1_epi32(1), sixteen = _mm512_set1_epi32(16);
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 vscale = _mm512_set1_ps(scale);
  const __m512i batch16 = _mm512_set1_epi32(static_cast<int>(16 * s.batch));
  __m512i value = _mm512_add_epi32(_mm512_set1_epi32(first), iota);
  __m512i whole = _mm512_mullo_epi32(_mm512_set1_epi32(static_cast<int>(s.batch)),
                                     _mm512_add_epi32(value, one));
  __m512i carry = _mm512_set1_epi32(static_cast<int>(*kept));
  int v = first;
  for (; v + 16 <= end; v += 16) {
    __m512i x = whole;
    if constexpr (kHist) {
      __m512i h = _mm512_loadu_si512(hist + v);
      if constexpr (kClip) h = _mm512_min_epu32(h, limit);
      h = _mm512_add_epi32(h, _mm512_mask_alignr_epi32(zero, 0xFFFF, h, zero, 15));
      h = _mm512_add_epi32(h, _mm512_mask_alignr_epi32(zero, 0xFFFF, h, zero, 14));
      h = _mm512_add_epi32(h, _mm512_mask_alignr_epi32(zero, 0xFFFF, h, zero, 12));
      h = _mm512_add_epi32(h, _mm512_mask_alignr_epi32(zero, 0xFFFF, h, zero, 8));
      carry = _mm512_add_epi32(h, carry);
      x = _mm512_add_epi32(x, carry);
      carry = _mm512_permutexvar_epi32(last, carry);
    } else {
      x = _mm512_add_epi32(x, carry);
    }
    if constexpr (kResidual) {
      const __m512i q = _mm512_cvttps_epi32(_mm512_div_ps(_mm512_cvtepi32_ps(value), step));
      x = _mm512_add_epi32(x, _mm512_min_epu32(_mm512_add_epi32(q, one), residual));
      value = _mm512_add_epi32(value, sixteen);
    }
    whole = _mm512_add_epi32(whole, batch16);
    __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(x), vscale));
    r = _mm512_min_epi32(_mm512_max_epi32(r, zero), top);
    Store16(lut + v, r);
  }
  if constexpr (kHist)
    *kept = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm512_castsi512_si128(carry)));
  return v;
}

template <typename T>
int CdfSpan(const uint32_t* hist, int first, int end, const Spread& s, float scale,
            int max_value, uint64_t* kept, T* lut) {
  return WithFlags(
      [&](auto h, auto c, auto r) {
        return CdfSpanOf<T, decltype(h)::value, decltype(c)::value, decltype(r)::value>(
            hist, first, end, s, scale, max_value, kept, lut);
      },
      hist != nullptr, hist && s.limit, s.residual != 0);
}

// 32 entries at a time: the tables interleaved word by word (tl with tr, bl
// with br), then the pairs dword by dword.
int Pack16(const uint16_t* const* t, int first, int end, uint64_t* out) {
  alignas(64) uint16_t lo16[32], hi16[32];
  alignas(64) uint32_t lo32[16], hi32[16];
  for (int j = 0; j < 16; ++j) {
    lo16[2 * j] = static_cast<uint16_t>(j);
    lo16[2 * j + 1] = static_cast<uint16_t>(32 + j);
    hi16[2 * j] = static_cast<uint16_t>(16 + j);
    hi16[2 * j + 1] = static_cast<uint16_t>(48 + j);
  }
  for (int j = 0; j < 8; ++j) {
    lo32[2 * j] = static_cast<uint32_t>(j);
    lo32[2 * j + 1] = static_cast<uint32_t>(16 + j);
    hi32[2 * j] = static_cast<uint32_t>(8 + j);
    hi32[2 * j + 1] = static_cast<uint32_t>(24 + j);
  }
  const __m512i w_lo = _mm512_load_si512(lo16), w_hi = _mm512_load_si512(hi16);
  const __m512i d_lo = _mm512_load_si512(lo32), d_hi = _mm512_load_si512(hi32);
  int v = first;
  for (; v + 32 <= end; v += 32) {
    const __m512i a = _mm512_loadu_si512(t[0] + v), b = _mm512_loadu_si512(t[1] + v);
    const __m512i c = _mm512_loadu_si512(t[2] + v), d = _mm512_loadu_si512(t[3] + v);
    const __m512i ab0 = _mm512_permutex2var_epi16(a, w_lo, b);  // entries 0..15
    const __m512i ab1 = _mm512_permutex2var_epi16(a, w_hi, b);  // entries 16..31
    const __m512i cd0 = _mm512_permutex2var_epi16(c, w_lo, d);
    const __m512i cd1 = _mm512_permutex2var_epi16(c, w_hi, d);
    _mm512_storeu_si512(out + v, _mm512_permutex2var_epi32(ab0, d_lo, cd0));
    _mm512_storeu_si512(out + v + 8, _mm512_permutex2var_epi32(ab0, d_hi, cd0));
    _mm512_storeu_si512(out + v + 16, _mm512_permutex2var_epi32(ab1, d_lo, cd1));
    _mm512_storeu_si512(out + v + 24, _mm512_permutex2var_epi32(ab1, d_hi, cd1));
  }
  return v;
}

inline uint16_t Word(const uint8_t* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// 16 plain 16-bit samples: the entries loaded one by one (on current CPUs
// faster than a gather) into two vectors of 64-bit lanes, whose low and
// high halves {tl, tr} and {bl, br} are then split apart.
template <bool kInOrder>
void Interp16Of(uint8_t* p, int n, const Weights& w, const uint64_t* q) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512i low = _mm512_set1_epi32(0xffff), zero = _mm512_setzero_si512();
  const __m512 vb = _mm512_set1_ps(w.b), vb1 = _mm512_set1_ps(w.b1);
  for (int x = 0; x < n; x += 16) {
    uint8_t* s = p + 2 * x;
    auto e = [&](int k) { return static_cast<long long>(q[Word(s + 2 * k)]); };
    __m512i g0, g1;
    if constexpr (kInOrder) {
      g0 = _mm512_loadu_si512(q + x);
      g1 = _mm512_loadu_si512(q + x + 8);
    } else {
      g0 = _mm512_set_epi64(e(7), e(6), e(5), e(4), e(3), e(2), e(1), e(0));
      g1 = _mm512_set_epi64(e(15), e(14), e(13), e(12), e(11), e(10), e(9), e(8));
    }
    const __m512i top_pair = _mm512_permutex2var_epi32(g0, even, g1);
    const __m512i bottom_pair = _mm512_permutex2var_epi32(g0, odd, g1);
    const __m512 tl = _mm512_cvtepi32_ps(_mm512_and_si512(top_pair, low));
    const __m512 tr = _mm512_cvtepi32_ps(_mm512_srli_epi32(top_pair, 16));
    const __m512 bl = _mm512_cvtepi32_ps(_mm512_and_si512(bottom_pair, low));
    const __m512 br = _mm512_cvtepi32_ps(_mm512_srli_epi32(bottom_pair, 16));
    const __m512 va = _mm512_loadu_ps(w.a + x), va1 = _mm512_loadu_ps(w.a1 + x);
    const __m512i r = _mm512_min_epi32(_mm512_max_epi32(Blend16(tl, tr, bl, br, va, va1, vb1, vb), zero), low);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(s), _mm512_cvtepi32_epi16(r));
  }
}

}  // namespace

void FillAvx512(Kernels* k) {
  k->level = SimdLevel::kAvx512;
  k->apply8 = Apply8;
  k->apply8_block = 1;
  k->clipped_counts = ClippedCounts;
  k->clip_counts = ClipCounts;
  k->cdf_span8 = CdfSpan<uint8_t>;
  k->cdf_span16 = CdfSpan<uint16_t>;
  k->prepare8 = Prepare8;
  k->interp8 = Interp8;
  k->interp8_block = 1;
  k->pack16 = Pack16;
  k->interp16 = Interp16Of<false>;
  k->interp16_block = 16;
  k->interp16_in_order = Interp16Of<true>;
}

}  // namespace kernels
}  // namespace histeq
