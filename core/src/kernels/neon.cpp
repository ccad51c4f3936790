// NEON kernels (aarch64 Advanced SIMD, the architecture's baseline): the
// 8-bit table pass by vqtbl4q, the CLAHE interpolation (8 and 16-bit) four
// lanes of float at a time, the 16-bit quads, counts, ranges and table scans,
// and the packed RGB luma and delta. Every one gives the scalar kernel's
// results: the same integer sums, and the float operations in the scalar
// kernel's order with no fused multiply-add (the core is built with
// -ffp-contract=off, and GCC's vmulq/vaddq are plain products and sums),
// rounded to nearest with ties to even (FCVTNS), as the scalar kernels round.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/flags.h"
#include "kernels/kernels.h"
#include "kernels/value_entries.h"
#include "prefetch.h"

namespace histeq {
namespace kernels {
namespace {

// The 256-entry table in four groups of four registers (16 of the 32),
// loaded once and kept in registers across the loop (four variables that a
// macro uses: with them in a struct, GCC 12 reloads them from the stack
// every iteration): vqtbl4q
// looks up 64 entries and gives 0 for an index past them, so each group is
// asked for the samples minus its first entry, and the four answers are
// ORed. (A vqtbx4q chain would save the ORs, but each link waits for the one
// before, and Neoverse-N2 gives a four-register TBX twice a TBL's cost.)
#define HISTEQ_LOOK_UP16(v)                                                        \
  vorrq_u8(vorrq_u8(vqtbl4q_u8(t0, v), vqtbl4q_u8(t1, vsubq_u8(v, k64))),         \
           vorrq_u8(vqtbl4q_u8(t2, vsubq_u8(v, k128)), vqtbl4q_u8(t3, vsubq_u8(v, k192))))

// Eight samples looked up one by one: loads and integer operations, which
// run beside the vector pipes' table lookups (a four-register TBL is 9 of
// Cortex-A72's micro-ops).
inline void LookUp8(uint8_t* p, const uint8_t* lut) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t r = static_cast<uint64_t>(lut[w & 0xff]) |
                     static_cast<uint64_t>(lut[(w >> 8) & 0xff]) << 8 |
                     static_cast<uint64_t>(lut[(w >> 16) & 0xff]) << 16 |
                     static_cast<uint64_t>(lut[(w >> 24) & 0xff]) << 24 |
                     static_cast<uint64_t>(lut[(w >> 32) & 0xff]) << 32 |
                     static_cast<uint64_t>(lut[(w >> 40) & 0xff]) << 40 |
                     static_cast<uint64_t>(lut[(w >> 48) & 0xff]) << 48 |
                     static_cast<uint64_t>(lut[w >> 56]) << 56;
  std::memcpy(p, &r, 8);
}

// 56 samples an iteration where there are (48 by vector, 8 one by one),
// then 8 one by one if that leaves half a block, then 16 at a time.
void Apply8(uint8_t* p, int n, const uint8_t* lut, int, int) {
  const uint8x16x4_t t0 = vld1q_u8_x4(lut), t1 = vld1q_u8_x4(lut + 64);
  const uint8x16x4_t t2 = vld1q_u8_x4(lut + 128), t3 = vld1q_u8_x4(lut + 192);
  const uint8x16_t k64 = vdupq_n_u8(64), k128 = vdupq_n_u8(128), k192 = vdupq_n_u8(192);
  int x = 0;
  for (; x + 56 <= n; x += 56) {
    __builtin_prefetch(p + x + kStreamAheadBytes, 1);
    const uint8x16_t a = vld1q_u8(p + x), b = vld1q_u8(p + x + 16), c = vld1q_u8(p + x + 32);
    vst1q_u8(p + x, HISTEQ_LOOK_UP16(a));
    vst1q_u8(p + x + 16, HISTEQ_LOOK_UP16(b));
    vst1q_u8(p + x + 32, HISTEQ_LOOK_UP16(c));
    LookUp8(p + x + 48, lut);
  }
  if ((n - x) % 16 != 0) {
    LookUp8(p + x, lut);
    x += 8;
  }
  for (; x < n; x += 16) {
    const uint8x16_t a = vld1q_u8(p + x);
    vst1q_u8(p + x, HISTEQ_LOOK_UP16(a));
  }
}
#undef HISTEQ_LOOK_UP16

// The blend of four samples' table values, in the scalar kernel's order,
// rounded half to even.
inline int32x4_t Blend4(float32x4_t tl, float32x4_t tr, float32x4_t bl, float32x4_t br,
                        const Weights& w, int x) {
  const float32x4_t va = vld1q_f32(w.a + x), va1 = vld1q_f32(w.a1 + x);
  const float32x4_t top = vaddq_f32(vmulq_f32(tl, va1), vmulq_f32(tr, va));
  const float32x4_t bottom = vaddq_f32(vmulq_f32(bl, va1), vmulq_f32(br, va));
  const float32x4_t res =
      vaddq_f32(vmulq_f32(top, vdupq_n_f32(w.b1)), vmulq_f32(bottom, vdupq_n_f32(w.b)));
  return vcvtnq_s32_f32(res);
}

// Four samples from their packed 8-bit quads, as 32-bit results.
inline int32x4_t Interpolate4(uint32x4_t q, const Weights& w, int x) {
  const uint32x4_t bytes = vdupq_n_u32(0xff);
  const float32x4_t tl = vcvtq_f32_u32(vandq_u32(q, bytes));
  const float32x4_t tr = vcvtq_f32_u32(vandq_u32(vshrq_n_u32(q, 8), bytes));
  const float32x4_t bl = vcvtq_f32_u32(vandq_u32(vshrq_n_u32(q, 16), bytes));
  const float32x4_t br = vcvtq_f32_u32(vshrq_n_u32(q, 24));
  return Blend4(tl, tr, bl, br, w, x);
}

// 16 results saturated to bytes.
inline uint8x16_t Narrow16(int32x4_t r0, int32x4_t r1, int32x4_t r2, int32x4_t r3) {
  const uint16x8_t lo = vcombine_u16(vqmovun_s32(r0), vqmovun_s32(r1));
  const uint16x8_t hi = vcombine_u16(vqmovun_s32(r2), vqmovun_s32(r3));
  return vcombine_u8(vqmovn_u16(lo), vqmovn_u16(hi));
}

// The packed quads of four samples `step` bytes apart, loaded lane by lane.
inline uint32x4_t Quads4(const uint32_t* quads, const uint8_t* p, int step) {
  uint32x4_t q = vdupq_n_u32(0);
  q = vld1q_lane_u32(quads + p[0], q, 0);
  q = vld1q_lane_u32(quads + p[step], q, 1);
  q = vld1q_lane_u32(quads + p[2 * step], q, 2);
  q = vld1q_lane_u32(quads + p[3 * step], q, 3);
  return q;
}

inline uint8x16_t Interpolate16(const uint32_t* quads, const uint8_t* p, int step,
                                const Weights& w, int x) {
  return Narrow16(Interpolate4(Quads4(quads, p, step), w, x),
                  Interpolate4(Quads4(quads, p + 4 * step, step), w, x + 4),
                  Interpolate4(Quads4(quads, p + 8 * step, step), w, x + 8),
                  Interpolate4(Quads4(quads, p + 12 * step, step), w, x + 12));
}

void Interp8(uint8_t* p, int n, const Weights& w, const Region8& r) {
  for (int x = 0; x < n; x += 16) vst1q_u8(p + x, Interpolate16(r.quads, p + x, 1, w, x));
}

void Interp8Strided(uint8_t* p, int step, int n, const Weights& w, const Region8& r) {
  for (int x = 0; x < n; x += 16) {
    uint8_t* s = p + x * step;
    uint8_t out[16];
    vst1q_u8(out, Interpolate16(r.quads, s, step, w, x));
    for (int k = 0; k < 16; ++k) s[k * step] = out[k];
  }
}

// quads[v] = {t0[v], t1[v], t2[v], t3[v]}: four tables stored interleaved.
void Prepare8(Region8* r, int) {
  const uint8_t* const* t = r->tables;
  uint8_t* out = reinterpret_cast<uint8_t*>(r->quads);
  for (int v = 0; v < 256; v += 16) {
    uint8x16x4_t q;
    q.val[0] = vld1q_u8(t[0] + v);
    q.val[1] = vld1q_u8(t[1] + v);
    q.val[2] = vld1q_u8(t[2] + v);
    q.val[3] = vld1q_u8(t[3] + v);
    vst4q_u8(out + 4 * v, q);
  }
}

int Pack16(const uint16_t* const* t, int first, int end, uint64_t* quads) {
  int v = first;
  for (; v + 8 <= end; v += 8) {
    uint16x8x4_t q;
    q.val[0] = vld1q_u16(t[0] + v);
    q.val[1] = vld1q_u16(t[1] + v);
    q.val[2] = vld1q_u16(t[2] + v);
    q.val[3] = vld1q_u16(t[3] + v);
    vst4q_u16(reinterpret_cast<uint16_t*>(quads + v), q);
  }
  return v;
}

inline uint16_t Word(const uint8_t* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// Four plain 16-bit samples: their four 64-bit entries, split into
// {tl, tr, bl, br} lanes by de-interleaving the words.
template <bool kInOrder>
void Interp16Of(uint8_t* p, int n, const Weights& w, const uint64_t* q) {
  for (int x = 0; x < n; x += 4) {
    uint8_t* s = p + 2 * x;
    uint16x4x4_t e;
    if constexpr (kInOrder) {
      e = vld4_u16(reinterpret_cast<const uint16_t*>(q + x));
    } else {
      e = vld4_lane_u16(reinterpret_cast<const uint16_t*>(q + Word(s)), uint16x4x4_t{}, 0);
      e = vld4_lane_u16(reinterpret_cast<const uint16_t*>(q + Word(s + 2)), e, 1);
      e = vld4_lane_u16(reinterpret_cast<const uint16_t*>(q + Word(s + 4)), e, 2);
      e = vld4_lane_u16(reinterpret_cast<const uint16_t*>(q + Word(s + 6)), e, 3);
    }
    const float32x4_t tl = vcvtq_f32_u32(vmovl_u16(e.val[0]));
    const float32x4_t tr = vcvtq_f32_u32(vmovl_u16(e.val[1]));
    const float32x4_t bl = vcvtq_f32_u32(vmovl_u16(e.val[2]));
    const float32x4_t br = vcvtq_f32_u32(vmovl_u16(e.val[3]));
    vst1_u16(reinterpret_cast<uint16_t*>(s), vqmovun_s32(Blend4(tl, tr, bl, br, w, x)));
  }
}

// The lowest and highest of eight words, 16 a row-step, into [*lo, *hi].
inline void AddRangeOf(uint16x8_t lo, uint16x8_t hi, int* lo_io, int* hi_io) {
  const int l = vminvq_u16(lo), h = vmaxvq_u16(hi);
  if (l < *lo_io) *lo_io = l;
  if (h > *hi_io) *hi_io = h;
}

int WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height, int* lo, int* hi) {
  const int vector_width = width & ~7;
  if (vector_width == 0) return 0;
  uint16x8_t l = vdupq_n_u16(0xffff), h = vdupq_n_u16(0);
  for (int y = 0; y < height; ++y) {
    const uint16_t* p = reinterpret_cast<const uint16_t*>(data + y * stride);
    for (int x = 0; x < vector_width; x += 8) {
      uint16x8_t v;
      std::memcpy(&v, p + x, 16);
      l = vminq_u16(l, v);
      h = vmaxq_u16(h, v);
    }
  }
  AddRangeOf(l, h, lo, hi);
  return vector_width;
}

// The range from vectors of the words being counted, the counts one by one
// from the same 16 bytes read as two 64-bit words (a field of a general
// register is one operation; a ldrh per sample, or a lane moved out of the
// vector, costs more).
int CountWords(const uint8_t* data, ptrdiff_t stride, int width, int height, uint32_t* hist,
               int* lo, int* hi) {
  const int vector_width = width & ~7;
  if (vector_width == 0) return 0;
  uint16x8_t l = vdupq_n_u16(0xffff), h = vdupq_n_u16(0);
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = data + y * stride;
    FetchRowAhead(row, stride, y, height, 2 * static_cast<int64_t>(width));
    const uint16_t* p = reinterpret_cast<const uint16_t*>(row);
    for (int x = 0; x < vector_width; x += 8) {
      uint16x8_t v;
      std::memcpy(&v, p + x, 16);
      l = vminq_u16(l, v);
      h = vmaxq_u16(h, v);
      uint64_t a, b;
      std::memcpy(&a, p + x, 8);
      std::memcpy(&b, p + x + 4, 8);
      ++hist[a & 0xffff];
      ++hist[(a >> 16) & 0xffff];
      ++hist[(a >> 32) & 0xffff];
      ++hist[a >> 48];
      ++hist[b & 0xffff];
      ++hist[(b >> 16) & 0xffff];
      ++hist[(b >> 32) & 0xffff];
      ++hist[b >> 48];
    }
  }
  AddRangeOf(l, h, lo, hi);
  return vector_width;
}

int AddCounts(uint32_t* dst, const uint32_t* src, int first, int end) {
  int v = first;
  for (; v + 4 <= end; v += 4) vst1q_u32(dst + v, vaddq_u32(vld1q_u32(dst + v), vld1q_u32(src + v)));
  return v;
}

int ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit, uint64_t* clipped) {
  const uint32x4_t vlimit = vdupq_n_u32(limit);
  uint64x2_t acc = vdupq_n_u64(0);
  int v = first;
  for (; v + 4 <= end; v += 4) {
    const uint32x4_t h = vld1q_u32(hist + v);
    acc = vpadalq_u32(acc, vsubq_u32(h, vminq_u32(h, vlimit)));
  }
  *clipped += vaddvq_u64(acc);
  return v;
}

