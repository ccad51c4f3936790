#include "histogram.h"
#include "vectors.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "kernels/kernels.h"
#include "sample.h"
#include "threads.h"

namespace histeq {
namespace {

constexpr int kSubHistograms = 4;

// Counts rows into four sub-histograms used round-robin: runs of equal
// samples (common in video) would otherwise make every increment wait for
// the store of the previous one to the same counter. kStep > 0 fixes the
// pixel step at compile time (the planar case); kStep == 0 reads `step`.
template <int kStep>
void CountSamples(const uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                  uint32_t sub[kSubHistograms][kBins8]) {
  const int s = kStep > 0 ? kStep : step;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    int x = 0;
    for (; x + 4 <= width; x += 4, p += 4 * s) {
      ++sub[0][p[0]];
      ++sub[1][p[s]];
      ++sub[2][p[2 * s]];
      ++sub[3][p[3 * s]];
    }
    for (; x < width; ++x, p += s) ++sub[0][p[0]];
  }
}

void AccumulateSamples(const Plane& pl, uint32_t hist[kBins8]) {
  uint32_t sub[kSubHistograms][kBins8];
  std::memset(sub, 0, sizeof(sub));
  if (pl.pixel_step == 1)
    CountSamples<1>(pl.data, pl.stride, pl.width, pl.height, 1, sub);
  else
    CountSamples<0>(pl.data, pl.stride, pl.width, pl.height, pl.pixel_step, sub);
  for (int v = 0; v < kBins8; ++v) hist[v] += sub[0][v] + sub[1][v] + sub[2][v] + sub[3][v];
}

// Neighbouring samples of real pictures are alike, so counting pairs of
// samples in a 65536-entry table touches few entries, each increment counts
// two samples, and the table folds back into 256 bins cheaply. Worth it from
// a few hundred thousand samples on (the fold and the clearing cost ~0.3 M
// operations). Smooth areas give the same pair again and again, and each
// increment would wait for the store of the one before to the same counter:
// two tables, the pairs of a 16-sample step alternating between them, halve
// those chains and let their increments overlap (on a smooth 1080p photo
// 26 % faster than one table; noise costs about the same). Flat areas (sky,
// walls, black bars, test patterns) would still hit one counter back to
// back: sixteen equal samples instead extend a run kept in a register, added
// once when the value changes (a two-valued pinwheel frame: 6x faster).
constexpr uint64_t kPairHistogramMin = 1u << 18;
constexpr size_t kPairs = 1u << 16;
// The second table starts one cache line past a multiple of 4 KiB from the
// first: the same pair in both (common in smooth areas) would otherwise put
// a load of one at the same low 12 address bits as a store to the other,
// which the CPU takes for a dependency (4K aliasing; 1080p photo on Zen 3:
// 5-10 % faster).
constexpr size_t kSkew = 64 / sizeof(uint32_t);

// Pairs pay where neighbouring samples are alike: the entries counted then
// lie near the tables' diagonal, in few cache lines. In noise they spread
// over both 256 KiB tables, nearly every increment misses L1, and counting
// sample by sample costs less (1080p noise on Sapphire Rapids, AVX2: 1.8x
// fewer cycles). Every kLookEvery-th row of a piece tells which: pairs when
// at least 7/8 of its neighbours differ by less than 16. (A smooth 1080p
// photo under Gaussian noise: pairs faster up to sigma 6, where 0.92 of its
// neighbours are that close; slower from sigma 7, 0.87.)
constexpr int kLookEvery = 64;

bool PairsPay(const Plane& p) {
  uint64_t near = 0, all = 0;
  for (int y = 0; y < p.height; y += kLookEvery) {
    const uint8_t* row = p.data + y * p.stride;
    // 16 neighbours at a time, a loop GCC vectorizes at -O2 (1.6
    // instructions a sample instead of 12).
    for (int x = 0; x + 17 <= p.width; x += 16) {
      uint8_t n = 0;
      for (int k = 0; k < 16; ++k) {
        const uint8_t a = row[x + k], b = row[x + k + 1];
        n = static_cast<uint8_t>(n + (static_cast<uint8_t>(std::max(a, b) - std::min(a, b)) < 16));
      }
      near += n;
      all += 16;
    }
  }
  return 8 * near >= 7 * all;
}

// From about a thousand samples on, the bit-count counter's fixed cost
// (clearing 2 KiB, counting out four classes at the end) is less than it
// saves.
constexpr uint64_t kKernelCounterMin = 1024;

// Entry (b << 8 | a) of a table counts pairs whose first sample is a and
// second b (little-endian words; the other order would count the same
// bins): its row sums go to bin b, its column sums to bin a.
void FoldPairs(const uint32_t* t, uint32_t hist[kBins8]) {
  uint32_t first[kBins8] = {0};
  for (int b = 0; b < kBins8; ++b) {
    const uint32_t* row = t + b * kBins8;
    uint32_t sum = 0;
    for (int a = 0; a < kBins8; ++a) {
      first[a] += row[a];
      sum += row[a];
    }
    hist[b] += sum;
  }
  for (int a = 0; a < kBins8; ++a) hist[a] += first[a];
}

// Counts 16-sample steps of the rows through the two tables (see above),
// the rows' tails into `hist`; flat steps extend the run.
void CountPairs(const uint8_t* data, ptrdiff_t stride, int width, int height, uint32_t* t0,
                uint32_t* t1, uint32_t hist[kBins8], uint32_t* run_value_io, uint32_t* run_io) {
  const int steps = width / 16;
  constexpr uint64_t kSplat = 0x0101010101010101ull;
  uint32_t run_value = *run_value_io, run = *run_io;
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int i = 0; i < steps; ++i, p += 16) {
      uint64_t w, u;
      std::memcpy(&w, p, 8);
      std::memcpy(&u, p + 8, 8);
      if (w == u && w == (w & 0xff) * kSplat) {
        const uint32_t value = static_cast<uint32_t>(w & 0xff);
        if (value != run_value) {
          hist[run_value] += run;
          run_value = value;
          run = 0;
        }
        run += 16;
        continue;
      }
      ++t0[w & 0xffff];
      ++t1[(w >> 16) & 0xffff];
      ++t0[u & 0xffff];
      ++t1[(u >> 16) & 0xffff];
      ++t0[(w >> 32) & 0xffff];
      ++t1[w >> 48];
      ++t0[(u >> 32) & 0xffff];
      ++t1[u >> 48];
    }
    for (int x = 16 * steps; x < width; ++x, ++p) ++hist[*p];
  }
  *run_value_io = run_value;
  *run_io = run;
}

}  // namespace

