// GstHarness tests of the histeq element: every format at odd sizes with and
// without padded strides, range handling, negotiation, state changes and
// buffer metadata. Every output byte is checked against the plain reference.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

using frames::Frame;

const GstVideoFormat kFormats[] = {
    GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12,
    GST_VIDEO_FORMAT_NV12,  GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_Y41B,
    GST_VIDEO_FORMAT_Y42B,  GST_VIDEO_FORMAT_Y444, GST_VIDEO_FORMAT_NV16,
    GST_VIDEO_FORMAT_NV24,  GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_UYVY,
    GST_VIDEO_FORMAT_YVYU,  GST_VIDEO_FORMAT_AYUV, GST_VIDEO_FORMAT_VUYA,
};

struct Size {
  int width, height;
};
const Size kSizes[] = {{385, 289}, {322, 241}, {1, 1}, {2, 3}, {17, 9}};

using frames::ExpectSameBytes;
using frames::NewHarness;
using frames::Process;

TEST(Element, LoadedFromBuildTree) {
  GstElementFactory* factory = gst_element_factory_find("histeq");
  ASSERT_NE(factory, nullptr) << "histeq not in the test registry";
  GstPlugin* plugin = gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(factory));
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(std::string(gst_plugin_get_filename(plugin)),
            std::string(HISTEQ_PLUGIN_PATH));
  gst_object_unref(plugin);
  gst_object_unref(factory);
}

TEST(Element, MetadataReadsWell) {
  GstElementFactory* factory = gst_element_factory_find("histeq");
  ASSERT_NE(factory, nullptr);
  EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS),
               "Filter/Effect/Video");
  EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_LONGNAME),
               "Histogram equalization");
  EXPECT_GT(strlen(gst_element_factory_get_metadata(factory,
                                                    GST_ELEMENT_METADATA_DESCRIPTION)),
            20u);
  GstElement* e = gst_element_factory_create(factory, nullptr);
  guint n = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n);
  for (guint i = 0; i < n; ++i) {
    if (specs[i]->owner_type != G_OBJECT_TYPE(e)) continue;
    EXPECT_GT(strlen(g_param_spec_get_blurb(specs[i])), 20u) << specs[i]->name;
  }
  g_free(specs);
  gst_object_unref(e);
  gst_object_unref(factory);
}

// Every format, every size, with and without padding: Y equalized exactly
// as the reference (full range for GRAY8, limited for YUV by default), every
// other byte unchanged.
class ElementFormats
    : public ::testing::TestWithParam<std::tuple<GstVideoFormat, Size, bool>> {};

TEST_P(ElementFormats, LumaEqualizedOtherBytesUntouched) {
  const auto [format, size, padded] = GetParam();
  const GstVideoInfo info = frames::MakeInfo(format, size.width, size.height, padded);
  const Frame frame = frames::MakeSceneFrame(info, size.width * 7 + size.height);
  const bool limited = !GST_VIDEO_INFO_IS_GRAY(&info);

  GstHarness* h = NewHarness(info);
  ExpectSameBytes(Process(h, frame),
                  frames::ExpectedBytes(frame, frames::ExpectedLut(frame, limited)));
  gst_harness_teardown(h);
}

std::string FormatCaseName(
    const ::testing::TestParamInfo<std::tuple<GstVideoFormat, Size, bool>>& p) {
  const auto [format, size, padded] = p.param;
  return std::string(gst_video_format_to_string(format)) + "_" +
         std::to_string(size.width) + "x" + std::to_string(size.height) +
         (padded ? "_padded" : "");
}

INSTANTIATE_TEST_SUITE_P(AllFormats, ElementFormats,
                         ::testing::Combine(::testing::ValuesIn(kFormats),
                                            ::testing::ValuesIn(kSizes),
                                            ::testing::Bool()),
                         FormatCaseName);

TEST(Element, FullRangeYuvIsOpenCVExact) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YUY2,
                                GST_VIDEO_FORMAT_AYUV}) {
    const GstVideoInfo info =
        frames::MakeInfo(format, 321, 199, true, GST_VIDEO_COLOR_RANGE_0_255);
    const Frame frame = frames::MakeSceneFrame(info, 5);
    GstHarness* h = NewHarness(info);
    ExpectSameBytes(Process(h, frame),
                    frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
    gst_harness_teardown(h);
  }
}

