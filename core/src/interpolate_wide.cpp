// TileInterpolatorWide. Bit-exactness with OpenCV depends on evaluating the
// float expressions exactly as written (meson builds this file with
// -ffp-contract=off) and on every vector path doing the scalar loop's
// operations in its order, without FMA.
#include <algorithm>
#include <cstring>

#include "histeq/interpolate.h"
#include "histeq/simd.h"
#include "prefetch.h"
#include "round.h"
#include "splits.h"
#include "x86.h"

namespace histeq {
namespace {

// Packs out[v] = {tl[v], tr[v], bl[v], br[v]} (16 bits each, tl lowest) for
// v in [first, end).
void PackQuads(const uint16_t* tl, const uint16_t* tr, const uint16_t* bl,
               const uint16_t* br, int first, int end, uint64_t* out);

#ifdef HISTEQ_X86
// 32 entries at a time: the tables interleaved word by word (tl with tr, bl
// with br), then the pairs dword by dword. Returns where the tail starts.
HISTEQ_TARGET_AVX512 int PackQuadsAvx512(const uint16_t* tl, const uint16_t* tr,
                                         const uint16_t* bl, const uint16_t* br, int first,
                                         int end, uint64_t* out) {
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
    const __m512i a = _mm512_loadu_si512(tl + v), b = _mm512_loadu_si512(tr + v);
    const __m512i c = _mm512_loadu_si512(bl + v), d = _mm512_loadu_si512(br + v);
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

// 16 entries at a time: within each 128-bit lane, words then dwords
// interleaved; the lanes' halves then put in order.
HISTEQ_TARGET_AVX2 int PackQuadsAvx2(const uint16_t* tl, const uint16_t* tr, const uint16_t* bl,
                                     const uint16_t* br, int first, int end, uint64_t* out) {
  int v = first;
  for (; v + 16 <= end; v += 16) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tl + v));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tr + v));
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bl + v));
    const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(br + v));
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
#endif

void PackQuads(const uint16_t* tl, const uint16_t* tr, const uint16_t* bl,
               const uint16_t* br, int first, int end, uint64_t* out) {
  int v = first;
#ifdef HISTEQ_X86
  if (ActiveSimd() >= SimdLevel::kAvx512Vbmi)
    v = PackQuadsAvx512(tl, tr, bl, br, first, end, out);
  else if (ActiveSimd() >= SimdLevel::kAvx2)
    v = PackQuadsAvx2(tl, tr, bl, br, first, end, out);
#endif
  for (; v < end; ++v)
    out[v] = static_cast<uint64_t>(tl[v]) | static_cast<uint64_t>(tr[v]) << 16 |
             static_cast<uint64_t>(bl[v]) << 32 | static_cast<uint64_t>(br[v]) << 48;
}

inline uint16_t Word(const uint8_t* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// One row of one span, a sample at a time: its packed entry, then
// ((tl a1 + tr a) b1 + (bl a1 + br a) b) in float, as cv::CLAHE.
template <bool kPlain>
void InterpolateQuads(uint8_t* p, int x0, int x1, int step, const WideCodec& codec,
                      int max_value, const uint64_t* quads, const float* a, const float* a1,
                      float b1, float b) {
  for (int x = x0; x < x1; ++x) {
    uint8_t* s = p + static_cast<ptrdiff_t>(x) * step;
    const uint64_t q = quads[kPlain ? Word(s) : codec.Read(s)];
    const float tl = static_cast<float>(q & 0xffff), tr = static_cast<float>((q >> 16) & 0xffff);
    const float bl = static_cast<float>((q >> 32) & 0xffff), br = static_cast<float>(q >> 48);
    const float res = (tl * a1[x] + tr * a[x]) * b1 + (bl * a1[x] + br * a[x]) * b;
    const int r = RoundHalfEven(res);
    const uint32_t out = static_cast<uint32_t>(r < 0 ? 0 : (r > max_value ? max_value : r));
    if (kPlain) {
      const uint16_t w = static_cast<uint16_t>(out);
      std::memcpy(s, &w, 2);
    } else {
      codec.Write(s, out);
    }
  }
}

#ifdef HISTEQ_X86
// Plain 16-bit words (little-endian, full depth, no gaps). The entries are
// loaded one by one (on current CPUs faster than a gather) into two vectors
// of 64-bit lanes, whose low and high halves {tl, tr} and {bl, br} are then
// split apart. Returns where the scalar tail starts.
HISTEQ_TARGET_AVX512 int InterpolateQuadsAvx512(uint8_t* p, int x0, int x1,
                                                const uint64_t* q, const float* a,
                                                const float* a1, float b1, float b) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512i low = _mm512_set1_epi32(0xffff), zero = _mm512_setzero_si512();
  const __m512 vb = _mm512_set1_ps(b), vb1 = _mm512_set1_ps(b1);
  int x = x0;
  for (; x + 16 <= x1; x += 16) {
    uint8_t* s = p + 2 * x;
    auto e = [&](int k) { return static_cast<long long>(q[Word(s + 2 * k)]); };
    const __m512i g0 = _mm512_set_epi64(e(7), e(6), e(5), e(4), e(3), e(2), e(1), e(0));
    const __m512i g1 = _mm512_set_epi64(e(15), e(14), e(13), e(12), e(11), e(10), e(9), e(8));
    const __m512i top_pair = _mm512_permutex2var_epi32(g0, even, g1);
    const __m512i bottom_pair = _mm512_permutex2var_epi32(g0, odd, g1);
    const __m512 tl = _mm512_cvtepi32_ps(_mm512_and_si512(top_pair, low));
    const __m512 tr = _mm512_cvtepi32_ps(_mm512_srli_epi32(top_pair, 16));
    const __m512 bl = _mm512_cvtepi32_ps(_mm512_and_si512(bottom_pair, low));
    const __m512 br = _mm512_cvtepi32_ps(_mm512_srli_epi32(bottom_pair, 16));
    const __m512 va = _mm512_loadu_ps(a + x), va1 = _mm512_loadu_ps(a1 + x);
    const __m512 top = _mm512_add_ps(_mm512_mul_ps(tl, va1), _mm512_mul_ps(tr, va));
    const __m512 bottom = _mm512_add_ps(_mm512_mul_ps(bl, va1), _mm512_mul_ps(br, va));
    const __m512 res = _mm512_add_ps(_mm512_mul_ps(top, vb1), _mm512_mul_ps(bottom, vb));
    const __m512i r = _mm512_min_epi32(_mm512_max_epi32(_mm512_cvtps_epi32(res), zero), low);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(s), _mm512_cvtepi32_epi16(r));
  }
  return x;
}

