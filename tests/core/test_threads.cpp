// Threads: the same bytes whatever the number of threads, for every depth,
// mode and the RGB path; the pool runs every index exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#include <time.h>
#endif

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "histeq/rgb.h"
#include "histogram.h"
#include "threads.h"
#include "images.h"
#include "reference.h"

namespace {

TEST(ThreadPool, EveryIndexOnceOverManyRounds) {
  histeq::ThreadPool pool(4);
  EXPECT_EQ(pool.size(), 4);
  for (int round = 0; round < 200; ++round) {
    const int n = 1 + round % 37;
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    for (auto& h : hits) h = 0;
    pool.ParallelFor(n, [&](int i, int) { ++hits[static_cast<size_t>(i)]; });
    for (int i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << round;
  }
}

TEST(ThreadPool, RoundsNeverMix) {
  // Rounds of changing sizes back to back: a thread finishing the last
  // round's items while the next is being posted must take none of the new
  // round's items under the old count, nor run any function once its
  // ParallelFor has returned.
  for (int threads : {2, 3, 5}) {
    histeq::ThreadPool pool(threads);
    std::atomic<int> bad{0};
    for (int round = 0; round < 5000; ++round) {
      const int n = 1 + (round * 7919) % 23;
      std::atomic<bool> open{true};
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (auto& h : hits) h = 0;
      pool.ParallelFor(n, [&, n](int i, int) {
        if (!open.load() || i < 0 || i >= n)
          ++bad;
        else
          ++hits[static_cast<size_t>(i)];
      });
      open = false;
      for (int i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << round;
    }
    EXPECT_EQ(bad.load(), 0) << threads << " threads";
  }
}

TEST(ThreadPool, ASlotNeverRunsTwoItemsAtOnce) {
  histeq::ThreadPool pool(3);
  std::atomic<int> in_flight[3] = {};
  std::atomic<int> overlaps{0}, bad_slots{0};
  for (int round = 0; round < 100; ++round) {
    pool.ParallelFor(1 + round % 29, [&](int, int slot) {
      if (slot < 0 || slot >= 3) {
        ++bad_slots;
        return;
      }
      if (in_flight[slot]++ != 0) ++overlaps;
      for (volatile int spin = 0; spin < 2000; ++spin) {
      }
      --in_flight[slot];
    });
  }
  EXPECT_EQ(bad_slots.load(), 0);
  EXPECT_EQ(overlaps.load(), 0);
}

TEST(PieceAffinity, OwnPiecesFirstThenTheRestOnce) {
  histeq::PieceAffinity a;
  a.Begin(7);
  for (int p = 0; p < 7; ++p) a.Ran(p, p % 3 == 0 ? 0 : 1);  // slot 0 ran 0, 3, 6
  std::vector<int> got;
  for (int k = 0; k < 7; ++k) got.push_back(a.Take(0));
  EXPECT_EQ(got, (std::vector<int>{0, 3, 6, 1, 2, 4, 5}));
  EXPECT_EQ(a.Take(1), -1);
  // Begun again (fewer pieces): nothing taken, nobody's yet.
  a.Begin(3);
  EXPECT_EQ(a.Take(1), 0);
  a.Ran(2, 1);
  EXPECT_EQ(a.Take(1), 2);
}

TEST(PieceAffinity, ThreadsTakeEveryPieceOnce) {
  histeq::ThreadPool pool(3);
  histeq::PieceAffinity a;
  for (int round = 0; round < 300; ++round) {
    const int n = 1 + round % 40;
    a.Begin(n);
    pool.ParallelFor(n, [&](int i, int slot) { a.Ran(i, slot); });
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    for (auto& h : hits) h = 0;
    pool.ParallelFor(n, [&](int, int slot) {
      const int p = a.Take(slot);
      if (p >= 0 && p < n) ++hits[static_cast<size_t>(p)];
    });
    for (int p = 0; p < n; ++p) ASSERT_EQ(hits[static_cast<size_t>(p)].load(), 1) << round;
  }
}

TEST(PartialHistograms, SumsTheSlotsUsedThisRoundOnly) {
  histeq::ThreadPool pool(2);
  for (int bins : {256, 1024, 65536}) {
    histeq::PartialHistograms parts;
    parts.Begin(3, bins);
    for (int k = 0; k < 3; ++k) parts.Get(k)[bins - 1] = 1000;  // last round's counts
    parts.Begin(3, bins);
    uint32_t* a = parts.Get(0);
    uint32_t* b = parts.Get(2);
    std::vector<uint32_t> expected(static_cast<size_t>(bins));
    for (int v = 0; v < bins; ++v) {
      a[v] += static_cast<uint32_t>(v % 7);
      b[v] += static_cast<uint32_t>(v % 11 + 1);
      expected[static_cast<size_t>(v)] = static_cast<uint32_t>(v % 7 + v % 11 + 1);
    }
    EXPECT_EQ(parts.Get(0), a);  // a second Get keeps the counts
    for (histeq::ThreadPool* p : {static_cast<histeq::ThreadPool*>(nullptr), &pool}) {
      std::vector<uint32_t> sum(static_cast<size_t>(bins), 12345);
      parts.Sum(p, sum.data());
      EXPECT_EQ(sum, expected) << bins << " bins";
    }
  }
}

#ifdef __linux__
// What the worker saw while running an item: its allowed CPUs.
struct WorkerView {
  cpu_set_t allowed;
  bool ran = false;
};

// Runs two items, each waiting for the other to start, so a worker takes
// one; returns what it saw.
WorkerView RunBothSlots(histeq::ThreadPool& pool) {
  WorkerView view;
  CPU_ZERO(&view.allowed);
  std::atomic<int> started{0};
  pool.ParallelFor(2, [&](int, int slot) {
    ++started;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (started.load() < 2 && std::chrono::steady_clock::now() < end) {
    }
    if (slot != 0) {
      view.ran = sched_getaffinity(0, sizeof view.allowed, &view.allowed) == 0;
    }
  });
  return view;
}

void PinThisThread(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
}

// The pool lives inside someone else's process: it never moves a thread to
// other CPUs, neither its workers nor the caller, wherever the caller runs.
TEST(ThreadPool, NeverChangesAnyThreadsCpus) {
  cpu_set_t original;
  CPU_ZERO(&original);
  ASSERT_EQ(sched_getaffinity(0, sizeof original, &original), 0);
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &original)) cpus.push_back(c);
  if (cpus.size() < 2) GTEST_SKIP() << "one CPU";
  struct Restore {
    cpu_set_t set;
    ~Restore() { pthread_setaffinity_np(pthread_self(), sizeof set, &set); }
  } restore{original};
  histeq::ThreadPool pool(2);
  for (int k = 0; k < 4; ++k) {
    const int here = cpus[static_cast<size_t>(k % 2)];
    PinThisThread(here);
    const WorkerView view = RunBothSlots(pool);
    ASSERT_TRUE(view.ran) << "no worker took an item";
    EXPECT_TRUE(CPU_EQUAL(&view.allowed, &original)) << "caller on CPU " << here;
    cpu_set_t mine;
    ASSERT_EQ(sched_getaffinity(0, sizeof mine, &mine), 0);
    EXPECT_EQ(CPU_COUNT(&mine), 1);
    EXPECT_TRUE(CPU_ISSET(here, &mine));
  }
}

// Between rounds a worker watches for the next one for at most about
// kWatchMicroseconds, then sleeps: with rounds 1.5 ms apart (frames back to
// back from a file) the process uses a small share of the gaps' time, where
// a worker watching through them would use all of it.
TEST(ThreadPool, IdleWorkersSleepSoon) {
  histeq::ThreadPool pool(2);
  auto cpu_now = [] {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
  };
  double gaps_cpu = 0.0, gaps_wall = 0.0;
  for (int round = 0; round < 60; ++round) {
    RunBothSlots(pool);
    const double cpu0 = cpu_now();
    const auto wall0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::microseconds(1500));
    gaps_cpu += cpu_now() - cpu0;
    gaps_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  }
  EXPECT_LT(gaps_cpu / gaps_wall, 0.35) << gaps_cpu * 1e3 << " ms of CPU in " << gaps_wall * 1e3
                                        << " ms of gaps";
}

