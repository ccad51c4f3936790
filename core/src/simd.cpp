#include "histeq/simd.h"

#include <atomic>

namespace histeq {
namespace {

std::atomic<int> g_max_level{static_cast<int>(SimdLevel::kBest)};

}  // namespace

SimdLevel DetectedSimd() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    // libgcc checks that the OS saves the vector state (XCR0) too.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi")) {
      if (__builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("gfni") &&
          __builtin_cpu_supports("avx512bitalg") && __builtin_cpu_supports("popcnt"))
        return SimdLevel::kAvx512Vbmi2;
      return SimdLevel::kAvx512Vbmi;
    }
    if (__builtin_cpu_supports("avx2")) return SimdLevel::kAvx2;
    if (__builtin_cpu_supports("sse2")) return SimdLevel::kSse2;
    return SimdLevel::kScalar;
  }();
  return level;
#else
  return SimdLevel::kScalar;
#endif
}

SimdLevel ActiveSimd() {
  const int detected = static_cast<int>(DetectedSimd());
  const int cap = g_max_level.load(std::memory_order_relaxed);
  return static_cast<SimdLevel>(detected < cap ? detected : cap);
}

void SetMaxSimd(SimdLevel level) {
  g_max_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

}  // namespace histeq