// A block's vectors summed in a register, added across it at the block's
// end (blocks of four values or more: a vector lies in one block).
int BlockCounts(uint32_t* hist, int first, int end, int shift, uint32_t* blocks, uint32_t* share,
                bool clear) {
  if (shift < 2 || first % 4 != 0) return first;
  int v = first;
  while (v + 4 <= end) {
    const int block_end = std::min(end, ((v >> shift) + 1) << shift);
    uint32x4_t acc = vdupq_n_u32(0);
    for (; v + 4 <= block_end; v += 4) {
      const uint32x4_t h = vld1q_u32(hist + v);
      if (share) vst1q_u32(share + v, vaddq_u32(vld1q_u32(share + v), h));
      if (clear) vst1q_u32(hist + v, vdupq_n_u32(0));
      acc = vaddq_u32(acc, h);
    }
    blocks[(v - 1) >> shift] += vaddvq_u32(acc);
    if (v < block_end) break;  // end is not a multiple of 4
  }
  return v;
}

int ClipCounts(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
               uint64_t* clipped) {
  const uint32x4_t vlimit = vdupq_n_u32(limit);
  uint32x4_t acc = vdupq_n_u32(0);
  int v = first;
  for (; v + 4 <= end; v += 4) {
    const uint32x4_t h = vld1q_u32(hist + v);
    if (share) vst1q_u32(share + v, vaddq_u32(vld1q_u32(share + v), h));
    const uint32x4_t kept = vminq_u32(h, vlimit);
    vst1q_u32(hist + v, kept);
    acc = vaddq_u32(acc, vsubq_u32(h, kept));
  }
  *clipped += vaddlvq_u32(acc);
  return v;
}

