// Nothing lost under load: four pipelines in one process, each pushing its
// own numbered frames through histeq (n-threads 1 and 0, global and
// adaptive) at the same time, must each get every buffer back once, in
// order, with timestamps, offsets, flags and metas intact and the right
// bytes. And 1,000 NULL -> PLAYING -> NULL cycles must not grow memory;
// a byte segment is taken quietly.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

using frames::Frame;

struct StreamResult {
  int received = 0;
  std::vector<std::string> problems;
};

void RunStream(int index, const char* mode, guint n_threads, int n_buffers,
               StreamResult* result) {
  const GstVideoInfo info = frames::MakeInfo(
      index % 2 ? GST_VIDEO_FORMAT_NV12 : GST_VIDEO_FORMAT_GRAY8, 96 + index, 54 + index,
      index >= 2, GST_VIDEO_COLOR_RANGE_0_255);
  const std::string launch = std::string("appsrc name=src format=time ! histeq mode=") + mode +
                             " n-threads=" + std::to_string(n_threads) +
                             " ! appsink name=sink sync=false max-buffers=8";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(launch.c_str(), &error);
  if (pipeline == nullptr) {
    result->problems.push_back(error ? error->message : "parse failed");
    return;
  }
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  GstCaps* caps = frames::MakeCaps(info);
  gst_app_src_set_caps(GST_APP_SRC(src), caps);
  gst_caps_unref(caps);
  g_object_set(src, "max-bytes", static_cast<guint64>(8 * GST_VIDEO_INFO_SIZE(&info)),
               "block", TRUE, nullptr);
  GstCaps* ref_caps = gst_caps_from_string("timestamp/x-stream");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  // Four distinct pictures, cycled: the output of each is known.
  std::vector<Frame> pictures;
  std::vector<std::vector<uint8_t>> expected;
  for (uint32_t p = 0; p < 4; ++p) {
    pictures.push_back(frames::MakeSceneFrame(info, 1000 * index + p));
    const Frame& f = pictures.back();
    expected.push_back(
        std::string(mode) == "global"
            ? frames::ExpectedBytes(f, frames::ExpectedLut(f, false))
            : frames::BytesWithLuma(f, ref::Clahe(f.luma, 2.0, 8, 8)));
  }
  std::thread feeder([&] {
    for (int i = 0; i < n_buffers; ++i) {
      GstBuffer* buf = frames::MakeBuffer(pictures[i % 4]);
      GST_BUFFER_PTS(buf) = i * 20 * GST_MSECOND;
      GST_BUFFER_DTS(buf) = i * 20 * GST_MSECOND - (i > 0 ? GST_MSECOND : 0);
      GST_BUFFER_DURATION(buf) = 20 * GST_MSECOND;
      GST_BUFFER_OFFSET(buf) = i;
      GST_BUFFER_OFFSET_END(buf) = i + 1;
      if (i % 7 == 3) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
      if (i % 5 == 1) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_MARKER);
      gst_buffer_add_reference_timestamp_meta(buf, ref_caps, 7000 + i, GST_CLOCK_TIME_NONE);
      if (gst_app_src_push_buffer(GST_APP_SRC(src), buf) != GST_FLOW_OK) break;
    }
    gst_app_src_end_of_stream(GST_APP_SRC(src));
  });

  for (;;) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 20 * GST_SECOND);
    if (sample == nullptr) break;  // EOS (or stuck: counted below)
    GstBuffer* out = gst_sample_get_buffer(sample);
    const int i = result->received++;
    auto check = [&](bool ok, const char* what) {
      if (!ok && result->problems.size() < 10)
        result->problems.push_back("stream " + std::to_string(index) + " buffer " +
                                   std::to_string(i) + ": " + what);
    };
    check(GST_BUFFER_OFFSET(out) == static_cast<guint64>(i), "offset (lost or reordered)");
    check(GST_BUFFER_OFFSET_END(out) == static_cast<guint64>(i + 1), "offset-end");
    const GstClockTime pts = static_cast<GstClockTime>(i) * 20 * GST_MSECOND;
    check(GST_BUFFER_PTS(out) == pts, "pts");
    check(GST_BUFFER_DTS(out) == pts - (i > 0 ? GST_MSECOND : 0), "dts");
    check(GST_BUFFER_DURATION(out) == 20 * GST_MSECOND, "duration");
    check(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DELTA_UNIT) == (i % 7 == 3),
          "delta-unit flag");
    check(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_MARKER) == (i % 5 == 1), "marker flag");
    GstReferenceTimestampMeta* meta = gst_buffer_get_reference_timestamp_meta(out, ref_caps);
    check(meta != nullptr && meta->timestamp == static_cast<GstClockTime>(7000 + i),
          "reference timestamp meta");
    check(frames::BufferBytes(out) == expected[i % 4], "bytes");
    gst_sample_unref(sample);
  }
  feeder.join();
  if (!gst_app_sink_is_eos(GST_APP_SINK(sink)))
    result->problems.push_back("stream " + std::to_string(index) + " did not reach EOS");
  GstBus* bus = gst_element_get_bus(pipeline);
  if (GstMessage* err = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    GError* e = nullptr;
    gst_message_parse_error(err, &e, nullptr);
    result->problems.push_back(std::string("error: ") + e->message);
    g_error_free(e);
    gst_message_unref(err);
  }
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_caps_unref(ref_caps);
  gst_object_unref(src);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST(Streams, FourAtOnceLoseNothing) {
  constexpr int kBuffers = 300;
  struct Config {
    const char* mode;
    guint n_threads;
  };
  const Config configs[4] = {{"global", 1}, {"global", 0}, {"adaptive", 1}, {"adaptive", 0}};
  StreamResult results[4];
  std::vector<std::thread> streams;
  for (int s = 0; s < 4; ++s)
    streams.emplace_back(RunStream, s, configs[s].mode, configs[s].n_threads, kBuffers,
                         &results[s]);
  for (std::thread& t : streams) t.join();
  for (int s = 0; s < 4; ++s) {
    EXPECT_EQ(results[s].received, kBuffers) << "stream " << s;
    for (const std::string& p : results[s].problems) ADD_FAILURE() << p;
  }
  std::printf("4 streams x %d buffers: %d, %d, %d, %d received\n", kBuffers,
              results[0].received, results[1].received, results[2].received,
              results[3].received);
}

