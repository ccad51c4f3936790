// Tables kept by value (ValueTables) against whole tables: the same bytes
// for every depth, layout, grid, clip limit, range and strength, for the
// three ways Clahe is driven (tables as it counts; counts kept, then the
// frame's own tables; counts kept, then tables from averaged block shares),
// on one thread and on several. Plus the route Clahe picks, the bound on
// what the tables take, and the equalizer's smoothing of deep video through
// both routes.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "clahe.h"
#include "core_calls.h"
#include "histeq/equalizer.h"
#include "simd_levels.h"
#include "threads.h"
#include "value_tables.h"

namespace {

using histeq::Clahe;

struct Layout {
  int depth, shift, step;
  bool big_endian;
};

// Content kinds: 0 noise over every code value, 1 a smooth gradient over a
// narrow band, 2 two values, 3 flat, 4 noise over a band plus a few spikes.
std::vector<uint32_t> MakeValues(int w, int h, int depth, int kind, std::mt19937& rng) {
  const uint32_t max = (1u << depth) - 1;
  std::vector<uint32_t> v(static_cast<size_t>(w) * h);
  std::uniform_int_distribution<uint32_t> any(0, max);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint32_t s;
      switch (kind) {
        case 0: s = any(rng); break;
        case 1: s = (max / 3 + (x * 7 + y * 3) % (max / 8 + 1)) & max; break;
        case 2: s = (x + y) % 2 ? max / 5 : max - max / 7; break;
        case 3: s = max / 2; break;
        default: s = rng() % 5 == 0 ? (rng() % 3) * (max / 3) : max / 4 + any(rng) % (max / 4 + 1); break;
      }
      v[static_cast<size_t>(y) * w + x] = s;
    }
  return v;
}

// A plane's bytes: each sample in `step` bytes (the code at `shift`, in the
// layout's byte order), rows padded; the padding and the other bytes of a
// sample hold a pattern that must come out as it went in.
struct Buffer {
  std::vector<uint8_t> bytes;
  ptrdiff_t stride;
  histeq::SampleFormat format;
  int w, h, step;

  Buffer(const std::vector<uint32_t>& values, int w_, int h_, const Layout& l)
      : w(w_), h(h_), step(l.step) {
    format.depth = l.depth;
    format.shift = l.shift;
    format.big_endian = l.big_endian;
    stride = static_cast<ptrdiff_t>(w) * step + 6;
    bytes.resize(static_cast<size_t>(stride) * h);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37 + 11);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        uint16_t word = static_cast<uint16_t>(values[static_cast<size_t>(y) * w + x] << l.shift);
        if (l.big_endian) word = static_cast<uint16_t>(word >> 8 | word << 8);
        std::memcpy(&bytes[static_cast<size_t>(y * stride + x * step)], &word, 2);
      }
  }
  histeq::Plane plane() {
    return testcore::PlaneOf(bytes.data(), stride, w, h, step, format);
  }
};

enum class Drive { kDirect, kKeptExact, kKeptSmoothed };

// The bytes Clahe leaves, its tables kept `tables`. kKeptSmoothed: the
// averaged shares are those of `history` (another frame of the same size).
std::vector<uint8_t> RunClahe(Clahe::Tables tables, Buffer buf, const Buffer& history,
                         const histeq::TileGrid& grid, const histeq::TableParams& params,
                         Drive drive, histeq::ThreadPool* pool, bool* by_value) {
  Clahe clahe;
  clahe.SetTables(tables);
  clahe.SetThreadPool(pool);
  std::vector<double> shares;
  if (drive == Drive::kKeptSmoothed) {
    Buffer h = history;
    clahe.Count(h.plane(), grid, nullptr, nullptr);
    const int bins = clahe.smoothing_bins();
    shares.resize(static_cast<size_t>(grid.tiles()) * bins);
    const uint32_t* counts = clahe.tile_histograms();
    for (size_t i = 0; i < shares.size(); ++i)
      shares[i] = counts[i] / static_cast<double>(grid.tile_pixels());
  }
  std::vector<uint32_t> frame_hist(static_cast<size_t>(buf.format.bins()));
  clahe.Count(buf.plane(), grid, drive == Drive::kDirect ? &params : nullptr, frame_hist.data());
  if (drive != Drive::kDirect)
    clahe.BuildLuts(buf.plane(), drive == Drive::kKeptSmoothed ? shares.data() : nullptr, params);
  clahe.Interpolate(buf.plane());
  *by_value = clahe.by_value();
  return buf.bytes;
}

