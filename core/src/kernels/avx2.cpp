// AVX2 kernels (compiled with -mavx2, no FMA): the 8-bit table pass by
// vpshufb, the interpolation eight samples at a time, the 16-bit counts,
// ranges and quads, and the CLAHE table scans. Every one gives the scalar
// kernel's results: the same integer sums, the same float operations in the
// same order, rounded half to even (cvtps2dq).
#include <cstring>
#include <utility>

#include "kernels/flags.h"
#include "kernels/kernels.h"
#include "kernels/value_entries.h"
#include "kernels/x86.h"
#include "prefetch.h"

namespace histeq {
namespace kernels {
namespace {

// 32 samples at a time, the table as rows of 16 entries (entries 16k..16k+15
// in both halves of a register), by vpshufb, which looks up a sample's low
// nibble in a row and gives zero where the index has bit 7 set. The samples
// of a frame lie in [lo, hi]: only the kRows = (hi - lo) / 16 + 1 rows from
// `base` (lo, or less where the rows would pass the table's end) are looked
// up, v' = v - base. Within up to eight rows, lookup j (0..7) takes the index
// v' + 0x70 - 16j, whose bit 7 is clear exactly when v' < 16(j + 1), so
// lookup j answers for rows 0..j. With the tables d[j] = row j XOR row j + 1
// (the last row as it is), the XOR of the lookups that answer, j = r..,
// telescopes to row r. Beyond eight rows, bit 7 of v' picks the second half
// (one blend), rows 8.. looked up the same way with the same indices. The
// whole table: 16 lookups, 14 XORs, 7 adds and one blend for 32 samples; a
// dark frame of 21 values: 2 lookups, one XOR, 2 adds and the subtraction.
// The tables are loaded from memory as they are needed (16 registers would
// hold nothing else), which the load ports take beside the shuffles.
template <int kRows>
struct Rows {
  __m256i d[kRows];  // the first half d[0..7], the second d[8..]
};

template <int kRows>
inline void MakeRows(const uint8_t* table, Rows<kRows>* r) {
  __m256i next = _mm256_setzero_si256();
#pragma GCC unroll 16
  for (int k = kRows - 1; k >= 0; --k) {
    const __m256i row = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * k)));
    r->d[k] = (k == kRows - 1 || k == 7) ? row : _mm256_xor_si256(row, next);
    next = row;
  }
}

// The empty asms keep the compiler from folding the indices' sums back
// into constants (more than would stay in registers).
template <int kRows>
inline __m256i LookUp32(__m256i v, __m256i base, const Rows<kRows>& r) {
  if (kRows < 16) v = _mm256_sub_epi8(v, base);
  if (kRows <= 8) {
    __m256i idx = _mm256_add_epi8(v, _mm256_set1_epi8(static_cast<char>(0x80 - 16 * kRows)));
    __m256i out = _mm256_shuffle_epi8(_mm256_load_si256(&r.d[kRows - 1]), idx);
#pragma GCC unroll 7
    for (int j = kRows - 2; j >= 0; --j) {
      idx = _mm256_add_epi8(idx, _mm256_set1_epi8(0x10));
      __asm__("" : "+x"(idx));
      out = _mm256_xor_si256(out, _mm256_shuffle_epi8(_mm256_load_si256(&r.d[j]), idx));
    }
    return out;
  }
  const __m256i low7 = _mm256_and_si256(v, _mm256_set1_epi8(0x7f));
  __m256i lo = _mm256_shuffle_epi8(_mm256_load_si256(&r.d[7]), low7);
  __m256i hi = _mm256_setzero_si256();
  if (kRows == 16) hi = _mm256_shuffle_epi8(_mm256_load_si256(&r.d[15]), low7);
  __m256i idx = low7;
#pragma GCC unroll 7
  for (int j = 6; j >= 0; --j) {
    idx = _mm256_add_epi8(idx, _mm256_set1_epi8(0x10));
    __asm__("" : "+x"(idx));
    lo = _mm256_xor_si256(lo, _mm256_shuffle_epi8(_mm256_load_si256(&r.d[j]), idx));
    if (8 + j < kRows) {
      const __m256i h = _mm256_shuffle_epi8(_mm256_load_si256(&r.d[8 + j]), idx);
      hi = 8 + j == kRows - 1 ? h : _mm256_xor_si256(hi, h);
    }
  }
  return _mm256_blendv_epi8(lo, hi, v);
}