inline void Store4(uint8_t* lut, int32x4_t r) {
  const uint16x4_t w = vqmovun_s32(r);
  const uint8x8_t b = vqmovn_u16(vcombine_u16(w, w));
  vst1_lane_u32(reinterpret_cast<uint32_t*>(lut), vreinterpret_u32_u8(b), 0);
}
inline void Store4(uint16_t* lut, int32x4_t r) { vst1_u16(lut, vqmovun_s32(r)); }

// Four entries at a time: the clipped counts' prefix sum in the register
// (two shifted adds) plus the running total; batch (v + 1) kept up by adds;
// v / step by a multiply: with m = floor(2^32 / step) + 1 (32 bits from step
// 2 on), the high half of v m is floor(v / step) for every v < 2^16 and step
// <= 2^16, as v m / 2^32 = v / step + v e / 2^32 with 0 < e <= 1, v / step is
// at most q + (step - 1) / step, and v e / 2^32 < 2^-16 <= 1 / step; for a
// larger step it is 0, as the quotient is; step 1 takes v itself.
// min(residual, v / step + 1) is min(residual - 1, v / step) + 1, the 1 kept
// with batch (v + 1). The scalar kernel's float product and rounding follow.
// The steps a span does not need (no histogram, no clipping, no residual)
// are left out of its loop. The sums must stay below 2^31; entries from
// 2^16 on are left to the scalar kernel.
template <typename T, bool kHist, bool kClip, bool kResidual>
int CdfSpanOf(const uint32_t* hist, int first, int end, const Spread& s, float scale,
              int max_value, uint64_t* kept, T* lut) {
  if (end > 65536) end = 65536;
  const uint32_t step = s.step, batch = s.batch;
  const int32x4_t zero = vdupq_n_s32(0), top = vdupq_n_s32(max_value);
  const uint32x4_t limit = vdupq_n_u32(s.limit);
  const uint32x4_t below_residual = vdupq_n_u32(kResidual ? s.residual - 1 : 0);
  const uint32x4_t recip =
      vdupq_n_u32(step > 1 ? static_cast<uint32_t>((uint64_t{1} << 32) / step + 1) : 0);
  const uint32x4_t by_one = vdupq_n_u32(step == 1 ? 0xffffffffu : 0);
  const uint32x4_t one = vdupq_n_u32(1), four = vdupq_n_u32(4);
  const int32x4_t batch4 = vdupq_n_s32(static_cast<int32_t>(4 * batch));
  const uint32_t lanes[4] = {0, 1, 2, 3};
  const float32x4_t vscale = vdupq_n_f32(scale);
  uint32x4_t value = vaddq_u32(vdupq_n_u32(static_cast<uint32_t>(first)), vld1q_u32(lanes));
  int32x4_t whole = vreinterpretq_s32_u32(vmlaq_u32(vdupq_n_u32(kResidual ? 1 : 0),
                                                     vdupq_n_u32(batch), vaddq_u32(value, one)));
  int32x4_t carry = vdupq_n_s32(static_cast<int32_t>(*kept));
  int v = first;
  for (; v + 4 <= end; v += 4) {
    int32x4_t x = carry;
    if constexpr (kHist) {
      uint32x4_t h = vld1q_u32(hist + v);
      if constexpr (kClip) h = vminq_u32(h, limit);
      x = vreinterpretq_s32_u32(h);
      x = vaddq_s32(x, vextq_s32(zero, x, 3));
      x = vaddq_s32(x, vextq_s32(zero, x, 2));
      x = vaddq_s32(x, carry);
      carry = vdupq_laneq_s32(x, 3);
    }
    int32x4_t cdf = vaddq_s32(x, whole);
    if constexpr (kResidual) {
      const uint32x4_t high =
          vuzp2q_u32(vreinterpretq_u32_u64(vmull_u32(vget_low_u32(value), vget_low_u32(recip))),
                     vreinterpretq_u32_u64(vmull_high_u32(value, recip)));
      const uint32x4_t q = vbslq_u32(by_one, value, high);
      cdf = vaddq_s32(cdf, vreinterpretq_s32_u32(vminq_u32(q, below_residual)));
      value = vaddq_u32(value, four);
    }
    const int32x4_t r = vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(cdf), vscale));
    Store4(lut + v, vminq_s32(r, top));  // below 0: 0, by the saturating narrowing
    whole = vaddq_s32(whole, batch4);
  }
  if constexpr (kHist) *kept = static_cast<uint32_t>(vgetq_lane_s32(carry, 0));
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

