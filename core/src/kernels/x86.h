// The x86 intrinsics, for the kernels files compiled with AVX2 or AVX-512
// target flags. GCC 12 takes the undefined vectors inside some AVX-512
// intrinsics for uninitialised variables (GCC bug 105593); the warning is
// about its header, so it is off while the header is read.
#ifndef HISTEQ_SRC_KERNELS_X86_H_
#define HISTEQ_SRC_KERNELS_X86_H_

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // HISTEQ_SRC_KERNELS_X86_H_
