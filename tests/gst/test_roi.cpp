// Metering on a region of interest: roi-x/-y/-width/-height, roi-meta and
// roi-type. A dark textured "face" on a bright background; the expected
// bytes come from the plain reference: the histogram of the rectangle, its
// equalizeHist table, applied to the whole frame.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

using frames::Frame;
using testimg::Image;

struct Box {
  int x, y, w, h;
};

constexpr int kW = 320, kH = 240;
constexpr Box kFace{100, 60, 80, 100};

// Bright, dull background (150-240) with a dark textured face (20-60).
Image FaceScene(int width, int height, const Box& face, uint32_t seed) {
  Image img = testimg::MakeNoise(width, height, seed, 150, 240);
  const Image dark = testimg::MakeNoise(face.w, face.h, seed + 1, 20, 60);
  for (int y = 0; y < face.h; ++y)
    for (int x = 0; x < face.w; ++x) img.at(face.x + x, face.y + y) = dark.at(x, y);
  return img;
}

Image Crop(const Image& img, const Box& b) {
  Image c;
  c.width = b.w;
  c.height = b.h;
  for (int y = b.y; y < b.y + b.h; ++y)
    for (int x = b.x; x < b.x + b.w; ++x) c.pixels.push_back(img.at(x, y));
  return c;
}

GstVideoInfo Gray(int width = kW, int height = kH) {
  return frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, width, height, false);
}

Frame FaceFrame(const GstVideoInfo& info, uint32_t seed = 1) {
  const int w = GST_VIDEO_INFO_WIDTH(&info), h = GST_VIDEO_INFO_HEIGHT(&info);
  return frames::MakeFrame(info, FaceScene(w, h, kFace, seed), seed);
}

// The full-range bytes of `frame` metered on `box` (the luma's reference).
std::vector<uint8_t> MeteredBytes(const Frame& frame, const Box& box) {
  return frames::ExpectedBytes(frame, ref::EqualizeLut(Crop(frame.luma, box)));
}

void SetRoi(GstElement* e, const Box& b) {
  g_object_set(e, "roi-x", guint(b.x), "roi-y", guint(b.y), "roi-width", guint(b.w),
               "roi-height", guint(b.h), nullptr);
}

void AddRoi(GstBuffer* buf, const char* type, const Box& b) {
  gst_buffer_add_video_region_of_interest_meta(buf, type, b.x, b.y, b.w, b.h);
}

// Pushes `buf`, pulls the result, returns its bytes.
std::vector<uint8_t> PushPull(GstHarness* h, GstBuffer* buf) {
  EXPECT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  EXPECT_NE(out, nullptr);
  if (!out) return {};
  std::vector<uint8_t> bytes = frames::BufferBytes(out);
  gst_buffer_unref(out);
  return bytes;
}

double Stddev(const std::vector<uint8_t>& luma, const Box& b, int stride) {
  double sum = 0, sq = 0;
  for (int y = b.y; y < b.y + b.h; ++y)
    for (int x = b.x; x < b.x + b.w; ++x) {
      const double v = luma[static_cast<size_t>(y) * stride + x];
      sum += v;
      sq += v * v;
    }
  const double n = double(b.w) * b.h;
  return std::sqrt(sq / n - (sum / n) * (sum / n));
}

// Output as a function of the input value: single-valued, non-decreasing.
void ExpectOneMonotonicMapping(const std::vector<uint8_t>& in, const std::vector<uint8_t>& out) {
  ASSERT_EQ(in.size(), out.size());
  std::vector<int> map(256, -1);
  for (size_t i = 0; i < in.size(); ++i) {
    if (map[in[i]] < 0) map[in[i]] = out[i];
    ASSERT_EQ(map[in[i]], out[i]) << "input " << int(in[i]) << " maps to two values";
  }
  int last = -1;
  for (int v = 0; v < 256; ++v) {
    if (map[v] < 0) continue;
    EXPECT_GE(map[v], last) << "the mapping decreases at input " << v;
    last = map[v];
  }
}