// The same, 8 samples at a time.
HISTEQ_TARGET_AVX2 int InterpolateQuadsAvx2(uint8_t* p, int x0, int x1, const uint64_t* q,
                                            const float* a, const float* a1, float b1,
                                            float b) {
  const __m256i low = _mm256_set1_epi32(0xffff);
  const __m256 vb = _mm256_set1_ps(b), vb1 = _mm256_set1_ps(b1);
  int x = x0;
  for (; x + 8 <= x1; x += 8) {
    uint8_t* s = p + 2 * x;
    auto e = [&](int k) { return static_cast<long long>(q[Word(s + 2 * k)]); };
    const __m256 g0 = _mm256_castsi256_ps(_mm256_set_epi64x(e(3), e(2), e(1), e(0)));
    const __m256 g1 = _mm256_castsi256_ps(_mm256_set_epi64x(e(7), e(6), e(5), e(4)));
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
    const __m256 va = _mm256_loadu_ps(a + x), va1 = _mm256_loadu_ps(a1 + x);
    const __m256 top = _mm256_add_ps(_mm256_mul_ps(tl, va1), _mm256_mul_ps(tr, va));
    const __m256 bottom = _mm256_add_ps(_mm256_mul_ps(bl, va1), _mm256_mul_ps(br, va));
    const __m256 res = _mm256_add_ps(_mm256_mul_ps(top, vb1), _mm256_mul_ps(bottom, vb));
    // Round half to even, then saturate to 0..65535 by packing.
    const __m256i r = _mm256_cvtps_epi32(res);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r),
                                                    _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(s), _mm256_castsi256_si128(packed));
  }
  return x;
}
#endif

}  // namespace

void TileInterpolatorWide::Apply(uint8_t* data, ptrdiff_t stride, int step,
                                 const SampleFormat& format, const TileGrid& g,
                                 const uint16_t* luts, const ValueRange* ranges) {
  Prepare(g, format.bins());
  ApplyRows(data, stride, step, format, luts, ranges, 0, g.height, 0);
}

void TileInterpolatorWide::Prepare(const TileGrid& g, int bins, int slots) {
  if (static_cast<int>(quads_.size()) < slots) quads_.resize(static_cast<size_t>(slots));
  for (auto& q : quads_) q.resize(static_cast<size_t>(bins));
  if (grid_ == g && bins == bins_) return;
  grid_ = g;
  bins_ = bins;
  std::vector<int> first;
  ColumnSplits(g, &first, &a_, &a1_);
  // Spans: runs of columns between the same two tile centres.
  span_x_.assign(1, 0);
  span_left_.clear();
  span_right_.clear();
  for (int x = 0; x < g.width; ++x) {
    if (x > 0 && first[x] == first[x - 1]) continue;
    if (x > 0) span_x_.push_back(x);
    span_left_.push_back(std::max(first[x], 0));
    span_right_.push_back(std::min(first[x] + 1, g.tiles_x - 1));
  }
  span_x_.push_back(g.width);
  // Bands: runs of rows between the same two tile rows.
  const float inv_th = 1.0f / static_cast<float>(g.tile_height);
  band_y_.assign(1, 0);
  for (int y = 1; y < g.height; ++y)
    if (SplitAt(y, inv_th).first != SplitAt(y - 1, inv_th).first) band_y_.push_back(y);
  band_y_.push_back(g.height);
}