HistogramCounter8::HistogramCounter8() = default;
HistogramCounter8::~HistogramCounter8() = default;
HistogramCounter8::HistogramCounter8(HistogramCounter8&&) noexcept = default;
HistogramCounter8& HistogramCounter8::operator=(HistogramCounter8&&) noexcept = default;

HistogramCounter8::Way HistogramCounter8::Choose(uint64_t samples, int width, int step) const {
  const kernels::Counter8* k = kernels::Active().counter8;
  if (k && samples >= kKernelCounterMin && k->takes(step)) return Way::kKernel;
  if (samples >= kPairHistogramMin && width >= 16 && step == 1) return Way::kPairs;
  return Way::kSamples;
}

// The kernel counter's state, made (aligned to 64 bytes) for the counter
// the active table has.
void* HistogramCounter8::KernelState() {
  const kernels::Counter8* k = kernels::Active().counter8;
  if (kernel_ != k || !state_) {
    state_.reset(new uint8_t[k->state_size + 64]);
    kernel_ = k;
  }
  const uintptr_t at = reinterpret_cast<uintptr_t>(state_.get());
  return state_.get() + ((64 - at % 64) % 64);
}

void HistogramCounter8::Reserve(uint64_t samples, int width, int step) {
  switch (Choose(samples, width, step)) {
    case Way::kKernel:
      KernelState();
      break;
    case Way::kPairs:
      pairs_.resize(2 * kPairs + kSkew);
      break;
    case Way::kSamples:
      break;
  }
}

void HistogramCounter8::Start(uint64_t samples, int width, int step) {
  std::memset(hist_, 0, sizeof hist_);
  run_value_ = run_ = 0;
  way_ = Choose(samples, width, step);
  if (way_ == Way::kKernel) {
    kernels::Active().counter8->start(KernelState());
  } else if (way_ == Way::kPairs) {
    pairs_.resize(2 * kPairs + kSkew);
    pairs_used_ = false;  // cleared when first used
  }
}

void HistogramCounter8::Add(const Plane& p) {
  if (p.empty()) return;
  const kernels::Counter8* k = kernels::Active().counter8;
  if (way_ == Way::kKernel && k == kernel_ && k->takes(p.pixel_step)) {
    k->add(KernelState(), p.data, p.stride, p.width, p.height, p.pixel_step);
  } else if (way_ == Way::kPairs && p.pixel_step == 1 && p.width >= 16 && PairsPay(p)) {
    if (!pairs_used_) {
      std::memset(pairs_.data(), 0, pairs_.size() * sizeof(uint32_t));
      pairs_used_ = true;
    }
    uint32_t* t0 = pairs_.data();
    CountPairs(p.data, p.stride, p.width, p.height, t0, t0 + kPairs + kSkew, hist_, &run_value_,
               &run_);
  } else {
    AccumulateSamples(p, hist_);
  }
}