template <int kRows>
void ApplyRows(uint8_t* p, int n, const uint8_t* lut, int lo) {
  const int base = lo < 256 - 16 * kRows ? lo : 256 - 16 * kRows;
  const __m256i vbase = _mm256_set1_epi8(static_cast<char>(base));
  alignas(32) Rows<kRows> rows;
  MakeRows(lut + base, &rows);
  int x = 0;
  for (; x + 64 <= n; x += 64) {
    // As on AVX-512: rows in another core's cache, L3 or memory come in
    // faster fetched ahead.
    __builtin_prefetch(p + x + kStreamAheadBytes, 1);
    __m256i* q = reinterpret_cast<__m256i*>(p + x);
    const __m256i a = _mm256_loadu_si256(q), b = _mm256_loadu_si256(q + 1);
    _mm256_storeu_si256(q, LookUp32(a, vbase, rows));
    _mm256_storeu_si256(q + 1, LookUp32(b, vbase, rows));
  }
  for (; x < n; x += 32) {
    __m256i* q = reinterpret_cast<__m256i*>(p + x);
    _mm256_storeu_si256(q, LookUp32(_mm256_loadu_si256(q), vbase, rows));
  }
}

template <int... kRows>
void ApplyRowsOf(int rows, uint8_t* p, int n, const uint8_t* lut, int lo,
                 std::integer_sequence<int, kRows...>) {
  using Fn = void (*)(uint8_t*, int, const uint8_t*, int);
  static constexpr Fn kFns[] = {ApplyRows<kRows + 1>...};
  kFns[rows - 1](p, n, lut, lo);
}

void Apply8(uint8_t* p, int n, const uint8_t* lut, int lo, int hi) {
  ApplyRowsOf((hi - lo) / 16 + 1, p, n, lut, lo, std::make_integer_sequence<int, 16>());
}

// The blend of eight samples' table values, in the scalar kernel's order.
inline __m256i Blend8(__m256 tl, __m256 tr, __m256 bl, __m256 br, const Weights& w, int x) {
  const __m256 va = _mm256_loadu_ps(w.a + x), va1 = _mm256_loadu_ps(w.a1 + x);
  const __m256 top = _mm256_add_ps(_mm256_mul_ps(tl, va1), _mm256_mul_ps(tr, va));
  const __m256 bottom = _mm256_add_ps(_mm256_mul_ps(bl, va1), _mm256_mul_ps(br, va));
  const __m256 res = _mm256_add_ps(_mm256_mul_ps(top, _mm256_set1_ps(w.b1)),
                                   _mm256_mul_ps(bottom, _mm256_set1_ps(w.b)));
  return _mm256_cvtps_epi32(res);  // round half to even
}

// Eight samples from their packed quads, saturated to 0..255.
inline uint64_t Interpolate8(__m256i v, const Weights& w, int x) {
  const __m256i bytes = _mm256_set1_epi32(0xff);
  const __m256 tl = _mm256_cvtepi32_ps(_mm256_and_si256(v, bytes));
  const __m256 tr = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(v, 8), bytes));
  const __m256 bl = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(v, 16), bytes));
  const __m256 br = _mm256_cvtepi32_ps(_mm256_srli_epi32(v, 24));
  const __m256i r = Blend8(tl, tr, bl, br, w, x);
  const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(r16, r16)));
}

// The quads built from registers: eight stores and one wide load would
// stall on store forwarding.
inline __m256i Quads8(const uint32_t* quads, const uint8_t* p, int step) {
  auto q = [&](int k) { return static_cast<int>(quads[p[k * step]]); };
  return _mm256_setr_epi32(q(0), q(1), q(2), q(3), q(4), q(5), q(6), q(7));
}

void Interp8Strided(uint8_t* p, int step, int n, const Weights& w, const Region8& r) {
  for (int x = 0; x < n; x += 8) {
    uint8_t* s = p + x * step;
    const uint64_t eight = Interpolate8(Quads8(r.quads, s, step), w, x);
    for (int k = 0; k < 8; ++k) s[k * step] = static_cast<uint8_t>(eight >> (8 * k));
  }
}

void Interp8(uint8_t* p, int n, const Weights& w, const Region8& r) {
  for (int x = 0; x < n; x += 8) {
    const uint64_t eight = Interpolate8(Quads8(r.quads, p + x, 1), w, x);
    std::memcpy(p + x, &eight, 8);
  }
}