void TileInterpolatorWide::ApplyRows(uint8_t* data, ptrdiff_t stride, int step,
                                     const SampleFormat& format, const uint16_t* luts,
                                     const ValueRange* ranges, int y_begin, int y_end,
                                     int slot) {
  const float inv_th = 1.0f / static_cast<float>(grid_.tile_height);
  // Band by band (rows between the same two tile rows), every span.
  for (size_t b = 0; b + 1 < band_y_.size(); ++b) {
    const int y = std::max(band_y_[b], y_begin), y_stop = std::min(band_y_[b + 1], y_end);
    if (y < y_stop)
      ApplyBand(data, stride, step, format, luts, ranges, SplitAt(band_y_[b], inv_th).first, y,
                y_stop, 0, spans(), slot);
  }
}

void TileInterpolatorWide::ApplyRegions(uint8_t* data, ptrdiff_t stride, int step,
                                        const SampleFormat& format, const uint16_t* luts,
                                        const ValueRange* ranges, int band_index,
                                        int span_begin, int span_end, int slot) {
  const int y0 = band_y_[static_cast<size_t>(band_index)];
  const int y1 = band_y_[static_cast<size_t>(band_index) + 1];
  const float inv_th = 1.0f / static_cast<float>(grid_.tile_height);
  ApplyBand(data, stride, step, format, luts, ranges, SplitAt(y0, inv_th).first, y0, y1,
            span_begin, span_end, slot);
}

void TileInterpolatorWide::ApplyBand(uint8_t* data, ptrdiff_t stride, int step,
                                     const SampleFormat& format, const uint16_t* luts,
                                     const ValueRange* ranges, int band, int y, int y_stop,
                                     int span_begin, int span_end, int slot) {
  const TileGrid& g = grid_;
  const WideCodec codec(format);
  const int max_value = format.max_value();
  const bool plain = format.shift == 0 && !format.big_endian && max_value == 0xffff && step == 2;
#ifdef HISTEQ_X86
  const bool avx512 = plain && ActiveSimd() >= SimdLevel::kAvx512Vbmi;
  const bool avx2 = plain && ActiveSimd() >= SimdLevel::kAvx2;
#endif
  uint64_t* quads = quads_[static_cast<size_t>(slot)].data();
  const float inv_th = 1.0f / static_cast<float>(g.tile_height);
  const int top = std::max(band, 0) * g.tiles_x;
  const int bottom = std::min(band + 1, g.tiles_y - 1) * g.tiles_x;
  for (int s = span_begin; s < span_end; ++s) {
    const int t[4] = {top + span_left_[s], top + span_right_[s], bottom + span_left_[s],
                      bottom + span_right_[s]};
    // The region's samples lie in these tiles, so within their values.
    // When the region has few samples for the values (small frames, many
    // tiles) its own range, quick to find in plain words, packs less.
    ValueRange values;
    for (int k : t) values.Add(ranges[k]);
    const int width = span_x_[s + 1] - span_x_[s];
    if (plain && static_cast<int64_t>(width) * (y_stop - y) < 2 * (values.hi - values.lo + 1))
      values = WordRange(data + y * stride + 2 * span_x_[s], stride, width, y_stop - y);
    auto table = [&](int k) { return luts + static_cast<size_t>(t[k]) * bins_; };
    PackQuads(table(0), table(1), table(2), table(3), values.lo, values.hi + 1, quads);
    for (int yy = y; yy < y_stop; ++yy) {
      const float b = SplitAt(yy, inv_th).a, b1 = 1.0f - b;
      uint8_t* row = data + yy * stride;
      int x0 = span_x_[s];
      const int x1 = span_x_[s + 1];
      FetchRowAhead(row + static_cast<ptrdiff_t>(x0) * step, stride, yy - y, y_stop - y,
                    static_cast<int64_t>(x1 - x0) * step, true);
#ifdef HISTEQ_X86
      if (avx512)
        x0 = InterpolateQuadsAvx512(row, x0, x1, quads, a_.data(), a1_.data(), b1, b);
      else if (avx2)
        x0 = InterpolateQuadsAvx2(row, x0, x1, quads, a_.data(), a1_.data(), b1, b);
#endif
      if (plain)
        InterpolateQuads<true>(row, x0, x1, step, codec, max_value, quads, a_.data(),
                               a1_.data(), b1, b);
      else
        InterpolateQuads<false>(row, x0, x1, step, codec, max_value, quads, a_.data(),
                                a1_.data(), b1, b);
    }
  }
}

}  // namespace histeq
