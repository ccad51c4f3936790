// The core's kernels: the few loops whose speed depends on the instruction
// set, as one table of function pointers per SIMD level.
//
// The algorithms (equalizer, clahe, lut, histogram, interpolate, temporal,
// rgb) hold no vector code and never ask which level runs: they call the
// functions at the end of this header, which run the active table's kernel.
// Each level's kernels live in a file of their own (scalar.cpp, sse2.cpp,
// avx2.cpp, avx512.cpp, avx512_vbmi2.cpp, neon.cpp), compiled with that
// level's target flags; a level's table is the one below it with the kernels
// its file provides put in (dispatch.cpp). SetMaxSimd swaps the table.
//
// Tails are handled one way for each kind of kernel (any.h):
//  - row kernels (the table pass, the interpolation, RGB) take whole blocks
//    of `*_block` samples only; RunRow runs them over a row's whole blocks
//    in place and over a block-sized copy of its last partial block, so no
//    byte past a row is ever read or written (AVX-512's, with masked loads
//    and stores, take any count: block 1);
//  - scans over arrays the core owns (histogram bins, tables) take what they
//    can in whole vectors and return how far they got; the scalar kernel,
//    with the same signature and running state, does the rest.
//
// Every kernel of every level gives the scalar kernel's results exactly
// (tests/core/test_kernels.cpp, test_simd.cpp and test_histogram.cpp
// compare them all).
//
// Files compiled with other target flags must not emit anything another
// file could link instead of its own copy: kernel files define every helper
// in an anonymous namespace, use no library templates, and have no static
// initializers (the kernels-symbols test checks their objects).
#ifndef HISTEQ_SRC_KERNELS_KERNELS_H_
#define HISTEQ_SRC_KERNELS_KERNELS_H_

#include <cstddef>
#include <cstdint>

#include "histeq/simd.h"

namespace histeq {
namespace kernels {

// How a contrast limit's excess is handed out (see ClipSpread in lut.h):
// `batch` to every bin, then one count each to bins 0, step, 2 step, ...
// for the first `residual` of them. limit 0: no clipping.
struct Spread {
  uint32_t limit;
  uint32_t batch;
  uint32_t residual;
  uint32_t step;
};

// The four tables around a region of CLAHE's interpolation (top-left,
// top-right, bottom-left, bottom-right) and, where the level's kernel needs
// them, the same packed per value: entry v holds {tl[v], tr[v], bl[v],
// br[v]} in bytes (8-bit) or 16-bit words (deeper), tl lowest.
struct Region8 {
  const uint8_t* tables[4];
  uint32_t* quads;  // 256 entries
};

// Per-column weights of the interpolation: column x of a region weighs its
// right tile a[x] and its left one a1[x]; the row weighs its lower tile b
// and its upper one b1.
struct Weights {
  const float* a;
  const float* a1;
  float b1, b;
};

// A packed RGB layout of 4 bytes a pixel: byte offsets of R, G and B, and
// the luma weights in 15-bit fixed point (summing to 1 << 15).
struct Rgb4 {
  int offset_r, offset_g, offset_b;
  int wr, wg, wb;
};

// 10 to 16-bit samples in any other layout (see SampleFormat): the code
// value is (word >> shift) & mask, the word byte-swapped first when `swap`.
struct Codec {
  int shift;
  uint32_t mask;
  bool swap;
};

// The 8-bit histogram's bit-count counter (SimdLevel::kAvx512Vbmi2): state
// of `state_size` bytes at 64-byte alignment; start, any number of adds (rows
// whose pixel step `takes` accepts), then finish adds the counts to hist[256].
struct Counter8 {
  size_t state_size;
  bool (*takes)(int step);
  void (*start)(void* state);
  void (*add)(void* state, const uint8_t* data, ptrdiff_t stride, int width, int height,
              int step);
  void (*finish)(void* state, uint32_t* hist);
};

// A tile's CLAHE table kept by value (ValueTables, value_tables.h): its
// entries in the order of their first values, the first starting at 0,
// each with the clipped counts of the entries before it (`sums`, 17 more
// after the last holding the total) and, where some stand for runs of
// values, log2 of its run (`log_lens`); and a rank index over them.
//
// The index cuts the values into buckets of 2^shift values: `below`
// holds the entries that start below each bucket, `starts` each entry's
// first value, 16 at a time comparable at once. The 16 entries from a
// bucket's first hold every one of the bucket's at or below v when it has
// up to 16 (the ones after start above v). A larger bucket (only where
// buckets hold more than 16 values) has 16 sub-buckets of 2^sub_shift
// values, `sub` holding the bucket's entries below each, and is searched
// from its sub-bucket's first entry instead.
struct ValueIndex {
  const uint32_t* sums;
  const uint8_t* log_lens;  // nullptr where no table has runs (runs false)
  const uint32_t* below;   // bucket h's first entry; after the last, n
  const uint16_t* starts;  // per entry; 16 of 0xffff past the last
  const uint16_t* dense;   // bucket h of more than 16 entries: its sub-table
  const uint8_t* sub;      // 16 per sub-table
  uint32_t n;              // the entries
  int shift;               // log2 of a bucket's values
  int sub_shift;           // log2 of a sub-bucket's values (shift - 4)
  bool runs;               // some entry has a log_len > 0
  Spread spread;           // limit unused
  uint64_t step_inverse;   // ceil(2^32 / spread.step): v / step = (v * it) >> 32
  uint32_t unit;           // the counts of each handed-out one
  uint32_t leftover;       // added to every entry
  float scale;
  int max_value;
};

struct Kernels {
  SimdLevel level;