TEST(ValueTables, SameBytesAsWholeTables) {
  const Layout layouts[] = {
      {16, 0, 2, false}, {10, 6, 2, false}, {12, 0, 2, false}, {16, 0, 4, false},
      {10, 0, 2, true},  {14, 2, 2, false},
  };
  struct Case {
    int w, h, tx, ty;
  };
  const Case cases[] = {{1, 1, 1, 1},   {3, 2, 4, 4},    {37, 23, 8, 8},  {64, 48, 16, 12},
                        {101, 67, 64, 64}, {160, 90, 7, 5}, {97, 131, 33, 2}, {256, 256, 64, 64}, {300, 200, 4, 3}};
  const double clips[] = {0.0, 1.0, 40.0};
  histeq::ThreadPool pool(3);
  std::mt19937 rng(7);
  int by_value_runs = 0, compared = 0;
  for (const Layout& l : layouts)
    for (const Case& c : cases)
      for (int kind = 0; kind < 5; ++kind) {
        const Buffer frame(MakeValues(c.w, c.h, l.depth, kind, rng), c.w, c.h, l);
        const Buffer history(MakeValues(c.w, c.h, l.depth, (kind + 1) % 5, rng), c.w, c.h, l);
        const histeq::TileGrid grid = histeq::TileGrid::Make(c.w, c.h, c.tx, c.ty);
        // Whole tables of many tiles at many bins take long to make (and
        // gigabytes): those grids at 12 bits or fewer.
        if (static_cast<int64_t>(grid.tiles()) << l.depth > (int64_t{1} << 21)) continue;
        for (double clip : clips)
          for (Drive drive : {Drive::kDirect, Drive::kKeptExact, Drive::kKeptSmoothed}) {
            histeq::TableParams params;
            params.clip_limit = clip;
            const int variant = static_cast<int>(rng() % 3);
            params.range = variant == 1 ? histeq::Range::kLimited : histeq::Range::kFull;
            params.strength = variant == 2 ? 0.37 : 1.0;
            bool whole_by_value = true, by_value = false;
            const auto want = RunClahe(Clahe::Tables::kWhole, frame, history, grid, params, drive,
                                  nullptr, &whole_by_value);
            ASSERT_FALSE(whole_by_value);
            for (histeq::ThreadPool* p : {static_cast<histeq::ThreadPool*>(nullptr), &pool}) {
              const auto got =
                  RunClahe(Clahe::Tables::kByValue, frame, history, grid, params, drive, p, &by_value);
              ASSERT_TRUE(by_value);
              ASSERT_EQ(got, want) << "depth " << l.depth << " shift " << l.shift << " step "
                                   << l.step << " " << c.w << "x" << c.h << " grid " << c.tx
                                   << "x" << c.ty << " kind " << kind << " clip " << clip
                                   << " drive " << static_cast<int>(drive) << " variant "
                                   << variant << (p ? " threads" : "");
              ++compared;
            }
            ++by_value_runs;
          }
      }
  EXPECT_EQ(compared, 2 * by_value_runs);
}

TEST(ValueTables, ChosenWhereWholeTablesWouldTakeTooMuch) {
  using histeq::TileGrid;
  using histeq::ValueTables;
  const TileGrid hd64 = TileGrid::Make(1920, 1080, 64, 64);
  EXPECT_FALSE(ValueTables::Pays(hd64, 256, true));
  EXPECT_TRUE(ValueTables::Pays(hd64, 65536, false));  // 512 MiB of tables
  EXPECT_FALSE(ValueTables::Pays(hd64, 4096, true));   // 96 MiB
  EXPECT_FALSE(ValueTables::Pays(TileGrid::Make(1920, 1080, 8, 8), 65536, true));
  const TileGrid hd16 = TileGrid::Make(1920, 1080, 16, 16);
  EXPECT_FALSE(ValueTables::Pays(hd16, 65536, true));   // 96 MiB with the histograms
  EXPECT_TRUE(ValueTables::Pays(TileGrid::Make(1920, 1080, 17, 16), 65536, true));
  // More than 10 entries a pixel: 20x20 tiles at 1080p (12.6 a pixel, 50
  // MiB of tables), not 18x17 (9.8).
  EXPECT_TRUE(ValueTables::Pays(TileGrid::Make(1920, 1080, 20, 20), 65536, false));
  EXPECT_FALSE(ValueTables::Pays(TileGrid::Make(1920, 1080, 18, 17), 65536, false));
  EXPECT_TRUE(ValueTables::Pays(TileGrid::Make(7680, 4320, 64, 64), 65536, false));
  // 4K: 32x32 tiles are 128 MiB of tables; 24x24 are 72 MiB, 4.5 a pixel.
  EXPECT_TRUE(ValueTables::Pays(TileGrid::Make(3840, 2160, 32, 32), 65536, false));
  EXPECT_FALSE(ValueTables::Pays(TileGrid::Make(3840, 2160, 24, 24), 65536, false));
  // Tiles of more samples than 16-bit entry counts hold: whole tables.
  EXPECT_FALSE(ValueTables::Pays(TileGrid::Make(7680, 4320, 20, 20), 65536, true));
  EXPECT_FALSE(ValueTables::Pays(TileGrid::Make(7680, 4320, 1, 1), 65536, true));
}