TEST(Roi, FaceContrastAtLeastDoublesWithOneMonotonicMapping) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info);
  GstHarness* h = frames::NewHarness(info);
  const std::vector<uint8_t> whole = frames::Process(h, frame);
  SetRoi(h->element, kFace);
  const std::vector<uint8_t> face = frames::Process(h, frame);
  frames::ExpectSameBytes(face, MeteredBytes(frame, kFace));
  const double s_whole = Stddev(whole, kFace, kW), s_face = Stddev(face, kFace, kW);
  EXPECT_GE(s_face, 2.0 * s_whole) << "face stddev " << s_face << " vs " << s_whole;
  ExpectOneMonotonicMapping(frame.bytes, face);

  // The same from a meta, with the rectangle properties cleared.
  SetRoi(h->element, Box{0, 0, 0, 0});
  g_object_set(h->element, "roi-meta", TRUE, "roi-type", "face", nullptr);
  GstBuffer* buf = frames::MakeBuffer(frame);
  AddRoi(buf, "face", kFace);
  frames::ExpectSameBytes(PushPull(h, buf), face);
  gst_harness_teardown(h);
}

TEST(Roi, MetasOfOtherTypesAreIgnoredAndFacesUnited) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info, 2);
  GstHarness* h = frames::NewHarness(info);
  g_object_set(h->element, "roi-meta", TRUE, "roi-type", "face", nullptr);
  GstBuffer* buf = frames::MakeBuffer(frame);
  AddRoi(buf, "car", Box{0, 0, 50, 50});
  AddRoi(buf, "face", kFace);
  frames::ExpectSameBytes(PushPull(h, buf), MeteredBytes(frame, kFace));

  // Two faces: their bounding rectangle.
  buf = frames::MakeBuffer(frame);
  AddRoi(buf, "face", Box{100, 60, 40, 30});
  AddRoi(buf, "car", Box{0, 0, 320, 240});
  AddRoi(buf, "face", Box{150, 120, 30, 40});
  frames::ExpectSameBytes(PushPull(h, buf), MeteredBytes(frame, Box{100, 60, 80, 100}));

  // Only other types: as without metas (the whole frame here).
  buf = frames::MakeBuffer(frame);
  AddRoi(buf, "car", kFace);
  frames::ExpectSameBytes(PushPull(h, buf),
                          frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));

  // An empty roi-type takes any type.
  g_object_set(h->element, "roi-type", "", nullptr);
  gchar* type = nullptr;
  g_object_get(h->element, "roi-type", &type, nullptr);
  EXPECT_STREQ(type, "");
  g_free(type);
  buf = frames::MakeBuffer(frame);
  AddRoi(buf, "car", kFace);
  frames::ExpectSameBytes(PushPull(h, buf), MeteredBytes(frame, kFace));
  gst_harness_teardown(h);
}

TEST(Roi, WithoutMetasFallsBackToPropertiesThenWholeFrame) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info, 3);
  GstHarness* h = frames::NewHarness(info);
  g_object_set(h->element, "roi-meta", TRUE, nullptr);
  frames::ExpectSameBytes(frames::Process(h, frame),
                          frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
  const Box props{120, 80, 40, 60};
  SetRoi(h->element, props);
  frames::ExpectSameBytes(frames::Process(h, frame), MeteredBytes(frame, props));
  // A meta wins over the properties.
  GstBuffer* buf = frames::MakeBuffer(frame);
  AddRoi(buf, "face", kFace);
  frames::ExpectSameBytes(PushPull(h, buf), MeteredBytes(frame, kFace));
  // Metas are not read without roi-meta.
  g_object_set(h->element, "roi-meta", FALSE, nullptr);
  buf = frames::MakeBuffer(frame);
  AddRoi(buf, "face", kFace);
  frames::ExpectSameBytes(PushPull(h, buf), MeteredBytes(frame, props));
  gst_harness_teardown(h);
}

