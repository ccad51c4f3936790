// Which vector instructions the core uses, chosen at run time from the CPU.
#ifndef HISTEQ_SIMD_H_
#define HISTEQ_SIMD_H_

namespace histeq {

enum class SimdLevel {
  kScalar = 0,  // plain C++ only
  kSse2 = 1,    // x86-64 baseline
  kAvx2 = 2,
  kAvx512Vbmi = 3,  // AVX-512 F/BW/VBMI: 64-byte table lookups (vpermi2b)
  // ... and VBMI2, GFNI and BITALG (Ice Lake, Zen 4 and later): byte
  // compression (vpcompressb) and bit counts for the 8-bit histogram
  kAvx512Vbmi2 = 4,
  kBest = kAvx512Vbmi2,
};

// The best level this CPU supports (and this build can use).
SimdLevel DetectedSimd();

// The level the core uses: the detected one, capped by SetMaxSimd. Every
// level gives the same bytes; the cap is for tests and benchmarks that
// compare the paths.
SimdLevel ActiveSimd();
void SetMaxSimd(SimdLevel level);

}  // namespace histeq

#endif  // HISTEQ_SIMD_H_