  // p[i] = lut[p[i]] for n samples one after another (n: whole blocks),
  // every sample in [lo, hi] (0 <= lo <= hi <= 255): a kernel may leave the
  // entries outside unread (a sample outside then gets any byte).
  void (*apply8)(uint8_t* p, int n, const uint8_t* lut, int lo, int hi);
  int apply8_block;
  // The same for samples `step` bytes apart.
  void (*apply8_strided)(uint8_t* p, int step, int n, const uint8_t* lut);
  // The same for 16-bit little-endian words holding the code value.
  void (*apply16)(uint8_t* p, int n, const uint16_t* lut);
  int apply16_block;

  // The same for any other layout of 10 to 16-bit samples, `step` bytes
  // apart: written back at the shift, the bits below it zero.
  void (*apply_codec)(uint8_t* p, int step, int n, const Codec& codec, const uint16_t* lut);

  // nullptr below the level that has it.
  const Counter8* counter8;

  // Plain 16-bit words (little-endian, one after another): counts the first
  // columns of every row into hist and widens [*lo, *hi] to their values;
  // returns how many columns (the same for every row).
  int (*count_words)(const uint8_t* data, ptrdiff_t stride, int width, int height,
                     uint32_t* hist, int* lo, int* hi);
  // Any other layout: counts every sample, widens [*lo, *hi].
  void (*count_codec)(const uint8_t* data, ptrdiff_t stride, int width, int height, int step,
                      const Codec& codec, uint32_t* hist, int* lo, int* hi);
  // The same without counting.
  int (*word_range)(const uint8_t* data, ptrdiff_t stride, int width, int height, int* lo,
                    int* hi);
  // dst[v] += src[v] for v in [first, end); returns where it stopped.
  int (*add_counts)(uint32_t* dst, const uint32_t* src, int first, int end);
  // For v in [first, end): blocks[v >> shift] += hist[v]; with `share`,
  // share[v] += hist[v]; with `clear`, hist[v] = 0. Returns where it
  // stopped (the vector kernels start only at a multiple of 32, and take
  // blocks of 4 values or more).
  int (*block_counts)(uint32_t* hist, int first, int end, int shift, uint32_t* blocks,
                      uint32_t* share, bool clear);
  // firsts[i] = *sum + counts[first] + ... + counts[i - 1] for i in
  // [first, end) (firsts may be counts), *sum carried on to where it
  // stopped; returns where it stopped.
  int (*running_sums)(const uint32_t* counts, int first, int end, uint32_t* firsts, uint32_t* sum);

  // *clipped += the counts above limit (> 0) in bins [first, end); returns
  // where it stopped.
  int (*clipped_counts)(const uint32_t* hist, int first, int end, uint32_t limit,
                        uint64_t* clipped);
  // The same, clipping: hist[v] = min(hist[v], limit) and, with `share`,
  // share[v] += the count before. The bins [first, end) hold fewer than 2^32
  // counts in all (the vector kernels sum in 32 bits).
  int (*clip_counts)(uint32_t* hist, int first, int end, uint32_t limit, uint32_t* share,
                     uint64_t* clipped);
  // A synthetic histogram's counts (SyntheticHistogram in lut.h), block b
  // of w bins at a time from `first`: c = uint32(double(hist[v]) *
  // per_count[b] + add[b]), out[v] = min(c, cut); *total += the c, *kept +=
  // the out; returns the block where it stopped. The c total below 2^31 and
  // every count below 2^31 (the vector kernels sum in 32 bits, and read the
  // counts as signed).
  int (*synthetic_counts)(const uint32_t* hist, int first, int blocks, int w,
                          const double* per_count, const double* add, uint32_t cut, uint32_t* out,
                          uint64_t* total, uint64_t* kept);
  // CLAHE table entries lut[first .. end - 1] (see BuildCdfLutSpan in
  // lut.h): *kept is the running sum of clipped counts, updated; hist
  // nullptr: every bin empty. Returns where it stopped.
  int (*cdf_span8)(const uint32_t* hist, int first, int end, const Spread& spread,
                   float scale, int max_value, uint64_t* kept, uint8_t* lut);
  int (*cdf_span16)(const uint32_t* hist, int first, int end, const Spread& spread,
                    float scale, int max_value, uint64_t* kept, uint16_t* lut);

