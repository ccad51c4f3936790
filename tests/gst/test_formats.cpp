// The element on 10 to 16-bit YUV/GRAY and on RGB formats: every new format
// at odd sizes, with and without padded strides. Deep formats: Y against
// the depth-generic reference, every other byte unchanged. RGB: R, G, B
// against the through-luma definition (within +-2 on 99% and +-4 at most),
// alpha and padding unchanged, hue kept where nothing saturates.
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>

#include "frames.h"
#include "harness.h"
#include "reference.h"

namespace {

using frames::Frame;

struct Size {
  int width, height;
};
const Size kSizes[] = {{385, 289}, {322, 241}, {1, 1}, {2, 3}, {17, 9}};

const GstVideoFormat kDeepFormats[] = {
    GST_VIDEO_FORMAT_GRAY16_LE, GST_VIDEO_FORMAT_GRAY16_BE, GST_VIDEO_FORMAT_I420_10LE,
    GST_VIDEO_FORMAT_I420_10BE, GST_VIDEO_FORMAT_I420_12LE, GST_VIDEO_FORMAT_I420_12BE,
    GST_VIDEO_FORMAT_I422_10LE, GST_VIDEO_FORMAT_I422_10BE, GST_VIDEO_FORMAT_I422_12LE,
    GST_VIDEO_FORMAT_I422_12BE, GST_VIDEO_FORMAT_Y444_10LE, GST_VIDEO_FORMAT_Y444_10BE,
    GST_VIDEO_FORMAT_Y444_12LE, GST_VIDEO_FORMAT_Y444_12BE, GST_VIDEO_FORMAT_Y444_16LE,
    GST_VIDEO_FORMAT_Y444_16BE, GST_VIDEO_FORMAT_P010_10LE, GST_VIDEO_FORMAT_P010_10BE,
    GST_VIDEO_FORMAT_P012_LE,   GST_VIDEO_FORMAT_P012_BE,   GST_VIDEO_FORMAT_P016_LE,
    GST_VIDEO_FORMAT_P016_BE,
};

const GstVideoFormat kRgbFormats[] = {
    GST_VIDEO_FORMAT_RGB,  GST_VIDEO_FORMAT_BGR,  GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR, GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRA,
    GST_VIDEO_FORMAT_ARGB, GST_VIDEO_FORMAT_ABGR, GST_VIDEO_FORMAT_GBR,
};

using Case = std::tuple<GstVideoFormat, Size, bool>;

std::string CaseName(const ::testing::TestParamInfo<Case>& p) {
  const auto [format, size, padded] = p.param;
  return std::string(gst_video_format_to_string(format)) + "_" + std::to_string(size.width) +
         "x" + std::to_string(size.height) + (padded ? "_padded" : "");
}

int Depth(const GstVideoInfo& info) { return GST_VIDEO_FORMAT_INFO_DEPTH(info.finfo, 0); }

Frame DeepSceneFrame(const GstVideoInfo& info, uint32_t seed) {
  const int w = GST_VIDEO_INFO_COMP_WIDTH(&info, 0), h = GST_VIDEO_INFO_COMP_HEIGHT(&info, 0);
  return frames::MakeDeepFrame(info, ref::Deepen(testimg::MakeScene(w, h, seed), Depth(info), seed),
                               seed);
}

class DeepFormats : public ::testing::TestWithParam<Case> {};

TEST_P(DeepFormats, GlobalLumaMatchesReference) {
  const auto [format, size, padded] = GetParam();
  const GstVideoInfo info = frames::MakeInfo(format, size.width, size.height, padded);
  const Frame frame = DeepSceneFrame(info, static_cast<uint32_t>(size.width + size.height));
  // Default colorimetry: full range for GRAY16, limited (scaled) for YUV;
  // a flat frame (1x1) stays as it is in every range.
  std::vector<uint16_t> lut = ref::EqualizeLut(frame.codes);
  bool flat = true;
  for (size_t v = 0; v < lut.size(); ++v) flat = flat && lut[v] == v;
  if (!GST_VIDEO_INFO_IS_GRAY(&info) && !flat) lut = ref::ToLimited(lut, Depth(info));
  GstHarness* h = frames::NewHarness(info);
  const std::vector<uint8_t> out = frames::Process(h, frame);
  EXPECT_TRUE(frames::OnlySamplesChanged(frame, out)) << "a byte outside the luma changed";
  frames::ExpectSameBytes(out, frames::BytesWithCodes(frame, ref::Apply(frame.codes, lut)));
  gst_harness_teardown(h);
}

INSTANTIATE_TEST_SUITE_P(AllDeep, DeepFormats,
                         ::testing::Combine(::testing::ValuesIn(kDeepFormats),
                                            ::testing::ValuesIn(kSizes), ::testing::Bool()),
                         CaseName);

TEST(DeepFormats, AdaptiveMatchesReference) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_P010_10LE, GST_VIDEO_FORMAT_I420_12BE,
                                GST_VIDEO_FORMAT_GRAY16_LE, GST_VIDEO_FORMAT_P012_BE}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    const GstVideoInfo info = frames::MakeInfo(format, 161, 97, true);
    const Frame frame = DeepSceneFrame(info, 5);
    GstHarness* h = gst_harness_new("histeq");
    gst_util_set_object_arg(G_OBJECT(h->element), "mode", "adaptive");
    g_object_set(h->element, "clip-limit", 3.0, nullptr);
    gst_harness_set_src_caps(h, frames::MakeCaps(info));
    const std::vector<uint8_t> out = frames::Process(h, frame);
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, out));
    frames::ExpectSameBytes(
        out, frames::BytesWithCodes(frame, ref::Clahe(frame.codes, 3.0, 8, 8,
                                                      !GST_VIDEO_INFO_IS_GRAY(&info))));
    gst_harness_teardown(h);
  }
}

