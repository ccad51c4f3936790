#include "fuzz_core.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "clahe.h"
#include "core_calls.h"
#include "proc_status.h"
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
  uint8_t Peek() const { return pos_ < size_ ? data_[pos_] : 0; }
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
  // Threads of the SIMD run: 0 for the shared two-thread pool (the
  // single-case format), else the equalizer's own pool of that many
  // (SetThreads, as the element's n-threads does).
  int threads = 0;
};

constexpr size_t kMaxSamples = size_t{1} << 16;  // keeps one execution fast
constexpr int kMaxSteps = 8;

// The layout and size of the plane.
void DecodeLayout(Reader& in, Case& c) {
  const histeq::Params params = c.params;  // not the layout's to change
  const int threads = c.threads;
  c = Case();
  c.params = params;
  c.threads = threads;
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
}

// Deep grids folded to HISTEQ_FUZZ_DEEP_TILES x HISTEQ_FUZZ_DEEP_TILES when
// that is set: a way to fuzz past a known cost of deep tables without it
// stopping every run (tests/README.md).
int DeepTilesCap() {
  static const int cap = [] {
    const char* v = std::getenv("HISTEQ_FUZZ_DEEP_TILES");
    return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : 0;
  }();
  return cap;
}

void DecodeModeAndTiles(Reader& in, Case& c) {
  histeq::Params& p = c.params;
  p.mode = in.Byte() % 2 ? histeq::Mode::kAdaptive : histeq::Mode::kGlobal;
  // Mostly grids up to 16x16; one case in eight up to the property's 64x64
  // (thousands of tiny tiles: slow under the sanitizers, so not every time).
  // Deep samples alike: issue 21 bounds their tables' memory for every grid.
  const int max_tiles = in.Byte() % 8 == 0 ? 64 : 16;
  p.tiles_x = 1 + in.Byte() % max_tiles;
  p.tiles_y = 1 + in.Byte() % max_tiles;
}

void FoldDeepTiles(Case& c) {
  if (c.kind == Kind::kWide && DeepTilesCap() > 0) {
    c.params.tiles_x = 1 + (c.params.tiles_x - 1) % DeepTilesCap();
    c.params.tiles_y = 1 + (c.params.tiles_y - 1) % DeepTilesCap();
  }
}

void DecodeClip(Reader& in, histeq::Params& p) {
  const uint8_t clip = in.Byte();
  p.clip_limit = clip < 64 ? 0.0 : clip < 250 ? (clip - 63) / 8.0 : 1000.0;
}

void DecodeStrength(Reader& in, histeq::Params& p) {
  const uint8_t strength = in.Byte();
  p.strength = strength > 200 ? 1.0 : strength / 200.0;
}

void DecodeRange(Reader& in, histeq::Params& p) {
  // Bit 0 the range, bit 1 where a global clip limit's excess goes.
  const uint8_t b = in.Byte();
  p.range = b & 1 ? histeq::Range::kLimited : histeq::Range::kFull;
  p.clip_spread = b & 2 ? histeq::ExcessSpread::kRange : histeq::ExcessSpread::kAll;
}

void DecodeSmoothing(Reader& in, histeq::Params& p) {
  p.smoothing = in.Byte() % 4 == 0 ? in.Int(0, 300) : 0;
  p.scene_threshold = in.Byte() / 255.0;
}

