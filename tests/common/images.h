// Test images: photographs from tests/data, synthetic real-looking and
// adversarial pictures, and planes with padding whose sentinel bytes must
// survive processing.
#ifndef HISTEQ_TESTS_IMAGES_H_
#define HISTEQ_TESTS_IMAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace testimg {

// A tightly packed image, `channels` bytes per pixel.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 1;
  std::vector<uint8_t> pixels;

  uint8_t& at(int x, int y, int c = 0) {
    return pixels[(static_cast<size_t>(y) * width + x) * channels + c];
  }
  uint8_t at(int x, int y, int c = 0) const {
    return pixels[(static_cast<size_t>(y) * width + x) * channels + c];
  }
};

// Reads a binary PGM (P5) or PPM (P6) with maxval 255; aborts the test
// program with a message if the file cannot be read.
Image LoadPnm(const std::string& path);
// A photograph from tests/data by file name, e.g. "camera.pgm".
Image LoadTestPhoto(const std::string& name);
// The names of the photographs in tests/data, as luma planes (colour ones
// are converted with BT.601 weights).
std::vector<std::string> TestPhotoNames();
Image LoadTestPhotoLuma(const std::string& name);

// Single-channel pictures.
Image MakeFlat(int width, int height, uint8_t value);
Image MakeNoise(int width, int height, uint32_t seed, int lo = 0, int hi = 255);
Image MakeTwoValued(int width, int height, uint8_t a, uint8_t b, uint32_t seed);
// Smooth low-contrast shading, soft blobs, edges and a little noise: the
// histogram of a dull photograph, concentrated in roughly [60, 160].
Image MakeScene(int width, int height, uint32_t seed);

// A single-channel image stored as samples `pixel_step` bytes apart, with
// `row_padding` bytes after each row and guard bytes before and after the
// plane; every byte that is not a sample holds a random sentinel.
class PaddedPlane {
 public:
  PaddedPlane(const Image& img, int pixel_step, int row_padding,
              uint32_t seed = 1);

  uint8_t* data() { return buf_.data() + kGuard; }
  ptrdiff_t stride() const { return stride_; }
  int width() const { return width_; }
  int height() const { return height_; }
  int pixel_step() const { return step_; }

  // The samples, packed.
  Image Samples() const;
  // True if no byte outside the samples changed since construction.
  bool NonSamplesIntact() const;

 private:
  static constexpr int kGuard = 64;
  bool IsSample(size_t offset) const;

  int width_, height_, step_;
  ptrdiff_t stride_;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> original_;
};

}  // namespace testimg

#endif  // HISTEQ_TESTS_IMAGES_H_
