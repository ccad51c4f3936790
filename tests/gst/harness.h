// Driving the element through GstHarness in the element tests.
#ifndef HISTEQ_TESTS_HARNESS_H_
#define HISTEQ_TESTS_HARNESS_H_

#include <gst/check/gstharness.h>

#include <cstdint>
#include <vector>

#include "frames.h"

namespace frames {

// A histeq harness with `info`'s caps set on its source.
GstHarness* NewHarness(const GstVideoInfo& info);

// Pushes `frame`, pulls the result and returns its bytes.
std::vector<uint8_t> Process(GstHarness* h, const Frame& frame);

// Fails the current test at the first differing bytes, saying where.
void ExpectSameBytes(const std::vector<uint8_t>& got, const std::vector<uint8_t>& expected);

}  // namespace frames

#endif  // HISTEQ_TESTS_HARNESS_H_