// Input formats. A first byte below 0x80 is one case of 1 to 3 frames with
// the same settings (the corpus's older inputs):
//   kind, width, height, padding, layout bytes, mode, tile range, tiles-x,
//   tiles-y, clip, strength, range (bit 0 the range, bit 1 the clip
//   spread), smoothing, scene threshold, frames, samples.
// A first byte of 0x80 or more is a sequence of 1 + (byte & 7) frames
// through the same equalizers, the settings changing between them, as the
// element's properties and caps do:
//   then per frame a byte saying what changes (the first frame: everything):
//     bit 0 layout and size (kind, width, height, padding, layout bytes)
//     bit 1 mode and tiles (mode, tile range, tiles-x, tiles-y)
//     bit 2 clip, bit 3 strength, bit 4 range and clip spread,
//     bit 5 smoothing and scene threshold, bit 6 threads (1 + byte % 4),
//     bit 7 report and overlay (bit 0 report_output, bit 1 draw_histograms)
//   each followed by its bytes in that order; then the samples.
std::vector<Case> Decode(Reader& in) {
  std::vector<Case> steps;
  Case c;
  if (in.Peek() < 0x80) {
    DecodeLayout(in, c);
    DecodeModeAndTiles(in, c);
    DecodeClip(in, c.params);
    DecodeStrength(in, c.params);
    DecodeRange(in, c.params);
    DecodeSmoothing(in, c.params);
    FoldDeepTiles(c);
    steps.assign(1 + in.Byte() % 3, c);
    return steps;
  }
  const int n = 1 + in.Byte() % kMaxSteps;
  c.threads = 2;
  for (int i = 0; i < n; ++i) {
    const uint8_t changes = i == 0 ? 0xff : in.Byte();
    if (changes & 1) DecodeLayout(in, c);
    if (changes & 2) DecodeModeAndTiles(in, c);
    if (changes & 4) DecodeClip(in, c.params);
    if (changes & 8) DecodeStrength(in, c.params);
    if (changes & 16) DecodeRange(in, c.params);
    if (changes & 32) DecodeSmoothing(in, c.params);
    if (changes & 64) c.threads = 1 + in.Byte() % 4;
    if (changes & 128) {
      const uint8_t b = in.Byte();
      c.params.report_output = b & 1;
      c.params.draw_histograms = b & 2;
    }
    Case step = c;
    FoldDeepTiles(step);
    steps.push_back(step);
  }
  return steps;
}

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

size_t FrameSize(const Case& c) {
  return static_cast<size_t>(c.stride) * c.height * (c.planar_rgb ? 3 : 1);
}

histeq::ThreadPool& TwoThreads() {
  static histeq::ThreadPool pool(2);
  return pool;
}

// A report's histogram counts every pixel once.
std::string CheckReport(const Case& c, const histeq::FrameReport& r) {
  const uint64_t pixels = static_cast<uint64_t>(c.width) * c.height;
  if (r.histogram_in == nullptr || r.bins <= 0) return "no input histogram reported";
  uint64_t in = 0, out = 0;
  for (int b = 0; b < r.bins; ++b) in += r.histogram_in[b];
  if (in != pixels || r.pixels != pixels)
    return "input histogram counts " + std::to_string(in) + " of " + std::to_string(pixels) +
           " pixels";
  if (c.params.report_output) {
    if (r.histogram_out == nullptr) return "report_output without an output histogram";
    for (int b = 0; b < r.bins; ++b) out += r.histogram_out[b];
    if (out != pixels)
      return "output histogram counts " + std::to_string(out) + " of " +
             std::to_string(pixels) + " pixels";
  }
  return "";
}

