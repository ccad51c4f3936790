// The element on video: temporal smoothing against flicker, scene cuts,
// resets of the temporal state, settings changed mid-stream, statistics
// messages, and properties hammered from other threads while buffers flow.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "frames.h"
#include "harness.h"
#include "reference.h"

namespace {

using frames::Frame;
using testimg::Image;

constexpr int kW = 320, kH = 240;

GstVideoInfo GrayInfo(int w = kW, int h = kH) {
  return frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, w, h, false);
}

// The photograph `name`'s luma, tiled or cropped to w x h.
Image Photo(const std::string& name, int w = kW, int h = kH) {
  const Image src = testimg::LoadTestPhotoLuma(name);
  Image out;
  out.width = w;
  out.height = h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) out.pixels.push_back(src.at(x % src.width, y % src.height));
  return out;
}

// GRAY8 is unpadded here, so the buffer is the luma plane itself.
Image Luma(const std::vector<uint8_t>& bytes, int w = kW, int h = kH) {
  Image img;
  img.width = w;
  img.height = h;
  img.pixels.assign(bytes.begin(), bytes.begin() + static_cast<size_t>(w) * h);
  return img;
}

int MaxAbsDiff(const Image& a, const Image& b) {
  int m = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i)
    m = std::max(m, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return m;
}

Image PerFrameGlobal(const Image& img) { return ref::Apply(img, ref::EqualizeLut(img)); }

std::vector<uint8_t> PushPull(GstHarness* h, const Image& luma, GstClockTime pts = GST_CLOCK_TIME_NONE,
                              bool discont = false) {
  const Frame f = frames::MakeFrame(GrayInfo(luma.width, luma.height), luma, 1);
  GstBuffer* buf = frames::MakeBuffer(f);
  GST_BUFFER_PTS(buf) = pts;
  if (discont) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
  EXPECT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
  GstBuffer* out = gst_harness_pull(h);
  EXPECT_NE(out, nullptr);
  if (!out) return {};
  std::vector<uint8_t> bytes = frames::BufferBytes(out);
  gst_buffer_unref(out);
  return bytes;
}

// Mean output luma of the region x >= x0 over frames [skip, n) of a
// sequence alternating a static scene with the same scene plus a bright
// object in x < x0; returns the standard deviation of that mean over time.
double StaticRegionFlicker(guint smoothing, const char* mode) {
  const int x0 = kW / 5;  // the object covers a fifth of the picture
  const Image scene = testimg::MakeScene(kW, kH, 4);
  Image with_object = scene;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < x0; ++x) with_object.at(x, y) = 235;
  GstHarness* h = frames::NewHarness(GrayInfo());
  g_object_set(h->element, "smoothing", smoothing, nullptr);
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
  std::vector<double> means;
  for (int i = 0; i < 80; ++i) {
    const Image out = Luma(PushPull(h, i % 2 ? with_object : scene));
    double sum = 0;
    for (int y = 0; y < kH; ++y)
      for (int x = x0; x < kW; ++x) sum += out.at(x, y);
    if (i >= 30) means.push_back(sum / ((kW - x0) * kH));
  }
  gst_harness_teardown(h);
  double m = 0, v = 0;
  for (double x : means) m += x;
  m /= means.size();
  for (double x : means) v += (x - m) * (x - m);
  return std::sqrt(v / means.size());
}

TEST(Temporal, SmoothingCutsFlickerFiveFold) {
  for (const char* mode : {"global", "adaptive"}) {
    const double flicker0 = StaticRegionFlicker(0, mode);
    const double flicker10 = StaticRegionFlicker(10, mode);
    std::printf("%s: static-region mean luma flicker (stddev) %.3f with smoothing=0, "
                "%.3f with smoothing=10 (%.1fx less)\n",
                mode, flicker0, flicker10, flicker0 / std::max(flicker10, 1e-9));
    // Adaptive mode is local: the object reaches the static region only
    // through the tiles it shares with it, so that flickers less to begin
    // with, but measurably.
    const bool global = std::string(mode) == "global";
    EXPECT_GT(flicker0, global ? 5.0 : 0.1) << mode << ": the test scene does not flicker";
    EXPECT_GE(flicker0, 5.0 * flicker10) << mode;
  }
}

