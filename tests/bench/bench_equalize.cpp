// histeq's core next to OpenCV in one run: global and adaptive (CLAHE, clip
// 2, 8x8), 8 and 16-bit, 720p/1080p/2160p, histeq on 1 and 2 threads and
// OpenCV on one (cv::setNumThreads(1)). Compare ratios, not absolute
// times. scripts/bench.sh turns the output into a table of ratios.
//
// Names: BM_<who>_<mode><bits>/<width>/<height>[/<threads>]; and
// BM_<who>_Kinds8/<kind>/<width>/<height>: global 8-bit on one thread over
// kinds of picture (see Kind); BM_Histeq_Grid/<depth>/<tiles>/<smoothing>:
// adaptive mode's cost by grid and smoothing (see GridSettings).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

#ifdef HISTEQ_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace {

// A real photograph scaled to the size. Bilinear, as a picture taken at
// that size would be smooth: nearest-neighbour scaling would repeat every
// sample four times or more, which no camera does.
testimg::Image Scaled(int width, int height) {
  const testimg::Image photo = testimg::LoadTestPhotoLuma("chelsea.ppm");
  testimg::Image scaled = testimg::MakeFlat(width, height, 0);
  for (int y = 0; y < height; ++y) {
    const double fy = (y + 0.5) * photo.height / height - 0.5;
    const int y0 = std::clamp(static_cast<int>(std::floor(fy)), 0, photo.height - 1);
    const int y1 = std::min(y0 + 1, photo.height - 1);
    const double b = std::clamp(fy - y0, 0.0, 1.0);
    for (int x = 0; x < width; ++x) {
      const double fx = (x + 0.5) * photo.width / width - 0.5;
      const int x0 = std::clamp(static_cast<int>(std::floor(fx)), 0, photo.width - 1);
      const int x1 = std::min(x0 + 1, photo.width - 1);
      const double a = std::clamp(fx - x0, 0.0, 1.0);
      const double v = (photo.at(x0, y0) * (1 - a) + photo.at(x1, y0) * a) * (1 - b) +
                       (photo.at(x0, y1) * (1 - a) + photo.at(x1, y1) * a) * b;
      scaled.at(x, y) = static_cast<uint8_t>(std::lround(v));
    }
  }
  return scaled;
}

// The photograph at 8 or 16 bits.
const ref::Codes& Picture(int width, int height, int depth) {
  static std::deque<ref::Codes> cache;  // references stay valid on growth
  for (const auto& c : cache)
    if (c.width == width && c.height == height && c.depth == depth) return c;
  cache.push_back(ref::Deepen(Scaled(width, height), depth, 1));
  return cache.back();
}

// Kinds of 8-bit picture for the global mode (BM_*_Kinds8): the photograph;
// the photograph dark and skewed (mapped into 0..20, as a night or
// astronomy frame: long runs of equal values); and uniform noise.
enum Kind { kPhoto, kDark, kNoise, kKinds };

const std::vector<uint8_t>& KindPicture(int kind, int width, int height) {
  static std::deque<std::pair<std::array<int, 3>, std::vector<uint8_t>>> cache;
  const std::array<int, 3> key{kind, width, height};
  for (const auto& c : cache)
    if (c.first == key) return c.second;
  testimg::Image img = kind == kNoise ? testimg::MakeNoise(width, height, 22) : Scaled(width, height);
  if (kind == kDark)
    for (auto& v : img.pixels) v = static_cast<uint8_t>(v * 21 / 256);
  cache.emplace_back(key, std::move(img.pixels));
  return cache.back().second;
}

std::vector<uint8_t> Bytes(const ref::Codes& c) {
  std::vector<uint8_t> b(c.v.size() * (c.depth > 8 ? 2 : 1));
  for (size_t i = 0; i < c.v.size(); ++i) {
    if (c.depth > 8) {
      b[2 * i] = static_cast<uint8_t>(c.v[i]);
      b[2 * i + 1] = static_cast<uint8_t>(c.v[i] >> 8);
    } else {
      b[i] = static_cast<uint8_t>(c.v[i]);
    }
  }
  return b;
}