// 16 pixels of 4 bytes at a time, de-interleaved into their four bytes:
// (wr R + wg G + wb B + 2^14) >> 15 in 32 bits.
void Luma4(const uint8_t* px, int n, const Rgb4& l, uint8_t* y) {
  const uint16x4_t wr = vdup_n_u16(static_cast<uint16_t>(l.wr));
  const uint16x4_t wg = vdup_n_u16(static_cast<uint16_t>(l.wg));
  const uint16x4_t wb = vdup_n_u16(static_cast<uint16_t>(l.wb));
  const uint32x4_t half = vdupq_n_u32(16384);
  for (int x = 0; x < n; x += 16) {
    const uint8x16x4_t v = vld4q_u8(px + 4 * x);
    const uint16x8_t r[2] = {vmovl_u8(vget_low_u8(v.val[l.offset_r])),
                             vmovl_u8(vget_high_u8(v.val[l.offset_r]))};
    const uint16x8_t g[2] = {vmovl_u8(vget_low_u8(v.val[l.offset_g])),
                             vmovl_u8(vget_high_u8(v.val[l.offset_g]))};
    const uint16x8_t b[2] = {vmovl_u8(vget_low_u8(v.val[l.offset_b])),
                             vmovl_u8(vget_high_u8(v.val[l.offset_b]))};
    uint16x4_t out[4];
    for (int h = 0; h < 2; ++h) {
      uint32x4_t lo = vmlal_u16(vmlal_u16(vmlal_u16(half, vget_low_u16(r[h]), wr),
                                          vget_low_u16(g[h]), wg),
                                vget_low_u16(b[h]), wb);
      uint32x4_t hi = vmlal_u16(vmlal_u16(vmlal_u16(half, vget_high_u16(r[h]), wr),
                                          vget_high_u16(g[h]), wg),
                                vget_high_u16(b[h]), wb);
      out[2 * h] = vshrn_n_u32(lo, 15);
      out[2 * h + 1] = vshrn_n_u32(hi, 15);
    }
    vst1q_u8(y + x, vcombine_u8(vmovn_u16(vcombine_u16(out[0], out[1])),
                                vmovn_u16(vcombine_u16(out[2], out[3]))));
  }
}

