// The reference kernels: plain C++, one sample or bin at a time. Every
// other level's kernels give exactly these results. Bit-exactness with
// OpenCV depends on evaluating the float expressions as written (no fused
// multiply-add: the core is built with -ffp-contract=off), in single
// precision, rounded half to even.
#include <cstring>

#include "kernels/kernels.h"
#include "kernels/value_entries.h"
#include "round.h"

namespace histeq {
namespace kernels {
namespace {

inline uint16_t Word(const uint8_t* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

inline void PutWord(uint8_t* p, uint32_t v) {
  const uint16_t w = static_cast<uint16_t>(v);
  std::memcpy(p, &w, 2);
}

inline int Clamp(int v, int max_value) { return v < 0 ? 0 : (v > max_value ? max_value : v); }

// The interpolated value from a sample's four table entries.
inline float Blend(float tl, float tr, float bl, float br, float a1, float a, float b1,
                   float b) {
  return (tl * a1 + tr * a) * b1 + (bl * a1 + br * a) * b;
}

inline uint32_t Read(const Codec& c, const uint8_t* p) {
  uint16_t w = Word(p);
  if (c.swap) w = static_cast<uint16_t>(w >> 8 | w << 8);
  return (static_cast<uint32_t>(w) >> c.shift) & c.mask;
}

inline void Write(const Codec& c, uint8_t* p, uint32_t v) {
  uint16_t w = static_cast<uint16_t>(v << c.shift);
  if (c.swap) w = static_cast<uint16_t>(w >> 8 | w << 8);
  std::memcpy(p, &w, 2);
}

void Apply8(uint8_t* p, int n, const uint8_t* lut, int, int) {
  for (int i = 0; i < n; ++i) p[i] = lut[p[i]];
}

void Apply8Strided(uint8_t* p, int step, int n, const uint8_t* lut) {
  for (int i = 0; i < n; ++i, p += step) *p = lut[*p];
}

void Apply16(uint8_t* p, int n, const uint16_t* lut) {
  for (int i = 0; i < n; ++i) PutWord(p + 2 * i, lut[Word(p + 2 * i)]);
}

void ApplyCodec(uint8_t* p, int step, int n, const Codec& c, const uint16_t* lut) {
  for (int i = 0; i < n; ++i, p += step) Write(c, p, lut[Read(c, p)]);
}

int CountWords(const uint8_t* data, ptrdiff_t stride, int width, int height, uint32_t* hist,
               int* lo, int* hi) {
  int l = *lo, h = *hi;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x) {
      const int w = Word(p + 2 * x);
      ++hist[w];
      l = w < l ? w : l;
      h = w > h ? w : h;
    }
  }
  *lo = l;
  *hi = h;
  return width;
}

void CountCodec(const uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                const Codec& c, uint32_t* hist, int* lo, int* hi) {
  int l = *lo, h = *hi;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x, p += step) {
      const int v = static_cast<int>(Read(c, p));
      ++hist[v];
      l = v < l ? v : l;
      h = v > h ? v : h;
    }
  }
  *lo = l;
  *hi = h;
}

int WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height, int* lo, int* hi) {
  int l = *lo, h = *hi;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x) {
      const int w = Word(p + 2 * x);
      l = w < l ? w : l;
      h = w > h ? w : h;
    }
  }
  *lo = l;
  *hi = h;
  return width;
}

int AddCounts(uint32_t* dst, const uint32_t* src, int first, int end) {
  for (int v = first; v < end; ++v) dst[v] += src[v];
  return end;
}

int BlockCounts(uint32_t* hist, int first, int end, int shift, uint32_t* blocks,
                uint32_t* share, bool clear) {
  for (int v = first; v < end; ++v) {
    const uint32_t h = hist[v];
    blocks[v >> shift] += h;
    if (share) share[v] += h;
    if (clear) hist[v] = 0;
  }
  return end;
}

int RunningSums(const uint32_t* counts, int first, int end, uint32_t* firsts, uint32_t* sum) {
  uint32_t s = *sum;
  for (int i = first; i < end; ++i) {
    const uint32_t c = counts[i];
    firsts[i] = s;
    s += c;
  }
  *sum = s;
  return end;
}

int SyntheticCounts(const uint32_t* hist, int first, int blocks, int w, const double* per_count,
                    const double* add, uint32_t cut, uint32_t* out, uint64_t* total,
                    uint64_t* kept) {
  uint64_t t = 0, k = 0;
  for (int b = first; b < blocks; ++b) {
    for (int v = b * w; v < (b + 1) * w; ++v) {
      const uint32_t c = static_cast<uint32_t>(hist[v] * per_count[b] + add[b]);
      const uint32_t o = c < cut ? c : cut;
      out[v] = o;
      t += c;
      k += o;
    }
  }
  *total += t;
  *kept += k;
  return blocks;
}

