// show-histogram: the panel over the corner shows the input and output luma
// histograms (bar heights from histograms counted here), and the rest of the
// frame is exactly what the element gives without it.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "frames.h"
#include "harness.h"
#include "overlay.h"

namespace {

using frames::Frame;

std::vector<uint8_t> Equalize(const Frame& frame, bool show) {
  GstHarness* h = frames::NewHarness(frame.info);
  g_object_set(h->element, "show-histogram", show, nullptr);
  std::vector<uint8_t> out = frames::Process(h, frame);
  gst_harness_teardown(h);
  return out;
}

std::vector<uint32_t> LumaHistogram(const GstVideoInfo& info, const std::vector<uint8_t>& bytes) {
  std::vector<uint32_t> hist(256, 0);
  for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(&info); ++y)
    for (int x = 0; x < GST_VIDEO_INFO_WIDTH(&info); ++x)
      ++hist[bytes[frames::SampleOffset(info, 0, x, y)]];
  return hist;
}

TEST(ShowHistogram, PanelShowsBothHistogramsRestUnchanged) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_GRAY8, 641, 361, true);
  const Frame frame = frames::MakeSceneFrame(info, 3);
  const std::vector<uint8_t> plain = Equalize(frame, false);
  const std::vector<uint8_t> shown = Equalize(frame, true);

  const histeq::OverlayLayout l = histeq::ComputeOverlayLayout(641, 361);
  ASSERT_EQ(l.columns, 213);
  std::vector<int> bars_in(l.columns), bars_out(l.columns);
  histeq::OverlayBars(LumaHistogram(info, frame.bytes).data(), 256, l.columns, l.bar_height,
                      bars_in.data());
  histeq::OverlayBars(LumaHistogram(info, plain).data(), 256, l.columns, l.bar_height,
                      bars_out.data());
  size_t panel_samples = 0;
  for (int y = 0; y < 361; ++y)
    for (int x = 0; x < 641; ++x) {
      const size_t at = frames::SampleOffset(info, 0, x, y);
      const bool panel = x >= l.x && x < l.x + l.width && y >= l.y && y < l.y + l.height;
      panel_samples += panel;
      if (!panel) {
        ASSERT_EQ(shown[at], plain[at]) << x << "," << y;
      }
    }
  EXPECT_EQ(panel_samples, static_cast<size_t>(l.width) * l.height);
  for (int c = 0; c < l.columns; ++c) {
    int lit_in = 0, lit_out = 0;
    for (int r = 0; r < l.bar_height; ++r) {
      lit_in += shown[frames::SampleOffset(info, 0, l.x + 1 + c, l.y + 1 + r)] == 128;
      lit_out += shown[frames::SampleOffset(info, 0, l.x + 1 + c, l.y + 2 + l.bar_height + r)] ==
                 235;
    }
    EXPECT_EQ(lit_in, bars_in[c]) << "column " << c;
    EXPECT_EQ(lit_out, bars_out[c]) << "column " << c;
  }
  // The frame was dull and the output is spread: the bars say so.
  int first_in = 0, first_out = 0;
  while (bars_in[first_in] == 0) ++first_in;
  while (bars_out[first_out] == 0) ++first_out;
  EXPECT_LT(first_out, first_in);
  // Padding and everything outside the luma samples is the input's.
  EXPECT_TRUE(frames::OnlySamplesChanged(frame, shown));
}

TEST(ShowHistogram, EveryKindOfFormatOnlyLumaDrawn) {
  for (GstVideoFormat format :
       {GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_YUY2,
        GST_VIDEO_FORMAT_AYUV, GST_VIDEO_FORMAT_I420_10LE, GST_VIDEO_FORMAT_P010_10BE,
        GST_VIDEO_FORMAT_GRAY16_BE, GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_ARGB,
        GST_VIDEO_FORMAT_GBR}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    const GstVideoInfo info = frames::MakeInfo(format, 203, 77, true);
    Frame frame;
    if (GST_VIDEO_INFO_IS_RGB(&info)) {
      testimg::Image rgb;
      rgb.width = 203;
      rgb.height = 77;
      rgb.channels = 3;
      for (int i = 0; i < 203 * 77 * 3; ++i) rgb.pixels.push_back(80 + (i * 7) % 61);
      frame = frames::MakeRgbFrame(info, rgb, 9);
    } else if (GST_VIDEO_INFO_COMP_DEPTH(&info, 0) > 8) {
      ref::Codes codes;
      codes.width = 203;
      codes.height = 77;
      codes.depth = GST_VIDEO_INFO_COMP_DEPTH(&info, 0);
      for (int i = 0; i < 203 * 77; ++i) codes.v.push_back(200 + (i * 13) % 300);
      frame = frames::MakeDeepFrame(info, codes, 9);
    } else {
      frame = frames::MakeSceneFrame(info, 9);
    }
    const std::vector<uint8_t> plain = Equalize(frame, false);
    const std::vector<uint8_t> shown = Equalize(frame, true);
    EXPECT_NE(shown, plain);  // drawn
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, shown));
  }
}

TEST(ShowHistogram, TinyFramesAreLeftWithout) {
  for (int size : {1, 15}) {
    const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, size, size, true);
    const Frame frame = frames::MakeSceneFrame(info, 4);
    EXPECT_EQ(Equalize(frame, true), Equalize(frame, false)) << size;
  }
}

}  // namespace
