// Histograms of planes: one bin per code value (256 for 8-bit samples,
// 2^depth for deeper ones).
#ifndef HISTEQ_SRC_HISTOGRAM_H_
#define HISTEQ_SRC_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "histeq/plane.h"

namespace histeq {

class ThreadPool;

constexpr int kBins8 = 256;

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

// Counts 8-bit samples piece by piece (stripes of rows, tiles, in any order)
// into one histogram. Where the kernels have a bit-count counter
// (kernels::Counter8) and the count is large enough, it counts; otherwise,
// with many samples in rows of 16 or more, neighbouring samples are counted
// in pairs through two 65536-entry tables folded into bins once, in Finish,
// in the pieces whose neighbours are alike (not in noise); otherwise sample
// by sample into four sub-histograms.
class HistogramCounter8 {
 public:
  HistogramCounter8();
  ~HistogramCounter8();
  HistogramCounter8(HistogramCounter8&&) noexcept;
  HistogramCounter8& operator=(HistogramCounter8&&) noexcept;

  // Starts a count of about `samples` samples in all, in rows of `width`
  // samples `pixel_step` bytes apart.
  void Start(uint64_t samples, int width, int pixel_step);
  // Allocates what Start would for such a count, so that Start does not.
  void Reserve(uint64_t samples, int width, int pixel_step);
  // `plane` must have 8-bit samples.
  void Add(const Plane& plane);
  // Adds the counts to `hist` (not cleared first). Start again to reuse.
  void Finish(uint32_t hist[kBins8]);

 private:
  enum class Way { kSamples, kPairs, kKernel };
  Way Choose(uint64_t samples, int width, int pixel_step) const;
  void* KernelState();

  Way way_ = Way::kSamples;
  std::vector<uint32_t> pairs_;  // two tables when in use
  bool pairs_used_ = false;      // they hold counts of this count
  uint32_t hist_[kBins8];
  uint32_t run_value_ = 0, run_ = 0;  // a run of equal samples not yet added
  const void* kernel_ = nullptr;      // the kernels::Counter8 the state is for
  std::unique_ptr<uint8_t[]> state_;  // its state, aligned inside
};

// Adds the counts of the samples of a plane of 10 to 16-bit samples to
// `hist` (format.bins() counts, not cleared first). Returns the range of
// the values counted.
ValueRange AccumulateWide(const Plane& plane, uint32_t* hist);

// Clears `hist` (plane.format.bins() counts) and counts the plane into it,
// any depth, on the calling thread.
void CountPlane(const Plane& plane, uint32_t* hist);

// The range of a block of plain 16-bit words (see PlainWords).
ValueRange WordRange(const uint8_t* data, ptrdiff_t stride, int width, int height);

// dst[v] += src[v] for v < n: adding histograms.
void AddCounts(uint32_t* dst, const uint32_t* src, int n);

// The counts of hist[first .. end) added to their blocks of 2^shift values
// (blocks[v >> shift]) and, with `share`, to share; with `clear`, hist's
// bins are left 0.
void BlockCounts(uint32_t* hist, int first, int end, int shift, uint32_t* blocks, uint32_t* share,
                 bool clear);

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
  bool used(int k) const { return used_[static_cast<size_t>(k)] != 0; }
  // hist[v] = the sum over the used histograms (0 when none), split over
  // the pool's threads when there are many bins.
  void Sum(ThreadPool* pool, uint32_t* hist) const;

 private:
  int bins_ = 0;
  std::vector<uint32_t> counts_;
  std::vector<char> used_;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_HISTOGRAM_H_
