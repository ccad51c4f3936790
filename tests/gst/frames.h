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
  testimg::Image luma;         // the Y samples, packed (8-bit formats)
  ref::Codes codes;            // the Y code values (deeper formats)
  testimg::Image rgb;          // R, G, B (RGB formats)
};

// Byte offset of component `comp`'s sample (x, y) in a buffer laid out as
// `info`.
size_t SampleOffset(const GstVideoInfo& info, int comp, int x, int y);

// A frame of a 10 to 16-bit format whose Y code values are `codes`, written
// as the format stores them; other bytes random from `seed`.
Frame MakeDeepFrame(const GstVideoInfo& info, const ref::Codes& codes, uint32_t seed);
// The bytes of `frame` with its Y code values replaced by `codes`.
std::vector<uint8_t> BytesWithCodes(const Frame& frame, const ref::Codes& codes);
// The Y code values of a deep-format buffer's bytes.
ref::Codes ReadCodes(const Frame& frame, const std::vector<uint8_t>& bytes);

// A frame of an RGB format holding `rgb` (3 channels); alpha, x and padding
// bytes random from `seed`.
Frame MakeRgbFrame(const GstVideoInfo& info, const testimg::Image& rgb, uint32_t seed);
// R, G, B of an RGB-format buffer's bytes.
testimg::Image ReadRgb(const Frame& frame, const std::vector<uint8_t>& bytes);
// True if every byte that is not a colour sample (R, G, B; or Y for the
// other formats) is the same in `bytes` as in `frame`.
bool OnlySamplesChanged(const Frame& frame, const std::vector<uint8_t>& bytes);

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
