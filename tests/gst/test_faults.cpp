// What a pipeline can throw at the element: caps renegotiation mid-stream,
// flushing seeks, EOS before any buffer, GAP events and buffers, a buffer
// shorter than its caps, non-writable input behind a tee, interlaced caps,
// and frames from 1x1 up to 8192x8192. Every frame that is processed is
// checked against the plain reference; nothing may crash or go missing.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

using frames::ExpectSameBytes;
using frames::Frame;
using frames::NewHarness;
using frames::Process;

// The expected output of one frame equalized on its own (8-bit formats).
std::vector<uint8_t> Expected(const Frame& frame) {
  const bool limited = frame.info.colorimetry.range != GST_VIDEO_COLOR_RANGE_0_255;
  return frames::ExpectedBytes(frame, frames::ExpectedLut(frame, limited));
}

TEST(Faults, RenegotiationMidStreamSizeFormatAndRange) {
  struct Step {
    GstVideoFormat format;
    int width, height;
    GstVideoColorRange range;
  };
  const Step steps[] = {
      {GST_VIDEO_FORMAT_GRAY8, 64, 48, GST_VIDEO_COLOR_RANGE_0_255},
      {GST_VIDEO_FORMAT_I420, 97, 51, GST_VIDEO_COLOR_RANGE_16_235},
      {GST_VIDEO_FORMAT_I420, 97, 51, GST_VIDEO_COLOR_RANGE_0_255},
      {GST_VIDEO_FORMAT_NV12, 33, 17, GST_VIDEO_COLOR_RANGE_16_235},
      {GST_VIDEO_FORMAT_YUY2, 1, 1, GST_VIDEO_COLOR_RANGE_16_235},
      {GST_VIDEO_FORMAT_AYUV, 321, 7, GST_VIDEO_COLOR_RANGE_0_255},
      {GST_VIDEO_FORMAT_GRAY8, 640, 360, GST_VIDEO_COLOR_RANGE_0_255},
  };
  for (const char* mode : {"global", "adaptive"}) {
    GstHarness* h = gst_harness_new("histeq");
    gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
    uint32_t seed = 1;
    for (const Step& s : steps) {
      const GstVideoInfo info = frames::MakeInfo(s.format, s.width, s.height, true, s.range);
      gst_harness_set_src_caps(h, frames::MakeCaps(info));
      for (int i = 0; i < 2; ++i) {
        const Frame frame = frames::MakeSceneFrame(info, seed++);
        const std::vector<uint8_t> out = Process(h, frame);
        if (std::string(mode) == "global") {
          ExpectSameBytes(out, Expected(frame));
        } else {
          const bool limited = s.range == GST_VIDEO_COLOR_RANGE_16_235;
          ExpectSameBytes(out, frames::BytesWithLuma(
                                   frame, ref::Clahe(frame.luma, 2.0, 8, 8, limited)));
        }
      }
    }
    EXPECT_EQ(gst_harness_buffers_received(h), 2u * std::size(steps));
    gst_harness_teardown(h);
  }
}

TEST(Faults, EosWithoutBuffers) {
  GstHarness* h = NewHarness(frames::MakeInfo(GST_VIDEO_FORMAT_I420, 64, 48, false));
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  bool eos = false;
  while (GstEvent* e = gst_harness_try_pull_event(h)) {
    eos = eos || GST_EVENT_TYPE(e) == GST_EVENT_EOS;
    gst_event_unref(e);
  }
  EXPECT_TRUE(eos);
  EXPECT_EQ(gst_harness_buffers_received(h), 0u);
  gst_harness_teardown(h);

  // The same in a pipeline: a source with nothing to give.
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc num-buffers=0 ! video/x-raw,format=NV12,width=64,height=48 ! "
      "histeq mode=adaptive smoothing=5 ! fakesink",
      &error);
  ASSERT_NE(pipeline, nullptr) << (error ? error->message : "");
  ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* msg = gst_bus_timed_pop_filtered(
      bus, 10 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_NE(msg, nullptr) << "no EOS within 10 s";
  EXPECT_EQ(GST_MESSAGE_TYPE(msg), GST_MESSAGE_EOS);
  gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}

