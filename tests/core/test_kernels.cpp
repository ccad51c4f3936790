// Every scan kernel of every SIMD level against the scalar kernel, entry for
// entry: odd starts and ends, the vector part followed by the scalar one as
// the algorithms run them (kernels/kernels.h), inputs at a page's end. The
// row kernels are compared on whole planes in test_simd.cpp and
// test_histogram.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "guarded_buffer.h"
#include "histogram.h"
#include "kernels/any.h"
#include "kernels/kernels.h"
#include "simd_levels.h"

namespace {

using histeq::kernels::Kernels;
using testsimd::Levels;
using testsimd::SimdCap;

std::vector<uint32_t> RandomHistogram(int bins, std::mt19937& rng) {
  std::vector<uint32_t> h(static_cast<size_t>(bins));
  const int kind = static_cast<int>(rng() % 3);
  for (auto& c : h) c = kind == 0 ? rng() % 5 : (kind == 1 ? rng() % 3000 : (rng() % 8 ? 0 : rng() % 100000));
  return h;
}

// The first and end of a span of `bins`: odd places, empty ones, the whole.
std::pair<int, int> RandomSpan(int bins, std::mt19937& rng) {
  const int first = static_cast<int>(rng() % static_cast<unsigned>(bins));
  const int end = std::min(bins, first + static_cast<int>(rng() % 300u));
  return rng() % 7 == 0 ? std::make_pair(0, bins) : std::make_pair(first, end);
}

std::string What(histeq::SimdLevel level, int first, int end) {
  return std::string(testsimd::Name(level)) + " [" + std::to_string(first) + ", " +
         std::to_string(end) + ")";
}

TEST(Kernels, ClippedCountsMatchScalar) {
  std::mt19937 rng(1);
  const Kernels& scalar = histeq::kernels::Scalar();
  for (int trial = 0; trial < 300; ++trial) {
    const int bins = trial % 2 ? 65536 : 256;
    const std::vector<uint32_t> h = RandomHistogram(bins, rng);
    const auto [first, end] = RandomSpan(bins, rng);
    const uint32_t limit = 1 + rng() % 200;
    uint64_t want = 7;
    scalar.clipped_counts(h.data(), first, end, limit, &want);
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      uint64_t got = 7;
      const int v = k.clipped_counts(h.data(), first, end, limit, &got);
      ASSERT_GE(v, first);
      ASSERT_LE(v, end);
      scalar.clipped_counts(h.data(), v, end, limit, &got);
      ASSERT_EQ(got, want) << What(level, first, end);
    }
  }
}

TEST(Kernels, BlockCountsMatchScalar) {
  std::mt19937 rng(6);
  const Kernels& scalar = histeq::kernels::Scalar();
  for (int trial = 0; trial < 300; ++trial) {
    const int shift = 2 + trial % 7, bins = 256 << shift;
    const std::vector<uint32_t> h = RandomHistogram(bins, rng);
    const auto [first, end] = RandomSpan(bins, rng);
    const bool with_share = trial % 3 != 0, clear = trial % 2 == 0;
    std::vector<uint32_t> want_hist = h, want_share(static_cast<size_t>(bins), 11),
                          want_blocks(256, 3);
    scalar.block_counts(want_hist.data(), first, end, shift, want_blocks.data(),
                        with_share ? want_share.data() : nullptr, clear);
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      std::vector<uint32_t> hist = h, share(static_cast<size_t>(bins), 11), blocks(256, 3);
      histeq::BlockCounts(hist.data(), first, end, shift, blocks.data(),
                          with_share ? share.data() : nullptr, clear);
      const std::string what = What(level, first, end) + " shift " + std::to_string(shift);
      ASSERT_EQ(blocks, want_blocks) << what;
      ASSERT_EQ(hist, want_hist) << what;
      ASSERT_EQ(share, want_share) << what;
    }
  }
}

