// clip-spread: the property's default (all, OpenCV's, the bytes of before),
// its values, and range against the plain reference (ref::RangeClippedLut)
// on 8-bit and 16-bit frames, limited and full range, with strength.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

using frames::Frame;

std::vector<uint16_t> Finished(const ref::Codes& c, double clip, bool limited, double strength) {
  std::vector<uint16_t> lut = ref::RangeClippedLut(c, clip);
  bool flat = true;
  for (size_t v = 0; v < lut.size(); ++v) flat = flat && lut[v] == v;
  if (flat) return lut;
  if (limited) lut = ref::ToLimited(lut, c.depth);
  return ref::Blend(lut, strength);
}

TEST(ClipSpread, DefaultIsAllAndUnchanged) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  gint spread = -1;
  g_object_get(e, "clip-spread", &spread, nullptr);
  EXPECT_EQ(spread, 0);
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "clip-spread");
  ASSERT_NE(spec, nullptr);
  EXPECT_TRUE(spec->flags & GST_PARAM_MUTABLE_PLAYING);
  GEnumClass* k = G_ENUM_CLASS(g_type_class_ref(spec->value_type));
  EXPECT_NE(g_enum_get_value_by_nick(k, "all"), nullptr);
  EXPECT_NE(g_enum_get_value_by_nick(k, "range"), nullptr);
  g_type_class_unref(k);
  gst_object_unref(e);

  // clip-limit 3 with the default spread: cv::createCLAHE(3, 1x1), as before.
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 385, 289, true);
  const Frame frame = frames::MakeSceneFrame(info, 3);
  GstHarness* h = frames::NewHarness(info);
  g_object_set(h->element, "clip-limit", 3.0, nullptr);
  frames::ExpectSameBytes(frames::Process(h, frame),
                          frames::BytesWithLuma(frame, ref::Clahe(frame.luma, 3.0, 1, 1)));
  gst_util_set_object_arg(G_OBJECT(h->element), "clip-spread", "all");
  frames::ExpectSameBytes(frames::Process(h, frame),
                          frames::BytesWithLuma(frame, ref::Clahe(frame.luma, 3.0, 1, 1)));
  gst_harness_teardown(h);
}

TEST(ClipSpread, RangeMatchesReference8) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YUY2}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    const GstVideoInfo info = frames::MakeInfo(format, 322, 241, true);
    const Frame frame = frames::MakeSceneFrame(info, 7);
    const bool limited = !GST_VIDEO_INFO_IS_GRAY(&info);
    GstHarness* h = frames::NewHarness(info);
    gst_util_set_object_arg(G_OBJECT(h->element), "clip-spread", "range");
    for (double clip : {1.5, 3.0})
      for (double strength : {1.0, 0.8}) {
        g_object_set(h->element, "clip-limit", clip, "strength", strength, nullptr);
        const std::vector<uint8_t> out = frames::Process(h, frame);
        EXPECT_TRUE(frames::OnlySamplesChanged(frame, out));
        const std::vector<uint16_t> lut =
            Finished(ref::ToCodes(frame.luma), clip, limited, strength);
        frames::ExpectSameBytes(
            out, frames::BytesWithLuma(frame, ref::ToImage(ref::Apply(ref::ToCodes(frame.luma), lut))));
      }
    gst_harness_teardown(h);
  }
}

TEST(ClipSpread, RangeMatchesReference16) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_GRAY16_LE, GST_VIDEO_FORMAT_P010_10LE}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    const GstVideoInfo info = frames::MakeInfo(format, 161, 97, true);
    const int w = GST_VIDEO_INFO_COMP_WIDTH(&info, 0), hh = GST_VIDEO_INFO_COMP_HEIGHT(&info, 0);
    const int depth = GST_VIDEO_INFO_COMP_DEPTH(&info, 0);
    const Frame frame = frames::MakeDeepFrame(
        info, ref::Deepen(testimg::MakeScene(w, hh, 5), depth, 5), 5);
    GstHarness* h = frames::NewHarness(info);
    gst_util_set_object_arg(G_OBJECT(h->element), "clip-spread", "range");
    g_object_set(h->element, "clip-limit", 1.5, "strength", 0.8, nullptr);
    const std::vector<uint8_t> out = frames::Process(h, frame);
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, out));
    const auto lut = Finished(frame.codes, 1.5, !GST_VIDEO_INFO_IS_GRAY(&info), 0.8);
    frames::ExpectSameBytes(out, frames::BytesWithCodes(frame, ref::Apply(frame.codes, lut)));
    gst_harness_teardown(h);
  }
}

}  // namespace