// Runs step i's frame through one pair of equalizers kept for the whole
// sequence, as the element keeps its own while settings and caps change;
// `frames[i]` holds the input and receives the output. The scalar run has
// no pool; the SIMD run the step's threads. Returns what a report got
// wrong, or "".
std::string Run(const std::vector<Case>& steps, std::vector<std::vector<uint8_t>>& frames,
                bool simd) {
  histeq::EqualizerCore equalizer;
  histeq::RgbEqualizerCore rgb;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Case& c = steps[i];
    if (simd && c.threads == 0) {
      equalizer.SetThreadPool(&TwoThreads());
      rgb.SetThreadPool(&TwoThreads());
    } else if (simd) {
      equalizer.SetThreads(c.threads);
      rgb.SetThreads(c.threads);
    }
    const size_t plane_size = static_cast<size_t>(c.stride) * c.height;
    uint8_t* data = frames[i].data();
    histeq::FrameReport report;
    switch (c.kind) {
      case Kind::kPlane8:
        equalizer.Process(testcore::PlaneOf(data + c.offset, c.stride, c.width, c.height, c.step),
                          c.params, &report);
        break;
      case Kind::kWide:
        equalizer.Process(testcore::PlaneOf(data, c.stride, c.width, c.height, c.step, c.format),
                          c.params, &report);
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
        rgb.Process(planes, c.width, c.height, histeq::LumaWeights::Bt709(), c.params, &report);
        break;
      }
    }
    const std::string wrong = CheckReport(c, report);
    if (!wrong.empty())
      return "frame " + std::to_string(i) + (simd ? " (SIMD): " : " (scalar): ") + wrong;
  }
  return "";
}

std::string Where(size_t i) { return " at byte " + std::to_string(i); }

// One line per frame naming its case, printed with HISTEQ_FUZZ_VERBOSE set.
void Describe(const std::vector<Case>& steps) {
  const char* kinds[] = {"plane8", "wide", "rgb"};
  for (size_t i = 0; i < steps.size(); ++i) {
    const Case& c = steps[i];
    std::fprintf(stderr,
                 "frame %zu: %s %dx%d step %d stride %td depth %d %s tiles %dx%d clip %.3f "
                 "%s strength %.3f %s smoothing %d scene %.3f threads %d%s%s\n",
                 i, kinds[static_cast<int>(c.kind)], c.width, c.height, c.step, c.stride,
                 c.format.depth, c.params.mode == histeq::Mode::kAdaptive ? "adaptive" : "global",
                 c.params.tiles_x, c.params.tiles_y, c.params.clip_limit,
                 c.params.clip_spread == histeq::ExcessSpread::kRange ? "spread range"
                                                                      : "spread all",
                 c.params.strength,
                 c.params.range == histeq::Range::kLimited ? "limited" : "full",
                 c.params.smoothing, c.params.scene_threshold, c.threads == 0 ? 2 : c.threads,
                 c.params.report_output ? " report" : "",
                 c.params.draw_histograms ? " overlay" : "");
  }
}

// Issue 21's bound over the baseline for frames up to 3840x2160 (a case's
// are at most 65,536 samples).
constexpr int64_t kMemoryBound = int64_t{256} << 20;

// The memory a case takes: the peak of the live heap over the case's start
// (every allocation and free seen through the sanitizer's hooks) in a
// sanitizer build, else the peak resident set (VmHWM, reset at the start
// through /proc/self/clear_refs) over the resident set at the start.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HISTEQ_FUZZ_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HISTEQ_FUZZ_HOOKS 1
#endif
#endif

#ifdef HISTEQ_FUZZ_HOOKS
}  // namespace
}  // namespace fuzz
extern "C" {
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                              void (*free_hook)(const volatile void*));
size_t __sanitizer_get_allocated_size(const volatile void* p);
}
namespace fuzz {
namespace {

std::atomic<int64_t> g_live{0}, g_peak{0};
// With AbortAtMemoryBound: the live bytes at which the allocation that
// crosses them aborts (INT64_MAX: never).
std::atomic<int64_t> g_abort_at{INT64_MAX};
std::atomic<bool> g_abort_at_bound{false};

void OnMalloc(const volatile void*, size_t size) {
  const int64_t now = g_live.fetch_add(static_cast<int64_t>(size)) + static_cast<int64_t>(size);
  int64_t seen = g_peak.load(std::memory_order_relaxed);
  while (now > seen && !g_peak.compare_exchange_weak(seen, now)) {
  }
  if (now > g_abort_at.load(std::memory_order_relaxed)) {
    g_abort_at = INT64_MAX;  // in case the message allocates
    std::fprintf(stderr, "histeq fuzz: memory: the equalizers took more than %lld MiB "
                 "(an allocation of %zu bytes crossed the bound)\n",
                 static_cast<long long>(kMemoryBound >> 20), size);
    std::abort();
  }
}

void OnFree(const volatile void* p) {
  if (p != nullptr) g_live -= static_cast<int64_t>(__sanitizer_get_allocated_size(p));
}

class MemoryMeter {
 public:
  MemoryMeter() {
    static const bool installed = __sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree);
    ok_ = installed;
    start_ = g_live;
    g_peak = start_;
    if (g_abort_at_bound) g_abort_at = start_ + kMemoryBound;
  }
  ~MemoryMeter() { g_abort_at = INT64_MAX; }
  // Bytes over the start at the peak; -1 when it cannot tell.
  int64_t Growth() const { return ok_ ? g_peak - start_ : -1; }

