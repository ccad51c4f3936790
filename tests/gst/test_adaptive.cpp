// The element's adaptive mode, contrast limit and strength: every output
// byte against the plain reference (ref::Clahe, ref::Blend), including
// settings changed between frames while buffers flow and strength driven by
// a control source.
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "frames.h"
#include "harness.h"
#include "reference.h"

namespace {

using frames::Frame;

// The bytes the element must produce for `frame` in adaptive mode.
std::vector<uint8_t> ExpectedAdaptive(const Frame& frame, double clip, int tx, int ty,
                                      bool limited, double strength = 1.0) {
  return frames::BytesWithLuma(frame,
                               ref::Clahe(frame.luma, clip, tx, ty, limited, strength));
}

struct Size {
  int width, height;
};

class AdaptiveFormats
    : public ::testing::TestWithParam<std::tuple<GstVideoFormat, Size, bool>> {};

TEST_P(AdaptiveFormats, MatchesReferenceOtherBytesUntouched) {
  const auto [format, size, padded] = GetParam();
  const GstVideoInfo info = frames::MakeInfo(format, size.width, size.height, padded);
  const Frame frame = frames::MakeSceneFrame(info, size.width + 3 * size.height);
  GstHarness* h = gst_harness_new("histeq");
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "adaptive");
  gst_harness_set_src_caps(h, frames::MakeCaps(info));
  // Defaults: automatic clip (2), 8x8 tiles; GRAY8 full range, YUV limited.
  frames::ExpectSameBytes(frames::Process(h, frame),
                          ExpectedAdaptive(frame, 2.0, 8, 8, !GST_VIDEO_INFO_IS_GRAY(&info)));
  gst_harness_teardown(h);
}

std::string AdaptiveCaseName(
    const ::testing::TestParamInfo<std::tuple<GstVideoFormat, Size, bool>>& p) {
  const auto [format, size, padded] = p.param;
  return std::string(gst_video_format_to_string(format)) + "_" + std::to_string(size.width) +
         "x" + std::to_string(size.height) + (padded ? "_padded" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Formats, AdaptiveFormats,
    ::testing::Combine(::testing::Values(GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420,
                                         GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_Y41B,
                                         GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_UYVY,
                                         GST_VIDEO_FORMAT_AYUV, GST_VIDEO_FORMAT_VUYA),
                       ::testing::Values(Size{385, 289}, Size{17, 9}, Size{1, 1}, Size{2, 3}),
                       ::testing::Bool()),
    AdaptiveCaseName);

TEST(Adaptive, SettingsChangedBetweenFramesApplyToTheNextFrame) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 161, 97, true);
  GstHarness* h = frames::NewHarness(info);
  GObject* e = G_OBJECT(h->element);
  struct Step {
    const char* property;
    const char* value;
  };
  // Each step changes one property; the frame after it must show it.
  const Step steps[] = {{"mode", "adaptive"}, {"clip-limit", "1"},   {"tiles-x", "2"},
                        {"tiles-y", "3"},     {"clip-limit", "40"},  {"strength", "0.5"},
                        {"tiles-x", "16"},    {"tiles-y", "9"},      {"strength", "0"},
                        {"strength", "1"},    {"mode", "global"},    {"clip-limit", "0"},
                        {"strength", "0.3"},  {"mode", "adaptive"}, {"range", "limited"}};
  for (size_t i = 0; i < G_N_ELEMENTS(steps); ++i) {
    gst_util_set_object_arg(e, steps[i].property, steps[i].value);
    SCOPED_TRACE(std::string("after ") + steps[i].property + "=" + steps[i].value);
    gint mode = 0, range = 0;
    guint tx = 0, ty = 0;
    gdouble clip = 0, strength = 0;
    g_object_get(e, "mode", &mode, "tiles-x", &tx, "tiles-y", &ty, "clip-limit", &clip,
                 "strength", &strength, "range", &range, nullptr);
    const Frame frame = frames::MakeSceneFrame(info, 40 + static_cast<uint32_t>(i));
    const bool limited = range == 2;
    std::vector<uint8_t> expected;
    if (mode == 1) {
      expected = ExpectedAdaptive(frame, clip > 0 ? clip : 2.0, static_cast<int>(tx),
                                  static_cast<int>(ty), limited, strength);
    } else if (clip > 0) {
      expected = ExpectedAdaptive(frame, clip, 1, 1, limited, strength);
    } else {
      expected = frames::ExpectedBytes(
          frame, ref::Blend(frames::ExpectedLut(frame, limited), strength));
    }
    frames::ExpectSameBytes(frames::Process(h, frame), expected);
  }
  EXPECT_EQ(gst_harness_buffers_received(h), G_N_ELEMENTS(steps));
  gst_harness_teardown(h);
}