TEST(Element, LimitedRangeStaysInside16To235) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_NV12, 200, 100, false,
                                             GST_VIDEO_COLOR_RANGE_16_235);
  // Input deliberately covers 0..255, super-black and super-white included.
  const Frame frame = frames::MakeFrame(info, testimg::MakeNoise(200, 100, 3), 3);
  GstHarness* h = NewHarness(info);
  const std::vector<uint8_t> out = Process(h, frame);
  ASSERT_EQ(out.size(), frame.bytes.size());
  for (size_t i = 0; i < 200u * 100u; ++i) {  // NV12 Y plane, unpadded
    ASSERT_GE(out[i], 16);
    ASSERT_LE(out[i], 235);
  }
  ExpectSameBytes(out, frames::ExpectedBytes(frame, frames::ExpectedLut(frame, true)));
  gst_harness_teardown(h);
}

TEST(Element, RangePropertyOverridesCaps) {
  struct Case {
    GstVideoFormat format;
    const char* range;
    bool limited;
  };
  for (const Case& c : {Case{GST_VIDEO_FORMAT_I420, "full", false},
                        Case{GST_VIDEO_FORMAT_I420, "limited", true},
                        Case{GST_VIDEO_FORMAT_GRAY8, "limited", true},
                        Case{GST_VIDEO_FORMAT_GRAY8, "auto", false},
                        Case{GST_VIDEO_FORMAT_I420, "auto", true}}) {
    SCOPED_TRACE(std::string(gst_video_format_to_string(c.format)) + " range=" + c.range);
    const GstVideoInfo info = frames::MakeInfo(c.format, 64, 48, false);
    const Frame frame = frames::MakeSceneFrame(info, 9);
    GstHarness* h = gst_harness_new("histeq");
    gst_util_set_object_arg(G_OBJECT(h->element), "range", c.range);
    gst_harness_set_src_caps(h, frames::MakeCaps(info));
    ExpectSameBytes(Process(h, frame),
                    frames::ExpectedBytes(frame, frames::ExpectedLut(frame, c.limited)));
    gst_harness_teardown(h);
  }
}

TEST(Element, RangeChangesWhilePlaying) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 50, 40, false);
  const Frame frame = frames::MakeSceneFrame(info, 2);
  GstHarness* h = NewHarness(info);
  ExpectSameBytes(Process(h, frame),
                  frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
  g_object_set(h->element, "range", 2 /* limited */, nullptr);
  ExpectSameBytes(Process(h, frame),
                  frames::ExpectedBytes(frame, frames::ExpectedLut(frame, true)));
  gst_harness_teardown(h);
}

TEST(Element, RangePropertyDefaultAndNicks) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "range");
  ASSERT_NE(spec, nullptr);
  EXPECT_TRUE(spec->flags & GST_PARAM_MUTABLE_PLAYING);
  GEnumClass* klass = G_ENUM_CLASS(g_type_class_ref(spec->value_type));
  EXPECT_STREQ(g_enum_get_value(klass, G_PARAM_SPEC_ENUM(spec)->default_value)->value_nick,
               "auto");
  EXPECT_NE(g_enum_get_value_by_nick(klass, "full"), nullptr);
  EXPECT_NE(g_enum_get_value_by_nick(klass, "limited"), nullptr);
  g_type_class_unref(klass);
  gst_object_unref(e);
}

// Collects what the histeq debug category says at WARNING or worse.
std::mutex g_log_mutex;
std::vector<std::string> g_warnings;

void CollectWarnings(GstDebugCategory* category, GstDebugLevel level, const gchar*,
                     const gchar*, gint, GObject*, GstDebugMessage* message, gpointer) {
  if (level > GST_LEVEL_WARNING ||
      std::string(gst_debug_category_get_name(category)) != "histeq")
    return;
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_warnings.emplace_back(gst_debug_message_get(message));
}