// Widens [*lo, *hi] by the lowest word of `lo` and the highest of `hi`.
// phminposuw gives the lowest word of eight; the highest is the lowest of
// the complements.
inline void AddRangeOf(__m256i lo, __m256i hi, int* lo_io, int* hi_io) {
  const __m128i lo8 = _mm_min_epu16(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
  const __m128i hi8 = _mm_max_epu16(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
  const int l = _mm_extract_epi16(_mm_minpos_epu16(lo8), 0);
  const int h = 0xffff - _mm_extract_epi16(_mm_minpos_epu16(_mm_xor_si128(hi8, _mm_set1_epi16(-1))), 0);
  if (l < *lo_io) *lo_io = l;
  if (h > *hi_io) *hi_io = h;
}

int WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height, int* lo, int* hi) {
  const int vector_width = width & ~15;
  if (vector_width == 0) return 0;
  __m256i l = _mm256_set1_epi16(-1), h = _mm256_setzero_si256();
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < vector_width; x += 16) {
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * x));
      l = _mm256_min_epu16(l, w);
      h = _mm256_max_epu16(h, w);
    }
  }
  AddRangeOf(l, h, lo, hi);
  return vector_width;
}

// The range from 16 words in a vector, the counts one by one from L1: tracking
// the range word by word costs more than the counting.
int CountWords(const uint8_t* data, ptrdiff_t stride, int width, int height, uint32_t* hist,
               int* lo, int* hi) {
  const int vector_width = width & ~15;
  if (vector_width == 0) return 0;
  __m256i l = _mm256_set1_epi16(-1), h = _mm256_setzero_si256();
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    FetchRowAhead(p, stride, y, height, 2 * static_cast<int64_t>(width));
    for (int x = 0; x < vector_width; x += 16) {
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * x));
      l = _mm256_min_epu16(l, w);
      h = _mm256_max_epu16(h, w);
      for (int k = 0; k < 16; ++k) {
        uint16_t v;
        std::memcpy(&v, p + 2 * (x + k), 2);
        ++hist[v];
      }
    }
  }
  AddRangeOf(l, h, lo, hi);
  return vector_width;
}

int AddCounts(uint32_t* dst, const uint32_t* src, int first, int end) {
  int v = first;
  for (; v + 8 <= end; v += 8) {
    __m256i* d = reinterpret_cast<__m256i*>(dst + v);
    _mm256_storeu_si256(
        d, _mm256_add_epi32(_mm256_loadu_si256(d),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + v))));
  }
  return v;
}

// A block's vectors summed in a register, added across it at the block's
// end.
template <bool kShare, bool kClear>
int BlockCountsOf(uint32_t* hist, int first, int end, int shift, uint32_t* blocks,
                  uint32_t* share) {
  int v = first;
  while (v + 8 <= end) {
    const int block_end = std::min(end, ((v >> shift) + 1) << shift);
    __m256i acc = _mm256_setzero_si256();
    for (; v + 8 <= block_end; v += 8) {
      __m256i* p = reinterpret_cast<__m256i*>(hist + v);
      const __m256i h = _mm256_loadu_si256(p);
      if constexpr (kShare) {
        __m256i* s = reinterpret_cast<__m256i*>(share + v);
        _mm256_storeu_si256(s, _mm256_add_epi32(_mm256_loadu_si256(s), h));
      }
      if constexpr (kClear) _mm256_storeu_si256(p, _mm256_setzero_si256());
      acc = _mm256_add_epi32(acc, h);
    }
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(1, 0, 3, 2)));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1)));
    blocks[(v - 1) >> shift] += static_cast<uint32_t>(_mm_cvtsi128_si32(x));
    if (v < block_end) break;  // end is not a multiple of 8
  }
  return v;
}

// Blocks of four values: four vectors (eight blocks) at a time, their
// sums by horizontal adds, put in the blocks' order.
template <bool kShare, bool kClear>
int BlockCountsOf4(uint32_t* hist, int first, int end, uint32_t* blocks, uint32_t* share) {
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  int v = first;
  for (; v + 32 <= end; v += 32) {
    __m256i h[4];
    for (int i = 0; i < 4; ++i) {
      __m256i* p = reinterpret_cast<__m256i*>(hist + v + 8 * i);
      h[i] = _mm256_loadu_si256(p);
      if constexpr (kShare) {
        __m256i* s = reinterpret_cast<__m256i*>(share + v + 8 * i);
        _mm256_storeu_si256(s, _mm256_add_epi32(_mm256_loadu_si256(s), h[i]));
      }
      if constexpr (kClear) _mm256_storeu_si256(p, _mm256_setzero_si256());
    }
    // {0 2 4 6 | 1 3 5 7} of the eight blocks, then in order.
    const __m256i sums = _mm256_hadd_epi32(_mm256_hadd_epi32(h[0], h[1]), _mm256_hadd_epi32(h[2], h[3]));
    __m256i* b = reinterpret_cast<__m256i*>(blocks + (v >> 2));
    _mm256_storeu_si256(b, _mm256_add_epi32(_mm256_loadu_si256(b),
                                            _mm256_permutevar8x32_epi32(sums, order)));
  }
  return v;
}