// Each pixel's delta as a positive and a negative part (one of them zero),
// added to and subtracted from R, G and B with saturation; the fourth byte
// is stored back as it was.
void Delta4(uint8_t* px, int n, const Rgb4& l, const uint8_t* y, const uint8_t* lum) {
  for (int x = 0; x < n; x += 16) {
    uint8x16x4_t v = vld4q_u8(px + 4 * x);
    const uint8x16_t vy = vld1q_u8(y + x), vl = vld1q_u8(lum + x);
    const uint8x16_t up = vqsubq_u8(vl, vy), down = vqsubq_u8(vy, vl);
    const int channels[3] = {l.offset_r, l.offset_g, l.offset_b};
    for (int c = 0; c < 3; ++c)
      v.val[channels[c]] = vqsubq_u8(vqaddq_u8(v.val[channels[c]], up), down);
    vst4q_u8(px + 4 * x, v);
  }
}

uint32_t Count16(const uint16_t* starts, uint32_t v) {
  const uint16x8_t w = vdupq_n_u16(static_cast<uint16_t>(v));
  // Each at-or-below lane is -1.
  const int16x8_t minus = vaddq_s16(vreinterpretq_s16_u16(vcleq_u16(vld1q_u16(starts), w)),
                                    vreinterpretq_s16_u16(vcleq_u16(vld1q_u16(starts + 8), w)));
  return static_cast<uint32_t>(-vaddvq_s16(minus));
}

