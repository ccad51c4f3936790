// Fetching a block's rows ahead. A tile, or a band's part between two tile
// centres, is read row by row; its rows are short (a few hundred bytes) and
// each starts in a page of its own, where the hardware prefetcher, which
// follows streams within a page, starts over every row. When the block is
// not in this core's cache (in L3, or just written by another thread) the
// reads then wait on every row's first lines: fetched a few rows ahead,
// 2160p 8-bit tiles counted 1.47x faster, 16-bit ones on two threads 1.2x.
#ifndef HISTEQ_SRC_PREFETCH_H_
#define HISTEQ_SRC_PREFETCH_H_

#include <cstddef>
#include <cstdint>

namespace histeq {
// Internal linkage: kernel files compiled with other target flags include
// this too, and must not share a copy of these with any other file.
namespace {

// Within a row, vector loops fetch this far ahead: the prefetcher alone
// keeps too little in flight for data in another core's cache, in L3 or in
// memory (8 MB counted from there: 2.6 ms alone, 1.45 ms with it).
constexpr int kStreamAheadBytes = 2048;

constexpr int kFetchAheadRows = 4;
// Longer rows are streams the prefetcher follows.
constexpr int64_t kFetchAheadMaxBytes = 1024;

// `row` is row y of a block of `height` rows `stride` bytes apart, of which
// `row_bytes` bytes are read: fetches those of row y + kFetchAheadRows, if
// the block has it and its rows are short. `for_write` when they will be
// written too.
inline void FetchRowAhead(const uint8_t* row, ptrdiff_t stride, int y, int height,
                          int64_t row_bytes, bool for_write = false) {
  if (row_bytes > kFetchAheadMaxBytes || y + kFetchAheadRows >= height) return;
  const uintptr_t first = reinterpret_cast<uintptr_t>(row + kFetchAheadRows * stride);
  const uintptr_t end = first + static_cast<uintptr_t>(row_bytes);
  for (uintptr_t line = first & ~uintptr_t{63}; line < end; line += 64) {
    if (for_write)
      __builtin_prefetch(reinterpret_cast<const void*>(line), 1);
    else
      __builtin_prefetch(reinterpret_cast<const void*>(line));
  }
}

}  // namespace
}  // namespace histeq

#endif  // HISTEQ_SRC_PREFETCH_H_