std::mutex g_log_mutex;
std::vector<std::string> g_outside;

void CollectOutside(GstDebugCategory* category, GstDebugLevel level, const gchar*, const gchar*,
                    gint, GObject*, GstDebugMessage* message, gpointer) {
  if (level > GST_LEVEL_FIXME || std::string(gst_debug_category_get_name(category)) != "histeq")
    return;
  const std::string text = gst_debug_message_get(message);
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (text.find("wholly outside") != std::string::npos) g_outside.push_back(text);
}

TEST(Roi, ClippedAndWhollyOutsideRectangles) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info, 4);
  GstHarness* h = frames::NewHarness(info);
  SetRoi(h->element, Box{280, 200, 1000, 1000});
  frames::ExpectSameBytes(frames::Process(h, frame), MeteredBytes(frame, Box{280, 200, 40, 40}));

  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_FIXME);
  gst_debug_add_log_function(CollectOutside, nullptr, nullptr);
  SetRoi(h->element, Box{320, 10, 10, 10});
  const std::vector<uint8_t> whole = frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false));
  for (int i = 0; i < 3; ++i) frames::ExpectSameBytes(frames::Process(h, frame), whole);
  SetRoi(h->element, Box{0, 240, 10, 10});
  frames::ExpectSameBytes(frames::Process(h, frame), whole);
  gst_debug_remove_log_function(CollectOutside);
  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_NONE);
  {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    ASSERT_EQ(g_outside.size(), 2u) << "once per rectangle";
    EXPECT_NE(g_outside[0].find("320,10 10x10"), std::string::npos) << g_outside[0];
  }

  // A new stream says it again.
  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_FIXME);
  gst_debug_add_log_function(CollectOutside, nullptr, nullptr);
  ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  gst_harness_set_src_caps(h, frames::MakeCaps(info));
  frames::ExpectSameBytes(frames::Process(h, frame), whole);
  frames::ExpectSameBytes(frames::Process(h, frame), whole);
  gst_debug_remove_log_function(CollectOutside);
  gst_debug_set_threshold_for_name("histeq", GST_LEVEL_NONE);
  {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    EXPECT_EQ(g_outside.size(), 3u) << "once more after a restart";
  }
  gst_harness_teardown(h);
}

TEST(Roi, PropertiesChangedWhilePlaying) {
  const GstVideoInfo info = Gray();
  GstHarness* h = frames::NewHarness(info);
  const Box boxes[] = {kFace, Box{0, 0, 0, 0}, Box{10, 20, 100, 50}, Box{200, 100, 120, 140}};
  for (int i = 0; i < 8; ++i) {
    const Frame frame = FaceFrame(info, 10 + i);
    const Box& b = boxes[i % 4];
    SetRoi(h->element, b);
    frames::ExpectSameBytes(frames::Process(h, frame),
                            b.w ? MeteredBytes(frame, b)
                                : frames::ExpectedBytes(frame, frames::ExpectedLut(frame, false)));
  }
  gst_harness_teardown(h);
}

TEST(Roi, SetFromAnotherThreadWhileFramesFlow) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 160, 90, true);
  GstHarness* h = frames::NewHarness(info);
  std::atomic<bool> stop{false};
  std::thread setter([&] {
    for (guint i = 0; !stop; ++i) {
      SetRoi(h->element, Box{int(i % 200), int(i % 7), int(i % 50), int(i % 120)});
      g_object_set(h->element, "roi-meta", i % 2 == 0, "roi-type", i % 3 ? "face" : "",
                   nullptr);
      gchar* type = nullptr;
      g_object_get(h->element, "roi-type", &type, nullptr);
      g_free(type);
    }
  });
  for (uint32_t seed = 0; seed < 100; ++seed) {
    const Frame frame = frames::MakeSceneFrame(info, seed);
    GstBuffer* buf = frames::MakeBuffer(frame);
    if (seed % 2) AddRoi(buf, "face", Box{20, 10, 40, 30});
    const std::vector<uint8_t> out = PushPull(h, buf);
    ASSERT_EQ(out.size(), frame.bytes.size());
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, out)) << "frame " << seed;
  }
  stop = true;
  setter.join();
  EXPECT_EQ(gst_harness_buffers_received(h), 100u);
  gst_harness_teardown(h);
}

