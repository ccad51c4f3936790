#include "fuzz_core.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "clahe.h"
#include "core_calls.h"
#include "equalizer_core.h"
#include "histeq/equalizer.h"
#include "histeq/rgb.h"
#include "histeq/simd.h"
#include "threads.h"

namespace fuzz {
namespace {

// Reads the input front to back; past its end every read gives 0.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  int Int(int lo, int hi) {  // uniform-ish in [lo, hi]
    const uint32_t v = static_cast<uint32_t>(Byte()) << 8 | Byte();
    return lo + static_cast<int>(v % static_cast<uint32_t>(hi - lo + 1));
  }
  // The rest of the input, cycled, as sample bytes (zeros if there is none).
  void Fill(uint8_t* out, size_t n) {
    const size_t rest = size_ - std::min(pos_, size_);
    for (size_t i = 0; i < n; ++i) out[i] = rest ? data_[pos_ + i % rest] : 0;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

enum class Kind { kPlane8, kWide, kRgb };

struct Case {
  Kind kind = Kind::kPlane8;
  int width = 1, height = 1, step = 1, offset = 0;  // offset: luma/first byte in a pixel
  ptrdiff_t stride = 1;
  histeq::SampleFormat format;
  int off_r = 0, off_g = 1, off_b = 2;  // RGB byte offsets within a pixel
  bool planar_rgb = false;
  histeq::Params params;
  int frames = 1;
};

constexpr size_t kMaxSamples = size_t{1} << 16;  // keeps one execution fast

Case Decode(Reader& in) {
  Case c;
  c.kind = static_cast<Kind>(in.Byte() % 3);
  c.width = in.Int(1, 4096);
  const int max_height = static_cast<int>(std::max<size_t>(1, kMaxSamples / c.width));
  c.height = in.Int(1, std::min(max_height, 4096));
  const int pad = in.Byte() % 67;
  switch (c.kind) {
    case Kind::kPlane8:
      c.step = 1 + in.Byte() % 4;
      c.offset = in.Byte() % c.step;
      break;
    case Kind::kWide: {
      const int depths[] = {9, 10, 12, 14, 16};
      c.format.depth = depths[in.Byte() % 5];
      c.format.shift = in.Byte() % 2 ? 16 - c.format.depth : 0;
      c.format.big_endian = in.Byte() % 2;
      c.step = 2 * (1 + in.Byte() % 2);  // 2 (planar) or 4 (e.g. P010's UV pairs aside)
      c.offset = 0;
      break;
    }
    case Kind::kRgb: {
      c.planar_rgb = in.Byte() % 4 == 0;
      c.step = c.planar_rgb ? 1 : 3 + in.Byte() % 2;
      const int perm = in.Byte() % 6;
      const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
      const int base = c.step == 4 ? in.Byte() % 2 : 0;  // xRGB vs RGBx
      c.off_r = base + orders[perm][0];
      c.off_g = base + orders[perm][1];
      c.off_b = base + orders[perm][2];
      break;
    }
  }
  c.stride = static_cast<ptrdiff_t>(c.width) * c.step + pad;
  histeq::Params& p = c.params;
  p.mode = in.Byte() % 2 ? histeq::Mode::kAdaptive : histeq::Mode::kGlobal;
  // Mostly grids up to 16x16; one case in eight up to the property's 64x64
  // (thousands of tiny tiles: slow under the sanitizers, so not every time).
  const int max_tiles = in.Byte() % 8 == 0 ? 64 : 16;
  p.tiles_x = 1 + in.Byte() % max_tiles;
  p.tiles_y = 1 + in.Byte() % max_tiles;
  if (c.kind == Kind::kWide) {
    // 2^depth bins per tile: a 64x64 grid of 16-bit tables is 1.5 GiB and
    // seconds a frame (a known cost, see tests/README.md). Up to 4x4 tiles
    // keeps one execution in milliseconds; the unit tests cover larger grids.
    p.tiles_x = 1 + (p.tiles_x - 1) % 4;
    p.tiles_y = 1 + (p.tiles_y - 1) % 4;
  }
  const uint8_t clip = in.Byte();
  p.clip_limit = clip < 64 ? 0.0 : clip < 250 ? (clip - 63) / 8.0 : 1000.0;
  const uint8_t strength = in.Byte();
  p.strength = strength > 200 ? 1.0 : strength / 200.0;
  p.range = in.Byte() % 2 ? histeq::Range::kLimited : histeq::Range::kFull;
  p.smoothing = in.Byte() % 4 == 0 ? in.Int(0, 300) : 0;
  p.scene_threshold = in.Byte() / 255.0;
  c.frames = 1 + in.Byte() % 3;
  return c;
}

// One buffer holding the frame (the three planes for planar RGB) followed by
// a guard of sentinel bytes.
struct Buffer {
  std::vector<uint8_t> bytes;
  size_t plane_size = 0;
};

// Which bytes are samples the core may write.
std::vector<bool> SampleMask(const Case& c, size_t size) {
  std::vector<bool> mask(size, false);
  const int planes = c.planar_rgb ? 3 : 1;
  const size_t plane_size = static_cast<size_t>(c.stride) * c.height;
  for (int p = 0; p < planes; ++p)
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) {
        const size_t at = p * plane_size + static_cast<size_t>(y) * c.stride +
                          static_cast<size_t>(x) * c.step;
        switch (c.kind) {
          case Kind::kPlane8:
            mask[at + c.offset] = true;
            break;
          case Kind::kWide:
            mask[at] = mask[at + 1] = true;
            break;
          case Kind::kRgb:
            if (c.planar_rgb) {
              mask[at] = true;
            } else {
              mask[at + c.off_r] = mask[at + c.off_g] = mask[at + c.off_b] = true;
            }
        }
      }
  return mask;
}

// Runs every frame of the case through fresh equalizers; `frames` holds the
// input of each and receives the output.
void Run(const Case& c, std::vector<std::vector<uint8_t>>& frames, histeq::ThreadPool* pool) {
  histeq::EqualizerCore equalizer;
  histeq::RgbEqualizerCore rgb;
  equalizer.SetThreadPool(pool);
  rgb.SetThreadPool(pool);
  const size_t plane_size = static_cast<size_t>(c.stride) * c.height;
  for (std::vector<uint8_t>& f : frames) {
    uint8_t* data = f.data();
    switch (c.kind) {
      case Kind::kPlane8:
        equalizer.Process(testcore::PlaneOf(data + c.offset, c.stride, c.width, c.height, c.step),
                          c.params, nullptr);
        break;
      case Kind::kWide:
        equalizer.Process(testcore::PlaneOf(data, c.stride, c.width, c.height, c.step, c.format),
                          c.params, nullptr);
        break;
      case Kind::kRgb: {
        histeq::RgbPlanes planes;
        if (c.planar_rgb) {
          planes.r = data;
          planes.g = data + plane_size;
          planes.b = data + 2 * plane_size;
          planes.stride_r = planes.stride_g = planes.stride_b = c.stride;
        } else {
          planes.r = data + c.off_r;
          planes.g = data + c.off_g;
          planes.b = data + c.off_b;
          planes.stride_r = planes.stride_g = planes.stride_b = c.stride;
          planes.pixel_step = c.step;
          if (c.step == 4) {
            planes.offset_r = c.off_r;
            planes.offset_g = c.off_g;
            planes.offset_b = c.off_b;
          }
        }
        rgb.Process(planes, c.width, c.height, histeq::LumaWeights::Bt709(), c.params, nullptr);
        break;
      }
    }
  }
}

histeq::ThreadPool& TwoThreads() {
  static histeq::ThreadPool pool(2);
  return pool;
}

std::string Where(size_t i) { return " at byte " + std::to_string(i); }

// One line naming the case, printed with HISTEQ_FUZZ_VERBOSE set.
void Describe(const Case& c) {
  const char* kinds[] = {"plane8", "wide", "rgb"};
  std::fprintf(stderr,
               "%s %dx%d step %d stride %td depth %d %s tiles %dx%d clip %.3f strength %.3f "
               "smoothing %d frames %d\n",
               kinds[static_cast<int>(c.kind)], c.width, c.height, c.step, c.stride,
               c.format.depth, c.params.mode == histeq::Mode::kAdaptive ? "adaptive" : "global",
               c.params.tiles_x, c.params.tiles_y, c.params.clip_limit, c.params.strength,
               c.params.smoothing, c.frames);
}

}  // namespace

