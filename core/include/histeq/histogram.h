// Histograms of 8-bit planes.
//
// Plane API used across the core: `data` points at the first sample of the
// plane, `stride` is the distance in bytes between two rows (it may be larger
// than the row, or negative), `width` and `height` count samples, and
// `pixel_step` is the distance in bytes between two samples of a row (1 for
// planar formats, 2 for Y in YUY2, 4 for Y in AYUV, ...). Only the samples
// are read or written; bytes between them and after each row are left alone.
#ifndef HISTEQ_HISTOGRAM_H_
#define HISTEQ_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "histeq/sample.h"
#include "histeq/threads.h"

namespace histeq {

constexpr int kBins8 = 256;

class BinnedCounter8;  // the AVX-512 VBMI2 counter (src/binned_count.h)

// Adds the count of every sample value of the plane to `hist` (it is not
// cleared first, so stripes or tiles can be accumulated into one histogram).
void AccumulateHistogram8(const uint8_t* data, ptrdiff_t stride, int width,
                          int height, int pixel_step, uint32_t hist[kBins8]);

// Clears `hist` and counts the plane into it.
void Histogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int pixel_step, uint32_t hist[kBins8]);

// Counts an 8-bit plane piece by piece (stripes of rows, in any order) into
// one histogram. On CPUs with AVX-512 VBMI2, GFNI and BITALG the samples are
// sorted and added up as bits, 64 at a time (BinnedCounter8); elsewhere,
// with many samples, neighbouring samples are counted in pairs through a
// 65536-entry table folded into bins once, in Finish.
class HistogramCounter8 {
 public:
  HistogramCounter8();
  ~HistogramCounter8();
  HistogramCounter8(HistogramCounter8&&) noexcept;
  HistogramCounter8& operator=(HistogramCounter8&&) noexcept;

  // Starts a count of about `samples` samples in all, in rows of `width`
  // samples `pixel_step` bytes apart (the pair table pays off from a few
  // hundred thousand planar samples on).
  void Start(uint64_t samples, int width, int pixel_step);
  // Allocates what Start would for such a count, so that Start does not.
  void Reserve(uint64_t samples, int width, int pixel_step);
  void Add(const uint8_t* data, ptrdiff_t stride, int width, int height, int pixel_step);
  // Adds the counts to `hist` (not cleared first). Start again to reuse.
  void Finish(uint32_t hist[kBins8]);

 private:
  std::vector<uint32_t> pairs_;  // two tables when in use
  uint32_t hist_[kBins8];
  uint32_t run_value_ = 0, run_ = 0;  // a run of equal samples not yet added
  bool pairs_on_ = false;
  std::unique_ptr<BinnedCounter8> binned_;  // made when first used
  bool binned_on_ = false;
};

// Histograms counted piece by piece on several threads: one per slot (see
// ThreadPool::ParallelFor), cleared when first used in a round, added up at
// the end. Counts add up to the same in any order, so the sum is the same
// whatever thread counted what.
class PartialHistograms {
 public:
  // A new round: `slots` histograms of `bins` counts, none used yet.
  void Begin(int slots, int bins);
  // Slot k's histogram, cleared on its first use in the round. One caller
  // per slot at a time.
  uint32_t* Get(int k);
  // hist[v] = the sum over the used histograms (0 when none), split over
  // the pool's threads when there are many bins.
  void Sum(ThreadPool* pool, uint32_t* hist) const;

 private:
  int bins_ = 0;
  std::vector<uint32_t> counts_;
  std::vector<char> used_;
};

// The lowest and highest of a set of sample values; lo > hi when empty.
struct ValueRange {
  int lo = 1 << 30;
  int hi = -1;

  bool empty() const { return lo > hi; }
  void Add(int v) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  void Add(const ValueRange& o) {
    lo = o.lo < lo ? o.lo : lo;
    hi = o.hi > hi ? o.hi : hi;
  }
};

// The range of a block of plain 16-bit samples: little-endian words, one
// after another in each row.
ValueRange WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height);

// dst[v] += src[v] for v < n: adding histograms.
void AddCounts(uint32_t* dst, const uint32_t* src, int n);

// The same for 10 to 16-bit samples (format.depth > 8): `hist` has
// format.bins() counts; `pixel_step` is in bytes. Returns the range of the
// values counted.
ValueRange AccumulateHistogramWide(const uint8_t* data, ptrdiff_t stride, int width,
                                   int height, int pixel_step,
                                   const SampleFormat& format, uint32_t* hist);
void HistogramWide(const uint8_t* data, ptrdiff_t stride, int width, int height,
                   int pixel_step, const SampleFormat& format, uint32_t* hist);

}  // namespace histeq

#endif  // HISTEQ_HISTOGRAM_H_
