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

static size_t LumaOffset(const GstVideoInfo& info, int x, int y) {
  const int plane = GST_VIDEO_INFO_COMP_PLANE(&info, GST_VIDEO_COMP_Y);
  return info.offset[plane] + GST_VIDEO_INFO_COMP_POFFSET(&info, GST_VIDEO_COMP_Y) +
         static_cast<size_t>(y) * GST_VIDEO_INFO_PLANE_STRIDE(&info, plane) +
         static_cast<size_t>(x) * GST_VIDEO_INFO_COMP_PSTRIDE(&info, GST_VIDEO_COMP_Y);
}

Frame MakeFrame(const GstVideoInfo& info, const testimg::Image& luma, uint32_t seed) {
  Frame f{info, std::vector<uint8_t>(info.size), luma};
  std::mt19937 rng(seed);
  for (auto& b : f.bytes) b = static_cast<uint8_t>(rng());
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