TEST(Element, RefusesUnsupportedFormatWithReadableMessage) {
  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_WARNING);
  gst_debug_add_log_function(CollectWarnings, nullptr, nullptr);

  GstHarness* h = gst_harness_new("histeq");
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_stream_start("rgb")));
  // A sticky event is stored whatever the peer says; the refusal shows on
  // the first buffer.
  GstCaps* rgb16 =
      gst_caps_from_string("video/x-raw,format=RGB16,width=64,height=48,framerate=30/1");
  gst_harness_push_event(h, gst_event_new_caps(rgb16));  // (transfer none)
  gst_caps_unref(rgb16);
  gst_harness_push_event(h, gst_event_new_segment(&segment));
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, 64 * 48 * 2, nullptr);
  EXPECT_EQ(gst_harness_push(h, buf), GST_FLOW_NOT_NEGOTIATED);
  EXPECT_EQ(gst_harness_buffers_received(h), 0u);
  gst_harness_teardown(h);

  gst_debug_remove_log_function(CollectWarnings);
  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_NONE);
  std::lock_guard<std::mutex> lock(g_log_mutex);
  bool explained = false;
  for (const auto& w : g_warnings)
    explained = explained || (w.find("refusing caps") != std::string::npos &&
                              w.find("RGB16") != std::string::npos &&
                              w.find("videoconvert") != std::string::npos);
  EXPECT_TRUE(explained) << "no readable warning in the histeq debug category";
}

TEST(Element, TemplateCapsListTheFormats) {
  GstElementFactory* factory = gst_element_factory_find("histeq");
  ASSERT_NE(factory, nullptr);
  GstCaps* rgb = gst_caps_from_string("video/x-raw,format=RGB16");
  GstCaps* i420 =
      gst_caps_from_string("video/x-raw,format=I420,width=385,height=289,framerate=30/1");
  EXPECT_FALSE(gst_element_factory_can_sink_any_caps(factory, rgb));
  EXPECT_TRUE(gst_element_factory_can_sink_all_caps(factory, i420));
  gst_caps_unref(rgb);
  gst_caps_unref(i420);
  gst_object_unref(factory);
}

TEST(Element, QosOffSoNoFrameIsDropped) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  gboolean qos = TRUE;
  g_object_get(e, "qos", &qos, nullptr);
  EXPECT_FALSE(qos);
  gst_object_unref(e);
}

TEST(Element, StateChangesRepeated) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  for (int i = 0; i < 200; ++i) {
    ASSERT_NE(gst_element_set_state(e, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    ASSERT_NE(gst_element_set_state(e, GST_STATE_NULL), GST_STATE_CHANGE_FAILURE);
  }
  gst_object_unref(e);

  // And with data flowing each time: every round trip still equalizes.
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 33, 17, true);
  const Frame frame = frames::MakeSceneFrame(info, 4);
  const std::vector<uint8_t> expected =
      frames::ExpectedBytes(frame, frames::ExpectedLut(frame, true));
  for (int i = 0; i < 25; ++i) {
    GstHarness* h = NewHarness(info);
    ExpectSameBytes(Process(h, frame), expected);
    gst_harness_teardown(h);
  }
}

