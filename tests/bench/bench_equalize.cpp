// Global equalization of one luma plane: histeq's core and, in the same run,
// cv::equalizeHist on one thread. Compare the ratios, not the absolute times.
#include <benchmark/benchmark.h>

#include <deque>
#include <vector>

#include "histeq/clahe.h"
#include "histeq/equalize.h"
#include "images.h"

#ifdef HISTEQ_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace {

const testimg::Image& Scene(int width, int height) {
  static std::deque<testimg::Image> cache;  // references stay valid on growth
  for (const auto& img : cache)
    if (img.width == width && img.height == height) return img;
  cache.push_back(testimg::MakeScene(width, height, 1));
  return cache.back();
}

void SetSizeArgs(benchmark::internal::Benchmark* b) {
  b->Args({1280, 720})->Args({1920, 1080})->Args({3840, 2160});
  b->Unit(benchmark::kMicrosecond);
}

void BM_Histeq_Global8(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const testimg::Image& src = Scene(w, h);
  std::vector<uint8_t> work = src.pixels;
  for (auto _ : state) {
    // In place, over and over: equalizing an equalized picture costs the
    // same (its histogram is as spread), and no copy blurs the comparison.
    histeq::EqualizeHist8(work.data(), w, w, h);
    benchmark::DoNotOptimize(work.data());
  }
  state.SetBytesProcessed(state.iterations() * int64_t(w) * h);
}
BENCHMARK(BM_Histeq_Global8)->Apply(SetSizeArgs);

// Adaptive: clip 2, 8x8 tiles (OpenCV's usual parameters).
void BM_Histeq_Clahe8(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const testimg::Image& src = Scene(w, h);
  std::vector<uint8_t> work = src.pixels;
  histeq::Clahe8 clahe;
  for (auto _ : state) {
    std::copy(src.pixels.begin(), src.pixels.end(), work.begin());
    clahe.Apply(work.data(), w, w, h, 1, {2.0, 8, 8});
    benchmark::DoNotOptimize(work.data());
  }
  state.SetBytesProcessed(state.iterations() * int64_t(w) * h);
}
BENCHMARK(BM_Histeq_Clahe8)->Apply(SetSizeArgs);

#ifdef HISTEQ_HAVE_OPENCV
void BM_OpenCV_Clahe(benchmark::State& state) {
  cv::setNumThreads(1);
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const testimg::Image& src = Scene(w, h);
  cv::Mat in(h, w, CV_8UC1, const_cast<uint8_t*>(src.pixels.data()));
  cv::Mat copy(h, w, CV_8UC1), out(h, w, CV_8UC1);
  cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(2.0, cv::Size(8, 8));
  for (auto _ : state) {
    in.copyTo(copy);
    clahe->apply(copy, out);
    benchmark::DoNotOptimize(out.data);
  }
  state.SetBytesProcessed(state.iterations() * int64_t(w) * h);
}
BENCHMARK(BM_OpenCV_Clahe)->Apply(SetSizeArgs);

void BM_OpenCV_EqualizeHist(benchmark::State& state) {
  cv::setNumThreads(1);
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const testimg::Image& src = Scene(w, h);
  cv::Mat in(h, w, CV_8UC1, const_cast<uint8_t*>(src.pixels.data()));
  cv::Mat out(h, w, CV_8UC1);
  for (auto _ : state) {
    cv::equalizeHist(in, out);
    benchmark::DoNotOptimize(out.data);
  }
  state.SetBytesProcessed(state.iterations() * int64_t(w) * h);
}
BENCHMARK(BM_OpenCV_EqualizeHist)->Apply(SetSizeArgs);
#endif

}  // namespace

BENCHMARK_MAIN();