TEST(Kernels, ClipCountsMatchScalar) {
  std::mt19937 rng(2);
  const Kernels& scalar = histeq::kernels::Scalar();
  for (int trial = 0; trial < 300; ++trial) {
    const int bins = trial % 2 ? 65536 : 256;
    const std::vector<uint32_t> h = RandomHistogram(bins, rng);
    const auto [first, end] = RandomSpan(bins, rng);
    const uint32_t limit = trial % 7 ? 1 + rng() % 200 : UINT32_MAX;
    const bool with_share = trial % 3 != 0;
    std::vector<uint32_t> want_hist = h, want_share(static_cast<size_t>(bins), 11);
    uint64_t want = 7;
    scalar.clip_counts(want_hist.data(), first, end, limit,
                       with_share ? want_share.data() : nullptr, &want);
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      std::vector<uint32_t> hist = h, share(static_cast<size_t>(bins), 11);
      uint32_t* s = with_share ? share.data() : nullptr;
      uint64_t got = 7;
      const int v = k.clip_counts(hist.data(), first, end, limit, s, &got);
      ASSERT_GE(v, first);
      ASSERT_LE(v, end);
      scalar.clip_counts(hist.data(), v, end, limit, s, &got);
      ASSERT_EQ(got, want) << What(level, first, end);
      ASSERT_EQ(hist, want_hist) << What(level, first, end);
      ASSERT_EQ(share, want_share) << What(level, first, end);
    }
  }
}

// The in-order 16-bit blend against the one through values: sample i's
// word holding i gives the same bytes, at every level, for whole blocks of
// samples (as RunRow hands them) of random quads and weights.
TEST(Kernels, Interp16InOrderMatchesByValue) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (int trial = 0; trial < 50; ++trial) {
    const int samples = 64 * (1 + trial % 4);
    std::vector<uint64_t> quads(static_cast<size_t>(samples + histeq::kernels::kMaxBlock));
    for (auto& q : quads) q = (static_cast<uint64_t>(rng()) << 32) | rng();
    std::vector<float> a(static_cast<size_t>(samples)), a1(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = unit(rng);
      a1[i] = 1.0f - a[i];
    }
    const float b = unit(rng);
    const histeq::kernels::Weights w = {a.data(), a1.data(), 1.0f - b, b};
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      const int n = samples / k.interp16_block * k.interp16_block;
      std::vector<uint16_t> by_value(static_cast<size_t>(samples)), in_order(by_value.size(), 7);
      for (int i = 0; i < samples; ++i) by_value[static_cast<size_t>(i)] = static_cast<uint16_t>(i);
      k.interp16(reinterpret_cast<uint8_t*>(by_value.data()), n, w, quads.data());
      k.interp16_in_order(reinterpret_cast<uint8_t*>(in_order.data()), n, w, quads.data());
      for (int i = 0; i < n; ++i)
        ASSERT_EQ(in_order[static_cast<size_t>(i)], by_value[static_cast<size_t>(i)])
            << testsimd::Name(level) << " sample " << i;
    }
  }
}

template <typename T>
void CdfSpansMatchScalar(int bins) {
  std::mt19937 rng(static_cast<uint32_t>(bins));
  const Kernels& scalar = histeq::kernels::Scalar();
  auto span = [](const Kernels& k, const uint32_t* h, int first, int end,
                 const histeq::kernels::Spread& s, float scale, int max_value, uint64_t* kept,
                 T* lut) {
    if constexpr (sizeof(T) == 1)
      return k.cdf_span8(h, first, end, s, scale, max_value, kept, lut);
    else
      return k.cdf_span16(h, first, end, s, scale, max_value, kept, lut);
  };
  for (int trial = 0; trial < 300; ++trial) {
    const std::vector<uint32_t> h = RandomHistogram(bins, rng);
    const auto [first, end] = RandomSpan(bins, rng);
    histeq::kernels::Spread s;
    s.limit = trial % 3 ? 1 + rng() % 100 : 0;
    s.batch = rng() % 4;
    s.residual = rng() % 5 ? static_cast<uint32_t>(rng() % static_cast<unsigned>(bins)) : 0;
    s.step = s.residual ? std::max<uint32_t>(static_cast<uint32_t>(bins) / s.residual, 1) : 1;
    const uint32_t* hist = trial % 5 == 0 ? nullptr : h.data();
    const uint64_t below = rng() % 1000;
    // As in a real table, no entry's count exceeds the pixels (the product
    // stays within the table's range).
    uint64_t total = below + static_cast<uint64_t>(s.batch) * bins + s.residual;
    if (hist)
      for (uint32_t c : h) total += s.limit ? std::min(c, s.limit) : c;
    const uint64_t pixels = std::max<uint64_t>(total, 1 + rng() % 1000000);
    const float scale = static_cast<float>(bins - 1) / static_cast<float>(pixels);
    std::vector<T> want(static_cast<size_t>(bins), 0);
    uint64_t want_kept = below;
    span(scalar, hist, first, end, s, scale, bins - 1, &want_kept, want.data());
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      std::vector<T> got(static_cast<size_t>(bins), 0);
      uint64_t kept = below;
      const int v = span(histeq::kernels::Active(), hist, first, end, s, scale, bins - 1, &kept,
                         got.data());
      span(scalar, hist, v, end, s, scale, bins - 1, &kept, got.data());
      ASSERT_EQ(kept, want_kept) << What(level, first, end);
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(got[i], want[i]) << What(level, first, end) << " entry " << i << " limit "
                                   << s.limit << " batch " << s.batch << " residual "
                                   << s.residual << " step " << s.step << " pixels " << pixels;
    }
  }
}