TEST(Temporal, HardCutIsPerFrameAtOnce) {
  const Image a = Photo("camera.pgm"), b = Photo("coffee.ppm");
  GstHarness* h = frames::NewHarness(GrayInfo());
  g_object_set(h->element, "smoothing", 15u, "post-messages", FALSE, nullptr);
  for (int i = 0; i < 20; ++i) PushPull(h, a);
  // The cut, and the frame after it: each within +-2 of the per-frame result.
  for (int i = 0; i < 2; ++i)
    EXPECT_LE(MaxAbsDiff(Luma(PushPull(h, b)), PerFrameGlobal(b)), 2) << "frame " << i << " after the cut";
  gst_harness_teardown(h);
}

// Feeds A for a while with cuts disabled, then does `reset`, then B: B must
// come out as its per-frame result. Without the reset it would not.
template <typename Reset>
void ExpectResetBy(Reset reset, bool reset_expected = true) {
  const Image a = Photo("camera.pgm");
  Image b = a;
  for (auto& v : b.pixels) v = static_cast<uint8_t>(255 - v / 2);
  GstHarness* h = frames::NewHarness(GrayInfo());
  g_object_set(h->element, "smoothing", 20u, "scene-threshold", 1.0, nullptr);
  for (int i = 0; i < 10; ++i) PushPull(h, a);
  const bool discont = reset(h);
  const int d = MaxAbsDiff(Luma(PushPull(h, b, GST_CLOCK_TIME_NONE, discont)), PerFrameGlobal(b));
  if (reset_expected)
    EXPECT_EQ(d, 0);
  else
    EXPECT_GT(d, 10);
  gst_harness_teardown(h);
}

TEST(Temporal, NoResetMeansAveraging) {
  ExpectResetBy([](GstHarness*) { return false; }, false);
}

TEST(Temporal, DiscontResets) {
  ExpectResetBy([](GstHarness*) { return true; });
}

TEST(Temporal, FlushStopResets) {
  ExpectResetBy([](GstHarness* h) {
    EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_start()));
    EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
    return false;
  });
}

TEST(Temporal, CapsChangeResets) {
  ExpectResetBy([](GstHarness* h) {
    GstVideoInfo info = GrayInfo();
    info.fps_n = 25;  // new caps, same layout
    info.fps_d = 1;
    gst_harness_set_src_caps(h, frames::MakeCaps(info));
    return false;
  });
}

TEST(Temporal, ReadyToPausedResets) {
  ExpectResetBy([](GstHarness* h) {
    EXPECT_NE(gst_element_set_state(h->element, GST_STATE_READY), GST_STATE_CHANGE_FAILURE);
    EXPECT_NE(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    gst_harness_set_src_caps(h, frames::MakeCaps(GrayInfo()));
    return false;
  });
}

TEST(Temporal, ModeTilesAndSmoothingChangesApplyAtTheNextFrame) {
  const Image a = Photo("chelsea.ppm", 200, 150);
  Image b = a;
  for (auto& v : b.pixels) v = static_cast<uint8_t>(v * 3 / 4);
  GstHarness* h = frames::NewHarness(GrayInfo(200, 150));
  g_object_set(h->element, "smoothing", 30u, "scene-threshold", 1.0, nullptr);
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "adaptive");
  for (int i = 0; i < 5; ++i) PushPull(h, a, GST_CLOCK_TIME_NONE);
  // A new grid: the average restarts, as at a cut: B exactly per frame.
  g_object_set(h->element, "tiles-x", 4u, nullptr);
  EXPECT_EQ(Luma(PushPull(h, b), 200, 150).pixels, ref::Clahe(b, 2.0, 4, 8).pixels);
  for (int i = 0; i < 5; ++i) PushPull(h, a);
  // Back to global: a restart too.
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "global");
  EXPECT_EQ(Luma(PushPull(h, b), 200, 150).pixels, PerFrameGlobal(b).pixels);
  for (int i = 0; i < 5; ++i) PushPull(h, a);
  // smoothing=0: every frame on its own from the next one.
  g_object_set(h->element, "smoothing", 0u, nullptr);
  EXPECT_EQ(Luma(PushPull(h, b), 200, 150).pixels, PerFrameGlobal(b).pixels);
  gst_harness_teardown(h);
}

