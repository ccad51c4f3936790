#include "histeq/histogram.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "binned_count.h"
#include "histeq/simd.h"
#include "prefetch.h"
#include "x86.h"

namespace histeq {
namespace {

#ifdef HISTEQ_X86
// Adds the lowest word of `lo` and the highest of `hi` to `range`.
// phminposuw gives the lowest word of eight; the highest is the lowest of
// the complements.
HISTEQ_TARGET_AVX2 inline void AddRangeOf(__m256i lo, __m256i hi, ValueRange* range) {
  const __m128i lo8 = _mm_min_epu16(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
  const __m128i hi8 = _mm_max_epu16(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
  range->Add(_mm_extract_epi16(_mm_minpos_epu16(lo8), 0));
  range->Add(0xffff - _mm_extract_epi16(_mm_minpos_epu16(_mm_xor_si128(hi8, _mm_set1_epi16(-1))), 0));
}

// The lowest and highest of a block of 16-bit words, 16 at a time, rows
// with a tail of fewer left to the caller. Returns the columns it did.
HISTEQ_TARGET_AVX2 int WordRangeAvx2(const uint8_t* data, ptrdiff_t stride, int width,
                                     int height, ValueRange* range) {
  const int vector_width = width & ~15;
  if (vector_width == 0) return 0;
  __m256i lo = _mm256_set1_epi16(-1), hi = _mm256_setzero_si256();
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < vector_width; x += 16) {
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * x));
      lo = _mm256_min_epu16(lo, w);
      hi = _mm256_max_epu16(hi, w);
    }
  }
  AddRangeOf(lo, hi, range);
  return vector_width;
}

// Counts a block of 16-bit words and finds their range in the same pass:
// 16 words in a vector for the range, then counted one by one from L1.
// Returns the columns it did (the rows' tails are the caller's).
HISTEQ_TARGET_AVX2 int CountWordsAvx2(const uint8_t* data, ptrdiff_t stride, int width,
                                      int height, uint32_t* hist, ValueRange* range) {
  const int vector_width = width & ~15;
  if (vector_width == 0) return 0;
  __m256i lo = _mm256_set1_epi16(-1), hi = _mm256_setzero_si256();
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    FetchRowAhead(p, stride, y, height, 2 * static_cast<int64_t>(width));
    for (int x = 0; x < vector_width; x += 16) {
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * x));
      lo = _mm256_min_epu16(lo, w);
      hi = _mm256_max_epu16(hi, w);
      for (int k = 0; k < 16; ++k) {
        uint16_t v;
        std::memcpy(&v, p + 2 * (x + k), 2);
        ++hist[v];
      }
    }
  }
  AddRangeOf(lo, hi, range);
  return vector_width;
}

// dst[v] += src[v], 8 at a time. Returns where the tail starts.
HISTEQ_TARGET_AVX2 int AddCountsAvx2(uint32_t* dst, const uint32_t* src, int n) {
  int v = 0;
  for (; v + 8 <= n; v += 8) {
    __m256i* d = reinterpret_cast<__m256i*>(dst + v);
    _mm256_storeu_si256(
        d, _mm256_add_epi32(_mm256_loadu_si256(d),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + v))));
  }
  return v;
}
#endif

constexpr int kSubHistograms = 4;

// Counts one row into four sub-histograms used round-robin: runs of equal
// samples (common in video) would otherwise make every increment wait for the
// store of the previous one to the same counter. kStep > 0 fixes the pixel
// step at compile time (the planar case); kStep == 0 reads it from `step`.
template <int kStep>
void CountRow(const uint8_t* p, int width, int step,
              uint32_t sub[kSubHistograms][kBins8]) {
  const int s = kStep > 0 ? kStep : step;
  int x = 0;
  for (; x + 4 <= width; x += 4, p += 4 * s) {
    ++sub[0][p[0]];
    ++sub[1][p[s]];
    ++sub[2][p[2 * s]];
    ++sub[3][p[3 * s]];
  }
  for (; x < width; ++x, p += s) ++sub[0][p[0]];
}