// A worker that starts running only after the first ParallelFor was posted
// (threads start when the kernel gets to them) still takes part in it.
TEST(ThreadPool, AWorkerStartingLateJoinsTheFirstRound) {
  for (int round = 0; round < 50; ++round) {
    histeq::ThreadPool pool(2);
    WorkerView view = RunBothSlots(pool);  // at once, the worker maybe not yet running
    ASSERT_TRUE(view.ran) << "round " << round;
  }
}
#endif

TEST(ThreadPool, ResolveZeroIsOnePerCore) {
  EXPECT_GE(histeq::ThreadPool::Resolve(0), 1);
  EXPECT_EQ(histeq::ThreadPool::Resolve(3), 3);
}

// The equalized plane of `c` after `frames` frames through one equalizer.
std::vector<uint16_t> Equalize(const ref::Codes& c, const histeq::Params& p, int threads,
                               int frames = 3) {
  histeq::SampleFormat f;
  f.depth = c.depth;
  const int step = c.depth > 8 ? 2 : 1;
  histeq::Equalizer eq;
  eq.SetThreads(threads);
  std::vector<uint8_t> bytes(c.v.size() * step);
  for (int frame = 0; frame < frames; ++frame) {
    for (size_t i = 0; i < c.v.size(); ++i) {
      if (step == 1) {
        bytes[i] = static_cast<uint8_t>(c.v[i]);
      } else {
        bytes[2 * i] = static_cast<uint8_t>(c.v[i] + frame);  // frames differ a little
        bytes[2 * i + 1] = static_cast<uint8_t>((c.v[i] + frame) >> 8);
      }
    }
    eq.Process(testcore::PlaneOf(bytes.data(), c.width * step, c.width, c.height, step, f), p);
  }
  std::vector<uint16_t> out(c.v.size());
  for (size_t i = 0; i < c.v.size(); ++i)
    out[i] = step == 1 ? bytes[i] : static_cast<uint16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
  return out;
}