 private:
  bool ok_ = false;
  int64_t start_ = 0;
};
#else
using testmem::StatusKiB;

class MemoryMeter {
 public:
  MemoryMeter() {
    FILE* f = std::fopen("/proc/self/clear_refs", "w");
    ok_ = f != nullptr && std::fputs("5", f) >= 0;
    if (f != nullptr) ok_ = std::fclose(f) == 0 && ok_;
    start_ = StatusKiB("VmRSS:");
    ok_ = ok_ && start_ >= 0;
  }
  int64_t Growth() const { return ok_ ? (StatusKiB("VmHWM:") - start_) * 1024 : -1; }

 private:
  bool ok_ = false;
  int64_t start_ = 0;
};
#endif

std::string CheckFrames(const std::vector<Case>& steps,
                        const std::vector<std::vector<uint8_t>>& inputs,
                        const std::vector<std::vector<uint8_t>>& scalar,
                        const std::vector<std::vector<uint8_t>>& simd) {
  for (size_t f = 0; f < steps.size(); ++f) {
    const Case& c = steps[f];
    const std::string frame = "frame " + std::to_string(f) + ": ";
    const std::vector<uint8_t>& out = scalar[f];
    const std::vector<uint8_t>& in = inputs[f];
    if (out != simd[f]) return frame + "SIMD/threads != scalar/1 thread";
    const std::vector<bool> mask = SampleMask(c, out.size());
    for (size_t i = 0; i < out.size(); ++i) {
      if (!mask[i] && out[i] != in[i])
        return frame + "a byte outside the samples changed" + Where(i);
    }
    // The overlay draws into the samples whatever the strength and range.
    const bool overlay = c.params.draw_histograms;
    if (!overlay && c.params.strength == 0.0 && out != in)
      return frame + "strength 0 is not the identity";
    // Samples stay in the depth, and in [lo, hi] whenever they were written.
    const int depth = c.kind == Kind::kWide ? c.format.depth : 8;
    const int max = (1 << depth) - 1;
    const bool limited = c.params.range == histeq::Range::kLimited && c.kind != Kind::kRgb;
    const int lo = limited ? 16 << (depth - 8) : 0;
    const int hi = limited ? 235 << (depth - 8) : max;
    const bool written = out != in;
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) {
        const size_t at = static_cast<size_t>(y) * c.stride + static_cast<size_t>(x) * c.step;
        int v = 0, v_in = 0;
        if (c.kind == Kind::kPlane8) {
          v = out[at + c.offset];
          v_in = in[at + c.offset];
        } else if (c.kind == Kind::kWide) {
          auto word = [&](const std::vector<uint8_t>& b) {
            const int w = c.format.big_endian ? b[at] << 8 | b[at + 1] : b[at + 1] << 8 | b[at];
            return (w >> c.format.shift) & max;
          };
          v = word(out);
          v_in = word(in);
        } else {
          continue;  // RGB: channels saturate at 0/255 by design
        }
        if (v > max) return frame + "sample above the depth" + Where(at);
        if (written && !overlay && c.params.strength == 1.0 && (v < lo || v > hi))
          return frame + "sample " + std::to_string(v) + " (was " + std::to_string(v_in) +
                 ") outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]" +
                 Where(at);
      }
  }
  return "";
}

