#include "formats.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace enhance {
namespace {

const Encoder kH264[] = {
    {"video/x-h264", "x264enc", "gstreamer1.0-plugins-ugly"},
    {"video/x-h264", "openh264enc", "gstreamer1.0-plugins-bad"},
    {nullptr, nullptr, nullptr}};
const Encoder kAac[] = {
    {"audio/mpeg,mpegversion=4", "avenc_aac", "gstreamer1.0-libav"},
    {"audio/mpeg,mpegversion=4", "voaacenc", "gstreamer1.0-plugins-bad"},
    {"audio/mpeg,mpegversion=1,layer=3", "lamemp3enc", "gstreamer1.0-plugins-good"},
    {nullptr, nullptr, nullptr}};
const Encoder kMkvVideo[] = {
    {"video/x-h264", "x264enc", "gstreamer1.0-plugins-ugly"},
    {"video/x-vp8", "vp8enc", "gstreamer1.0-plugins-good"},
    {nullptr, nullptr, nullptr}};
const Encoder kWebmVideo[] = {
    {"video/x-vp8", "vp8enc", "gstreamer1.0-plugins-good"},
    {"video/x-vp9", "vp9enc", "gstreamer1.0-plugins-good"},
    {nullptr, nullptr, nullptr}};
const Encoder kOpusVorbis[] = {
    {"audio/x-opus", "opusenc", "gstreamer1.0-plugins-base"},
    {"audio/x-vorbis", "vorbisenc", "gstreamer1.0-plugins-base"},
    {nullptr, nullptr, nullptr}};
const Encoder kMjpeg[] = {{"image/jpeg", "jpegenc", "gstreamer1.0-plugins-good"},
                          {nullptr, nullptr, nullptr}};
const Encoder kMp3[] = {
    {"audio/mpeg,mpegversion=1,layer=3", "lamemp3enc", "gstreamer1.0-plugins-good"},
    {nullptr, nullptr, nullptr}};
const Encoder kTheora[] = {{"video/x-theora", "theoraenc", "gstreamer1.0-plugins-base"},
                           {nullptr, nullptr, nullptr}};
const Encoder kVorbis[] = {{"audio/x-vorbis", "vorbisenc", "gstreamer1.0-plugins-base"},
                           {nullptr, nullptr, nullptr}};

struct Entry {
  const char* extensions;  // space-separated, with dots
  bool picture;
  const char* element;     // muxer or picture encoder
  const char* package;
  const char* container_caps;
  const Encoder* video;
  const Encoder* audio;
};

const Entry kEntries[] = {
    {".mp4 .m4v", false, "mp4mux", "gstreamer1.0-plugins-good", "video/quicktime,variant=iso",
     kH264, kAac},
    {".mov", false, "qtmux", "gstreamer1.0-plugins-good", "video/quicktime,variant=apple", kH264,
     kAac},
    {".mkv", false, "matroskamux", "gstreamer1.0-plugins-good", "video/x-matroska", kMkvVideo,
     kOpusVorbis},
    {".webm", false, "webmmux", "gstreamer1.0-plugins-good", "video/webm", kWebmVideo,
     kOpusVorbis},
    {".avi", false, "avimux", "gstreamer1.0-plugins-good", "video/x-msvideo", kMjpeg, kMp3},
    {".ogv .ogg", false, "oggmux", "gstreamer1.0-plugins-base", "application/ogg", kTheora,
     kVorbis},
    {".png", true, "pngenc", "gstreamer1.0-plugins-good", nullptr, nullptr, nullptr},
    {".jpg .jpeg", true, "jpegenc", "gstreamer1.0-plugins-good", nullptr, nullptr, nullptr},
};

bool Installed(const char* element) {
  GstElementFactory* f = gst_element_factory_find(element);
  if (!f) return false;
  gst_object_unref(f);
  return true;
}

const Encoder* FirstInstalled(const Encoder* list) {
  for (; list && list->element; ++list)
    if (Installed(list->element)) return list;
  return nullptr;
}

}  // namespace

