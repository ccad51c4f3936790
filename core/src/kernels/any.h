// Row tails, handled one way: a row kernel with a block of N samples only
// ever sees whole blocks. RunRow runs it over the row's whole blocks in
// place, then over a block-sized copy of the last partial block (as libyuv's
// Any functions do), so the tail runs the kernel's own instructions, and no
// byte past the row is read or written. Kernels of instruction sets with
// masked loads and stores (AVX-512) take any count instead (block 1): their
// tail is the same instructions, masked.
#ifndef HISTEQ_SRC_KERNELS_ANY_H_
#define HISTEQ_SRC_KERNELS_ANY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace histeq {
namespace kernels {

// The largest block a row kernel may have.
constexpr int kMaxBlock = 64;

// Calls fn(samples, step, x, count) for the n samples of `row`, each
// `kSize` bytes at `step` bytes from the last: fn(row, step, 0, whole) for
// the whole blocks, then, if n is not a multiple of `block`, fn(copy,
// kSize, whole, block) on a zeroed copy of the rest laid out one sample
// after another, whose first n - whole samples are then stored back. fn
// finds sample x + i at samples + i * step; arrays it reads by column must
// hold `block` readable entries past the row.
template <int kSize, typename Fn>
inline void RunRow(uint8_t* row, int step, int n, int block, Fn&& fn) {
  if (n <= 0) return;
  const int whole = n - n % block;
  if (whole > 0) fn(row, step, 0, whole);
  const int tail = n - whole;
  if (tail == 0) return;
  alignas(64) uint8_t copy[kMaxBlock * kSize];
  std::memset(copy, 0, static_cast<size_t>(block) * kSize);
  uint8_t* rest = row + static_cast<ptrdiff_t>(whole) * step;
  if (step == kSize) {
    std::memcpy(copy, rest, static_cast<size_t>(tail) * kSize);
  } else {
    for (int i = 0; i < tail; ++i) std::memcpy(copy + i * kSize, rest + i * step, kSize);
  }
  fn(copy, kSize, whole, block);
  if (step == kSize) {
    std::memcpy(rest, copy, static_cast<size_t>(tail) * kSize);
  } else {
    for (int i = 0; i < tail; ++i) std::memcpy(rest + i * step, copy + i * kSize, kSize);
  }
}

}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_ANY_H_