// Deep adaptive frames without smoothing: the first frame (always a fresh
// start) against whole tables (the equalizer may keep them by value).
std::string CheckSparseAgainstDense(const Case& c, const std::vector<uint8_t>& input,
                                    const std::vector<uint8_t>& scalar) {
  if (c.kind != Kind::kWide || c.params.mode != histeq::Mode::kAdaptive ||
      c.params.smoothing > 0 || c.params.strength <= 0.0 || c.params.draw_histograms)
    return "";
  std::vector<uint8_t> dense = input;
  const histeq::Plane plane =
      testcore::PlaneOf(dense.data(), c.stride, c.width, c.height, c.step, c.format);
  // Whole tables, as they are counted (the equalizer keeps the tables of
  // many tiles by value); not past 8 MiB of them (larger ones take seconds
  // under the sanitizers).
  const histeq::TileGrid grid =
      histeq::TileGrid::Make(c.width, c.height, c.params.tiles_x, c.params.tiles_y);
  if ((static_cast<int64_t>(grid.tiles()) << c.format.depth) > (int64_t{1} << 22)) return "";
  histeq::Clahe clahe;
  clahe.SetTables(histeq::Clahe::Tables::kWhole);
  histeq::TableParams tables;
  tables.clip_limit =
      c.params.clip_limit > 0.0 ? c.params.clip_limit : histeq::kDefaultAdaptiveClipLimit;
  tables.range = c.params.range;
  tables.strength = c.params.strength;
  clahe.Count(plane, grid, &tables, nullptr);
  clahe.Interpolate(plane);
  if (dense != scalar) return "frame 0: the tables kept by value differ from whole tables";
  return "";
}

}  // namespace

void AbortAtMemoryBound() {
#ifdef HISTEQ_FUZZ_HOOKS
  g_abort_at_bound = true;
#endif
}

std::string CheckCore(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const std::vector<Case> steps = Decode(in);
  if (std::getenv("HISTEQ_FUZZ_VERBOSE") != nullptr) Describe(steps);

  std::vector<std::vector<uint8_t>> inputs;
  for (size_t f = 0; f < steps.size(); ++f) {
    const size_t frame_size = FrameSize(steps[f]);
    inputs.emplace_back(frame_size);
    in.Fill(inputs[f].data(), frame_size);
    // A different picture each frame: rotate the bytes.
    if (f > 0)
      std::rotate(inputs[f].begin(), inputs[f].begin() + (f * 7919) % frame_size,
                  inputs[f].end());
  }

  // Scalar on one thread, then the best SIMD on the case's threads: same
  // bytes. The memory the two runs take (one after the other, each with its
  // own equalizers) is the element's: the checks' own reference below is
  // not counted.
  std::vector<std::vector<uint8_t>> scalar = inputs, simd = inputs;
  const MemoryMeter memory;
  histeq::SetMaxSimd(histeq::SimdLevel::kScalar);
  std::string problem = Run(steps, scalar, false);
  histeq::SetMaxSimd(histeq::SimdLevel::kBest);
  if (problem.empty()) problem = Run(steps, simd, true);
  const int64_t growth = memory.Growth();
  if (problem.empty() && growth > kMemoryBound)
    problem = "memory: the equalizers took " + std::to_string(growth >> 20) +
              " MiB (bound " + std::to_string(kMemoryBound >> 20) + " MiB)";
  if (problem.empty()) problem = CheckFrames(steps, inputs, scalar, simd);
  if (problem.empty()) problem = CheckSparseAgainstDense(steps[0], inputs[0], scalar[0]);
  return problem;
}

}  // namespace fuzz