std::string Extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool ChooseOutput(const std::string& path, OutputFormat* out, std::string* error) {
  const std::string ext = Extension(path);
  for (const Entry& e : kEntries) {
    std::string list = std::string(" ") + e.extensions + " ";
    if (ext.empty() || list.find(" " + ext + " ") == std::string::npos) continue;
    if (!Installed(e.element)) {
      *error = std::string("cannot write ") + ext + ": GStreamer element " + e.element +
               " is missing (install " + e.package + ")";
      return false;
    }
    out->picture = e.picture;
    out->element = e.element;
    out->package = e.package;
    out->container_caps = e.container_caps;
    if (!e.picture) {
      out->video = FirstInstalled(e.video);
      if (!out->video) {
        *error = std::string("cannot write ") + ext + ": no video encoder (install " +
                 e.video->package + " for " + e.video->element + ")";
        return false;
      }
      out->audio = FirstInstalled(e.audio);
    }
    return true;
  }
  *error = "unknown output format '" + (ext.empty() ? std::string("(no extension)") : ext) +
           "' (use .mp4, .mov, .mkv, .webm, .avi, .ogv, .png or .jpg)";
  return false;
}

GstCaps* PassthroughAudioCaps(const OutputFormat& format, const GstCaps* stream_caps) {
  if (!stream_caps || gst_caps_is_empty(stream_caps) || gst_caps_is_any(stream_caps))
    return nullptr;
  const GstStructure* s = gst_caps_get_structure(stream_caps, 0);
  const char* name = gst_structure_get_name(s);
  if (g_str_has_prefix(name, "audio/x-raw")) return nullptr;
  GstStructure* simple = gst_structure_new_empty(name);
  for (const char* field : {"mpegversion", "layer", "stream-format"}) {
    if (const GValue* v = gst_structure_get_value(s, field)) gst_structure_set_value(simple, field, v);
  }
  GstCaps* caps = gst_caps_new_full(simple, nullptr);
  GstElementFactory* mux = gst_element_factory_find(format.element);
  const bool ok = mux && gst_element_factory_can_sink_any_caps(mux, caps);
  if (mux) gst_object_unref(mux);
  if (!ok) {
    gst_caps_unref(caps);
    return nullptr;
  }
  return caps;
}

GstEncodingProfile* MakeProfile(const OutputFormat& format, GstCaps* audio_caps) {
  GstCaps* container = gst_caps_from_string(format.container_caps);
  GstEncodingContainerProfile* profile =
      gst_encoding_container_profile_new("histeq-enhance", nullptr, container, nullptr);
  gst_caps_unref(container);
  GstCaps* video = gst_caps_from_string(format.video->caps);
  gst_encoding_container_profile_add_profile(
      profile, GST_ENCODING_PROFILE(gst_encoding_video_profile_new(video, nullptr, nullptr, 0)));
  gst_caps_unref(video);
  GstCaps* audio = audio_caps ? gst_caps_ref(audio_caps)
                              : format.audio ? gst_caps_from_string(format.audio->caps) : nullptr;
  if (audio) {
    gst_encoding_container_profile_add_profile(
        profile, GST_ENCODING_PROFILE(gst_encoding_audio_profile_new(audio, nullptr, nullptr, 0)));
    gst_caps_unref(audio);
  }
  return GST_ENCODING_PROFILE(profile);
}

void TuneEncoder(GstElement* element) {
  GstElementFactory* f = gst_element_get_factory(element);
  if (!f) return;
  const char* name = GST_OBJECT_NAME(f);
  GObject* o = G_OBJECT(element);
  if (std::strcmp(name, "x264enc") == 0) {
    gst_util_set_object_arg(o, "speed-preset", "faster");
    gst_util_set_object_arg(o, "pass", "quant");
    g_object_set(o, "quantizer", 20u, nullptr);
  } else if (std::strcmp(name, "vp8enc") == 0 || std::strcmp(name, "vp9enc") == 0) {
    // Good quality in a reasonable time: realtime deadline, constant quality.
    g_object_set(o, "deadline", G_GINT64_CONSTANT(1), "cpu-used", 4, nullptr);
    gst_util_set_object_arg(o, "end-usage", "cq");
    g_object_set(o, "cq-level", 12, "target-bitrate", 8000000, nullptr);
  } else if (std::strcmp(name, "jpegenc") == 0) {
    g_object_set(o, "quality", 92, nullptr);
  } else if (std::strcmp(name, "theoraenc") == 0) {
    g_object_set(o, "quality", 56, nullptr);
  }
}

}  // namespace enhance