// What a 16-bit plane's tables and histograms take, by route and setting:
// whole tables at 64x64 would be 512 MiB (1.5 GiB with kept histograms).
TEST(ValueTables, MemoryFollowsThePixels) {
  const int w = 1920, h = 1080;
  std::mt19937 rng(3);
  const Layout l = {16, 0, 2, false};
  Buffer frame(MakeValues(w, h, 16, 0, rng), w, h, l);
  for (int tiles : {8, 16, 32, 64})
    for (bool keep : {false, true}) {
      Clahe clahe;
      const histeq::TileGrid grid = histeq::TileGrid::Make(w, h, tiles, tiles);
      histeq::TableParams params;
      clahe.Count(frame.plane(), grid, keep ? nullptr : &params, nullptr);
      EXPECT_LE(clahe.bytes(), (histeq::ValueTables::kWholeBudget + (16u << 20)))
          << tiles << "x" << tiles << (keep ? " kept" : "");
    }
}

// The equalizer's smoothing of deep video: a sequence of changing frames
// gives the same bytes whichever way the tables are kept (the route is
// picked by the grid; here the same grid through both, via Clahe directly
// fed the averaged block shares the smoother would hold).
TEST(ValueTables, SmoothedSequenceSameBothWays) {
  const int w = 120, h = 68;
  std::mt19937 rng(11);
  const Layout l = {12, 0, 2, false};
  Clahe whole, by_value;
  whole.SetTables(Clahe::Tables::kWhole);
  by_value.SetTables(Clahe::Tables::kByValue);
  const histeq::TileGrid grid = histeq::TileGrid::Make(w, h, 16, 8);
  std::vector<double> average;
  for (int frame = 0; frame < 6; ++frame) {
    const int kind = frame < 3 ? 1 : 4;
    Buffer a(MakeValues(w, h, 12, kind, rng), w, h, l);
    Buffer b = a;
    whole.Count(a.plane(), grid, nullptr, nullptr);
    by_value.Count(b.plane(), grid, nullptr, nullptr);
    const size_t n = static_cast<size_t>(grid.tiles()) * histeq::kCoarseBins;
    ASSERT_EQ(std::vector<uint32_t>(whole.tile_histograms(), whole.tile_histograms() + n),
              std::vector<uint32_t>(by_value.tile_histograms(), by_value.tile_histograms() + n));
    if (average.empty()) average.assign(n, 0.0);
    for (size_t i = 0; i < n; ++i)
      average[i] += 0.3 * (whole.tile_histograms()[i] / double(grid.tile_pixels()) - average[i]);
    histeq::TableParams params;
    params.clip_limit = 2.0;
    whole.BuildLuts(a.plane(), average.data(), params);
    by_value.BuildLuts(b.plane(), average.data(), params);
    whole.Interpolate(a.plane());
    by_value.Interpolate(b.plane());
    ASSERT_EQ(a.bytes, b.bytes) << "frame " << frame;
  }
}

// Every SIMD level's lookups give the scalar kernel's bytes, on tiles whose
// buckets hold few entries (noise), more than 16 (a dense band of 16-bit
// values: searched by sub-bucket), runs (smoothed), at 16 and 12 bits.
TEST(ValueTables, EveryLevelSameBytes) {
  const Layout layouts[] = {{16, 0, 2, false}, {12, 4, 2, false}};
  std::mt19937 rng(5);
  for (const Layout& l : layouts)
    for (int kind = 0; kind < 6; ++kind) {
      const int w = 203, h = 117;
      std::vector<uint32_t> values = MakeValues(w, h, l.depth, kind % 5, rng);
      if (kind == 5) {
        // Every value of some buckets, a few of others, bucket edges.
        for (size_t i = 0; i < values.size(); ++i)
          values[i] = i % 3 ? (4096 + i * 7 % 700) & ((1u << l.depth) - 1)
                            : static_cast<uint32_t>(rng() % 4 ? rng() % 64 * 256 + 255 : rng())
                              & ((1u << l.depth) - 1);
      }
      const Buffer frame(values, w, h, l);
      const Buffer history(MakeValues(w, h, l.depth, (kind + 2) % 5, rng), w, h, l);
      const histeq::TileGrid grid = histeq::TileGrid::Make(w, h, 5, 3);
      for (Drive drive : {Drive::kDirect, Drive::kKeptSmoothed}) {
        histeq::TableParams params;
        params.clip_limit = kind % 2 ? 3.0 : 0.0;
        std::vector<uint8_t> want;
        for (histeq::SimdLevel level : testsimd::Levels()) {
          testsimd::SimdCap cap(level);
          bool by_value = false;
          const auto got = RunClahe(Clahe::Tables::kByValue, frame, history, grid, params, drive,
                                    nullptr, &by_value);
          ASSERT_TRUE(by_value);
          if (want.empty()) {
            want = got;
            continue;
          }
          ASSERT_EQ(got, want) << testsimd::Name(level) << " depth " << l.depth << " kind "
                               << kind << " drive " << static_cast<int>(drive);
        }
      }
    }
}

}  // namespace
