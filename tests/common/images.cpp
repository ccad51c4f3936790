#include "images.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#ifndef HISTEQ_TEST_DATA_DIR
#error "HISTEQ_TEST_DATA_DIR must name tests/data"
#endif

namespace testimg {

Image LoadPnm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  Image img;
  in >> magic >> img.width >> img.height >> maxval;
  in.get();  // the single white space before the samples
  if (!in || (magic != "P5" && magic != "P6") || maxval != 255) {
    std::fprintf(stderr, "cannot read %s as an 8-bit binary PGM/PPM\n",
                 path.c_str());
    std::abort();
  }
  img.channels = magic == "P5" ? 1 : 3;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * img.channels);
  in.read(reinterpret_cast<char*>(img.pixels.data()),
          static_cast<std::streamsize>(img.pixels.size()));
  if (!in) {
    std::fprintf(stderr, "%s is truncated\n", path.c_str());
    std::abort();
  }
  return img;
}

Image LoadTestPhoto(const std::string& name) {
  return LoadPnm(std::string(HISTEQ_TEST_DATA_DIR) + "/" + name);
}

std::vector<std::string> TestPhotoNames() {
  return {"camera.pgm", "chelsea.ppm", "coffee.ppm"};
}

Image LoadTestPhotoLuma(const std::string& name) {
  Image src = LoadTestPhoto(name);
  if (src.channels == 1) return src;
  Image y;
  y.width = src.width;
  y.height = src.height;
  y.pixels.resize(static_cast<size_t>(y.width) * y.height);
  for (size_t i = 0; i < y.pixels.size(); ++i) {
    const uint8_t* p = &src.pixels[i * 3];
    y.pixels[i] = static_cast<uint8_t>((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
  }
  return y;
}

static Image Blank(int width, int height) {
  Image img;
  img.width = width;
  img.height = height;
  img.pixels.assign(static_cast<size_t>(width) * height, 0);
  return img;
}

Image MakeFlat(int width, int height, uint8_t value) {
  Image img = Blank(width, height);
  std::fill(img.pixels.begin(), img.pixels.end(), value);
  return img;
}

Image MakeNoise(int width, int height, uint32_t seed, int lo, int hi) {
  Image img = Blank(width, height);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  for (auto& p : img.pixels) p = static_cast<uint8_t>(dist(rng));
  return img;
}

Image MakeTwoValued(int width, int height, uint8_t a, uint8_t b, uint32_t seed) {
  Image img = Blank(width, height);
  std::mt19937 rng(seed);
  for (auto& p : img.pixels) p = (rng() & 1) ? a : b;
  return img;
}

Image MakeScene(int width, int height, uint32_t seed) {
  Image img = Blank(width, height);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 2.5);
  struct Blob { double x, y, r, amp; };
  std::vector<Blob> blobs(6);
  for (auto& b : blobs)
    b = {u(rng) * width, u(rng) * height, (0.05 + 0.25 * u(rng)) * (width + height),
         (u(rng) - 0.5) * 60.0};
  const double edge_x = width * (0.3 + 0.4 * u(rng));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double v = 90.0 + 30.0 * x / std::max(1, width) + 15.0 * y / std::max(1, height);
      for (const auto& b : blobs) {
        const double dx = x - b.x, dy = y - b.y;
        v += b.amp * std::exp(-(dx * dx + dy * dy) / (2.0 * b.r * b.r));
      }
      if (x > edge_x) v += 12.0;
      v += noise(rng);
      img.at(x, y) = static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
    }
  }
  return img;
}

PaddedPlane::PaddedPlane(const Image& img, int pixel_step, int row_padding,
                         uint32_t seed)
    : width_(img.width), height_(img.height), step_(pixel_step),
      stride_(static_cast<ptrdiff_t>(img.width) * pixel_step + row_padding) {
  buf_.resize(2 * kGuard + static_cast<size_t>(stride_) * height_);
  std::mt19937 rng(seed);
  for (auto& b : buf_) b = static_cast<uint8_t>(rng());
  for (int y = 0; y < height_; ++y)
    for (int x = 0; x < width_; ++x)
      data()[y * stride_ + x * step_] = img.at(x, y);
  original_ = buf_;
}

Image PaddedPlane::Samples() const {
  Image out = Blank(width_, height_);
  const uint8_t* d = buf_.data() + kGuard;
  for (int y = 0; y < height_; ++y)
    for (int x = 0; x < width_; ++x) out.at(x, y) = d[y * stride_ + x * step_];
  return out;
}

bool PaddedPlane::IsSample(size_t offset) const {
  if (offset < static_cast<size_t>(kGuard)) return false;
  const size_t o = offset - kGuard;
  const size_t y = o / static_cast<size_t>(stride_);
  const size_t in_row = o % static_cast<size_t>(stride_);
  return y < static_cast<size_t>(height_) && in_row % step_ == 0 &&
         in_row / step_ < static_cast<size_t>(width_);
}

bool PaddedPlane::NonSamplesIntact() const {
  for (size_t i = 0; i < buf_.size(); ++i)
    if (!IsSample(i) && buf_[i] != original_[i]) return false;
  return true;
}

}  // namespace testimg