TEST(Faults, GapEventsAndGapBuffersPassThrough) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_NV12, 65, 33, true);
  GstHarness* h = NewHarness(info);
  g_object_set(h->element, "smoothing", 10u, nullptr);
  // A first real frame starts the stream.
  const Frame first = frames::MakeSceneFrame(info, 1);
  ExpectSameBytes(Process(h, first), Expected(first));

  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_gap(GST_SECOND, 40 * GST_MSECOND)));
  bool gap = false;
  while (GstEvent* e = gst_harness_try_pull_event(h)) {
    gap = gap || GST_EVENT_TYPE(e) == GST_EVENT_GAP;
    gst_event_unref(e);
  }
  EXPECT_TRUE(gap) << "GAP event not forwarded";

  // A GAP buffer holds neutral filler: it goes out as it came, still marked,
  // and does not enter the running histogram.
  const Frame filler = frames::MakeSceneFrame(info, 2);
  GstBuffer* in = frames::MakeBuffer(filler);
  GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_GAP);
  GST_BUFFER_PTS(in) = 2 * GST_SECOND;
  ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP));
  EXPECT_EQ(GST_BUFFER_PTS(out), 2 * GST_SECOND);
  ExpectSameBytes(frames::BufferBytes(out), filler.bytes);
  gst_buffer_unref(out);

  // The same frame again: with smoothing its mapping is the running one, so
  // the GAP buffer in between must not have moved it.
  ExpectSameBytes(Process(h, first), Expected(first));
  gst_harness_teardown(h);
}

TEST(Faults, ShortBufferIsAnElementErrorNotACrash) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 320, 240, false);
  GstHarness* h = NewHarness(info);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  // Half the bytes the caps promise, and no GstVideoMeta to say otherwise.
  GstBuffer* in = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info) / 2, nullptr);
  gst_buffer_memset(in, 0, 77, gst_buffer_get_size(in));
  EXPECT_EQ(gst_harness_push(h, in), GST_FLOW_ERROR);
  EXPECT_EQ(gst_harness_buffers_received(h), 0u);
  GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(msg, nullptr) << "no error message on the bus";
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(msg, &error, &debug);
  const std::string text = std::string(error->message) + " " + (debug ? debug : "");
  EXPECT_NE(text.find("57600"), std::string::npos) << text;   // what came
  EXPECT_NE(text.find("115200"), std::string::npos) << text;  // what the caps need
  g_error_free(error);
  g_free(debug);
  gst_message_unref(msg);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

// appsrc ! tee, one branch through histeq, the other straight to a sink: the
// plain branch must see the bytes that were pushed.
TEST(Faults, TeeBranchSeesOriginalBytes) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 161, 97, false);
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "appsrc name=src format=time ! tee name=t "
      "t. ! queue ! histeq ! appsink name=eq sync=false "
      "t. ! queue ! appsink name=plain sync=false",
      &error);
  ASSERT_NE(pipeline, nullptr) << (error ? error->message : "");
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* eq = gst_bin_get_by_name(GST_BIN(pipeline), "eq");
  GstElement* plain = gst_bin_get_by_name(GST_BIN(pipeline), "plain");
  GstCaps* caps = frames::MakeCaps(info);
  gst_app_src_set_caps(GST_APP_SRC(src), caps);
  gst_caps_unref(caps);
  ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  std::vector<Frame> sent;
  for (uint32_t i = 0; i < 5; ++i) {
    sent.push_back(frames::MakeSceneFrame(info, 40 + i));
    GstBuffer* buf = frames::MakeBuffer(sent.back());
    GST_BUFFER_PTS(buf) = i * 40 * GST_MSECOND;
    ASSERT_EQ(gst_app_src_push_buffer(GST_APP_SRC(src), buf), GST_FLOW_OK);
  }
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  for (const Frame& frame : sent) {
    GstSample* a = gst_app_sink_try_pull_sample(GST_APP_SINK(eq), 10 * GST_SECOND);
    GstSample* b = gst_app_sink_try_pull_sample(GST_APP_SINK(plain), 10 * GST_SECOND);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ExpectSameBytes(frames::BufferBytes(gst_sample_get_buffer(a)), Expected(frame));
    ExpectSameBytes(frames::BufferBytes(gst_sample_get_buffer(b)), frame.bytes);
    gst_sample_unref(a);
    gst_sample_unref(b);
  }
  EXPECT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(eq)) ||
              gst_app_sink_try_pull_sample(GST_APP_SINK(eq), 5 * GST_SECOND) == nullptr);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(src);
  gst_object_unref(eq);
  gst_object_unref(plain);
  gst_object_unref(pipeline);
}