// A rectangle (or a meta) covering the frame is no rectangle: the bytes of a
// plain element, frame after frame, in every path (luma 8 and 16-bit, RGB),
// both modes, with smoothing.
TEST(Roi, RectangleEqualToTheFrameGivesTodaysBytes) {
  const GstVideoFormat formats[] = {GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420,
                                    GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_P010_10LE,
                                    GST_VIDEO_FORMAT_BGRx};
  for (GstVideoFormat format : formats) {
    for (const char* mode : {"global", "adaptive"}) {
      SCOPED_TRACE(testing::Message() << gst_video_format_to_string(format) << " " << mode);
      const GstVideoInfo info = frames::MakeInfo(format, 67, 45, true);
      GstHarness* plain = frames::NewHarness(info);
      GstHarness* rect = frames::NewHarness(info);
      GstHarness* meta = frames::NewHarness(info);
      for (GstHarness* h : {plain, rect, meta}) {
        gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
        g_object_set(h->element, "smoothing", 5u, nullptr);
      }
      SetRoi(rect->element, Box{0, 0, 67, 45});
      g_object_set(meta->element, "roi-meta", TRUE, nullptr);
      for (uint32_t seed = 0; seed < 4; ++seed) {
        Frame frame;
        if (format == GST_VIDEO_FORMAT_P010_10LE) {
          frame = frames::MakeDeepFrame(info, ref::Deepen(testimg::MakeScene(67, 45, seed), 10, seed),
                                        seed);
        } else if (format == GST_VIDEO_FORMAT_BGRx) {
          Image rgb = testimg::MakeNoise(67 * 3, 45, seed, 40, 160);
          rgb.width = 67;
          rgb.channels = 3;
          frame = frames::MakeRgbFrame(info, rgb, seed);
        } else {
          frame = frames::MakeSceneFrame(info, seed);
        }
        const std::vector<uint8_t> expected = frames::Process(plain, frame);
        frames::ExpectSameBytes(frames::Process(rect, frame), expected);
        GstBuffer* buf = frames::MakeBuffer(frame);
        AddRoi(buf, "face", Box{0, 0, 67, 45});
        frames::ExpectSameBytes(PushPull(meta, buf), expected);
      }
      for (GstHarness* h : {plain, rect, meta}) gst_harness_teardown(h);
    }
  }
}

TEST(Roi, AdaptiveModeIgnoresTheRegion) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info, 5);
  GstHarness* plain = frames::NewHarness(info);
  GstHarness* roi = frames::NewHarness(info);
  gst_util_set_object_arg(G_OBJECT(plain->element), "mode", "adaptive");
  gst_util_set_object_arg(G_OBJECT(roi->element), "mode", "adaptive");
  SetRoi(roi->element, kFace);
  frames::ExpectSameBytes(frames::Process(roi, frame), frames::Process(plain, frame));
  gst_harness_teardown(plain);
  gst_harness_teardown(roi);
}