int BlockCounts(uint32_t* hist, int first, int end, int shift, uint32_t* blocks, uint32_t* share,
                bool clear) {
  if (shift < 2 || first % 32 != 0) return first;
  return WithFlags(
      [&](auto with_share, auto with_clear) {
        constexpr bool kShare = decltype(with_share)::value, kClear = decltype(with_clear)::value;
        return shift == 2 ? BlockCountsOf4<kShare, kClear>(hist, first, end, blocks, share)
                          : BlockCountsOf<kShare, kClear>(hist, first, end, shift, blocks, share);
      },
      share != nullptr, clear);
}

int ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit, uint64_t* clipped) {
  const __m256i vlimit = _mm256_set1_epi32(static_cast<int>(limit));
  __m256i acc = _mm256_setzero_si256();  // four 64-bit sums
  int v = first;
  for (; v + 8 <= end; v += 8) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + v));
    const __m256i over = _mm256_sub_epi32(h, _mm256_min_epu32(h, vlimit));
    acc = _mm256_add_epi64(acc, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(over)));
    acc = _mm256_add_epi64(acc, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(over, 1)));
  }
  alignas(32) uint64_t sums[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums), acc);
  *clipped += sums[0] + sums[1] + sums[2] + sums[3];
  return v;
}

template <bool kShare>
int ClipCountsOf(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
                 uint64_t* clipped) {
  const __m256i vlimit = _mm256_set1_epi32(static_cast<int>(limit));
  __m256i acc = _mm256_setzero_si256();
  int v = first;
  for (; v + 8 <= end; v += 8) {
    __m256i* p = reinterpret_cast<__m256i*>(hist + v);
    const __m256i h = _mm256_loadu_si256(p);
    if constexpr (kShare) {
      __m256i* s = reinterpret_cast<__m256i*>(share + v);
      _mm256_storeu_si256(s, _mm256_add_epi32(_mm256_loadu_si256(s), h));
    }
    const __m256i kept = _mm256_min_epu32(h, vlimit);
    _mm256_storeu_si256(p, kept);
    acc = _mm256_add_epi32(acc, _mm256_sub_epi32(h, kept));
  }
  alignas(32) uint32_t sums[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums), acc);
  for (uint32_t s : sums) *clipped += s;
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

// Eight counts at a time: the sums within each 128-bit half by two
// shifted adds, the low half's total added to the high half.
int RunningSums(const uint32_t* counts, int first, int end, uint32_t* firsts, uint32_t* sum) {
  __m256i carry = _mm256_set1_epi32(static_cast<int>(*sum));
  int i = first;
  for (; i + 8 <= end; i += 8) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(counts + i));
    __m256i t = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
    t = _mm256_add_epi32(t, _mm256_slli_si256(t, 8));
    const __m256i low_total = _mm256_shuffle_epi32(t, 0xff);
    t = _mm256_add_epi32(t, _mm256_permute2x128_si256(low_total, low_total, 0x08));
    // t: the sums through each count; the firsts are those before it.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(firsts + i),
                        _mm256_add_epi32(carry, _mm256_sub_epi32(t, x)));
    carry = _mm256_add_epi32(carry, _mm256_permutevar8x32_epi32(t, _mm256_set1_epi32(7)));
  }
  *sum = static_cast<uint32_t>(_mm256_cvtsi256_si32(carry));
  return i;
}

