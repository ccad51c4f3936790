// The SIMD levels a test compares: every one this machine runs (within
// HISTEQ_SIMD, when set), from plain C++ up; and a guard that caps the core
// at one for a scope.
#ifndef HISTEQ_TESTS_SIMD_LEVELS_H_
#define HISTEQ_TESTS_SIMD_LEVELS_H_

#include <vector>

#include "histeq/simd.h"

namespace testsimd {

// The levels the core can be capped at here: those up to the one it uses
// uncapped (the HISTEQ_SIMD environment variable may hold it lower).
inline std::vector<histeq::SimdLevel> Levels() {
  histeq::SetMaxSimd(histeq::SimdLevel::kBest);
  const histeq::SimdLevel top = histeq::ActiveSimd();
  std::vector<histeq::SimdLevel> levels;
  for (histeq::SimdLevel l : histeq::SupportedSimd()) {
    levels.push_back(l);
    if (l == top) break;
  }
  return levels;
}

inline const char* Name(histeq::SimdLevel l) { return histeq::SimdName(l); }

// Caps the core at a level; lifts the cap when the scope ends.
struct SimdCap {
  explicit SimdCap(histeq::SimdLevel l) { histeq::SetMaxSimd(l); }
  ~SimdCap() { histeq::SetMaxSimd(histeq::SimdLevel::kBest); }
  SimdCap(const SimdCap&) = delete;
  SimdCap& operator=(const SimdCap&) = delete;
};

}  // namespace testsimd

#endif  // HISTEQ_TESTS_SIMD_LEVELS_H_
