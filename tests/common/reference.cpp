#include "reference.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ref {

Lut EqualizeLut(const testimg::Image& img) {
  std::vector<long long> h(256, 0);
  const size_t n = static_cast<size_t>(img.width) * img.height;
  for (size_t i = 0; i < n; ++i) ++h[img.pixels[i * img.channels]];

  Lut lut;
  for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(v);
  if (n == 0) return lut;
  int i0 = 0;
  while (h[i0] == 0) ++i0;
  if (h[i0] == static_cast<long long>(n)) return lut;

  const float scale = 255.0f / static_cast<float>(static_cast<long long>(n) - h[i0]);
  lut[i0] = 0;
  long long running = 0;
  for (int v = i0 + 1; v < 256; ++v) {
    running += h[v];
    const float x = static_cast<float>(running) * scale;
    // round half to even, explicitly, whatever the rounding mode
    float r = std::floor(x);
    const float frac = x - r;
    if (frac > 0.5f || (frac == 0.5f && std::fmod(r, 2.0f) != 0.0f)) r += 1.0f;
    lut[v] = static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
  }
  return lut;
}

Lut ToLimited(const Lut& full) {
  Lut out;
  for (int v = 0; v < 256; ++v)
    out[v] = static_cast<uint8_t>(16 + std::lround(full[v] * 219.0 / 255.0));
  return out;
}

Lut Blend(const Lut& lut, double strength) {
  Lut out;
  for (int v = 0; v < 256; ++v)
    out[v] = static_cast<uint8_t>(std::lround(v + strength * (lut[v] - v)));
  return out;
}

namespace {

// Mirror index without repeating the edge sample, folded as often as needed:
// the pattern repeats with period 2 (len - 1).
int Mirror(int p, int len) {
  if (len == 1) return 0;
  const int period = 2 * (len - 1);
  int m = p % period;
  if (m < 0) m += period;
  return m < len ? m : period - m;
}

uint8_t RoundHalfEven(float x) {
  float r = std::floor(x);
  const float frac = x - r;
  if (frac > 0.5f || (frac == 0.5f && std::fmod(r, 2.0f) != 0.0f)) r += 1.0f;
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

}  // namespace

testimg::Image Clahe(const testimg::Image& img, double clip, int tiles_x, int tiles_y,
                     bool limited, double strength) {
  const int w = img.width, h = img.height;
  int ew = w, eh = h;
  if (w % tiles_x != 0 || h % tiles_y != 0) {
    ew = w + tiles_x - w % tiles_x;
    eh = h + tiles_y - h % tiles_y;
  }
  const int tw = ew / tiles_x, th = eh / tiles_y;
  std::vector<uint8_t> ext(static_cast<size_t>(ew) * eh);
  for (int y = 0; y < eh; ++y)
    for (int x = 0; x < ew; ++x)
      ext[static_cast<size_t>(y) * ew + x] = img.at(Mirror(x, w), Mirror(y, h));

  const long long area = static_cast<long long>(tw) * th;
  long long limit = 0;
  if (clip > 0) limit = std::max(1LL, static_cast<long long>(clip * area / 256));
  std::vector<Lut> luts(static_cast<size_t>(tiles_x) * tiles_y);
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      std::vector<long long> hist(256, 0);
      for (int y = ty * th; y < (ty + 1) * th; ++y)
        for (int x = tx * tw; x < (tx + 1) * tw; ++x) ++hist[ext[static_cast<size_t>(y) * ew + x]];
      if (limit > 0) {
        long long excess = 0;
        for (auto& c : hist)
          if (c > limit) {
            excess += c - limit;
            c = limit;
          }
        for (auto& c : hist) c += excess / 256;
        long long rest = excess % 256;
        if (rest > 0) {
          const long long step = std::max(256 / rest, 1LL);
          for (long long i = 0; i < 256 && rest > 0; i += step, --rest) ++hist[i];
        }
      }
      Lut lut;
      const float scale = 255.0f / static_cast<float>(area);
      long long sum = 0;
      for (int v = 0; v < 256; ++v) {
        sum += hist[v];
        lut[v] = RoundHalfEven(static_cast<float>(sum) * scale);
      }
      if (limited) lut = ToLimited(lut);
      luts[static_cast<size_t>(ty) * tiles_x + tx] = Blend(lut, strength);
    }
  }

  testimg::Image out = img;
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
      const Lut& l11 = luts[static_cast<size_t>(r1) * tiles_x + c1];
      const Lut& l12 = luts[static_cast<size_t>(r1) * tiles_x + c2];
      const Lut& l21 = luts[static_cast<size_t>(r2) * tiles_x + c1];
      const Lut& l22 = luts[static_cast<size_t>(r2) * tiles_x + c2];
      const float res = (l11[v] * xa1 + l12[v] * xa) * ya1 + (l21[v] * xa1 + l22[v] * xa) * ya;
      out.at(x, y) = RoundHalfEven(res);
    }
  }
  return out;
}

testimg::Image Apply(const testimg::Image& img, const Lut& lut) {
  testimg::Image out = img;
  for (size_t i = 0; i < out.pixels.size(); i += out.channels)
    out.pixels[i] = lut[out.pixels[i]];
  return out;
}

}  // namespace ref