// Eight counts at a time, as the scalar kernel in double; blocks of a
// multiple of eight bins one at a time, blocks of four two at a time. Where
// a block's eight counts are all below 8 (most, in a tile of fewer samples
// than values), c comes from the block's c for the counts 0 .. 7, made by
// the same operations. The c total below 2^31 (the caller's), so the sums
// stay in 32-bit lanes.
int SyntheticCounts(const uint32_t* hist, int first, int blocks, int w, const double* per_count,
                    const double* add, uint32_t cut, uint32_t* out, uint64_t* total,
                    uint64_t* kept) {
  if (w % 8 != 0 && w != 4) return first;
  const __m256i vcut = _mm256_set1_epi32(static_cast<int>(cut)), seven = _mm256_set1_epi32(7);
  const __m256d counts_lo = _mm256_setr_pd(0, 1, 2, 3), counts_hi = _mm256_setr_pd(4, 5, 6, 7);
  __m256i t = _mm256_setzero_si256(), k = _mm256_setzero_si256();
  // c of eight counts, the low four by (pc0, a0), the high four by (pc1, a1).
  const auto c_of = [](__m256d lo, __m256d hi, __m256d pc0, __m256d a0, __m256d pc1, __m256d a1) {
    return _mm256_setr_m128i(_mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(lo, pc0), a0)),
                             _mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(hi, pc1), a1)));
  };
  const auto counts = [&](__m256i h, __m256d pc0, __m256d a0, __m256d pc1, __m256d a1) {
    return c_of(_mm256_cvtepi32_pd(_mm256_castsi256_si128(h)),
                _mm256_cvtepi32_pd(_mm256_extracti128_si256(h, 1)), pc0, a0, pc1, a1);
  };
  const auto finish = [&](int v, __m256i c) {
    const __m256i o = _mm256_min_epu32(c, vcut);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + v), o);
    t = _mm256_add_epi32(t, c);
    k = _mm256_add_epi32(k, o);
  };
  int b = first;
  if (w == 4) {
    for (; b + 2 <= blocks; b += 2) {
      const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + b * w));
      finish(b * w, counts(h, _mm256_set1_pd(per_count[b]), _mm256_set1_pd(add[b]),
                           _mm256_set1_pd(per_count[b + 1]), _mm256_set1_pd(add[b + 1])));
    }
  } else {
    for (; b < blocks; ++b) {
      const __m256d pc = _mm256_set1_pd(per_count[b]), a = _mm256_set1_pd(add[b]);
      const __m256i small = c_of(counts_lo, counts_hi, pc, a, pc, a);
      for (int v = b * w; v < (b + 1) * w; v += 8) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + v));
        finish(v, _mm256_testz_si256(_mm256_cmpgt_epi32(h, seven), _mm256_cmpgt_epi32(h, seven))
                      ? _mm256_permutevar8x32_epi32(small, h)
                      : counts(h, pc, a, pc, a));
      }
    }
  }
  alignas(32) uint32_t sums[16];
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums), t);
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums + 8), k);
  for (int i = 0; i < 8; ++i) {
    *total += sums[i];
    *kept += sums[8 + i];
  }
  return b;
}

