// Frames after the first of a size, depth and grid allocate nothing: the
// heap is counted through a replaced global operator new (this test program
// only).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "histeq/rgb.h"
#include "images.h"
#include "reference.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// GCC, inlining these into gtest's `new TestClass` under the sanitizers,
// takes malloc/free for a mismatch with new/delete; they are the pair here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

TEST(Allocation, SteadyStreamAllocatesNothing) {
  for (int depth : {8, 10, 16}) {
    for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
      for (int smoothing : {0, 10}) {
        const ref::Codes c = ref::Deepen(testimg::MakeScene(320, 240, 1), depth, 1);
        std::vector<uint8_t> bytes(c.v.size() * 2);
        histeq::SampleFormat f;
        f.depth = depth;
        histeq::Params p;
        p.mode = mode;
        p.smoothing = smoothing;
        histeq::Equalizer eq;
        auto run = [&] {
          for (size_t i = 0; i < c.v.size(); ++i) {
            if (depth == 8) {
              bytes[i] = static_cast<uint8_t>(c.v[i]);
            } else {
              bytes[2 * i] = static_cast<uint8_t>(c.v[i]);
              bytes[2 * i + 1] = static_cast<uint8_t>(c.v[i] >> 8);
            }
          }
          const int step = depth == 8 ? 1 : 2;
          eq.Process(testcore::PlaneOf(bytes.data(), 320 * step, 320, 240, step, f), p);
        };
        const long at_start = g_allocations.load();
        run();  // the first frame sets up: the counter must see that
        EXPECT_GT(g_allocations.load() - at_start, 0);
        const long before = g_allocations.load();
        for (int i = 0; i < 5; ++i) run();
        EXPECT_EQ(g_allocations.load() - before, 0)
            << "depth " << depth << (mode == histeq::Mode::kAdaptive ? " adaptive" : " global")
            << " smoothing " << smoothing;
      }
    }
  }
}

TEST(Allocation, SteadyStreamWithThreadsAllocatesNothing) {
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    testimg::Image img = testimg::MakeScene(640, 360, 2);
    histeq::Equalizer eq;
    eq.SetThreads(3);
    histeq::Params p;
    p.mode = mode;
    p.smoothing = 4;
    eq.Process(testcore::PlaneOf(img.pixels.data(), 640, 640, 360, 1), p);
    const long before = g_allocations.load();
    for (int i = 0; i < 5; ++i) eq.Process(testcore::PlaneOf(img.pixels.data(), 640, 640, 360, 1), p);
    EXPECT_EQ(g_allocations.load() - before, 0) << static_cast<int>(mode);
  }
}

TEST(Allocation, RgbSteadyStreamAllocatesNothing) {
  testimg::Image rgb = testimg::LoadTestPhoto("chelsea.ppm");
  histeq::RgbEqualizer eq;
  histeq::RgbPlanes pl;
  pl.r = rgb.pixels.data();
  pl.g = pl.r + 1;
  pl.b = pl.r + 2;
  pl.stride_r = pl.stride_g = pl.stride_b = rgb.width * 3;
  pl.pixel_step = 3;
  eq.Process(pl, rgb.width, rgb.height, histeq::LumaWeights::Bt709(), {});
  const long before = g_allocations.load();
  for (int i = 0; i < 3; ++i)
    eq.Process(pl, rgb.width, rgb.height, histeq::LumaWeights::Bt709(), {});
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