std::string CheckCore(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const Case c = Decode(in);
  if (std::getenv("HISTEQ_FUZZ_VERBOSE") != nullptr) Describe(c);
  const size_t plane_size = static_cast<size_t>(c.stride) * c.height;
  const size_t frame_size = plane_size * (c.planar_rgb ? 3 : 1);
  const std::vector<bool> mask = SampleMask(c, frame_size);

  std::vector<std::vector<uint8_t>> inputs(c.frames, std::vector<uint8_t>(frame_size));
  for (int f = 0; f < c.frames; ++f) {
    in.Fill(inputs[f].data(), frame_size);
    // A different picture each frame: rotate the bytes.
    if (f > 0) std::rotate(inputs[f].begin(), inputs[f].begin() + (f * 7919) % frame_size,
                           inputs[f].end());
  }

  // Scalar on one thread, then the best SIMD on two: same bytes.
  std::vector<std::vector<uint8_t>> scalar = inputs, simd = inputs;
  histeq::SetMaxSimd(histeq::SimdLevel::kScalar);
  Run(c, scalar, nullptr);
  histeq::SetMaxSimd(histeq::SimdLevel::kBest);
  Run(c, simd, &TwoThreads());

  const int depth = c.kind == Kind::kWide ? c.format.depth : 8;
  const int max = (1 << depth) - 1;
  const bool limited = c.params.range == histeq::Range::kLimited && c.kind != Kind::kRgb;
  const int lo = limited ? 16 << (depth - 8) : 0;
  const int hi = limited ? 235 << (depth - 8) : max;
  for (int f = 0; f < c.frames; ++f) {
    const std::vector<uint8_t>& out = scalar[f];
    if (out != simd[f]) return "frame " + std::to_string(f) + ": SIMD/2 threads != scalar/1 thread";
    for (size_t i = 0; i < frame_size; ++i) {
      if (!mask[i] && out[i] != inputs[f][i])
        return "frame " + std::to_string(f) + ": a byte outside the samples changed" + Where(i);
    }
    if (c.params.strength == 0.0 && out != inputs[f])
      return "frame " + std::to_string(f) + ": strength 0 is not the identity";
    // Samples stay in the depth, and in [lo, hi] whenever they were written.
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) {
        const size_t at = static_cast<size_t>(y) * c.stride + static_cast<size_t>(x) * c.step;
        int v = 0, v_in = 0;
        if (c.kind == Kind::kPlane8) {
          v = out[at + c.offset];
          v_in = inputs[f][at + c.offset];
        } else if (c.kind == Kind::kWide) {
          auto word = [&](const std::vector<uint8_t>& b) {
            const int w = c.format.big_endian ? b[at] << 8 | b[at + 1] : b[at + 1] << 8 | b[at];
            return (w >> c.format.shift) & max;
          };
          v = word(out);
          v_in = word(inputs[f]);
        } else {
          continue;  // RGB: channels saturate at 0/255 by design
        }
        if (v > max) return "sample above the depth" + Where(at);
        const bool written = out != inputs[f];
        if (written && c.params.strength == 1.0 && (v < lo || v > hi))
          return "frame " + std::to_string(f) + ": sample " + std::to_string(v) + " (was " +
                 std::to_string(v_in) + ") outside [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]" + Where(at);
      }
  }
  // Deep adaptive frames without smoothing take the sparse tables; the first
  // frame (always a fresh start) against the dense route.
  if (c.kind == Kind::kWide && c.params.mode == histeq::Mode::kAdaptive &&
      c.params.smoothing <= 0 && c.params.strength > 0.0) {
    std::vector<uint8_t> dense = inputs[0];
    const histeq::Plane plane =
        testcore::PlaneOf(dense.data(), c.stride, c.width, c.height, c.step, c.format);
    histeq::Clahe clahe;
    histeq::TableParams tables;
    tables.clip_limit =
        c.params.clip_limit > 0.0 ? c.params.clip_limit : histeq::kDefaultAdaptiveClipLimit;
    tables.range = c.params.range;
    tables.strength = c.params.strength;
    clahe.Count(plane,
                histeq::TileGrid::Make(c.width, c.height, c.params.tiles_x, c.params.tiles_y),
                nullptr, nullptr);
    clahe.BuildLuts(nullptr, tables);
    clahe.Interpolate(plane);
    if (dense != scalar[0]) return "frame 0: the sparse 16-bit tables differ from the dense ones";
  }
  return "";
}

}  // namespace fuzz