void HistogramCounter8::Finish(uint32_t hist[kBins8]) {
  hist_[run_value_] += run_;
  run_ = 0;
  if (way_ == Way::kKernel) {
    static_cast<const kernels::Counter8*>(kernel_)->finish(KernelState(), hist_);
  } else if (way_ == Way::kPairs && pairs_used_) {
    const uint32_t* t0 = pairs_.data();
    FoldPairs(t0, hist_);
    FoldPairs(t0 + kPairs + kSkew, hist_);
  }
  way_ = Way::kSamples;
  for (int v = 0; v < kBins8; ++v) hist[v] += hist_[v];
}

ValueRange WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height) {
  ValueRange range;
  int x0 = kernels::Active().word_range(data, stride, width, height, &range.lo, &range.hi);
  if (x0 < width)
    kernels::Scalar().word_range(data + 2 * x0, stride, width - x0, height, &range.lo, &range.hi);
  return range;
}

void AddCounts(uint32_t* dst, const uint32_t* src, int n) {
  const int v = kernels::Active().add_counts(dst, src, 0, n);
  kernels::Scalar().add_counts(dst, src, v, n);
}

void BlockCounts(uint32_t* hist, int first, int end, int shift, uint32_t* blocks, uint32_t* share,
                 bool clear) {
  const kernels::Kernels& scalar = kernels::Scalar();
  const int aligned = std::min(end, (first + 31) & ~31);
  scalar.block_counts(hist, first, aligned, shift, blocks, share, clear);
  const int v = kernels::Active().block_counts(hist, aligned, end, shift, blocks, share, clear);
  scalar.block_counts(hist, v, end, shift, blocks, share, clear);
}

ValueRange AccumulateWide(const Plane& p, uint32_t* hist) {
  ValueRange range;
  if (p.empty()) return range;
  if (PlainWords(p)) {
    const int x0 =
        kernels::Active().count_words(p.data, p.stride, p.width, p.height, hist, &range.lo, &range.hi);
    if (x0 < p.width)
      kernels::Scalar().count_words(p.data + 2 * x0, p.stride, p.width - x0, p.height, hist,
                                    &range.lo, &range.hi);
    return range;
  }
  kernels::Active().count_codec(p.data, p.stride, p.width, p.height, p.pixel_step,
                                CodecOf(p.format), hist, &range.lo, &range.hi);
  return range;
}

void CountPlane(const Plane& p, uint32_t* hist) {
  std::memset(hist, 0, static_cast<size_t>(p.format.bins()) * sizeof(hist[0]));
  if (p.empty()) return;
  if (p.format.depth > 8) {
    AccumulateWide(p, hist);
    return;
  }
  HistogramCounter8 counter;
  counter.Start(static_cast<uint64_t>(p.width) * static_cast<uint64_t>(p.height), p.width,
                p.pixel_step);
  counter.Add(p);
  counter.Finish(hist);
}

void PartialHistograms::Begin(int slots, int bins) {
  bins_ = bins;
  Fit(&counts_, static_cast<size_t>(slots) * static_cast<size_t>(bins));
  used_.assign(static_cast<size_t>(slots), 0);
}

uint32_t* PartialHistograms::Get(int k) {
  uint32_t* h = &counts_[static_cast<size_t>(k) * static_cast<size_t>(bins_)];
  if (!used_[static_cast<size_t>(k)]) {
    std::memset(h, 0, static_cast<size_t>(bins_) * sizeof(*h));
    used_[static_cast<size_t>(k)] = 1;
  }
  return h;
}

void PartialHistograms::Sum(ThreadPool* pool, uint32_t* hist) const {
  constexpr int kChunk = 4096;  // bins per piece: adding 256 needs no thread
  const int chunks = (bins_ + kChunk - 1) / kChunk;
  const int pieces = Pieces(pool, chunks);
  ForEach(pool, pieces, [&](int i) {
    int c0, c1;
    StripeRows(i, pieces, chunks, &c0, &c1);
    const int v0 = c0 * kChunk, n = std::min(c1 * kChunk, bins_) - v0;
    std::memset(hist + v0, 0, static_cast<size_t>(n) * sizeof(*hist));
    for (size_t k = 0; k < used_.size(); ++k)
      if (used_[k]) AddCounts(hist + v0, &counts_[k * static_cast<size_t>(bins_) + v0], n);
  });
}

}  // namespace histeq