TEST(Kernels, CdfSpans8MatchScalar) { CdfSpansMatchScalar<uint8_t>(256); }
TEST(Kernels, CdfSpans16MatchScalar) {
  CdfSpansMatchScalar<uint16_t>(1024);
  CdfSpansMatchScalar<uint16_t>(65536);
}

// The handed-out counts alone (no histogram, no batch, scale 1), so that
// each entry is min(residual, v / step + 1): every step from 1 to 65536 and a
// few past it, with a residual no quotient reaches and one that some do, over
// spans at the start and the end of the 16-bit range and across a multiple
// of the step; the 8-bit tables' steps over the whole table.
template <typename T>
void CdfSpansMatchScalarForEveryStep(int bins, uint32_t last_step, int span) {
  std::mt19937 rng(static_cast<uint32_t>(bins) + 5);
  const Kernels& scalar = histeq::kernels::Scalar();
  auto run = [](const Kernels& k, int first, int end, const histeq::kernels::Spread& s,
                int max_value, T* lut) {
    uint64_t kept = 0;
    if constexpr (sizeof(T) == 1)
      return k.cdf_span8(nullptr, first, end, s, 1.0f, max_value, &kept, lut);
    else
      return k.cdf_span16(nullptr, first, end, s, 1.0f, max_value, &kept, lut);
  };
  std::vector<T> want(static_cast<size_t>(bins)), got(static_cast<size_t>(bins));
  for (uint32_t step = 1; step <= last_step; ++step) {
    const uint32_t most = static_cast<uint32_t>(bins - 1) / step + 1;
    for (uint32_t residual : {most + 1 + rng() % 5, 1 + rng() % most}) {
      const histeq::kernels::Spread s = {0, 0, residual, step};
      const int across = step < static_cast<uint32_t>(bins)
                             ? static_cast<int>(step * (1 + rng() % (static_cast<uint32_t>(bins - 1) / step)))
                             : bins / 2;
      const std::pair<int, int> spans[] = {{0, std::min(span, bins)},
                                           {bins - span, bins},
                                           {std::max(0, across - span / 2),
                                            std::min(bins, across + span / 2 + 1)}};
      for (const auto& [first, end] : spans) {
        std::fill(want.begin() + first, want.begin() + end, T{0});
        run(scalar, first, end, s, bins - 1, want.data());
        for (histeq::SimdLevel level : Levels()) {
          SimdCap cap(level);
          std::fill(got.begin() + first, got.begin() + end, T{1});
          const int v = run(histeq::kernels::Active(), first, end, s, bins - 1, got.data());
          ASSERT_GE(v, first);
          ASSERT_LE(v, end);
          run(scalar, v, end, s, bins - 1, got.data());
          for (int i = first; i < end; ++i)
            ASSERT_EQ(got[i], want[i]) << What(level, first, end) << " entry " << i << " step "
                                       << step << " residual " << residual;
        }
      }
    }
  }
}

TEST(Kernels, CdfSpans8MatchScalarForEveryStep) {
  CdfSpansMatchScalarForEveryStep<uint8_t>(256, 260, 256);
}
TEST(Kernels, CdfSpans16MatchScalarForEveryStep) {
  CdfSpansMatchScalarForEveryStep<uint16_t>(65536, 65536 + 3, 13);
}

