// The SIMD levels a test compares: every one this machine has, from plain
// C++ up; and a guard that caps the core at one for a scope.
#ifndef HISTEQ_TESTS_SIMD_LEVELS_H_
#define HISTEQ_TESTS_SIMD_LEVELS_H_

#include <vector>

#include "histeq/simd.h"

namespace testsimd {

inline std::vector<histeq::SimdLevel> Levels() {
  std::vector<histeq::SimdLevel> levels;
  for (int l = 0; l <= static_cast<int>(histeq::SimdLevel::kBest); ++l)
    if (l <= static_cast<int>(histeq::DetectedSimd()))
      levels.push_back(static_cast<histeq::SimdLevel>(l));
  return levels;
}

inline const char* Name(histeq::SimdLevel l) {
  switch (l) {
    case histeq::SimdLevel::kScalar: return "scalar";
    case histeq::SimdLevel::kSse2: return "SSE2";
    case histeq::SimdLevel::kAvx2: return "AVX2";
    case histeq::SimdLevel::kAvx512Vbmi: return "AVX-512 VBMI";
    case histeq::SimdLevel::kAvx512Vbmi2: return "AVX-512 VBMI2/GFNI/BITALG";
  }
  return "?";
}

// Caps the core at a level; restores the best when the scope ends.
struct SimdCap {
  explicit SimdCap(histeq::SimdLevel l) { histeq::SetMaxSimd(l); }
  ~SimdCap() { histeq::SetMaxSimd(histeq::SimdLevel::kBest); }
  SimdCap(const SimdCap&) = delete;
  SimdCap& operator=(const SimdCap&) = delete;
};

}  // namespace testsimd

#endif  // HISTEQ_TESTS_SIMD_LEVELS_H_
