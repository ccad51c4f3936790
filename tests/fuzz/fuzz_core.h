// The core under arbitrary input: the bytes choose a plane layout (8-bit with
// any pixel step, 10 to 16-bit of either byte order and alignment, packed or
// planar RGB), its size (1x1 up to 4096 wide), row padding, the parameters
// (mode, tiles, clip limit, strength, range, smoothing, threads, report and
// overlay) and the samples, either of one to three frames with the same
// settings or of a sequence of up to eight frames through the same
// equalizers with settings, layout and size changing between them (the
// formats are described above Decode in fuzz_core.cpp). Used by the libFuzzer
// target (tests/fuzz/fuzz_target.cpp, scripts/fuzz.sh) and by the corpus
// replay in every test run.
#ifndef HISTEQ_TESTS_FUZZ_CORE_H_
#define HISTEQ_TESTS_FUZZ_CORE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace fuzz {

// Runs the case that `data` describes and returns "" if every invariant
// held, else what broke: a byte outside the samples changed (padding,
// chroma, alpha), a sample left the range or the depth, strength 0 was not
// the identity, the scalar single-thread result differs from the SIMD
// multi-thread one, a report's histogram does not count every pixel once,
// or the equalizers took more than 256 MiB of memory at their peak (issue
// 21's bound; live heap bytes in a sanitizer build, else the resident set).
// Memory errors are for the sanitizers to catch.
std::string CheckCore(const uint8_t* data, size_t size);

// From now on, abort at once, with a message, when an allocation takes the
// equalizers past the memory bound, rather than report it after the case:
// for the libFuzzer target, where a runaway case would otherwise end as a
// timeout or libFuzzer's own out-of-memory. Sanitizer builds only (they
// have the allocation hooks); elsewhere a no-op.
void AbortAtMemoryBound();

}  // namespace fuzz

#endif  // HISTEQ_TESTS_FUZZ_CORE_H_