// The entries of the four lanes v, from their counts c, as the scalar
// kernel makes them (`ix` per lane), v / step by CdfSpan's multiply.
struct FinishLanes {
  uint32x4_t batch, residual, unit, leftover, recip, by_one;
  float32x4_t scale;
  int32x4_t top;

  int32x4_t operator()(uint32x4_t v, uint32x4_t c) const {
    const uint32x4_t one = vdupq_n_u32(1);
    const uint32x4_t high =
        vuzp2q_u32(vreinterpretq_u32_u64(vmull_u32(vget_low_u32(v), vget_low_u32(recip))),
                   vreinterpretq_u32_u64(vmull_high_u32(v, recip)));
    const uint32x4_t d = vbslq_u32(by_one, v, high);
    const uint32x4_t added =
        vaddq_u32(vmulq_u32(batch, vaddq_u32(v, one)), vminq_u32(vaddq_u32(d, one), residual));
    const uint32x4_t all = vaddq_u32(vmlaq_u32(leftover, added, unit), c);
    const int32x4_t r = vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(vreinterpretq_s32_u32(all)), scale));
    return vminq_s32(r, top);  // below 0: 0, by the saturating narrowing
  }
};

// Lane k from ix[k].
FinishLanes LanesOf(const ValueIndex* ix) {
  uint32_t batch[4], residual[4], unit[4], leftover[4], recip[4], by_one[4];
  float scale[4];
  for (int k = 0; k < 4; ++k) {
    const ValueIndex& x = ix[k];
    const uint32_t step = x.spread.step;
    batch[k] = x.spread.batch;
    residual[k] = x.spread.residual;
    unit[k] = x.unit;
    leftover[k] = x.leftover;
    recip[k] = step > 1 ? static_cast<uint32_t>((uint64_t{1} << 32) / step + 1) : 0;
    by_one[k] = step == 1 ? 0xffffffffu : 0;
    scale[k] = x.scale;
  }
  FinishLanes l;
  l.batch = vld1q_u32(batch);
  l.residual = vld1q_u32(residual);
  l.unit = vld1q_u32(unit);
  l.leftover = vld1q_u32(leftover);
  l.recip = vld1q_u32(recip);
  l.by_one = vld1q_u32(by_one);
  l.scale = vld1q_f32(scale);
  l.top = vdupq_n_s32(ix[0].max_value);
  return l;
}