// The statistics say what metered; a region that appears, moves or
// vanishes on a static picture is no scene cut, even at a low threshold.
TEST(Roi, StatisticsNameTheRegionAndRegionChangesAreNoCut) {
  const GstVideoInfo info = Gray();
  const Frame frame = FaceFrame(info, 6);
  GstHarness* h = frames::NewHarness(info);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  g_object_set(h->element, "post-messages", TRUE, "smoothing", 10u, "scene-threshold", 0.05,
               "roi-meta", TRUE, nullptr);
  struct Step {
    Box props;
    bool meta;
    Box expect;
    const char* source;
  } steps[] = {
      {Box{0, 0, 0, 0}, false, Box{0, 0, kW, kH}, "frame"},
      {Box{300, 200, 100, 100}, false, Box{300, 200, 20, 40}, "properties"},
      {Box{300, 200, 100, 100}, true, kFace, "meta"},
      {Box{0, 0, kW, kH}, false, Box{0, 0, kW, kH}, "frame"},
      {Box{0, 0, 0, 0}, true, kFace, "meta"},
  };
  for (const Step& step : steps) {
    SetRoi(h->element, step.props);
    GstBuffer* buf = frames::MakeBuffer(frame);
    if (step.meta) AddRoi(buf, "face", kFace);
    PushPull(h, buf);
    GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT);
    ASSERT_NE(msg, nullptr);
    const GstStructure* s = gst_message_get_structure(msg);
    const GstStructure* roi = gst_value_get_structure(gst_structure_get_value(s, "roi"));
    ASSERT_NE(roi, nullptr);
    guint x, y, w, hgt;
    ASSERT_TRUE(gst_structure_get(roi, "x", G_TYPE_UINT, &x, "y", G_TYPE_UINT, &y, "width",
                                  G_TYPE_UINT, &w, "height", G_TYPE_UINT, &hgt, nullptr));
    EXPECT_EQ(int(x), step.expect.x);
    EXPECT_EQ(int(y), step.expect.y);
    EXPECT_EQ(int(w), step.expect.w);
    EXPECT_EQ(int(hgt), step.expect.h);
    EXPECT_STREQ(gst_structure_get_string(s, "roi-source"), step.source);
    gboolean cut = TRUE;
    ASSERT_TRUE(gst_structure_get_boolean(s, "scene-cut", &cut));
    EXPECT_FALSE(cut && &step != &steps[0]) << step.source;
    gst_message_unref(msg);
  }
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

TEST(Roi, EveryBufferOutOnceWithTimestampsFlagsAndMetas) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_NV12, 64, 36, true);
  GstHarness* h = frames::NewHarness(info);
  g_object_set(h->element, "roi-meta", TRUE, "roi-type", "face", "smoothing", 5u, nullptr);
  for (int i = 0; i < 6; ++i) {
    const Frame frame = frames::MakeSceneFrame(info, 40 + i);
    GstBuffer* in = frames::MakeBuffer(frame);
    GST_BUFFER_PTS(in) = i * 40 * GST_MSECOND;
    GST_BUFFER_DURATION(in) = 40 * GST_MSECOND;
    GST_BUFFER_OFFSET(in) = i;
    if (i == 3) GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_MARKER);
    if (i % 2) AddRoi(in, "face", Box{8 + i, 4, 20, 16});
    AddRoi(in, "plate", Box{40, 20, 10, 10});
    ASSERT_EQ(gst_harness_push(h, in), GST_FLOW_OK);
    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(GST_BUFFER_PTS(out), i * 40 * GST_MSECOND);
    EXPECT_EQ(GST_BUFFER_DURATION(out), 40 * GST_MSECOND);
    EXPECT_EQ(GST_BUFFER_OFFSET(out), guint64(i));
    EXPECT_EQ(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_MARKER), i == 3);
    int metas = 0;
    gpointer state = nullptr;
    GstMeta* m;
    while ((m = gst_buffer_iterate_meta_filtered(out, &state,
                                                  GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
      const auto* roi = reinterpret_cast<GstVideoRegionOfInterestMeta*>(m);
      const std::string type = g_quark_to_string(roi->roi_type);
      EXPECT_TRUE(type == "plate" || (type == "face" && roi->x == guint(8 + i)));
      ++metas;
    }
    EXPECT_EQ(metas, i % 2 ? 2 : 1);
    gst_buffer_unref(out);
  }
  EXPECT_EQ(gst_harness_buffers_received(h), 6u);
  EXPECT_EQ(gst_harness_buffers_in_queue(h), 0u);
  gst_harness_teardown(h);
}

}  // namespace