// Sixteen entries at a time, as two vectors of eight: the clipped counts'
// prefix sum within each 128-bit lane, the low lane's total added to the
// high lane, plus the running total; batch (v + 1) kept up by adds; the
// handed-out counts from the lane's value (v / step in float is exact: v <
// 2^24 and the quotient's rounding never reaches the next whole number);
// then the scalar kernel's float product and rounding, saturated by the
// packs (the products are never negative) and clamped to max_value. The
// steps a span does not need (no histogram, no clipping, no residual) are
// left out of its loop. The sums must stay below 2^31 (the caller's tables
// are of fewer pixels).
template <typename T, bool kHist, bool kClip, bool kResidual>
int CdfSpanOf(const uint32_t* hist, int first, int end, const Spread& s, float scale,
              int max_value, uint64_t* kept, T* lut) {
  const __m256i limit = _mm256_set1_epi32(static_cast<int>(s.limit));
  const __m256i residual = _mm256_set1_epi32(static_cast<int>(s.residual));
  const __m256 step = _mm256_set1_ps(static_cast<float>(s.step));
  const __m256i one = _mm256_set1_epi32(1), eight = _mm256_set1_epi32(8);
  const __m256i last = _mm256_set1_epi32(7), lane3 = _mm256_set1_epi32(3);
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 vscale = _mm256_set1_ps(scale);
  const __m256i batch8 = _mm256_set1_epi32(static_cast<int>(8 * s.batch));
  __m256i value = _mm256_add_epi32(_mm256_set1_epi32(first), iota);
  __m256i whole = _mm256_mullo_epi32(_mm256_set1_epi32(static_cast<int>(s.batch)),
                                     _mm256_add_epi32(value, one));
  __m256i carry = _mm256_set1_epi32(static_cast<int>(*kept));
  // Eight entries' results before rounding, v .. v + 7.
  auto eight_at = [&](int v) {
    __m256i x = whole;
    if constexpr (kHist) {
      __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hist + v));
      if constexpr (kClip) h = _mm256_min_epu32(h, limit);
      h = _mm256_add_epi32(h, _mm256_slli_si256(h, 4));
      h = _mm256_add_epi32(h, _mm256_slli_si256(h, 8));
      h = _mm256_add_epi32(
          h, _mm256_blend_epi32(_mm256_setzero_si256(), _mm256_permutevar8x32_epi32(h, lane3), 0xF0));
      carry = _mm256_add_epi32(h, carry);
      x = _mm256_add_epi32(x, carry);
      carry = _mm256_permutevar8x32_epi32(carry, last);
    } else {
      x = _mm256_add_epi32(x, carry);
    }
    if constexpr (kResidual) {
      const __m256i q = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(value), step));
      x = _mm256_add_epi32(x, _mm256_min_epu32(_mm256_add_epi32(q, one), residual));
      value = _mm256_add_epi32(value, eight);
    }
    whole = _mm256_add_epi32(whole, batch8);
    return _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(x), vscale));
  };
  int v = first;
  if constexpr (sizeof(T) == 2) {
    const __m256i top = _mm256_set1_epi16(static_cast<short>(max_value));
    for (; v + 16 <= end; v += 16) {
      const __m256i r0 = eight_at(v), r1 = eight_at(v + 8);
      const __m256i r = _mm256_permute4x64_epi64(_mm256_packus_epi32(r0, r1), _MM_SHUFFLE(3, 1, 2, 0));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(lut + v), _mm256_min_epu16(r, top));
    }
    if (v + 8 <= end) {
      const __m256i r = _mm256_packus_epi32(eight_at(v), _mm256_setzero_si256());
      _mm_storeu_si128(reinterpret_cast<__m128i*>(lut + v),
                       _mm_min_epu16(_mm256_castsi256_si128(_mm256_permute4x64_epi64(r, _MM_SHUFFLE(3, 1, 2, 0))),
                                     _mm256_castsi256_si128(top)));
      v += 8;
    }
  } else {
    const __m128i top = _mm_set1_epi8(static_cast<char>(max_value));
    for (; v + 8 <= end; v += 8) {
      const __m256i r = eight_at(v);
      const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(lut + v), _mm_min_epu8(_mm_packus_epi16(w, w), top));
    }
  }
  if constexpr (kHist)
    *kept = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(carry)));
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

// 16 entries at a time: within each 128-bit lane, words then dwords
// interleaved; the lanes' halves then put in order.
int Pack16(const uint16_t* const* t, int first, int end, uint64_t* out) {
  int v = first;
  for (; v + 16 <= end; v += 16) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t[0] + v));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t[1] + v));
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t[2] + v));
    const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t[3] + v));
    const __m256i ab0 = _mm256_unpacklo_epi16(a, b), ab1 = _mm256_unpackhi_epi16(a, b);
    const __m256i cd0 = _mm256_unpacklo_epi16(c, d), cd1 = _mm256_unpackhi_epi16(c, d);
    const __m256i q0 = _mm256_unpacklo_epi32(ab0, cd0);  // entries 0, 1 | 8, 9
    const __m256i q1 = _mm256_unpackhi_epi32(ab0, cd0);  // 2, 3 | 10, 11
    const __m256i q2 = _mm256_unpacklo_epi32(ab1, cd1);  // 4, 5 | 12, 13
    const __m256i q3 = _mm256_unpackhi_epi32(ab1, cd1);  // 6, 7 | 14, 15
    __m256i* o = reinterpret_cast<__m256i*>(out + v);
    _mm256_storeu_si256(o, _mm256_permute2x128_si256(q0, q1, 0x20));
    _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(q2, q3, 0x20));
    _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(q0, q1, 0x31));
    _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(q2, q3, 0x31));
  }
  return v;
}