TEST(Temporal, StatisticsMessages) {
  GstHarness* h = frames::NewHarness(GrayInfo());
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  PushPull(h, Photo("camera.pgm"), 0);
  EXPECT_EQ(gst_bus_pop(bus), nullptr) << "messages posted while post-messages is off";

  g_object_set(h->element, "post-messages", TRUE, "smoothing", 5u, nullptr);
  const Image frames_in[] = {Photo("camera.pgm"), Photo("camera.pgm"), Photo("coffee.ppm")};
  for (int i = 0; i < 3; ++i) {
    const GstClockTime pts = (i + 1) * 40 * GST_MSECOND;
    const Image out = Luma(PushPull(h, frames_in[i], pts));
    GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT);
    ASSERT_NE(msg, nullptr) << "frame " << i;
    const GstStructure* s = gst_message_get_structure(msg);
    EXPECT_TRUE(gst_structure_has_name(s, "histeq"));
    EXPECT_EQ(GST_MESSAGE_SRC(msg), GST_OBJECT(h->element));
    guint64 ts = 0, stream_time = 0, running_time = 0;
    EXPECT_TRUE(gst_structure_get_uint64(s, "timestamp", &ts));
    EXPECT_TRUE(gst_structure_get_uint64(s, "stream-time", &stream_time));
    EXPECT_TRUE(gst_structure_get_uint64(s, "running-time", &running_time));
    EXPECT_EQ(ts, pts);
    EXPECT_EQ(stream_time, pts);  // a default segment from 0
    EXPECT_EQ(running_time, pts);

    auto mean_std = [](const Image& img) {
      double m = 0, v = 0;
      for (uint8_t p : img.pixels) m += p;
      m /= img.pixels.size();
      for (uint8_t p : img.pixels) v += (p - m) * (p - m);
      return std::make_pair(m, std::sqrt(v / img.pixels.size()));
    };
    const auto in = mean_std(frames_in[i]), outs = mean_std(out);
    double d = 0;
    EXPECT_TRUE(gst_structure_get_double(s, "mean-in", &d));
    EXPECT_NEAR(d, in.first, 1e-9);
    EXPECT_TRUE(gst_structure_get_double(s, "stddev-in", &d));
    EXPECT_NEAR(d, in.second, 1e-9);
    EXPECT_TRUE(gst_structure_get_double(s, "mean-out", &d));
    EXPECT_NEAR(d, outs.first, 1e-9);
    EXPECT_TRUE(gst_structure_get_double(s, "stddev-out", &d));
    EXPECT_NEAR(d, outs.second, 1e-9);
    gboolean cut = FALSE;
    EXPECT_TRUE(gst_structure_get_boolean(s, "scene-cut", &cut));
    EXPECT_EQ(cut, i == 2) << "frame " << i;
    EXPECT_TRUE(gst_structure_get_double(s, "scene-distance", &d));
    if (i == 1) {
      EXPECT_NEAR(d, 0.0, 1e-9);  // the same picture again
    }

    const GValue* hist = gst_structure_get_value(s, "histogram-in");
    ASSERT_NE(hist, nullptr);
    ASSERT_TRUE(GST_VALUE_HOLDS_ARRAY(hist));
    ASSERT_EQ(gst_value_array_get_size(hist), 256u);
    std::vector<guint> expect(256, 0);
    for (uint8_t p : frames_in[i].pixels) ++expect[p];
    for (guint v = 0; v < 256; ++v)
      ASSERT_EQ(g_value_get_uint(gst_value_array_get_value(hist, v)), expect[v]) << v;
    gst_message_unref(msg);
  }
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

