// What every level's value_entries kernel shares (kernels.h): a value's
// clipped counts from a tile's entries kept by value, and its entry one
// value at a time. The rank is the index's count below the value's word
// plus the set bits of the word at or below it; `Popcount` counts a word's
// bits as the file's instruction set can.
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

// The clipped counts of the entries at or below v (the first part of C(v)).
template <bool kRuns, typename Popcount>
inline uint32_t EntryCounts(const ValueIndex& ix, uint32_t v, Popcount popcount) {
  const uint32_t w = v >> 6;
  // 2 << 63 wraps to 0, so bit 63's mask is every bit.
  const uint32_t r = ix.below[w] + popcount(ix.bits[w] & ((2ull << (v & 63)) - 1));
  const ValueEntry* next = ix.entries + r;  // r >= 1: an entry starts at 0
  if (!kRuns) return next->sum;
  const ValueEntry& a = next[-1];
  const uint32_t lg = a.log_len, run = v - a.start + 1, len = 1u << lg;
  return a.sum + (run < len ? run : len) * ((next->sum - a.sum) >> lg);
}

// counts[i] = EntryCounts of q[i], i in [0, n).
template <typename Popcount>
inline void CountsOf(const ValueIndex& ix, const uint16_t* q, int n, uint32_t* counts,
                     Popcount popcount) {
  if (ix.runs) {
    for (int i = 0; i < n; ++i) counts[i] = EntryCounts<true>(ix, q[i], popcount);
  } else {
    for (int i = 0; i < n; ++i) counts[i] = EntryCounts<false>(ix, q[i], popcount);
  }
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

}  // namespace
}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_VALUE_ENTRIES_H_