// A value's four counts, its four entries finished at once into a quad.
template <bool kRuns>
void QuadsOf(const ValueIndex* ix, const uint16_t* q, int n, uint64_t* out) {
  const FinishLanes finish = LanesOf(ix);
  uint32_t c[4];
  for (int i = 0; i < n; ++i) {
    QuadCounts<kRuns>(ix, q[i], c, Count16);
    // Put together from registers: a vector load of the four-byte stores
    // would wait for them.
    uint32x4_t counts = vdupq_n_u32(c[0]);
    counts = vsetq_lane_u32(c[1], counts, 1);
    counts = vsetq_lane_u32(c[2], counts, 2);
    counts = vsetq_lane_u32(c[3], counts, 3);
    Store4(reinterpret_cast<uint16_t*>(out + i), finish(vdupq_n_u32(q[i]), counts));
  }
}

void ValueQuads(const ValueIndex* index, const uint16_t* q, int n, uint64_t* out) {
  QuadsByRuns<QuadsOf<true>, QuadsOf<false>>(index, q, n, out);
}

}  // namespace

void FillNeon(Kernels* k) {
  k->level = SimdLevel::kNeon;
  k->apply8 = Apply8;
  k->apply8_block = 16;
  k->count_words = CountWords;
  k->word_range = WordRange;
  k->add_counts = AddCounts;
  k->block_counts = BlockCounts;
  k->clipped_counts = ClippedCounts;
  k->clip_counts = ClipCounts;
  k->cdf_span8 = CdfSpan<uint8_t>;
  k->cdf_span16 = CdfSpan<uint16_t>;
  k->prepare8 = Prepare8;
  k->interp8 = Interp8;
  k->interp8_block = 16;
  k->interp8_strided = Interp8Strided;
  k->interp8_strided_block = 16;
  k->pack16 = Pack16;
  k->value_quads = ValueQuads;
  k->interp16 = Interp16Of<false>;
  k->interp16_block = 4;
  k->interp16_in_order = Interp16Of<true>;
  k->luma4 = Luma4;
  k->delta4 = Delta4;
  k->rgb4_block = 16;
}

}  // namespace kernels
}  // namespace histeq