TEST(Adaptive, StrengthZeroIsByteIdentity) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_NV12,
                                GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_AYUV}) {
    for (const char* mode : {"global", "adaptive"}) {
      const GstVideoInfo info = frames::MakeInfo(format, 99, 51, true);
      const Frame frame = frames::MakeSceneFrame(info, 3);
      GstHarness* h = gst_harness_new("histeq");
      gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
      g_object_set(h->element, "strength", 0.0, nullptr);
      gst_harness_set_src_caps(h, frames::MakeCaps(info));
      frames::ExpectSameBytes(frames::Process(h, frame), frame.bytes);
      gst_harness_teardown(h);
    }
  }
}

TEST(Adaptive, GlobalClipLimitIsOneTileClahe) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 130, 70, false);
  const Frame frame = frames::MakeSceneFrame(info, 6);
  GstHarness* h = frames::NewHarness(info);
  g_object_set(h->element, "clip-limit", 3.0, nullptr);
  frames::ExpectSameBytes(frames::Process(h, frame), ExpectedAdaptive(frame, 3.0, 1, 1, false));
  gst_harness_teardown(h);
}

TEST(Adaptive, StrengthFollowsControlSource) {
  // strength ramps linearly from 0 at 0 s to 1 at 1 s; each frame takes the
  // value at its timestamp.
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 80, 60, false);
  GstHarness* h = frames::NewHarness(info);
  GstControlSource* cs = gst_interpolation_control_source_new();
  g_object_set(cs, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
  GstTimedValueControlSource* tv = GST_TIMED_VALUE_CONTROL_SOURCE(cs);
  gst_timed_value_control_source_set(tv, 0, 0.0);
  gst_timed_value_control_source_set(tv, GST_SECOND, 1.0);
  ASSERT_TRUE(gst_object_add_control_binding(
      GST_OBJECT(h->element), gst_direct_control_binding_new(GST_OBJECT(h->element), "strength", cs)));

  for (double s : {0.0, 0.25, 0.5, 1.0}) {
    const Frame frame = frames::MakeSceneFrame(info, 9);
    GstBuffer* buf = frames::MakeBuffer(frame);
    GST_BUFFER_PTS(buf) = static_cast<GstClockTime>(s * GST_SECOND);
    ASSERT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(out, nullptr);
    SCOPED_TRACE("strength " + std::to_string(s));
    frames::ExpectSameBytes(frames::BufferBytes(out),
                            frames::ExpectedBytes(frame, ref::Blend(frames::ExpectedLut(frame, false), s)));
    gst_buffer_unref(out);
  }
  gst_object_unref(cs);
  gst_harness_teardown(h);
}

TEST(Adaptive, PropertiesRefuseOutOfRange) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  struct Range {
    const char* name;
    double min, max, def;
  };
  for (const Range& r : {Range{"clip-limit", 0, 1000, 0}, Range{"strength", 0, 1, 1},
                         Range{"tiles-x", 1, 64, 8}, Range{"tiles-y", 1, 64, 8}}) {
    GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(e), r.name);
    ASSERT_NE(spec, nullptr) << r.name;
    EXPECT_TRUE(spec->flags & GST_PARAM_MUTABLE_PLAYING) << r.name;
    GValue v = G_VALUE_INIT;
    g_value_init(&v, spec->value_type);
    g_param_value_set_default(spec, &v);
    const double def = G_VALUE_HOLDS_DOUBLE(&v) ? g_value_get_double(&v) : g_value_get_uint(&v);
    EXPECT_EQ(def, r.def) << r.name;
    // A value past either end is not valid for the spec (GLib then warns and
    // leaves the property as it was).
    if (G_VALUE_HOLDS_DOUBLE(&v)) g_value_set_double(&v, r.max + 1);
    else g_value_set_uint(&v, static_cast<guint>(r.max + 1));
    EXPECT_TRUE(g_param_value_validate(spec, &v)) << r.name << " accepts max + 1";
    if (r.min > 0) {
      g_value_set_uint(&v, static_cast<guint>(r.min - 1));
      EXPECT_TRUE(g_param_value_validate(spec, &v)) << r.name << " accepts min - 1";
    } else {
      g_value_set_double(&v, r.min - 0.5);
      EXPECT_TRUE(g_param_value_validate(spec, &v)) << r.name << " accepts min - 0.5";
    }
    g_value_unset(&v);
  }
  GParamSpec* strength = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "strength");
  EXPECT_TRUE(strength->flags & GST_PARAM_CONTROLLABLE);
  gst_object_unref(e);
}

}  // namespace