TEST(Kernels, PackAndAddMatchScalar) {
  std::mt19937 rng(5);
  const Kernels& scalar = histeq::kernels::Scalar();
  const int bins = 65536;
  std::vector<uint16_t> t[4];
  for (auto& table : t) {
    table.resize(bins);
    for (auto& e : table) e = static_cast<uint16_t>(rng());
  }
  const uint16_t* tables[4] = {t[0].data(), t[1].data(), t[2].data(), t[3].data()};
  const std::vector<uint32_t> src = RandomHistogram(bins, rng);
  for (int trial = 0; trial < 100; ++trial) {
    const auto [first, end] = RandomSpan(bins, rng);
    std::vector<uint64_t> want(bins, 0);
    scalar.pack16(tables, first, end, want.data());
    std::vector<uint32_t> want_sum = RandomHistogram(bins, rng);
    std::vector<uint32_t> start = want_sum;
    scalar.add_counts(want_sum.data(), src.data(), first, end);
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      std::vector<uint64_t> got(bins, 0);
      scalar.pack16(tables, k.pack16(tables, first, end, got.data()), end, got.data());
      ASSERT_EQ(got, want) << What(level, first, end);
      std::vector<uint32_t> sum = start;
      scalar.add_counts(sum.data(), src.data(), k.add_counts(sum.data(), src.data(), first, end),
                        end);
      ASSERT_EQ(sum, want_sum) << What(level, first, end);
    }
  }
}

// Running sums, into another array and in place, from a carried sum; the
// reference written from the definition.
TEST(Kernels, RunningSumsMatchDefinition) {
  std::mt19937 rng(9);
  for (int trial = 0; trial < 200; ++trial) {
    const int bins = trial % 2 ? 4096 : 256;
    const std::vector<uint32_t> counts = RandomHistogram(bins, rng);
    const auto [first, end] = RandomSpan(bins, rng);
    const uint32_t carried = rng() % 1000;
    std::vector<uint32_t> want(counts);
    uint32_t want_sum = carried;
    for (int i = first; i < end; ++i) {
      want[static_cast<size_t>(i)] = want_sum;
      want_sum += counts[static_cast<size_t>(i)];
    }
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      for (bool in_place : {false, true}) {
        std::vector<uint32_t> got(counts);
        const std::vector<uint32_t> source(counts);
        const uint32_t* from = in_place ? got.data() : source.data();
        uint32_t sum = carried;
        const int done = k.running_sums(from, first, end, got.data(), &sum);
        ASSERT_GE(done, first);
        ASSERT_LE(done, end);
        histeq::kernels::Scalar().running_sums(from, done, end, got.data(), &sum);
        ASSERT_EQ(got, want) << What(level, first, end) << (in_place ? " in place" : "");
        ASSERT_EQ(sum, want_sum) << What(level, first, end);
      }
    }
  }
}

// A synthetic histogram's counts: every level's against the scalar
// kernel's, at every block width (2 to 256 bins), histograms sparse, dense
// and of large counts, blocks of an even share (no count), scales small
// and large, with and without a cut.
TEST(Kernels, SyntheticCountsMatchScalar) {
  std::mt19937 rng(13);
  const Kernels& scalar = histeq::kernels::Scalar();
  for (int trial = 0; trial < 200; ++trial) {
    const int w = 2 << (trial % 8), blocks = 256, bins = w * blocks;
    std::vector<uint32_t> hist = RandomHistogram(bins, rng);
    std::vector<double> per_count(blocks), add(blocks);
    for (int b = 0; b < blocks; ++b) {
      const bool even = rng() % 4 == 0;
      if (even) std::fill(hist.begin() + b * w, hist.begin() + (b + 1) * w, 0u);
      // Products small enough that the counts total below 2^31.
      per_count[b] = even ? 0.0 : (rng() % 100000) / 997.0 / w;
      add[b] = even ? static_cast<double>(rng() % 3000) : 0.5;
    }
    const int first = static_cast<int>(rng() % 8);
    const uint32_t cut = trial % 4 ? 1 + rng() % 5000 : UINT32_MAX;
    std::vector<uint32_t> want(bins, 7);
    uint64_t want_total = 3, want_kept = 5;
    scalar.synthetic_counts(hist.data(), first, blocks, w, per_count.data(), add.data(), cut,
                            want.data(), &want_total, &want_kept);
    ASSERT_LT(want_total, 3u + (1u << 31));
    for (histeq::SimdLevel level : Levels()) {
      SimdCap cap(level);
      const Kernels& k = histeq::kernels::Active();
      std::vector<uint32_t> got(bins, 7);
      uint64_t total = 3, kept = 5;
      const int done = k.synthetic_counts(hist.data(), first, blocks, w, per_count.data(),
                                          add.data(), cut, got.data(), &total, &kept);
      ASSERT_GE(done, first);
      ASSERT_LE(done, blocks);
      scalar.synthetic_counts(hist.data(), done, blocks, w, per_count.data(), add.data(), cut,
                              got.data(), &total, &kept);
      const std::string what = std::string(testsimd::Name(level)) + " w " + std::to_string(w);
      ASSERT_EQ(got, want) << what;
      ASSERT_EQ(total, want_total) << what;
      ASSERT_EQ(kept, want_kept) << what;
    }
  }
}