template <int kStep>
void CountPlane(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int step, uint32_t sub[kSubHistograms][kBins8]) {
  for (int y = 0; y < height; ++y)
    CountRow<kStep>(data + y * stride, width, step, sub);
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

// From about a thousand samples on, BinnedCounter8's fixed cost (clearing
// 2 KiB, counting out four classes at the end) is less than it saves.
constexpr uint64_t kBinnedMin = 1024;

bool BinnedPaysOff(uint64_t samples, int pixel_step) {
  return samples >= kBinnedMin && BinnedCounter8::Works(pixel_step);
}

bool PairsPayOff(uint64_t samples, int width, int pixel_step) {
  return samples >= kPairHistogramMin && width >= 16 && pixel_step == 1;
}

}  // namespace

void AccumulateHistogram8(const uint8_t* data, ptrdiff_t stride, int width,
                          int height, int pixel_step, uint32_t hist[kBins8]) {
  if (width <= 0 || height <= 0) return;
#ifdef HISTEQ_X86
  if (BinnedPaysOff(static_cast<uint64_t>(width) * static_cast<uint64_t>(height), pixel_step)) {
    BinnedCounter8 counter;  // 17 KiB of stack, nothing allocated
    counter.Start();
    counter.Add(data, stride, width, height, pixel_step);
    counter.Finish(hist);
    return;
  }
#endif
  uint32_t sub[kSubHistograms][kBins8];
  std::memset(sub, 0, sizeof(sub));
  if (pixel_step == 1)
    CountPlane<1>(data, stride, width, height, 1, sub);
  else
    CountPlane<0>(data, stride, width, height, pixel_step, sub);
  for (int v = 0; v < kBins8; ++v)
    hist[v] += sub[0][v] + sub[1][v] + sub[2][v] + sub[3][v];
}

HistogramCounter8::HistogramCounter8() = default;
HistogramCounter8::~HistogramCounter8() = default;
HistogramCounter8::HistogramCounter8(HistogramCounter8&&) noexcept = default;
HistogramCounter8& HistogramCounter8::operator=(HistogramCounter8&&) noexcept = default;

void HistogramCounter8::Reserve(uint64_t samples, int width, int pixel_step) {
#ifdef HISTEQ_X86
  if (BinnedPaysOff(samples, pixel_step)) {
    if (!binned_) binned_.reset(new BinnedCounter8);
    return;
  }
#endif
  if (PairsPayOff(samples, width, pixel_step)) pairs_.resize(2 * kPairs + kSkew);
}

void HistogramCounter8::Start(uint64_t samples, int width, int pixel_step) {
  std::memset(hist_, 0, sizeof hist_);
  run_value_ = run_ = 0;
  pairs_on_ = false;
#ifdef HISTEQ_X86
  binned_on_ = BinnedPaysOff(samples, pixel_step);
  if (binned_on_) {
    if (!binned_) binned_.reset(new BinnedCounter8);
    binned_->Start();
    return;
  }
#endif
  pairs_on_ = PairsPayOff(samples, width, pixel_step);
  if (!pairs_on_) return;
  pairs_.resize(2 * kPairs + kSkew);
  std::memset(pairs_.data(), 0, pairs_.size() * sizeof(uint32_t));
}

void HistogramCounter8::Add(const uint8_t* data, ptrdiff_t stride, int width, int height,
                            int pixel_step) {
  if (width <= 0 || height <= 0) return;
#ifdef HISTEQ_X86
  if (binned_on_ && BinnedCounter8::Works(pixel_step)) {
    binned_->Add(data, stride, width, height, pixel_step);
    return;
  }
#endif
  if (pairs_on_ && pixel_step == 1 && width >= 16) {
    uint32_t* t0 = pairs_.data();
    CountPairs(data, stride, width, height, t0, t0 + kPairs + kSkew, hist_, &run_value_, &run_);
  } else {
    AccumulateHistogram8(data, stride, width, height, pixel_step, hist_);
  }
}