TEST(DeepFormats, StatisticsBinnedTo256) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420_10LE, 64, 48, false);
  const Frame frame = DeepSceneFrame(info, 2);
  GstHarness* h = frames::NewHarness(info);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  g_object_set(h->element, "post-messages", TRUE, nullptr);
  frames::Process(h, frame);
  GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT);
  ASSERT_NE(msg, nullptr);
  const GstStructure* s = gst_message_get_structure(msg);
  const GValue* hist = gst_structure_get_value(s, "histogram-in");
  ASSERT_EQ(gst_value_array_get_size(hist), 256u);
  std::vector<guint> expect(256, 0);
  double mean = 0;
  for (uint16_t v : frame.codes.v) {
    ++expect[v >> 2];
    mean += v;
  }
  for (guint i = 0; i < 256; ++i) ASSERT_EQ(g_value_get_uint(gst_value_array_get_value(hist, i)), expect[i]);
  double mean_in = 0;
  gst_structure_get_double(s, "mean-in", &mean_in);
  EXPECT_NEAR(mean_in, mean / frame.codes.v.size(), 1e-9);  // in 10-bit code values
  gst_message_unref(msg);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

// An RGB frame from a colour photograph (cropped or tiled to the size).
testimg::Image RgbPicture(int w, int h) {
  const testimg::Image src = testimg::LoadTestPhoto("chelsea.ppm");
  testimg::Image out;
  out.width = w;
  out.height = h;
  out.channels = 3;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) out.pixels.push_back(src.at(x % src.width, y % src.height, c));
  return out;
}

class RgbFormats : public ::testing::TestWithParam<Case> {};

TEST_P(RgbFormats, ColourThroughLumaOtherBytesUntouched) {
  const auto [format, size, padded] = GetParam();
  const GstVideoInfo info = frames::MakeInfo(format, size.width, size.height, padded);
  const testimg::Image rgb = RgbPicture(size.width, size.height);
  const Frame frame = frames::MakeRgbFrame(info, rgb, 3);
  GstHarness* h = frames::NewHarness(info);
  const std::vector<uint8_t> out = frames::Process(h, frame);
  gst_harness_teardown(h);
  EXPECT_TRUE(frames::OnlySamplesChanged(frame, out)) << "alpha or padding changed";

  // RGB caps name no Y'CbCr matrix: BT.709, as GStreamer uses for RGB.
  const testimg::Image expected = ref::RgbThroughLuma(rgb, 0.2126, 0.0722, [](const testimg::Image& y) {
    return ref::Apply(y, ref::EqualizeLut(y));
  });
  const testimg::Image got = frames::ReadRgb(frame, out);
  int worst = 0;
  size_t within = 0, hue_checked = 0;
  for (size_t i = 0; i < got.pixels.size(); ++i) {
    const int d = std::abs(int(got.pixels[i]) - int(expected.pixels[i]));
    worst = std::max(worst, d);
    within += d <= 2;
  }
  for (size_t i = 0; i < got.pixels.size(); i += 3) {
    bool saturated = false;
    for (int c = 0; c < 3; ++c) saturated |= got.pixels[i + c] == 0 || got.pixels[i + c] == 255;
    if (saturated) continue;
    ++hue_checked;
    const int d = got.pixels[i] - rgb.pixels[i];
    ASSERT_EQ(got.pixels[i + 1] - rgb.pixels[i + 1], d) << "pixel " << i / 3 << ": hue changed";
    ASSERT_EQ(got.pixels[i + 2] - rgb.pixels[i + 2], d) << "pixel " << i / 3 << ": hue changed";
  }
  EXPECT_LE(worst, 4);
  if (got.pixels.size() > 1000) {
    EXPECT_GE(within, got.pixels.size() * 99 / 100);
    EXPECT_GT(hue_checked, got.pixels.size() / 3 / 2);
  }
}