inline uint16_t Word(const uint8_t* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// Eight 16-bit samples: the entries loaded one by one (faster than a
// gather) into two vectors of 64-bit lanes, or as they lie when in the
// samples' order, whose halves {tl, tr} and {bl, br} are split apart;
// saturated to 0..65535 by packing.
template <bool kInOrder>
void Interp16Of(uint8_t* p, int n, const Weights& w, const uint64_t* q) {
  const __m256i low = _mm256_set1_epi32(0xffff);
  for (int x = 0; x < n; x += 8) {
    uint8_t* s = p + 2 * x;
    auto e = [&](int k) { return static_cast<long long>(q[Word(s + 2 * k)]); };
    __m256 g0, g1;
    if constexpr (kInOrder) {
      g0 = _mm256_loadu_ps(reinterpret_cast<const float*>(q + x));
      g1 = _mm256_loadu_ps(reinterpret_cast<const float*>(q + x + 4));
    } else {
      g0 = _mm256_castsi256_ps(_mm256_set_epi64x(e(3), e(2), e(1), e(0)));
      g1 = _mm256_castsi256_ps(_mm256_set_epi64x(e(7), e(6), e(5), e(4)));
    }
    // Per 128-bit lane {0, 1, 4, 5} and {2, 3, 6, 7}; the permute restores
    // the order.
    const __m256i top_pair = _mm256_permute4x64_epi64(
        _mm256_castps_si256(_mm256_shuffle_ps(g0, g1, _MM_SHUFFLE(2, 0, 2, 0))),
        _MM_SHUFFLE(3, 1, 2, 0));
    const __m256i bottom_pair = _mm256_permute4x64_epi64(
        _mm256_castps_si256(_mm256_shuffle_ps(g0, g1, _MM_SHUFFLE(3, 1, 3, 1))),
        _MM_SHUFFLE(3, 1, 2, 0));
    const __m256 tl = _mm256_cvtepi32_ps(_mm256_and_si256(top_pair, low));
    const __m256 tr = _mm256_cvtepi32_ps(_mm256_srli_epi32(top_pair, 16));
    const __m256 bl = _mm256_cvtepi32_ps(_mm256_and_si256(bottom_pair, low));
    const __m256 br = _mm256_cvtepi32_ps(_mm256_srli_epi32(bottom_pair, 16));
    const __m256i r = Blend8(tl, tr, bl, br, w, x);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r),
                                                    _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(s), _mm256_castsi256_si128(packed));
  }
}

// Two bits for each of starts[0 .. 16) at or below the value w holds in
// every word.
inline uint32_t AtOrBelow(const uint16_t* starts, __m256i w) {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(starts));
  return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_min_epu16(x, w), x)));
}

uint32_t Count16(const uint16_t* starts, uint32_t v) {
  return static_cast<uint32_t>(
             _mm_popcnt_u32(AtOrBelow(starts, _mm256_set1_epi16(static_cast<short>(v))))) >>
         1;
}

// The entries of the eight lanes v, from their counts c, as the scalar
// kernel makes them (`ix` per lane): v / step by a float division, exact
// here (v and step below 2^16: a quotient just under a whole number is at
// least 1 / step below it, 2^-16 of it, far more than a float's rounding).
struct FinishLanes {
  __m256i batch, residual, unit, leftover, top;
  __m256 step, scale;

  __m256i operator()(__m256i v, __m256i c) const {
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i d = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(v), step));
    const __m256i added = _mm256_add_epi32(_mm256_mullo_epi32(batch, _mm256_add_epi32(v, one)),
                                           _mm256_min_epu32(_mm256_add_epi32(d, one), residual));
    const __m256i all =
        _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(added, unit), leftover), c);
    const __m256i r = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(all), scale));
    return _mm256_min_epi32(_mm256_max_epi32(r, _mm256_setzero_si256()), top);
  }
};

// Lane k of the eight from ix[k % 4].
FinishLanes LanesOf(const ValueIndex* ix) {
  const auto u = [&](auto field) {
    return _mm256_setr_epi32(static_cast<int>(field(ix[0])), static_cast<int>(field(ix[1])),
                             static_cast<int>(field(ix[2])), static_cast<int>(field(ix[3])),
                             static_cast<int>(field(ix[0])), static_cast<int>(field(ix[1])),
                             static_cast<int>(field(ix[2])), static_cast<int>(field(ix[3])));
  };
  const auto f = [&](auto field) {
    return _mm256_setr_ps(field(ix[0]), field(ix[1]), field(ix[2]), field(ix[3]), field(ix[0]),
                          field(ix[1]), field(ix[2]), field(ix[3]));
  };
  FinishLanes l;
  l.batch = u([](const ValueIndex& x) { return x.spread.batch; });
  l.residual = u([](const ValueIndex& x) { return x.spread.residual; });
  l.unit = u([](const ValueIndex& x) { return x.unit; });
  l.leftover = u([](const ValueIndex& x) { return x.leftover; });
  l.top = _mm256_set1_epi32(ix[0].max_value);
  l.step = f([](const ValueIndex& x) { return static_cast<float>(x.spread.step); });
  l.scale = f([](const ValueIndex& x) { return x.scale; });
  return l;
}

