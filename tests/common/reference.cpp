#include "reference.h"

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

testimg::Image Apply(const testimg::Image& img, const Lut& lut) {
  testimg::Image out = img;
  for (size_t i = 0; i < out.pixels.size(); i += out.channels)
    out.pixels[i] = lut[out.pixels[i]];
  return out;
}

}  // namespace ref
