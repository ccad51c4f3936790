#include "binned_count.h"

#include <cstring>

#include "histeq/simd.h"
#include "prefetch.h"
#include "x86.h"

namespace histeq {

#ifdef HISTEQ_X86
namespace {

// Which bytes of a 64-byte vector are samples, for a pixel step dividing 64.
constexpr uint64_t SampleBytes(int step) {
  return step == 1   ? ~0ull
         : step == 2 ? 0x5555555555555555ull
         : step == 4 ? 0x1111111111111111ull
                     : 0x0101010101010101ull;
}

// The one-hot vector of the eight samples at p (see the header): every lane
// j gets the eight samples minus 8 j, and the table gives 1 << d for d < 8
// and 0 else (vpermb reads the low six bits, so the class bits drop out).
HISTEQ_TARGET_AVX512_VBMI2 inline __m512i OneHot(const uint8_t* p, __m512i lane_base,
                                                 __m512i bit_of) {
  uint64_t eight;
  std::memcpy(&eight, p, 8);
  return _mm512_permutexvar_epi8(_mm512_sub_epi8(_mm512_set1_epi64(static_cast<long long>(eight)),
                                                 lane_base),
                                 bit_of);
}

// Byte 8 j + i: how many of lane j's eight bytes have bit i set.
HISTEQ_TARGET_AVX512_VBMI2 inline __m512i CountPlane(__m512i plane) {
  const __m512i unit = _mm512_set1_epi64(0x8040201008040201ll);  // byte i = 1 << i
  return _mm512_popcnt_epi8(_mm512_gf2p8affine_epi64_epi8(unit, plane, 0));
}

// A carry-save adder: high = majority(a, b, c), low = a ^ b ^ c.
HISTEQ_TARGET_AVX512_VBMI2 inline void AddThree(__m512i a, __m512i b, __m512i c, __m512i* high,
                                                __m512i* low) {
  *high = _mm512_ternarylogic_epi64(a, b, c, 0xe8);
  *low = _mm512_ternarylogic_epi64(a, b, c, 0x96);
}

}  // namespace

bool BinnedCounter8::Works(int pixel_step) {
  return ActiveSimd() >= SimdLevel::kAvx512Vbmi2 && pixel_step >= 1 && pixel_step <= 8 &&
         64 % pixel_step == 0;
}

void BinnedCounter8::Start() {
  std::memset(planes_, 0, sizeof planes_);
  std::memset(counts_, 0, sizeof counts_);
  for (int c = 0; c < kClasses; ++c) fill_[c] = flushes_[c] = 0;
  since_drain_ = 0;
}

void BinnedCounter8::Add(const uint8_t* data, ptrdiff_t stride, int width, int height,
                         int pixel_step) {
  if (width <= 0 || height <= 0) return;
  const int64_t row_bytes = static_cast<int64_t>(width - 1) * pixel_step + 1;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = data + y * stride;
    FetchRowAhead(row, stride, y, height, row_bytes);
    for (int64_t x = 0; x < row_bytes; x += kSegment) {
      const int bytes = static_cast<int>(row_bytes - x < kSegment ? row_bytes - x : kSegment);
      Sort(row + x, bytes, pixel_step);
      since_drain_ += bytes;
      if (since_drain_ >= kDrain) Drain();
    }
  }
}

// Appends the samples among `bytes` bytes at p to their classes' buffers.
// The segment starts at a sample, so the step's pattern of sample bytes
// holds in every 64-byte vector.
HISTEQ_TARGET_AVX512_VBMI2 void BinnedCounter8::Sort(const uint8_t* p, int bytes, int pixel_step) {
  const uint64_t samples = SampleBytes(pixel_step);
  const __m512i v40 = _mm512_set1_epi8(0x40), vc0 = _mm512_set1_epi8(static_cast<char>(0xc0));
  uint8_t* b0 = buffer_[0] + fill_[0];
  uint8_t* b1 = buffer_[1] + fill_[1];
  uint8_t* b2 = buffer_[2] + fill_[2];
  uint8_t* b3 = buffer_[3] + fill_[3];
  for (int x = 0; x < bytes; x += 64) {
    const int left = bytes - x;
    const __mmask64 valid = left >= 64 ? samples : samples & ((1ull << left) - 1);
    __builtin_prefetch(p + x + kStreamAheadBytes);
    // Bytes that are not samples load as 0 and fall in no class.
    const __m512i v = _mm512_maskz_loadu_epi8(valid, p + x);
    const __mmask64 c0 = _mm512_mask_cmplt_epu8_mask(valid, v, v40);
    const __mmask64 c3 = _mm512_cmpge_epu8_mask(v, vc0);
    const __mmask64 top = _mm512_movepi8_mask(v);
    const __mmask64 c1 = _kandn_mask64(_kor_mask64(c0, top), valid);
    const __mmask64 c2 = _kandn_mask64(c3, top);
    _mm512_storeu_si512(b0, _mm512_maskz_compress_epi8(c0, v));
    b0 += _mm_popcnt_u64(c0);
    _mm512_storeu_si512(b1, _mm512_maskz_compress_epi8(c1, v));
    b1 += _mm_popcnt_u64(c1);
    _mm512_storeu_si512(b2, _mm512_maskz_compress_epi8(c2, v));
    b2 += _mm_popcnt_u64(c2);
    _mm512_storeu_si512(b3, _mm512_maskz_compress_epi8(c3, v));
    b3 += _mm_popcnt_u64(c3);
  }
  fill_[0] = static_cast<int>(b0 - buffer_[0]);
  fill_[1] = static_cast<int>(b1 - buffer_[1]);
  fill_[2] = static_cast<int>(b2 - buffer_[2]);
  fill_[3] = static_cast<int>(b3 - buffer_[3]);
}

