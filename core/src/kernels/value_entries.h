// What every level's value_quads kernel shares (kernels.h): a value's
// rank among a tile's entries kept by value, its clipped counts, and its
// entry one value at a time. `Count16(starts, v)` counts the values of
// starts[0 .. 16) at or below v, as the file's instruction set can.
//
// Everything here has internal linkage: each kernels file compiles its own
// copy with its own target flags.
#ifndef HISTEQ_SRC_KERNELS_VALUE_ENTRIES_H_
#define HISTEQ_SRC_KERNELS_VALUE_ENTRIES_H_

#include <cstdint>

#include "kernels/kernels.h"

namespace histeq {
namespace kernels {
namespace {

// The entries that start at or below v: those below its bucket, and the
// bucket's own at or below it, counted from its first entry or, in a bucket
// of more than 16 where all 16 counted are, from its sub-bucket's first.
// Past a tile's last entry the starts are 0xffff, at or below v only when v
// is 0xffff (the entries there hold the total, as the one after the last
// does).
template <typename Count16>
inline uint32_t Rank(const ValueIndex& ix, uint32_t v, Count16 count16) {
  const uint32_t h = v >> ix.shift;
  uint32_t b = ix.below[h];
  uint32_t c = count16(ix.starts + b, v);
  if (c == 16 && ix.below[h + 1] - b > 16) {
    b += ix.sub[ix.dense[h] * 16u + ((v & ((1u << ix.shift) - 1)) >> ix.sub_shift)];
    c = count16(ix.starts + b, v);
  }
  return b + c;
}

// The clipped counts of the entries at or below v (the first part of C(v)),
// r its rank.
template <bool kRuns>
inline uint32_t CountsAtRank(const ValueIndex& ix, uint32_t v, uint32_t r) {
  if (!kRuns) return ix.sums[r];
  const uint32_t a = (r < ix.n ? r : ix.n) - 1;  // r >= 1: an entry starts at 0
  const uint32_t lg = ix.log_lens[a], run = v - ix.starts[a] + 1, len = 1u << lg;
  return ix.sums[a] + (run < len ? run : len) * ((ix.sums[a + 1] - ix.sums[a]) >> lg);
}

template <bool kRuns, typename Count16>
inline uint32_t EntryCounts(const ValueIndex& ix, uint32_t v, Count16 count16) {
  return CountsAtRank<kRuns>(ix, v, Rank(ix, v, count16));
}

// c[j] = EntryCounts of v in ix[j], j in [0, 4).
template <bool kRuns, typename Count16>
inline void QuadCounts(const ValueIndex* ix, uint32_t v, uint32_t* c, Count16 count16) {
  for (int j = 0; j < 4; ++j) c[j] = EntryCounts<kRuns>(ix[j], v, count16);
}

// The entry of value v with counts c, `Round` rounding a float half to even.
template <typename Round>
inline uint16_t FinishValue(const ValueIndex& ix, uint32_t v, uint32_t c, Round round) {
  const uint32_t q = static_cast<uint32_t>((v * ix.step_inverse) >> 32) + 1;
  uint32_t added = ix.spread.batch * (v + 1) + (q < ix.spread.residual ? q : ix.spread.residual);
  const uint32_t all = added * ix.unit + ix.leftover + c;
  const int r = round(static_cast<float>(all) * ix.scale);
  return static_cast<uint16_t>(r < 0 ? 0 : (r > ix.max_value ? ix.max_value : r));
}

// value_quads over four indexes (copied, not reread after stores): the
// level's kRuns instance where a table has runs of values, else kNoRuns.
template <void (*kRuns)(const ValueIndex*, const uint16_t*, int, uint64_t*),
          void (*kNoRuns)(const ValueIndex*, const uint16_t*, int, uint64_t*)>
inline void QuadsByRuns(const ValueIndex* index, const uint16_t* q, int n, uint64_t* out) {
  const ValueIndex ix[4] = {index[0], index[1], index[2], index[3]};
  if (ix[0].runs || ix[1].runs || ix[2].runs || ix[3].runs)
    kRuns(ix, q, n, out);
  else
    kNoRuns(ix, q, n, out);
}

// The packed entries of v in four tiles' indexes from their counts c.
template <typename Round>
inline uint64_t FinishQuad(const ValueIndex* ix, uint32_t v, const uint32_t* c, Round round) {
  uint64_t quad = 0;
  for (int j = 0; j < 4; ++j) quad |= static_cast<uint64_t>(FinishValue(ix[j], v, c[j], round)) << (16 * j);
  return quad;
}

}  // namespace
}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_VALUE_ENTRIES_H_
