#include "reference.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ref {
namespace {

// Round half to even, explicitly, whatever the rounding mode, then clamp.
int RoundHalfEven(float x, int max_value) {
  float r = std::floor(x);
  const float frac = x - r;
  if (frac > 0.5f || (frac == 0.5f && std::fmod(r, 2.0f) != 0.0f)) r += 1.0f;
  return static_cast<int>(r < 0 ? 0 : (r > max_value ? max_value : r));
}

// Mirror index without repeating the edge sample, folded as often as needed:
// the pattern repeats with period 2 (len - 1).
int Mirror(int p, int len) {
  if (len == 1) return 0;
  const int period = 2 * (len - 1);
  int m = p % period;
  if (m < 0) m += period;
  return m < len ? m : period - m;
}

Lut ToArray(const std::vector<uint16_t>& v) {
  Lut out;
  for (int i = 0; i < 256; ++i) out[i] = static_cast<uint8_t>(v[i]);
  return out;
}

std::vector<uint16_t> FromArray(const Lut& a) { return std::vector<uint16_t>(a.begin(), a.end()); }

}  // namespace

Codes ToCodes(const testimg::Image& img) {
  Codes c;
  c.width = img.width;
  c.height = img.height;
  c.depth = 8;
  for (size_t i = 0; i < static_cast<size_t>(img.width) * img.height; ++i)
    c.v.push_back(img.pixels[i * img.channels]);
  return c;
}

testimg::Image ToImage(const Codes& c) {
  testimg::Image img;
  img.width = c.width;
  img.height = c.height;
  for (uint16_t v : c.v) img.pixels.push_back(static_cast<uint8_t>(v));
  return img;
}

Codes Deepen(const testimg::Image& img, int depth, uint32_t seed) {
  Codes c = ToCodes(img);
  c.depth = depth;
  std::mt19937 rng(seed);
  const int shift = depth - 8;
  for (auto& v : c.v)
    v = static_cast<uint16_t>((v << shift) | (shift > 0 ? rng() % (1u << shift) : 0));
  return c;
}

// cv::equalizeHist's mapping of the counts h (n samples) from their first
// bin i0: lut[i0] = 0, then the running sum after i0 scaled in float.
static void MapFrom(const std::vector<long long>& h, int i0, long long n,
                    std::vector<uint16_t>* lut) {
  const int max_value = static_cast<int>(h.size()) - 1;
  const float scale = static_cast<float>(max_value) / static_cast<float>(n - h[i0]);
  (*lut)[i0] = 0;
  long long running = 0;
  for (int v = i0 + 1; v <= max_value; ++v) {
    running += h[v];
    (*lut)[v] =
        static_cast<uint16_t>(RoundHalfEven(static_cast<float>(running) * scale, max_value));
  }
}

std::vector<uint16_t> EqualizeLut(const Codes& c) {
  const int bins = 1 << c.depth;
  std::vector<long long> h(bins, 0);
  for (uint16_t v : c.v) ++h[v];
  std::vector<uint16_t> lut(bins);
  for (int v = 0; v < bins; ++v) lut[v] = static_cast<uint16_t>(v);
  const long long n = static_cast<long long>(c.v.size());
  if (n == 0) return lut;
  int i0 = 0;
  while (h[i0] == 0) ++i0;
  if (h[i0] == n) return lut;
  MapFrom(h, i0, n, &lut);
  return lut;
}

std::vector<uint16_t> RangeClippedLut(const Codes& c, double clip) {
  const int bins = 1 << c.depth, max_value = bins - 1;
  std::vector<long long> h(bins, 0);
  for (uint16_t v : c.v) ++h[v];
  std::vector<uint16_t> lut(bins);
  for (int v = 0; v < bins; ++v) lut[v] = static_cast<uint16_t>(v);
  const long long n = static_cast<long long>(c.v.size());
  if (n == 0) return lut;
  int lo = 0, hi = max_value;
  while (h[lo] == 0) ++lo;
  while (h[hi] == 0) --hi;
  if (lo == hi) return lut;
  if (clip > 0) {
    const long long limit = std::max(1LL, static_cast<long long>(clip * n / bins));
    long long excess = 0;
    for (auto& x : h)
      if (x > limit) {
        excess += x - limit;
        x = limit;
      }
    const long long span = hi - lo + 1;
    for (int v = lo; v <= hi; ++v) h[v] += excess / span;
    long long rest = excess % span;
    if (rest > 0) {
      const long long step = std::max(span / rest, 1LL);
      for (long long i = lo; i <= hi && rest > 0; i += step, --rest) ++h[i];
    }
  }
  MapFrom(h, lo, n, &lut);
  return lut;
}

std::vector<uint16_t> ToLimited(const std::vector<uint16_t>& full, int depth) {
  const double scale = std::ldexp(1.0, depth - 8), max_value = std::ldexp(1.0, depth) - 1;
  const double lo = 16 * scale, hi = 235 * scale;
  std::vector<uint16_t> out(full.size());
  for (size_t v = 0; v < full.size(); ++v)
    out[v] = static_cast<uint16_t>(lo + std::lround(full[v] * (hi - lo) / max_value));
  return out;
}

