// Which vector instructions the core uses, chosen at run time from the CPU.
// Every level gives the same bytes; a cap is for bug reports and for
// measuring one path on a machine that has more.
#ifndef HISTEQ_SIMD_H_
#define HISTEQ_SIMD_H_

#include <vector>

#include "histeq/api.h"

namespace histeq {

enum class SimdLevel {
  kScalar = 0,       // plain C++ only
  kSse2 = 1,         // x86-64 baseline
  kAvx2 = 2,         // x86-64: AVX2
  kAvx512 = 3,       // x86-64: AVX-512 F, BW and VBMI (64-byte table lookups)
  kAvx512Vbmi2 = 4,  // ... and VBMI2, GFNI, BITALG (the 8-bit histogram as bit counts)
  kNeon = 16,        // aarch64: Advanced SIMD
  kBest = 255,       // as a cap: none
};

// The best level this CPU supports and this build has.
HISTEQ_API SimdLevel DetectedSimd();

// Every level this CPU supports, from kScalar up.
HISTEQ_API std::vector<SimdLevel> SupportedSimd();

// The level the core uses: the best supported one within both caps, the
// HISTEQ_SIMD environment variable's (read once, when the core is first
// used) and SetMaxSimd's. Caps compare by rank: scalar, then the
// architecture's baseline (sse2, neon), then avx2, avx512, avx512vbmi2; a
// level this CPU lacks caps at the best it has below it.
HISTEQ_API SimdLevel ActiveSimd();
HISTEQ_API void SetMaxSimd(SimdLevel cap);

// "scalar", "sse2", "avx2", "avx512vbmi", "avx512vbmi2", "neon".
HISTEQ_API const char* SimdName(SimdLevel level);
// Those names, and "avx512" for the best AVX-512 level, "best" for no cap.
HISTEQ_API bool SimdFromName(const char* name, SimdLevel* level);

// HISTEQ_SIMD as the core read it (nullptr when unset), and whether it named
// a level (`understood`); a value it did not understand caps nothing.
HISTEQ_API const char* SimdEnvironment(bool* understood);

}  // namespace histeq

#endif  // HISTEQ_SIMD_H_