TEST(Threads, SameBytesForAnyThreadCount) {
  for (int depth : {8, 12, 16}) {
    const ref::Codes c = ref::Deepen(testimg::MakeScene(641, 359, 3), depth, 2);
    // Grids one tile high or wide: pieces of tiles, not only of tile rows;
    // 12 rows of tiles: pieces of whole rows at 16 bits on up to 3 threads.
    const std::pair<int, int> grids[] = {{7, 5}, {9, 1}, {1, 3}, {5, 12}};
    for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
      for (const auto& grid : grids) {
        if (mode == histeq::Mode::kGlobal && grid != grids[0]) continue;
        for (int smoothing : {0, 5}) {
          histeq::Params p;
          p.mode = mode;
          p.smoothing = smoothing;
          p.tiles_x = grid.first;
          p.tiles_y = grid.second;
          const std::vector<uint16_t> single = Equalize(c, p, 1);
          for (int threads : {2, 3, 4, 7}) {
            EXPECT_EQ(Equalize(c, p, threads), single)
                << "depth " << depth << " mode " << static_cast<int>(mode) << " grid "
                << grid.first << "x" << grid.second << " smoothing " << smoothing
                << " threads " << threads;
          }
        }
      }
    }
  }
}

TEST(Threads, LargeFramesSameBytesForAnyThreadCount) {
  // Big enough for every thread's share to be counted through the pair
  // table (the single thread counts the frame as one), and for many pieces
  // per thread in every stage.
  for (int depth : {8, 16}) {
    const ref::Codes c = ref::Deepen(testimg::MakeScene(1283, 721, 4), depth, 3);
    for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
      histeq::Params p;
      p.mode = mode;
      const std::vector<uint16_t> single = Equalize(c, p, 1, 1);
      for (int threads : {2, 3}) {
        EXPECT_EQ(Equalize(c, p, threads, 2), Equalize(c, p, 1, 2))
            << "depth " << depth << " mode " << static_cast<int>(mode) << " threads " << threads;
        EXPECT_EQ(Equalize(c, p, threads, 1), single);
      }
    }
  }
}

TEST(Threads, RgbSameBytesForAnyThreadCount) {
  const testimg::Image photo = testimg::LoadTestPhoto("coffee.ppm");
  std::vector<uint8_t> single;
  for (int threads : {0, 2, 3, 5}) {
    testimg::Image rgb = photo;
    histeq::RgbPlanes pl;
    pl.r = rgb.pixels.data();
    pl.g = pl.r + 1;
    pl.b = pl.r + 2;
    pl.stride_r = pl.stride_g = pl.stride_b = rgb.width * 3;
    pl.pixel_step = 3;
    histeq::RgbEqualizer eq;
    eq.SetThreads(threads ? threads : 1);
    histeq::Params p;
    p.mode = histeq::Mode::kAdaptive;
    eq.Process(pl, rgb.width, rgb.height, histeq::LumaWeights::Bt709(), p);
    if (!threads)
      single = rgb.pixels;
    else
      EXPECT_EQ(rgb.pixels, single) << threads << " threads";
  }
}

TEST(Threads, MoreThreadsThanRows) {
  const ref::Codes c = ref::Deepen(testimg::MakeNoise(5, 2, 1), 8, 1);
  for (auto mode : {histeq::Mode::kGlobal, histeq::Mode::kAdaptive}) {
    histeq::Params p;
    p.mode = mode;
    EXPECT_EQ(Equalize(c, p, 7, 1), Equalize(c, p, 1, 1));
  }
}

}  // namespace
