#include "harness.h"

#include <gtest/gtest.h>

namespace frames {

GstHarness* NewHarness(const GstVideoInfo& info) {
  GstHarness* h = gst_harness_new("histeq");
  gst_harness_set_src_caps(h, MakeCaps(info));
  return h;
}

std::vector<uint8_t> Process(GstHarness* h, const Frame& frame) {
  EXPECT_EQ(gst_harness_push(h, MakeBuffer(frame)), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  EXPECT_NE(out, nullptr);
  if (!out) return {};
  std::vector<uint8_t> bytes = BufferBytes(out);
  gst_buffer_unref(out);
  return bytes;
}

void ExpectSameBytes(const std::vector<uint8_t>& got, const std::vector<uint8_t>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  int shown = 0;
  for (size_t i = 0; i < got.size() && shown < 5; ++i)
    if (got[i] != expected[i]) {
      ++shown;
      ADD_FAILURE() << "byte " << i << ": got " << int(got[i]) << ", expected "
                    << int(expected[i]);
    }
}

}  // namespace frames