TEST(Kernels, WordCountsAndRangesMatchScalar) {
  // Blocks of plain 16-bit words at odd widths and offsets, ending at a page
  // boundary; the vector part of each row, then the scalar rest.
  std::mt19937 rng(9);
  const Kernels& scalar = histeq::kernels::Scalar();
  for (int width : {1, 7, 15, 16, 17, 31, 32, 33, 100, 257}) {
    for (int height : {1, 2, 5}) {
      const ptrdiff_t stride = 2 * width + 2 * static_cast<int>(rng() % 4);
      const size_t bytes = static_cast<size_t>(stride) * (height - 1) + 2 * width;
      testmem::GuardedBuffer buf(bytes);
      for (size_t i = 0; i < bytes; ++i) buf.data()[i] = static_cast<uint8_t>(rng());
      std::vector<uint32_t> want(65536, 0);
      int want_lo = 1 << 30, want_hi = -1;
      scalar.count_words(buf.data(), stride, width, height, want.data(), &want_lo, &want_hi);
      for (histeq::SimdLevel level : Levels()) {
        SimdCap cap(level);
        const Kernels& k = histeq::kernels::Active();
        std::vector<uint32_t> got(65536, 0);
        int lo = 1 << 30, hi = -1;
        const int x0 = k.count_words(buf.data(), stride, width, height, got.data(), &lo, &hi);
        scalar.count_words(buf.data() + 2 * x0, stride, width - x0, height, got.data(), &lo, &hi);
        ASSERT_EQ(got, want) << testsimd::Name(level) << " " << width << "x" << height;
        ASSERT_EQ(lo, want_lo);
        ASSERT_EQ(hi, want_hi);
        lo = 1 << 30;
        hi = -1;
        const int x1 = k.word_range(buf.data(), stride, width, height, &lo, &hi);
        scalar.word_range(buf.data() + 2 * x1, stride, width - x1, height, &lo, &hi);
        ASSERT_EQ(lo, want_lo);
        ASSERT_EQ(hi, want_hi);
      }
    }
  }
}

TEST(Kernels, EveryLevelFillsEveryEntry) {
  for (histeq::SimdLevel level : Levels()) {
    SimdCap cap(level);
    const Kernels& k = histeq::kernels::Active();
    EXPECT_EQ(k.level, level);
    const void* entries[] = {
        reinterpret_cast<const void*>(k.apply8),         reinterpret_cast<const void*>(k.apply8_strided),
        reinterpret_cast<const void*>(k.apply16),        reinterpret_cast<const void*>(k.apply_codec),
        reinterpret_cast<const void*>(k.count_words),    reinterpret_cast<const void*>(k.count_codec),
        reinterpret_cast<const void*>(k.word_range),     reinterpret_cast<const void*>(k.add_counts),
        reinterpret_cast<const void*>(k.block_counts),
        reinterpret_cast<const void*>(k.clipped_counts), reinterpret_cast<const void*>(k.clip_counts),
        reinterpret_cast<const void*>(k.cdf_span8),
        reinterpret_cast<const void*>(k.cdf_span16),     reinterpret_cast<const void*>(k.prepare8),
        reinterpret_cast<const void*>(k.interp8),        reinterpret_cast<const void*>(k.interp8_strided),
        reinterpret_cast<const void*>(k.pack16),         reinterpret_cast<const void*>(k.interp16),
        reinterpret_cast<const void*>(k.interp16_in_order),
        reinterpret_cast<const void*>(k.interp_codec),   reinterpret_cast<const void*>(k.luma4),
        reinterpret_cast<const void*>(k.delta4),         reinterpret_cast<const void*>(k.luma_any),
        reinterpret_cast<const void*>(k.delta_any)};
    for (const void* e : entries) EXPECT_NE(e, nullptr) << testsimd::Name(level);
    for (int block : {k.apply8_block, k.apply16_block, k.interp8_block, k.interp8_strided_block,
                      k.interp16_block, k.rgb4_block}) {
      EXPECT_GE(block, 1);
      EXPECT_LE(block, histeq::kernels::kMaxBlock);
    }
  }
}

}  // namespace