// max(h - limit, 0) by arithmetic only: whether a bin is over a limit of a
// count or two is a coin toss, which a branch would mispredict.
inline int64_t Over(uint32_t h, uint32_t limit) {
  const int64_t d = static_cast<int64_t>(h) - static_cast<int64_t>(limit);
  return d & ~(d >> 63);
}

int ClippedCounts(const uint32_t* hist, int first, int end, uint32_t limit, uint64_t* clipped) {
  uint64_t sum = 0;
  for (int v = first; v < end; ++v) sum += static_cast<uint64_t>(Over(hist[v], limit));
  *clipped += sum;
  return end;
}

int ClipCounts(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
               uint64_t* clipped) {
  uint64_t sum = 0;
  for (int v = first; v < end; ++v) {
    const uint32_t h = hist[v];
    if (share) share[v] += h;
    const uint32_t kept = h < limit ? h : limit;
    hist[v] = kept;
    sum += h - kept;
  }
  *clipped += sum;
  return end;
}

// C(v) = kept(v) + batch (v + 1) + min(residual, v / step + 1), the second
// and third kept up step by step: a division per entry would cost more than
// the rest of the loop.
template <typename T>
int CdfSpan(const uint32_t* hist, int first, int end, const Spread& s, float scale,
            int max_value, uint64_t* kept_io, T* lut) {
  const uint32_t limit = s.limit != 0 ? s.limit : UINT32_MAX;
  uint64_t kept = *kept_io;
  uint64_t whole = static_cast<uint64_t>(s.batch) * static_cast<uint64_t>(first);
  uint32_t q = static_cast<uint32_t>(first) / s.step, rem = static_cast<uint32_t>(first) % s.step;
  for (int v = first; v < end; ++v) {
    if (hist) kept += static_cast<uint64_t>(hist[v] - Over(hist[v], limit));
    whole += s.batch;
    const uint64_t bumps = s.residual == 0 ? 0 : (s.residual < q + 1 ? s.residual : q + 1);
    if (++rem == s.step) {
      rem = 0;
      ++q;
    }
    const int r = RoundHalfEven(static_cast<float>(kept + whole + bumps) * scale);
    lut[v] = static_cast<T>(Clamp(r, max_value));
  }
  *kept_io = kept;
  return end;
}

void Prepare8(Region8* r, int) {
  const uint8_t* const* t = r->tables;
  for (int v = 0; v < 256; ++v)
    r->quads[v] = static_cast<uint32_t>(t[0][v]) | static_cast<uint32_t>(t[1][v]) << 8 |
                  static_cast<uint32_t>(t[2][v]) << 16 | static_cast<uint32_t>(t[3][v]) << 24;
}

inline uint8_t Interpolate8(uint32_t q, const Weights& w, int x) {
  const float tl = static_cast<float>(q & 0xff), tr = static_cast<float>((q >> 8) & 0xff);
  const float bl = static_cast<float>((q >> 16) & 0xff), br = static_cast<float>(q >> 24);
  return static_cast<uint8_t>(
      Clamp(RoundHalfEven(Blend(tl, tr, bl, br, w.a1[x], w.a[x], w.b1, w.b)), 255));
}

void Interp8Strided(uint8_t* p, int step, int n, const Weights& w, const Region8& r) {
  for (int x = 0; x < n; ++x) {
    uint8_t& s = p[x * step];
    s = Interpolate8(r.quads[s], w, x);
  }
}

void Interp8(uint8_t* p, int n, const Weights& w, const Region8& r) {
  Interp8Strided(p, 1, n, w, r);
}

int Pack16(const uint16_t* const* t, int first, int end, uint64_t* quads) {
  for (int v = first; v < end; ++v)
    quads[v] = static_cast<uint64_t>(t[0][v]) | static_cast<uint64_t>(t[1][v]) << 16 |
               static_cast<uint64_t>(t[2][v]) << 32 | static_cast<uint64_t>(t[3][v]) << 48;
  return end;
}

inline uint32_t Interpolate16(uint64_t q, const Weights& w, int x, int max_value) {
  const float tl = static_cast<float>(q & 0xffff), tr = static_cast<float>((q >> 16) & 0xffff);
  const float bl = static_cast<float>((q >> 32) & 0xffff), br = static_cast<float>(q >> 48);
  const float res = Blend(tl, tr, bl, br, w.a1[x], w.a[x], w.b1, w.b);
  return static_cast<uint32_t>(Clamp(RoundHalfEven(res), max_value));
}