TEST(Element, TimestampsFlagsAndMetasPreserved) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_NV12, 64, 36, true);
  GstHarness* h = NewHarness(info);
  GstCaps* ref_caps = gst_caps_from_string("timestamp/x-test");
  const GstBufferFlags flags[] = {
      GST_BUFFER_FLAG_DISCONT, GST_BUFFER_FLAG_DELTA_UNIT,
      static_cast<GstBufferFlags>(GST_BUFFER_FLAG_MARKER | GST_BUFFER_FLAG_DELTA_UNIT),
      static_cast<GstBufferFlags>(0)};
  for (int i = 0; i < 4; ++i) {
    const Frame frame = frames::MakeSceneFrame(info, 100 + i);
    GstBuffer* in = frames::MakeBuffer(frame);
    GST_BUFFER_PTS(in) = 1000 * GST_MSECOND + i * 40 * GST_MSECOND;
    GST_BUFFER_DTS(in) = 990 * GST_MSECOND + i * 40 * GST_MSECOND;
    GST_BUFFER_DURATION(in) = 40 * GST_MSECOND;
    GST_BUFFER_OFFSET(in) = 25 + i;
    GST_BUFFER_OFFSET_END(in) = 26 + i;
    GST_BUFFER_FLAG_SET(in, flags[i]);
    gst_buffer_add_reference_timestamp_meta(in, ref_caps, 12345 + i, 7);
    ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);

    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(GST_BUFFER_PTS(out), 1000 * GST_MSECOND + i * 40 * GST_MSECOND);
    EXPECT_EQ(GST_BUFFER_DTS(out), 990 * GST_MSECOND + i * 40 * GST_MSECOND);
    EXPECT_EQ(GST_BUFFER_DURATION(out), 40 * GST_MSECOND);
    EXPECT_EQ(GST_BUFFER_OFFSET(out), 25u + i);
    EXPECT_EQ(GST_BUFFER_OFFSET_END(out), 26u + i);
    const GstBufferFlags keep = static_cast<GstBufferFlags>(
        GST_BUFFER_FLAG_DISCONT | GST_BUFFER_FLAG_DELTA_UNIT | GST_BUFFER_FLAG_MARKER);
    // The first buffer after caps is DISCONT in any case.
    EXPECT_EQ(GST_BUFFER_FLAGS(out) & keep & ~(i == 0 ? GST_BUFFER_FLAG_DISCONT : 0),
              flags[i] & ~(i == 0 ? GST_BUFFER_FLAG_DISCONT : 0));
    GstReferenceTimestampMeta* meta = gst_buffer_get_reference_timestamp_meta(out, ref_caps);
    ASSERT_NE(meta, nullptr);
    EXPECT_EQ(meta->timestamp, static_cast<GstClockTime>(12345 + i));
    EXPECT_NE(gst_buffer_get_video_meta(out), nullptr);
    ExpectSameBytes(frames::BufferBytes(out),
                    frames::ExpectedBytes(frame, frames::ExpectedLut(frame, true)));
    gst_buffer_unref(out);
  }
  EXPECT_EQ(gst_harness_buffers_received(h), 4u);
  gst_caps_unref(ref_caps);
  gst_harness_teardown(h);
}

TEST(Element, NonWritableInputIsCopiedNotModified) {
  // As after a tee: the upstream still holds the buffer, so the element must
  // equalize a copy and leave the original bytes alone.
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_YUY2, 65, 33, true);
  const Frame frame = frames::MakeSceneFrame(info, 8);
  GstHarness* h = NewHarness(info);
  GstBuffer* in = frames::MakeBuffer(frame);
  gst_buffer_ref(in);
  ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  ASSERT_NE(out, nullptr);
  EXPECT_NE(out, in);
  ExpectSameBytes(frames::BufferBytes(in), frame.bytes);
  ExpectSameBytes(frames::BufferBytes(out),
                  frames::ExpectedBytes(frame, frames::ExpectedLut(frame, true)));
  gst_buffer_unref(out);
  gst_buffer_unref(in);
  gst_harness_teardown(h);
}

TEST(Element, EachFrameEqualizedOnItsOwn) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 97, 61, false);
  GstHarness* h = NewHarness(info);
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    const Frame frame =
        seed % 3 == 0 ? frames::MakeFrame(info, testimg::MakeFlat(97, 61, 40 + seed), seed)
                      : frames::MakeSceneFrame(info, seed);
    ExpectSameBytes(Process(h, frame),
                    frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
  }
  gst_harness_teardown(h);
}

TEST(Element, PhotographsMatchReferenceThroughElement) {
  for (const auto& name : testimg::TestPhotoNames()) {
    SCOPED_TRACE(name);
    const testimg::Image luma = testimg::LoadTestPhotoLuma(name);
    const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, luma.width,
                                               luma.height, true);
    const Frame frame = frames::MakeFrame(info, luma, 1);
    GstHarness* h = NewHarness(info);
    ExpectSameBytes(Process(h, frame),
                    frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
    gst_harness_teardown(h);
  }
}

}  // namespace