void HistogramCounter8::Finish(uint32_t hist[kBins8]) {
  hist_[run_value_] += run_;
  run_ = 0;
#ifdef HISTEQ_X86
  if (binned_on_) {
    binned_->Finish(hist_);
    binned_on_ = false;
  }
#endif
  if (pairs_on_) {
    const uint32_t* t0 = pairs_.data();
    FoldPairs(t0, hist_);
    FoldPairs(t0 + kPairs + kSkew, hist_);
    pairs_on_ = false;
  }
  for (int v = 0; v < kBins8; ++v) hist[v] += hist_[v];
}

void Histogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int pixel_step, uint32_t hist[kBins8]) {
  std::memset(hist, 0, kBins8 * sizeof(hist[0]));
  if (width <= 0 || height <= 0) return;
  thread_local HistogramCounter8 counter;
  counter.Start(static_cast<uint64_t>(width) * static_cast<uint64_t>(height), width, pixel_step);
  counter.Add(data, stride, width, height, pixel_step);
  counter.Finish(hist);
}

void PartialHistograms::Begin(int slots, int bins) {
  bins_ = bins;
  counts_.resize(static_cast<size_t>(slots) * static_cast<size_t>(bins));
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

ValueRange WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height) {
  ValueRange range;
  int x0 = 0;
#ifdef HISTEQ_X86
  if (ActiveSimd() >= SimdLevel::kAvx2) x0 = WordRangeAvx2(data, stride, width, height, &range);
#endif
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = x0; x < width; ++x) {
      uint16_t w;
      std::memcpy(&w, p + 2 * x, 2);
      range.Add(w);
    }
  }
  return range;
}

void AddCounts(uint32_t* dst, const uint32_t* src, int n) {
  int v = 0;
#ifdef HISTEQ_X86
  if (ActiveSimd() >= SimdLevel::kAvx2) v = AddCountsAvx2(dst, src, n);
#endif
  for (; v < n; ++v) dst[v] += src[v];
}

ValueRange AccumulateHistogramWide(const uint8_t* data, ptrdiff_t stride, int width,
                                   int height, int step, const SampleFormat& format,
                                   uint32_t* hist) {
  ValueRange range;
  if (step == 2 && format.shift == 0 && !format.big_endian && format.max_value() == 0xffff) {
    // Plain 16-bit words: the range from vectors of the words being counted
    // (tracking it word by word costs more than the counting).
    int x0 = 0;
#ifdef HISTEQ_X86
    if (ActiveSimd() >= SimdLevel::kAvx2) x0 = CountWordsAvx2(data, stride, width, height, hist, &range);
#endif
    if (x0 == 0) {
      for (int y = 0; y < height; ++y) {
        const uint8_t* p = data + y * stride;
        for (int x = 0; x < width; ++x) {
          uint16_t w;
          std::memcpy(&w, p + 2 * x, 2);
          ++hist[w];
        }
      }
      range.Add(WordRange(data, stride, width, height));
      return range;
    }
    for (int y = 0; y < height; ++y) {
      const uint8_t* p = data + y * stride;
      for (int x = x0; x < width; ++x) {
        uint16_t w;
        std::memcpy(&w, p + 2 * x, 2);
        ++hist[w];
        range.Add(w);
      }
    }
    return range;
  }
  const WideCodec codec(format);
  for (int y = 0; y < height; ++y) {
    const uint8_t* p = data + y * stride;
    for (int x = 0; x < width; ++x, p += step) {
      const uint32_t v = codec.Read(p);
      ++hist[v];
      range.Add(static_cast<int>(v));
    }
  }
  return range;
}

void HistogramWide(const uint8_t* data, ptrdiff_t stride, int width, int height,
                   int step, const SampleFormat& format, uint32_t* hist) {
  std::memset(hist, 0, static_cast<size_t>(format.bins()) * sizeof(hist[0]));
  AccumulateHistogramWide(data, stride, width, height, step, format, hist);
}

}  // namespace histeq
