#include "frames.h"

#include <random>

namespace frames {

GstVideoInfo MakeInfo(GstVideoFormat format, int width, int height, bool padded,
                      GstVideoColorRange range) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, width, height);
  if (range != GST_VIDEO_COLOR_RANGE_UNKNOWN) info.colorimetry.range = range;
  if (padded) {
    GstVideoAlignment align;
    gst_video_alignment_reset(&align);
    align.padding_top = 2;
    align.padding_left = 4;
    align.padding_right = 6;
    align.padding_bottom = 2;
    for (unsigned i = 0; i < GST_VIDEO_MAX_PLANES; ++i) align.stride_align[i] = 15;
    gst_video_info_align(&info, &align);
  }
  return info;
}

GstCaps* MakeCaps(const GstVideoInfo& info) { return gst_video_info_to_caps(&info); }

size_t SampleOffset(const GstVideoInfo& info, int comp, int x, int y) {
  const int plane = GST_VIDEO_INFO_COMP_PLANE(&info, comp);
  return info.offset[plane] + GST_VIDEO_INFO_COMP_POFFSET(&info, comp) +
         static_cast<size_t>(y) * GST_VIDEO_INFO_PLANE_STRIDE(&info, plane) +
         static_cast<size_t>(x) * GST_VIDEO_INFO_COMP_PSTRIDE(&info, comp);
}

static size_t LumaOffset(const GstVideoInfo& info, int x, int y) {
  return SampleOffset(info, GST_VIDEO_COMP_Y, x, y);
}

static std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> bytes(n);
  std::mt19937 rng(seed);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

// A code value as the format stores it: at its shift, in its byte order.
static void PutWord(const GstVideoInfo& info, uint8_t* p, uint16_t code) {
  const uint16_t w = static_cast<uint16_t>(code << GST_VIDEO_FORMAT_INFO_SHIFT(info.finfo, 0));
  const bool le = GST_VIDEO_FORMAT_INFO_IS_LE(info.finfo);
  p[le ? 0 : 1] = static_cast<uint8_t>(w);
  p[le ? 1 : 0] = static_cast<uint8_t>(w >> 8);
}

static uint16_t GetWord(const GstVideoInfo& info, const uint8_t* p) {
  const bool le = GST_VIDEO_FORMAT_INFO_IS_LE(info.finfo);
  const uint16_t w = static_cast<uint16_t>(le ? (p[1] << 8 | p[0]) : (p[0] << 8 | p[1]));
  return static_cast<uint16_t>(w >> GST_VIDEO_FORMAT_INFO_SHIFT(info.finfo, 0));
}

Frame MakeDeepFrame(const GstVideoInfo& info, const ref::Codes& codes, uint32_t seed) {
  Frame f{info, RandomBytes(info.size, seed), {}, codes, {}};
  f.bytes = BytesWithCodes(f, codes);
  return f;
}

std::vector<uint8_t> BytesWithCodes(const Frame& frame, const ref::Codes& codes) {
  std::vector<uint8_t> out = frame.bytes;
  for (int y = 0; y < codes.height; ++y)
    for (int x = 0; x < codes.width; ++x)
      PutWord(frame.info, &out[LumaOffset(frame.info, x, y)], codes.at(x, y));
  return out;
}

ref::Codes ReadCodes(const Frame& frame, const std::vector<uint8_t>& bytes) {
  ref::Codes c = frame.codes;
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x) c.at(x, y) = GetWord(frame.info, &bytes[LumaOffset(frame.info, x, y)]);
  return c;
}

static const int kRgbComps[3] = {GST_VIDEO_COMP_R, GST_VIDEO_COMP_G, GST_VIDEO_COMP_B};

Frame MakeRgbFrame(const GstVideoInfo& info, const testimg::Image& rgb, uint32_t seed) {
  Frame f{info, RandomBytes(info.size, seed), {}, {}, rgb};
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < rgb.height; ++y)
      for (int x = 0; x < rgb.width; ++x)
        f.bytes[SampleOffset(info, kRgbComps[c], x, y)] = rgb.at(x, y, c);
  return f;
}