void Sizes(benchmark::internal::Benchmark* b, bool threads) {
  for (auto s : {std::make_pair(1280, 720), std::make_pair(1920, 1080), std::make_pair(3840, 2160)})
    for (int t : threads ? std::vector<int>{1, 2} : std::vector<int>{1})
      b->Args({s.first, s.second, t});
  b->Unit(benchmark::kMicrosecond);
}
void WithThreads(benchmark::internal::Benchmark* b) { Sizes(b, true); }
void OneThread(benchmark::internal::Benchmark* b) { Sizes(b, false); }

// Times eq.Process(plane, p) over the bytes `work` the plane points at,
// inputs[i % inputs.size()] copied into them outside the timing before
// iteration i.
void TimeProcess(benchmark::State& state, histeq::Equalizer& eq, const histeq::Plane& plane,
                 const histeq::Params& p, const std::vector<const std::vector<uint8_t>*>& inputs,
                 std::vector<uint8_t>* work) {
  // A stream allocates its state on its first frame (and a larger setting's
  // scratch when it first needs it); the timing is of the frames after, as
  // a pipeline runs them. Google Benchmark runs few iterations of the slow
  // cases, so one first frame among them would weigh on the mean.
  for (const std::vector<uint8_t>* in : inputs) {
    std::copy(in->begin(), in->end(), work->begin());
    eq.Process(plane, p);
  }
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::copy(inputs[next]->begin(), inputs[next]->end(), work->begin());
    next = (next + 1) % inputs.size();
    state.ResumeTiming();
    eq.Process(plane, p);
    benchmark::DoNotOptimize(work->data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t(plane.width) * plane.height);
}

// histeq works in place: every iteration starts from the same picture
// OpenCV gets (copied back outside the timing), as an equalized picture is
// not the same input (its tiles span the whole range of values).
void RunHisteq(benchmark::State& state, histeq::Mode mode, int depth) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const std::vector<uint8_t> input = Bytes(Picture(w, h, depth));
  std::vector<uint8_t> work = input;
  histeq::SampleFormat f;
  f.depth = depth;
  histeq::Params p;
  p.mode = mode;
  histeq::Equalizer eq;
  eq.SetThreads(threads);
  const int step = depth > 8 ? 2 : 1;
  histeq::Plane plane;
  plane.data = work.data();
  plane.stride = w * step;
  plane.width = w;
  plane.height = h;
  plane.pixel_step = step;
  plane.format = f;
  TimeProcess(state, eq, plane, p, {&input}, &work);
}

void BM_Histeq_Global8(benchmark::State& s) { RunHisteq(s, histeq::Mode::kGlobal, 8); }
void BM_Histeq_Adaptive8(benchmark::State& s) { RunHisteq(s, histeq::Mode::kAdaptive, 8); }
void BM_Histeq_Global16(benchmark::State& s) { RunHisteq(s, histeq::Mode::kGlobal, 16); }
void BM_Histeq_Adaptive16(benchmark::State& s) { RunHisteq(s, histeq::Mode::kAdaptive, 16); }
BENCHMARK(BM_Histeq_Global8)->Apply(WithThreads);

void KindSizes(benchmark::internal::Benchmark* b) {
  for (int kind = 0; kind < kKinds; ++kind)
    for (auto s : {std::make_pair(1920, 1080), std::make_pair(3840, 2160)})
      b->Args({kind, s.first, s.second});
  b->Unit(benchmark::kMicrosecond);
}

void BM_Histeq_Kinds8(benchmark::State& state) {
  const int w = static_cast<int>(state.range(1)), h = static_cast<int>(state.range(2));
  const std::vector<uint8_t>& input = KindPicture(static_cast<int>(state.range(0)), w, h);
  std::vector<uint8_t> work = input;
  histeq::Params p;
  p.mode = histeq::Mode::kGlobal;
  histeq::Equalizer eq;
  eq.SetThreads(1);
  histeq::Plane plane;
  plane.data = work.data();
  plane.stride = w;
  plane.width = w;
  plane.height = h;
  plane.pixel_step = 1;
  TimeProcess(state, eq, plane, p, {&input}, &work);
}
BENCHMARK(BM_Histeq_Kinds8)->Apply(KindSizes);

