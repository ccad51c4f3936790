// What histeq-enhance writes for an OUTPUT extension: a container with video
// and audio encoders (through encodebin), or a picture encoder.
#ifndef HISTEQ_TOOLS_FORMATS_H_
#define HISTEQ_TOOLS_FORMATS_H_

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include <string>

namespace enhance {

struct Encoder {
  const char* caps;     // what it makes, as a profile format
  const char* element;  // the encoder that makes it
  const char* package;  // the Debian package that has that element
};

struct OutputFormat {
  bool picture = false;
  // Pictures: the encoder. Videos: the container's muxer and format.
  const char* element = nullptr;
  const char* package = nullptr;
  const char* container_caps = nullptr;
  const Encoder* video = nullptr;  // the first installed of the candidates
  const Encoder* audio = nullptr;  // null when none is installed
};

// The lower-cased extension of `path` with its dot (".mp4"), or "".
std::string Extension(const std::string& path);

// Fills `out` for the extension of `path`. On failure returns false with a
// one-line reason in `error`: an unknown extension, or a muxer or video
// encoder that is not installed (naming its package).
bool ChooseOutput(const std::string& path, OutputFormat* out, std::string* error);

// A simplified copy of a compressed audio stream's caps (media type plus the
// fields that tell codecs apart), or null when the container's muxer cannot
// take it as it is; then the audio is re-encoded.
GstCaps* PassthroughAudioCaps(const OutputFormat& format, const GstCaps* stream_caps);

// The encodebin profile: the container, the video encoder, and the audio
// as `audio_caps` (passthrough) or the format's audio encoder. Either audio
// may be null: no audio.
GstEncodingProfile* MakeProfile(const OutputFormat& format, GstCaps* audio_caps);

// Sets quality/speed settings on encoders encodebin creates (vp8enc's
// default deadline is far too slow for a file tool, x264enc's bitrate too
// low for a phone video).
void TuneEncoder(GstElement* element);

}  // namespace enhance

#endif  // HISTEQ_TOOLS_FORMATS_H_