// A flushing seek on a live file-like source: the frames after it are each
// correct (the temporal state restarts, so the first equals the per-frame
// result) and carry the new segment's timestamps.
TEST(Faults, FlushingSeeks) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc pattern=ball ! "
      "video/x-raw,format=GRAY8,width=96,height=64,framerate=25/1 ! "
      "tee name=t t. ! queue ! histeq smoothing=10 ! appsink name=eq sync=false "
      "t. ! queue ! appsink name=plain sync=false",
      &error);
  ASSERT_NE(pipeline, nullptr) << (error ? error->message : "");
  GstElement* eq = gst_bin_get_by_name(GST_BIN(pipeline), "eq");
  GstElement* plain = gst_bin_get_by_name(GST_BIN(pipeline), "plain");
  ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 10 * GST_SECOND),
            GST_STATE_CHANGE_SUCCESS);
  ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 96, 64, false);

  for (GstClockTime target : {2 * GST_SECOND, 0 * GST_SECOND, 7 * GST_SECOND}) {
    for (int i = 0; i < 3; ++i) {  // some frames before the seek
      GstSample* s = gst_app_sink_try_pull_sample(GST_APP_SINK(eq), 10 * GST_SECOND);
      ASSERT_NE(s, nullptr);
      gst_sample_unref(s);
    }
    ASSERT_TRUE(gst_element_seek_simple(
        pipeline, GST_FORMAT_TIME,
        static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE), target));
    // Samples queued before the flush are dropped by the sinks; the first
    // one from the new segment starts at the target.
    GstSample* a = gst_app_sink_try_pull_sample(GST_APP_SINK(eq), 10 * GST_SECOND);
    GstSample* b = gst_app_sink_try_pull_sample(GST_APP_SINK(plain), 10 * GST_SECOND);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    GstBuffer* out = gst_sample_get_buffer(a);
    GstBuffer* in = gst_sample_get_buffer(b);
    EXPECT_EQ(GST_BUFFER_PTS(out), target);
    EXPECT_EQ(GST_BUFFER_PTS(in), target);
    Frame frame;
    frame.info = info;
    frame.bytes = frames::BufferBytes(in);
    frame.luma.width = 96;  // GRAY8 at 96 wide: rows are not padded
    frame.luma.height = 64;
    frame.luma.pixels = frame.bytes;
    ExpectSameBytes(frames::BufferBytes(out), Expected(frame));
    gst_sample_unref(a);
    gst_sample_unref(b);
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* err = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  EXPECT_EQ(err, nullptr);
  if (err) gst_message_unref(err);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(eq);
  gst_object_unref(plain);
  gst_object_unref(pipeline);
}

TEST(Faults, InterlacedFramesAreEqualizedWholeFlagsKept) {
  for (GstVideoInterlaceMode mode :
       {GST_VIDEO_INTERLACE_MODE_INTERLEAVED, GST_VIDEO_INTERLACE_MODE_MIXED}) {
    GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 121, 67, true);
    GST_VIDEO_INFO_INTERLACE_MODE(&info) = mode;
    GstHarness* h = NewHarness(info);
    const Frame frame = frames::MakeSceneFrame(info, 9);
    GstBuffer* in = frames::MakeBuffer(frame);
    GST_BUFFER_FLAG_SET(in, GST_VIDEO_BUFFER_FLAG_INTERLACED | GST_VIDEO_BUFFER_FLAG_TFF);
    ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);
    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(out, nullptr);
    EXPECT_TRUE(GST_BUFFER_FLAG_IS_SET(out, GST_VIDEO_BUFFER_FLAG_INTERLACED));
    EXPECT_TRUE(GST_BUFFER_FLAG_IS_SET(out, GST_VIDEO_BUFFER_FLAG_TFF));
    ExpectSameBytes(frames::BufferBytes(out), Expected(frame));
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}

TEST(Faults, LargestAndSmallestFrames) {
  for (int side : {8192, 1}) {
    const GstVideoInfo info =
        frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, side, side, false, GST_VIDEO_COLOR_RANGE_0_255);
    const Frame frame = frames::MakeSceneFrame(info, 3);  // 64 MiB: made once
    for (const char* mode : {"global", "adaptive"}) {
      GstHarness* h = NewHarness(info);
      gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
      g_object_set(h->element, "n-threads", 0u, nullptr);
      const std::vector<uint8_t> out = Process(h, frame);
      if (std::string(mode) == "global")
        ExpectSameBytes(out, Expected(frame));
      else
        ExpectSameBytes(out, frames::BytesWithLuma(frame, ref::Clahe(frame.luma, 2.0, 8, 8)));
      gst_harness_teardown(h);
    }
  }
}

}  // namespace