// Eight int32 lanes as eight words.
inline __m128i Words(__m256i r) {
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0x08));
}

// Two values' four counts at a time, the eight entries finished at once
// into two quads; a value's rank in the four tiles found with it broadcast
// once.
template <bool kRuns>
void QuadsOf(const ValueIndex* ix, const uint16_t* q, int n, uint64_t* out) {
  const FinishLanes finish = LanesOf(ix);
  uint32_t c[8];
  const uint32_t* const b0 = ix[0].below;
  const uint32_t* const b1 = ix[1].below;
  const uint32_t* const b2 = ix[2].below;
  const uint32_t* const b3 = ix[3].below;
  const uint16_t* const s0 = ix[0].starts;
  const uint16_t* const s1 = ix[1].starts;
  const uint16_t* const s2 = ix[2].starts;
  const uint16_t* const s3 = ix[3].starts;
  const int shift = ix[0].shift;
  // The count of tile j (below b, starts s): the rank from its 16 starts
  // from b when they hold it, else Rank's.
  const auto count = [&](int j, const uint32_t* below, const uint16_t* starts, uint32_t h,
                         uint32_t v, __m256i w) __attribute__((always_inline)) {
    const uint32_t b = below[h];
    const uint32_t m = AtOrBelow(starts + b, w);
    const uint32_t r = __builtin_expect(m != 0xffffffffu, 1) ? b + (_mm_popcnt_u32(m) >> 1)
                                                             : Rank(ix[j], v, Count16);
    return CountsAtRank<kRuns>(ix[j], v, r);
  };
  const auto quad_counts = [&](uint32_t v, uint32_t* to) __attribute__((always_inline)) {
    const uint32_t h = v >> shift;
    const __m256i w = _mm256_set1_epi16(static_cast<short>(v));
    to[0] = count(0, b0, s0, h, v, w);
    to[1] = count(1, b1, s1, h, v, w);
    to[2] = count(2, b2, s2, h, v, w);
    to[3] = count(3, b3, s3, h, v, w);
  };
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    quad_counts(q[i], c);
    quad_counts(q[i + 1], c + 4);
    // Put together from registers: a vector load of the four-byte stores
    // would wait for them to retire.
    const __m256i counts = _mm256_setr_epi32(static_cast<int>(c[0]), static_cast<int>(c[1]),
                                             static_cast<int>(c[2]), static_cast<int>(c[3]),
                                             static_cast<int>(c[4]), static_cast<int>(c[5]),
                                             static_cast<int>(c[6]), static_cast<int>(c[7]));
    const __m256i v = _mm256_setr_m128i(_mm_set1_epi32(q[i]), _mm_set1_epi32(q[i + 1]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), Words(finish(v, counts)));
  }
  if (i < n) {
    quad_counts(q[i], c);
    out[i] = FinishQuad(ix, q[i], c, [](float x) { return _mm_cvtss_si32(_mm_set_ss(x)); });
  }
}

void ValueQuads(const ValueIndex* index, const uint16_t* q, int n, uint64_t* out) {
  QuadsByRuns<QuadsOf<true>, QuadsOf<false>>(index, q, n, out);
}

}  // namespace

void FillAvx2(Kernels* k) {
  k->level = SimdLevel::kAvx2;
  k->apply8 = Apply8;
  k->apply8_block = 32;
  k->count_words = CountWords;
  k->word_range = WordRange;
  k->add_counts = AddCounts;
  k->block_counts = BlockCounts;
  k->running_sums = RunningSums;
  k->synthetic_counts = SyntheticCounts;
  k->clipped_counts = ClippedCounts;
  k->clip_counts = ClipCounts;
  k->cdf_span8 = CdfSpan<uint8_t>;
  k->cdf_span16 = CdfSpan<uint16_t>;
  k->interp8 = Interp8;
  k->interp8_block = 8;
  k->interp8_strided = Interp8Strided;
  k->interp8_strided_block = 8;
  k->pack16 = Pack16;
  k->value_quads = ValueQuads;
  k->interp16 = Interp16Of<false>;
  k->interp16_block = 8;
  k->interp16_in_order = Interp16Of<true>;
}

}  // namespace kernels
}  // namespace histeq
