// Counting 8-bit samples without a store per sample, on CPUs with AVX-512
// VBMI2, GFNI and BITALG (SimdLevel::kAvx512Vbmi2).
//
// Counted sample by sample (or pair by pair, with the pair tables), a
// histogram stores to scattered counters, and such stores retire about one a
// cycle; neighbours of equal value also wait for each other's store. Here the
// samples never touch a counter in memory:
//
//  1. Sorting. 64 samples at a time are sorted by their top two bits into
//     four classes (vpcompressb), each appended to its class's buffer.
//  2. One-hot bits. A class's samples differ only in their low six bits.
//     Eight samples become one vector: lane j (of eight 64-bit lanes), byte b
//     has bit i set when sample b is 8 j + i. A block of 64 samples makes
//     eight such vectors.
//  3. Adding bit by bit. Carry-save adders (vpternlogq) add the vectors into
//     bit planes: ones, twos, fours, and every eighth vector an "eights" that
//     is counted out: gf2p8affineqb, with each lane as the matrix, gathers
//     bit i of the lane's eight bytes into byte i, vpopcntb counts them, so
//     byte 8 j + i holds how many times value 8 j + i came up.
//
// The cost is the same for any picture (flat, noisy, smooth): on a Sapphire
// Rapids core 0.54 cycles a sample, where the pair tables take 0.73 on a
// smooth photograph and 2 on noise, and need 512 KiB cleared and folded.
#ifndef HISTEQ_SRC_BINNED_COUNT_H_
#define HISTEQ_SRC_BINNED_COUNT_H_

#include <cstddef>
#include <cstdint>

namespace histeq {

class BinnedCounter8 {
 public:
  // Whether the CPU has the instructions (and the SimdLevel cap allows
  // them), and rows of samples `pixel_step` bytes apart can be read as whole
  // 64-byte vectors (1, 2, 4 or 8).
  static bool Works(int pixel_step);

  // Starts a count; Add may then be called any number of times (rows of
  // any width, with any stride) before Finish.
  void Start();
  void Add(const uint8_t* data, ptrdiff_t stride, int width, int height, int pixel_step);
  // Adds the counts to `hist` (not cleared first). Start again to reuse.
  void Finish(uint32_t hist[256]);

 private:
  static constexpr int kClasses = 4;     // by the top two bits
  static constexpr int kDrain = 2048;    // bytes read between counting the buffers
  static constexpr int kSegment = 2048;  // bytes of a row sorted at once
  // What a buffer can hold: 63 samples left from the last count, fewer than
  // kDrain + kSegment sorted since, and the 64 bytes a vector store writes.
  static constexpr int kCapacity = kDrain + kSegment + 128;

  void Sort(const uint8_t* p, int bytes, int pixel_step);
  // Counts the whole blocks of 64 in every buffer; keeps the rest.
  void Drain();
  void CountBlocks(int c, const uint8_t* p, int blocks);
  void Widen(int c);

  alignas(64) uint8_t buffer_[kClasses][kCapacity];
  // Per class: the bit planes ones, twos, fours, and the per-value counts
  // of eights not yet widened into counts_ (at most 31 flushes of 8).
  alignas(64) uint8_t planes_[kClasses][4][64];
  alignas(64) uint32_t counts_[kClasses][64];
  int fill_[kClasses] = {0, 0, 0, 0};
  int flushes_[kClasses] = {0, 0, 0, 0};
  int since_drain_ = 0;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_BINNED_COUNT_H_