// Adaptive mode by depth, grid and smoothing (BM_Histeq_Grid/<depth>/
// <tiles>/<smoothing>): 1920x1080 uniform noise over every code of the
// depth, four different frames in turn, one thread, tiles x tiles, clip 2.
// Noise is the worst case for a fine grid: every tile holds most values.
void GridSettings(benchmark::internal::Benchmark* b) {
  for (int depth : {8, 10, 12, 16})
    for (int tiles : {8, 64})
      for (int smoothing : {0, 30}) b->Args({depth, tiles, smoothing});
  b->Unit(benchmark::kMicrosecond);
}

void BM_Histeq_Grid(benchmark::State& state) {
  const int depth = static_cast<int>(state.range(0)), w = 1920, h = 1080;
  const int step = depth > 8 ? 2 : 1;
  std::vector<std::vector<uint8_t>> frames(4);
  std::mt19937 rng(11);
  for (auto& f : frames) {
    f.resize(static_cast<size_t>(w) * h * step);
    for (size_t i = 0; i < f.size(); i += step) {
      const uint32_t v = rng() & ((1u << depth) - 1);
      f[i] = static_cast<uint8_t>(v);
      if (step == 2) f[i + 1] = static_cast<uint8_t>(v >> 8);
    }
  }
  std::vector<uint8_t> work = frames[0];
  histeq::Params p;
  p.mode = histeq::Mode::kAdaptive;
  p.tiles_x = p.tiles_y = static_cast<int>(state.range(1));
  p.smoothing = static_cast<int>(state.range(2));
  histeq::Equalizer eq;
  histeq::Plane plane;
  plane.data = work.data();
  plane.stride = static_cast<ptrdiff_t>(w) * step;
  plane.width = w;
  plane.height = h;
  plane.pixel_step = step;
  plane.format.depth = depth;
  TimeProcess(state, eq, plane, p, {&frames[0], &frames[1], &frames[2], &frames[3]}, &work);
}
BENCHMARK(BM_Histeq_Grid)->Apply(GridSettings);
BENCHMARK(BM_Histeq_Adaptive8)->Apply(WithThreads);
BENCHMARK(BM_Histeq_Global16)->Apply(WithThreads);
BENCHMARK(BM_Histeq_Adaptive16)->Apply(WithThreads);

#ifdef HISTEQ_HAVE_OPENCV
void RunOpenCV(benchmark::State& state, bool adaptive, int depth) {
  cv::setNumThreads(1);
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const ref::Codes& c = Picture(w, h, depth);
  std::vector<uint8_t> bytes = Bytes(c);
  cv::Mat in(h, w, depth > 8 ? CV_16UC1 : CV_8UC1, bytes.data());
  cv::Mat out(h, w, in.type());
  cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(2.0, cv::Size(8, 8));
  for (auto _ : state) {
    if (adaptive)
      clahe->apply(in, out);
    else
      cv::equalizeHist(in, out);
    benchmark::DoNotOptimize(out.data);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(w) * h);
}

void BM_OpenCV_Global8(benchmark::State& s) { RunOpenCV(s, false, 8); }
void BM_OpenCV_Adaptive8(benchmark::State& s) { RunOpenCV(s, true, 8); }
void BM_OpenCV_Adaptive16(benchmark::State& s) { RunOpenCV(s, true, 16); }
BENCHMARK(BM_OpenCV_Global8)->Apply(OneThread);

void BM_OpenCV_Kinds8(benchmark::State& state) {
  cv::setNumThreads(1);
  const int w = static_cast<int>(state.range(1)), h = static_cast<int>(state.range(2));
  std::vector<uint8_t> bytes = KindPicture(static_cast<int>(state.range(0)), w, h);
  cv::Mat in(h, w, CV_8UC1, bytes.data());
  cv::Mat out(h, w, CV_8UC1);
  for (auto _ : state) {
    cv::equalizeHist(in, out);
    benchmark::DoNotOptimize(out.data);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(w) * h);
}
BENCHMARK(BM_OpenCV_Kinds8)->Apply(KindSizes);
BENCHMARK(BM_OpenCV_Adaptive8)->Apply(OneThread);
BENCHMARK(BM_OpenCV_Adaptive16)->Apply(OneThread);
#endif

}  // namespace

BENCHMARK_MAIN();