TEST(Temporal, PropertiesStressedWhileBuffersFlow) {
  // Other threads change every setting as fast as they can while frames
  // flow: nothing may crash, every frame must come out once, in order, and
  // no byte outside the luma may change.
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_NV12, 97, 61, true);
  GstHarness* h = frames::NewHarness(info);
  GValue smoothing = G_VALUE_INIT;
  g_value_init(&smoothing, G_TYPE_UINT);
  g_value_set_uint(&smoothing, 7);
  GstHarnessThread* stress = gst_harness_stress_property_start_full(h, "smoothing", &smoothing, 0);

  std::atomic<bool> stop{false};
  std::vector<std::thread> setters;
  setters.emplace_back([&] {
    std::mt19937 rng(1);
    while (!stop) {
      gst_util_set_object_arg(G_OBJECT(h->element), "mode", rng() % 2 ? "adaptive" : "global");
      g_object_set(h->element, "tiles-x", 1 + rng() % 64, "tiles-y", 1 + rng() % 64,
                   "n-threads", static_cast<guint>(rng() % 4), nullptr);
    }
  });
  setters.emplace_back([&] {
    std::mt19937 rng(2);
    while (!stop) {
      g_object_set(h->element, "clip-limit", (rng() % 50) / 10.0, "strength", (rng() % 11) / 10.0,
                   "smoothing", static_cast<guint>(rng() % 30), "scene-threshold",
                   (rng() % 11) / 10.0, "post-messages", static_cast<gboolean>(rng() % 2),
                   nullptr);
      gst_util_set_object_arg(G_OBJECT(h->element), "range", rng() % 2 ? "full" : "limited");
    }
  });
  setters.emplace_back([&] {
    while (!stop) {  // readers too: get_property under the same lock
      guint tx = 0;
      gdouble strength = 0;
      g_object_get(h->element, "tiles-x", &tx, "strength", &strength, nullptr);
    }
  });

  const int n = 300;
  const GstVideoInfo& vi = info;
  for (int i = 0; i < n; ++i) {
    const Frame f = frames::MakeSceneFrame(vi, static_cast<uint32_t>(i % 7));
    GstBuffer* buf = frames::MakeBuffer(f);
    GST_BUFFER_PTS(buf) = i * GST_MSECOND;
    ASSERT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(GST_BUFFER_PTS(out), static_cast<GstClockTime>(i * GST_MSECOND));
    // Chroma and padding: identical. (Luma: whichever settings won.)
    const std::vector<uint8_t> got = frames::BufferBytes(out);
    const std::vector<uint8_t> same_luma = frames::BytesWithLuma(f, [&] {
      Image y = f.luma;
      GstVideoFrame vf;
      gst_video_frame_map(&vf, &vi, out, GST_MAP_READ);
      for (int r = 0; r < y.height; ++r)
        for (int c = 0; c < y.width; ++c)
          y.at(c, r) = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&vf, 0))
              [r * GST_VIDEO_FRAME_PLANE_STRIDE(&vf, 0) + c];
      gst_video_frame_unmap(&vf);
      return y;
    }());
    EXPECT_EQ(got, same_luma) << "frame " << i << ": a byte outside the luma changed";
    gst_buffer_unref(out);
  }
  stop = true;
  for (auto& t : setters) t.join();
  gst_harness_stress_thread_stop(stress);
  g_value_unset(&smoothing);
  EXPECT_EQ(gst_harness_buffers_received(h), static_cast<guint>(n));
  gst_harness_teardown(h);
}

}  // namespace