void Interp16(uint8_t* p, int n, const Weights& w, const uint64_t* quads) {
  for (int x = 0; x < n; ++x) PutWord(p + 2 * x, Interpolate16(quads[Word(p + 2 * x)], w, x, 0xffff));
}

void Interp16InOrder(uint8_t* p, int n, const Weights& w, const uint64_t* quads) {
  for (int x = 0; x < n; ++x) PutWord(p + 2 * x, Interpolate16(quads[x], w, x, 0xffff));
}

void InterpCodec(uint8_t* p, int step, int n, const Codec& c, const Weights& w,
                 const uint64_t* quads) {
  for (int x = 0; x < n; ++x, p += step)
    Write(c, p, Interpolate16(quads[Read(c, p)], w, x, static_cast<int>(c.mask)));
}

inline uint8_t Luma(const Rgb4& l, int r, int g, int b) {
  return static_cast<uint8_t>((l.wr * r + l.wg * g + l.wb * b + 16384) >> 15);
}

inline uint8_t Clamp8(int v) { return static_cast<uint8_t>(Clamp(v, 255)); }

void Luma4(const uint8_t* px, int n, const Rgb4& l, uint8_t* y) {
  for (int i = 0; i < n; ++i, px += 4) y[i] = Luma(l, px[l.offset_r], px[l.offset_g], px[l.offset_b]);
}

void Delta4(uint8_t* px, int n, const Rgb4& l, const uint8_t* y, const uint8_t* lum) {
  for (int i = 0; i < n; ++i, px += 4) {
    const int d = lum[i] - y[i];
    px[l.offset_r] = Clamp8(px[l.offset_r] + d);
    px[l.offset_g] = Clamp8(px[l.offset_g] + d);
    px[l.offset_b] = Clamp8(px[l.offset_b] + d);
  }
}

void LumaAny(const uint8_t* r, const uint8_t* g, const uint8_t* b, int step, int n,
             const Rgb4& l, uint8_t* y) {
  for (int i = 0; i < n; ++i) y[i] = Luma(l, r[i * step], g[i * step], b[i * step]);
}

void DeltaAny(uint8_t* r, uint8_t* g, uint8_t* b, int step, int n, const uint8_t* y,
              const uint8_t* lum) {
  for (int i = 0; i < n; ++i) {
    const int d = lum[i] - y[i];
    r[i * step] = Clamp8(r[i * step] + d);
    g[i * step] = Clamp8(g[i * step] + d);
    b[i * step] = Clamp8(b[i * step] + d);
  }
}

uint32_t Count16(const uint16_t* starts, uint32_t v) {
  uint32_t c = 0;
  for (int i = 0; i < 16; ++i) c += starts[i] <= v;
  return c;
}

template <bool kRuns>
void QuadsOf(const ValueIndex* ix, const uint16_t* q, int n, uint64_t* out) {
  uint32_t c[4];
  for (int i = 0; i < n; ++i) {
    QuadCounts<kRuns>(ix, q[i], c, Count16);
    out[i] = FinishQuad(ix, q[i], c, RoundHalfEven);
  }
}

void ValueQuads(const ValueIndex* index, const uint16_t* q, int n, uint64_t* out) {
  QuadsByRuns<QuadsOf<true>, QuadsOf<false>>(index, q, n, out);
}

}  // namespace

void FillScalar(Kernels* k) {
  k->level = SimdLevel::kScalar;
  k->apply8 = Apply8;
  k->apply8_block = 1;
  k->apply8_strided = Apply8Strided;
  k->apply16 = Apply16;
  k->apply16_block = 1;
  k->apply_codec = ApplyCodec;
  k->counter8 = nullptr;
  k->count_words = CountWords;
  k->count_codec = CountCodec;
  k->word_range = WordRange;
  k->add_counts = AddCounts;
  k->block_counts = BlockCounts;
  k->running_sums = RunningSums;
  k->synthetic_counts = SyntheticCounts;
  k->clipped_counts = ClippedCounts;
  k->clip_counts = ClipCounts;
  k->cdf_span8 = CdfSpan<uint8_t>;
  k->cdf_span16 = CdfSpan<uint16_t>;
  k->prepare8 = Prepare8;
  k->interp8 = Interp8;
  k->interp8_block = 1;
  k->interp8_strided = Interp8Strided;
  k->interp8_strided_block = 1;
  k->pack16 = Pack16;
  k->value_quads = ValueQuads;
  k->interp16 = Interp16;
  k->interp16_block = 1;
  k->interp16_in_order = Interp16InOrder;
  k->interp_codec = InterpCodec;
  k->luma4 = Luma4;
  k->delta4 = Delta4;
  k->rgb4_block = 1;
  k->luma_any = LumaAny;
  k->delta_any = DeltaAny;
}

}  // namespace kernels
}  // namespace histeq