#if defined(__SANITIZE_ADDRESS__)
#define kUnderAddressSanitizer 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define kUnderAddressSanitizer 1
#endif
#endif
#ifndef kUnderAddressSanitizer
#define kUnderAddressSanitizer 0
#endif

long ResidentKiB() {
  long pages = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident < 0 ? -1 : resident * 4;
}

TEST(Streams, ThousandStateCyclesDoNotGrowMemory) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=64,height=48 ! "
      "histeq mode=adaptive smoothing=5 n-threads=2 ! fakesink",
      &error);
  ASSERT_NE(pipeline, nullptr) << (error ? error->message : "");
  GstBus* bus = gst_element_get_bus(pipeline);
  long after_warmup = 0;
  constexpr int kCycles = 1000, kWarmup = 100;
  for (int i = 0; i < kCycles; ++i) {
    ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE)
        << "cycle " << i;
    ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 10 * GST_SECOND),
              GST_STATE_CHANGE_SUCCESS)
        << "cycle " << i;
    ASSERT_EQ(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS)
        << "cycle " << i;
    gst_bus_set_flushing(bus, TRUE);  // drop this cycle's messages
    gst_bus_set_flushing(bus, FALSE);
    if (i + 1 == kWarmup) after_warmup = ResidentKiB();
  }
  const long end = ResidentKiB();
  std::printf("%d NULL<->PLAYING cycles: resident %ld KiB after %d, %ld KiB after %d\n",
              kCycles, after_warmup, kWarmup, end, kCycles);
#if kUnderAddressSanitizer
  // ASan's quarantine holds freed blocks back (up to 256 MiB), so resident
  // memory grows whatever the code does; LeakSanitizer checks this build.
  (void)end;
#else
  // 900 cycles: a leak of even 2 KiB a cycle would show.
  EXPECT_LT(end - after_warmup, 2048) << "memory grew over " << kCycles - kWarmup << " cycles";
#endif
  gst_object_unref(bus);
  gst_object_unref(pipeline);
}

// A raw stream read as bytes (a file source with caps set, no parser)
// comes in a byte segment: the element equalizes its frames as in a time
// segment, keeps their timestamps, and says nothing (a time conversion of a byte segment is a
// critical warning).
TEST(Streams, ByteSegmentIsNoTimeSegment) {
  const GstVideoInfo info =
      frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 32, 16, false, GST_VIDEO_COLOR_RANGE_0_255);
  GstHarness* h = frames::NewHarness(info);
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_BYTES);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
  int criticals = 0;
  const guint handler = g_log_set_handler(
      "GStreamer", static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING),
      [](const gchar*, GLogLevelFlags, const gchar*, gpointer count) { ++*static_cast<int*>(count); },
      &criticals);
  const frames::Frame frame = frames::MakeSceneFrame(info, 3);
  GstBuffer* in = frames::MakeBuffer(frame);
  GST_BUFFER_PTS(in) = 40 * GST_MSECOND;
  ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  g_log_remove_handler("GStreamer", handler);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(GST_BUFFER_PTS(out), 40 * GST_MSECOND);
  EXPECT_EQ(criticals, 0);
  frames::ExpectSameBytes(frames::BufferBytes(out),
                          frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

}  // namespace
