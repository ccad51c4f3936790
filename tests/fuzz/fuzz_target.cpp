// libFuzzer entry point for the core (built by scripts/fuzz.sh with clang,
// -fsanitize=fuzzer,address,undefined). A broken invariant aborts, so the
// fuzzer keeps the input as a crash.
#include <cstdio>
#include <cstdlib>

#include "fuzz_core.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::AbortAtMemoryBound();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = fuzz::CheckCore(data, size);
  if (!problem.empty()) {
    std::fprintf(stderr, "histeq fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