std::vector<uint16_t> Blend(const std::vector<uint16_t>& lut, double strength) {
  std::vector<uint16_t> out(lut.size());
  for (size_t v = 0; v < lut.size(); ++v)
    out[v] = static_cast<uint16_t>(std::lround(v + strength * (lut[v] - static_cast<double>(v))));
  return out;
}

Codes Apply(const Codes& c, const std::vector<uint16_t>& lut) {
  Codes out = c;
  for (auto& v : out.v) v = lut[v];
  return out;
}

Codes Clahe(const Codes& img, double clip, int tiles_x, int tiles_y, bool limited,
            double strength) {
  const int bins = 1 << img.depth, max_value = bins - 1;
  const int w = img.width, h = img.height;
  int ew = w, eh = h;
  if (w % tiles_x != 0 || h % tiles_y != 0) {
    ew = w + tiles_x - w % tiles_x;
    eh = h + tiles_y - h % tiles_y;
  }
  const int tw = ew / tiles_x, th = eh / tiles_y;
  std::vector<uint16_t> ext(static_cast<size_t>(ew) * eh);
  for (int y = 0; y < eh; ++y)
    for (int x = 0; x < ew; ++x)
      ext[static_cast<size_t>(y) * ew + x] = img.at(Mirror(x, w), Mirror(y, h));

  const long long area = static_cast<long long>(tw) * th;
  long long limit = 0;
  if (clip > 0) limit = std::max(1LL, static_cast<long long>(clip * area / bins));
  std::vector<std::vector<uint16_t>> luts(static_cast<size_t>(tiles_x) * tiles_y);
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      std::vector<long long> hist(bins, 0);
      for (int y = ty * th; y < (ty + 1) * th; ++y)
        for (int x = tx * tw; x < (tx + 1) * tw; ++x) ++hist[ext[static_cast<size_t>(y) * ew + x]];
      if (limit > 0) {
        long long excess = 0;
        for (auto& c : hist)
          if (c > limit) {
            excess += c - limit;
            c = limit;
          }
        for (auto& c : hist) c += excess / bins;
        long long rest = excess % bins;
        if (rest > 0) {
          const long long step = std::max(bins / rest, 1LL);
          for (long long i = 0; i < bins && rest > 0; i += step, --rest) ++hist[i];
        }
      }
      std::vector<uint16_t> lut(bins);
      const float scale = static_cast<float>(max_value) / static_cast<float>(area);
      long long sum = 0;
      for (int v = 0; v < bins; ++v) {
        sum += hist[v];
        lut[v] = static_cast<uint16_t>(RoundHalfEven(static_cast<float>(sum) * scale, max_value));
      }
      if (limited) lut = ToLimited(lut, img.depth);
      luts[static_cast<size_t>(ty) * tiles_x + tx] = Blend(lut, strength);
    }
  }

  Codes out = img;
  const float inv_tw = 1.0f / tw, inv_th = 1.0f / th;
  for (int y = 0; y < h; ++y) {
    const float tyf = y * inv_th - 0.5f;
    const int ty1 = static_cast<int>(std::floor(tyf));
    const float ya = tyf - ty1, ya1 = 1.0f - ya;
    const int r1 = std::max(ty1, 0), r2 = std::min(ty1 + 1, tiles_y - 1);
    for (int x = 0; x < w; ++x) {
      const float txf = x * inv_tw - 0.5f;
      const int tx1 = static_cast<int>(std::floor(txf));
      const float xa = txf - tx1, xa1 = 1.0f - xa;
      const int c1 = std::max(tx1, 0), c2 = std::min(tx1 + 1, tiles_x - 1);
      const int v = img.at(x, y);
      const auto& l11 = luts[static_cast<size_t>(r1) * tiles_x + c1];
      const auto& l12 = luts[static_cast<size_t>(r1) * tiles_x + c2];
      const auto& l21 = luts[static_cast<size_t>(r2) * tiles_x + c1];
      const auto& l22 = luts[static_cast<size_t>(r2) * tiles_x + c2];
      const float res = (l11[v] * xa1 + l12[v] * xa) * ya1 + (l21[v] * xa1 + l22[v] * xa) * ya;
      out.at(x, y) = static_cast<uint16_t>(RoundHalfEven(res, max_value));
    }
  }
  return out;
}

// The 8-bit definitions are the depth-8 case.
Lut EqualizeLut(const testimg::Image& img) { return ToArray(EqualizeLut(ToCodes(img))); }

Lut ToLimited(const Lut& full) { return ToArray(ToLimited(FromArray(full), 8)); }

Lut Blend(const Lut& lut, double strength) { return ToArray(Blend(FromArray(lut), strength)); }

testimg::Image Clahe(const testimg::Image& img, double clip, int tiles_x, int tiles_y,
                     bool limited, double strength) {
  return ToImage(Clahe(ToCodes(img), clip, tiles_x, tiles_y, limited, strength));
}

testimg::Image Apply(const testimg::Image& img, const Lut& lut) {
  testimg::Image out = img;
  for (size_t i = 0; i < out.pixels.size(); i += out.channels)
    out.pixels[i] = lut[out.pixels[i]];
  return out;
}

}  // namespace ref