  // The table entries (before range and strength) of the n values q[i]
  // in four tiles' indexes (index[0 .. 3]), packed as the interpolation
  // reads them: out[i] holds q[i]'s four in 16 bits each, index[0]'s
  // lowest. For a value v: r = the entries that start at or below v (see
  // ValueIndex), a = the last of them (it holds v, or lies below it):
  // C(v) = a.sum + min(v - a.start + 1, 2^a.log_len) ((the next sum -
  // a.sum) >> a.log_len) + (batch (v + 1) + min(residual, v / step + 1))
  // unit + leftover; the entry is round-half-even(float(C(v)) * scale)
  // saturated to 0 .. max_value (0 in a table of scale 0). Any n (the
  // ranks are found one value at a time, a bucket's entries compared at
  // once; the entries finished in vectors where the level has them).
  void (*value_quads)(const ValueIndex* index, const uint16_t* q, int n, uint64_t* out);

  // Makes a region ready for interp8 / interp8_strided with this pixel step
  // (packs the quads unless the kernel reads the tables themselves).
  void (*prepare8)(Region8* region, int step);
  // One row of a region, n samples, in place: (tl a1 + tr a) b1 + (bl a1 +
  // br a) b in float, OpenCV's order, rounded half to even. interp8 takes
  // samples one after another, interp8_strided `step` bytes apart.
  void (*interp8)(uint8_t* p, int n, const Weights& w, const Region8& region);
  int interp8_block;
  void (*interp8_strided)(uint8_t* p, int step, int n, const Weights& w,
                          const Region8& region);
  int interp8_strided_block;
  // quads[v] = {t[0][v], t[1][v], t[2][v], t[3][v]} for v in [first, end);
  // returns where it stopped.
  int (*pack16)(const uint16_t* const* tables, int first, int end, uint64_t* quads);
  // interp8 for plain 16-bit words, saturated to 0..65535.
  void (*interp16)(uint8_t* p, int n, const Weights& w, const uint64_t* quads);
  int interp16_block;
  // The same with the samples' quads in their order: sample i (its value
  // not read) becomes the blend of quads[i]. Takes interp16_block too, and
  // may read that many quads past the n.
  void (*interp16_in_order)(uint8_t* p, int n, const Weights& w, const uint64_t* quads);
  // The same for any other layout, saturated to 0..mask.
  void (*interp_codec)(uint8_t* p, int step, int n, const Codec& codec, const Weights& w,
                       const uint64_t* quads);

  // y[i] = luma of pixel i; and each of its R, G, B += l[i] - y[i],
  // saturated; bytes that are not R, G or B are kept.
  void (*luma4)(const uint8_t* px, int n, const Rgb4& layout, uint8_t* y);
  void (*delta4)(uint8_t* px, int n, const Rgb4& layout, const uint8_t* y, const uint8_t* l);
  int rgb4_block;
  // The same for any other layout: three channels `step` bytes apart.
  void (*luma_any)(const uint8_t* r, const uint8_t* g, const uint8_t* b, int step, int n,
                   const Rgb4& weights, uint8_t* y);
  void (*delta_any)(uint8_t* r, uint8_t* g, uint8_t* b, int step, int n, const uint8_t* y,
                    const uint8_t* l);
};

// The active level's table, and the scalar one.
const Kernels& Active();
const Kernels& Scalar();

// What each level's file puts into the table below it.
void FillScalar(Kernels* k);
#if defined(__x86_64__)
void FillSse2(Kernels* k);
void FillAvx2(Kernels* k);
void FillAvx512(Kernels* k);
void FillAvx512Vbmi2(Kernels* k);
#endif
#if defined(__aarch64__)
void FillNeon(Kernels* k);
#endif

}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_KERNELS_H_
