// The x86 vector intrinsics the core's run-time-dispatched paths use, and
// the target attributes that compile each path (the build itself targets
// only the x86-64 baseline). HISTEQ_X86 is defined when they are available.
#ifndef HISTEQ_SRC_X86_H_
#define HISTEQ_SRC_X86_H_

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12 takes the undefined vectors inside some AVX-512 intrinsics for
// uninitialised variables (GCC bug 105593); the warning is about its header.
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#define HISTEQ_X86 1
#define HISTEQ_TARGET_AVX2 __attribute__((target("avx2")))
// SimdLevel::kAvx512Vbmi: F, BW and VBMI together.
#define HISTEQ_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vbmi")))
// SimdLevel::kAvx512Vbmi2: those and VBMI2, GFNI, BITALG (and POPCNT).
#define HISTEQ_TARGET_AVX512_VBMI2 \
  __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,gfni,avx512bitalg,popcnt")))
#endif

#endif  // HISTEQ_SRC_X86_H_
