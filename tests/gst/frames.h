// Video frames for the element tests: any format and size, optionally with
// padded strides carried by a GstVideoMeta, luma filled with a low-contrast
// scene and every other byte random, plus the expected output computed from
// the plain reference (tests/common/reference.h).
#ifndef HISTEQ_TESTS_FRAMES_H_
#define HISTEQ_TESTS_FRAMES_H_

#include <gst/gst.h>
#include <gst/video/video.h>

#include <cstdint>
#include <vector>

#include "images.h"
#include "reference.h"

namespace frames {

// A layout for `format` at width x height; with `padded`, extra bytes on
// every side and 16-byte aligned strides, as a decoder pool would give.
GstVideoInfo MakeInfo(GstVideoFormat format, int width, int height, bool padded,
                      GstVideoColorRange range = GST_VIDEO_COLOR_RANGE_UNKNOWN);

// Caps for `info` (its width and height, not the padded ones).
GstCaps* MakeCaps(const GstVideoInfo& info);

struct Frame {
  GstVideoInfo info;
  std::vector<uint8_t> bytes;  // the whole buffer
  testimg::Image luma;         // the Y samples, packed
};

// A frame whose luma is `luma` (sized as the format's Y component) and whose
// other bytes are random from `seed`.
Frame MakeFrame(const GstVideoInfo& info, const testimg::Image& luma,
                uint32_t seed);
// A frame with a synthetic low-contrast scene as luma.
Frame MakeSceneFrame(const GstVideoInfo& info, uint32_t seed);

// A buffer holding the frame's bytes, with a GstVideoMeta describing its
// (possibly padded) layout.
GstBuffer* MakeBuffer(const Frame& frame);

// The bytes of `frame` with each Y sample v replaced by lut[v].
std::vector<uint8_t> ExpectedBytes(const Frame& frame, const ref::Lut& lut);

// The bytes of `frame` with its Y samples replaced by `luma`.
std::vector<uint8_t> BytesWithLuma(const Frame& frame, const testimg::Image& luma);

// The reference table for `frame` in full or limited range (identity for a
// flat frame in both).
ref::Lut ExpectedLut(const Frame& frame, bool limited);

// The bytes of a buffer.
std::vector<uint8_t> BufferBytes(GstBuffer* buffer);

}  // namespace frames

#endif  // HISTEQ_TESTS_FRAMES_H_