void BinnedCounter8::Drain() {
  for (int c = 0; c < kClasses; ++c) {
    const int blocks = fill_[c] / 64;
    CountBlocks(c, buffer_[c], blocks);
    const int rest = fill_[c] - 64 * blocks;
    std::memmove(buffer_[c], buffer_[c] + 64 * blocks, static_cast<size_t>(rest));
    fill_[c] = rest;
  }
  since_drain_ = 0;
}

HISTEQ_TARGET_AVX512_VBMI2 void BinnedCounter8::CountBlocks(int c, const uint8_t* p, int blocks) {
  if (blocks <= 0) return;
  const __m512i lane_base = _mm512_set_epi64(
      0x3838383838383838ll, 0x3030303030303030ll, 0x2828282828282828ll, 0x2020202020202020ll,
      0x1818181818181818ll, 0x1010101010101010ll, 0x0808080808080808ll, 0);
  const __m512i bit_of = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, 0x8040201008040201ll);
  __m512i ones = _mm512_load_si512(planes_[c][0]), twos = _mm512_load_si512(planes_[c][1]);
  __m512i fours = _mm512_load_si512(planes_[c][2]), eights = _mm512_load_si512(planes_[c][3]);
  int flushes = flushes_[c];
  for (int i = 0; i < blocks; ++i, p += 64) {
    __m512i twos_a, twos_b, fours_a, fours_b, carry;
    AddThree(ones, OneHot(p, lane_base, bit_of), OneHot(p + 8, lane_base, bit_of), &twos_a, &ones);
    AddThree(ones, OneHot(p + 16, lane_base, bit_of), OneHot(p + 24, lane_base, bit_of), &twos_b,
             &ones);
    AddThree(twos, twos_a, twos_b, &fours_a, &twos);
    AddThree(ones, OneHot(p + 32, lane_base, bit_of), OneHot(p + 40, lane_base, bit_of), &twos_a,
             &ones);
    AddThree(ones, OneHot(p + 48, lane_base, bit_of), OneHot(p + 56, lane_base, bit_of), &twos_b,
             &ones);
    AddThree(twos, twos_a, twos_b, &fours_b, &twos);
    AddThree(fours, fours_a, fours_b, &carry, &fours);
    // At most 8 per flush: 31 fit in a byte.
    eights = _mm512_add_epi8(eights, CountPlane(carry));
    if (++flushes == 31) {
      _mm512_store_si512(planes_[c][3], eights);
      Widen(c);
      eights = _mm512_setzero_si512();
      flushes = 0;
    }
  }
  _mm512_store_si512(planes_[c][0], ones);
  _mm512_store_si512(planes_[c][1], twos);
  _mm512_store_si512(planes_[c][2], fours);
  _mm512_store_si512(planes_[c][3], eights);
  flushes_[c] = flushes;
}

// counts_ += 8 * eights; eights = 0.
HISTEQ_TARGET_AVX512_VBMI2 void BinnedCounter8::Widen(int c) {
  for (int q = 0; q < 4; ++q) {
    const __m512i eights = _mm512_cvtepu8_epi32(
        _mm_load_si128(reinterpret_cast<const __m128i*>(planes_[c][3] + 16 * q)));
    __m512i* counts = reinterpret_cast<__m512i*>(counts_[c] + 16 * q);
    _mm512_store_si512(counts, _mm512_add_epi32(_mm512_load_si512(counts),
                                                _mm512_slli_epi32(eights, 3)));
  }
  std::memset(planes_[c][3], 0, 64);
  flushes_[c] = 0;
}

HISTEQ_TARGET_AVX512_VBMI2 void BinnedCounter8::Finish(uint32_t hist[256]) {
  Drain();
  for (int c = 0; c < kClasses; ++c) {
    // The last samples padded to a block with zeros, taken off again.
    const int pad = fill_[c] > 0 ? 64 - fill_[c] : 0;
    if (pad > 0) {
      std::memset(buffer_[c] + fill_[c], 0, static_cast<size_t>(pad));
      CountBlocks(c, buffer_[c], 1);
    }
    Widen(c);
    alignas(64) uint8_t ones[64], twos[64], fours[64];
    _mm512_store_si512(ones, CountPlane(_mm512_load_si512(planes_[c][0])));
    _mm512_store_si512(twos, CountPlane(_mm512_load_si512(planes_[c][1])));
    _mm512_store_si512(fours, CountPlane(_mm512_load_si512(planes_[c][2])));
    counts_[c][0] -= static_cast<uint32_t>(pad);
    for (int v = 0; v < 64; ++v)
      hist[64 * c + v] += counts_[c][v] + 4u * fours[v] + 2u * twos[v] + ones[v];
    fill_[c] = 0;
  }
}

#else  // !HISTEQ_X86

bool BinnedCounter8::Works(int) { return false; }

#endif

}  // namespace histeq