testimg::Image ReadRgb(const Frame& frame, const std::vector<uint8_t>& bytes) {
  testimg::Image out = frame.rgb;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < out.height; ++y)
      for (int x = 0; x < out.width; ++x)
        out.at(x, y, c) = bytes[SampleOffset(frame.info, kRgbComps[c], x, y)];
  return out;
}

bool OnlySamplesChanged(const Frame& frame, const std::vector<uint8_t>& bytes) {
  if (bytes.size() != frame.bytes.size()) return false;
  std::vector<bool> sample(bytes.size(), false);
  const bool rgb = GST_VIDEO_INFO_IS_RGB(&frame.info);
  const int width = GST_VIDEO_INFO_COMP_WIDTH(&frame.info, 0);
  const int height = GST_VIDEO_INFO_COMP_HEIGHT(&frame.info, 0);
  const int sample_bytes = GST_VIDEO_FORMAT_INFO_BITS(frame.info.finfo) > 8 ? 2 : 1;
  for (int c = 0; c < (rgb ? 3 : 1); ++c)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const size_t o = SampleOffset(frame.info, rgb ? kRgbComps[c] : GST_VIDEO_COMP_Y, x, y);
        for (int k = 0; k < sample_bytes; ++k) sample[o + k] = true;
      }
  for (size_t i = 0; i < bytes.size(); ++i)
    if (!sample[i] && bytes[i] != frame.bytes[i]) return false;
  return true;
}

Frame MakeFrame(const GstVideoInfo& info, const testimg::Image& luma, uint32_t seed) {
  Frame f{info, RandomBytes(info.size, seed), luma, {}, {}};
  for (int y = 0; y < luma.height; ++y)
    for (int x = 0; x < luma.width; ++x) f.bytes[LumaOffset(info, x, y)] = luma.at(x, y);
  return f;
}

Frame MakeSceneFrame(const GstVideoInfo& info, uint32_t seed) {
  const int w = GST_VIDEO_INFO_COMP_WIDTH(&info, GST_VIDEO_COMP_Y);
  const int h = GST_VIDEO_INFO_COMP_HEIGHT(&info, GST_VIDEO_COMP_Y);
  return MakeFrame(info, testimg::MakeScene(w, h, seed), seed);
}

GstBuffer* MakeBuffer(const Frame& frame) {
  GstBuffer* buf = gst_buffer_new_memdup(frame.bytes.data(), frame.bytes.size());
  const GstVideoInfo& info = frame.info;
  gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE,
                                 GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_INFO_WIDTH(&info),
                                 GST_VIDEO_INFO_HEIGHT(&info), GST_VIDEO_INFO_N_PLANES(&info),
                                 const_cast<gsize*>(info.offset),
                                 const_cast<gint*>(info.stride));
  return buf;
}

std::vector<uint8_t> ExpectedBytes(const Frame& frame, const ref::Lut& lut) {
  std::vector<uint8_t> out = frame.bytes;
  for (int y = 0; y < frame.luma.height; ++y)
    for (int x = 0; x < frame.luma.width; ++x) {
      const size_t o = LumaOffset(frame.info, x, y);
      out[o] = lut[out[o]];
    }
  return out;
}

std::vector<uint8_t> BytesWithLuma(const Frame& frame, const testimg::Image& luma) {
  std::vector<uint8_t> out = frame.bytes;
  for (int y = 0; y < luma.height; ++y)
    for (int x = 0; x < luma.width; ++x) out[LumaOffset(frame.info, x, y)] = luma.at(x, y);
  return out;
}

ref::Lut ExpectedLut(const Frame& frame, bool limited) {
  ref::Lut lut = ref::EqualizeLut(frame.luma);
  bool flat = true;
  for (int v = 0; v < 256; ++v) flat = flat && lut[v] == v;
  return limited && !flat ? ref::ToLimited(lut) : lut;
}

std::vector<uint8_t> BufferBytes(GstBuffer* buffer) {
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return {};
  std::vector<uint8_t> bytes(map.data, map.data + map.size);
  gst_buffer_unmap(buffer, &map);
  return bytes;
}

}  // namespace frames