INSTANTIATE_TEST_SUITE_P(AllRgb, RgbFormats,
                         ::testing::Combine(::testing::ValuesIn(kRgbFormats),
                                            ::testing::ValuesIn(kSizes), ::testing::Bool()),
                         CaseName);

TEST(RgbFormats, MatrixFromColorimetry) {
  // RGB caps carry matrix "rgb" (GStreamer insists); their primaries say
  // which Y'CbCr weights apply. SMPTE 170M primaries: BT.601 weights.
  GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_BGRx, 160, 120, false);
  info.colorimetry.primaries = GST_VIDEO_COLOR_PRIMARIES_SMPTE170M;
  const testimg::Image rgb = RgbPicture(160, 120);
  const Frame frame = frames::MakeRgbFrame(info, rgb, 4);
  GstHarness* h = frames::NewHarness(info);
  const testimg::Image got = frames::ReadRgb(frame, frames::Process(h, frame));
  gst_harness_teardown(h);
  auto global = [](const testimg::Image& y) { return ref::Apply(y, ref::EqualizeLut(y)); };
  const testimg::Image bt601 = ref::RgbThroughLuma(rgb, 0.299, 0.114, global);
  const testimg::Image bt709 = ref::RgbThroughLuma(rgb, 0.2126, 0.0722, global);
  long long err601 = 0, err709 = 0;
  for (size_t i = 0; i < got.pixels.size(); ++i) {
    err601 += std::abs(int(got.pixels[i]) - int(bt601.pixels[i]));
    err709 += std::abs(int(got.pixels[i]) - int(bt709.pixels[i]));
  }
  EXPECT_LT(err601 * 20, err709) << "the BT.601 weights were not used";
}

TEST(RgbFormats, AdaptiveSmoothingAndStrength) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_RGBA, 200, 150, true);
  const testimg::Image rgb = RgbPicture(200, 150);
  const Frame frame = frames::MakeRgbFrame(info, rgb, 5);
  GstHarness* h = gst_harness_new("histeq");
  gst_util_set_object_arg(G_OBJECT(h->element), "mode", "adaptive");
  g_object_set(h->element, "strength", 0.5, "smoothing", 5u, nullptr);
  gst_harness_set_src_caps(h, frames::MakeCaps(info));
  const testimg::Image expected = ref::RgbThroughLuma(rgb, 0.2126, 0.0722, [](const testimg::Image& y) {
    return ref::Clahe(y, 2.0, 8, 8, false, 0.5);
  });
  for (int i = 0; i < 3; ++i) {  // a static scene: smoothing changes nothing
    const std::vector<uint8_t> out = frames::Process(h, frame);
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, out));
    const testimg::Image got = frames::ReadRgb(frame, out);
    int worst = 0;
    for (size_t k = 0; k < got.pixels.size(); ++k)
      worst = std::max(worst, std::abs(int(got.pixels[k]) - int(expected.pixels[k])));
    EXPECT_LE(worst, 4) << "frame " << i;
  }
  gst_harness_teardown(h);
}

TEST(Threads, ElementSameBytesForAnyThreadCount) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_GRAY8,
                                GST_VIDEO_FORMAT_P010_10LE, GST_VIDEO_FORMAT_BGRx}) {
    for (const char* mode : {"global", "adaptive"}) {
      SCOPED_TRACE(std::string(gst_video_format_to_string(format)) + " " + mode);
      const GstVideoInfo info = frames::MakeInfo(format, 641, 361, true);
      const Frame frame = GST_VIDEO_INFO_IS_RGB(&info)
                              ? frames::MakeRgbFrame(info, RgbPicture(641, 361), 1)
                          : Depth(info) > 8 ? DeepSceneFrame(info, 1)
                                            : frames::MakeSceneFrame(info, 1);
      std::vector<uint8_t> single;
      for (guint threads : {1u, 2u, 0u, 3u}) {
        GstHarness* h = gst_harness_new("histeq");
        gst_util_set_object_arg(G_OBJECT(h->element), "mode", mode);
        g_object_set(h->element, "n-threads", threads, "smoothing", 3u, nullptr);
        gst_harness_set_src_caps(h, frames::MakeCaps(info));
        std::vector<uint8_t> out;
        for (int i = 0; i < 2; ++i) out = frames::Process(h, frame);
        gst_harness_teardown(h);
        if (threads == 1)
          single = out;
        else
          EXPECT_EQ(out, single) << threads << " threads";
      }
    }
  }
}

}  // namespace
