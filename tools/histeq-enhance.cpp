// histeq-enhance: enhances a video or a picture with the histeq element.
//
//   histeq-enhance INPUT OUTPUT [--mode global|adaptive] [--strength S]
//                  [--clip-limit C] [--clip-spread all|range] [--smoothing N] [--preview] [--show]
//
// Videos: uridecodebin -> videoconvert -> videoflip (applies the phone's
// rotation tag) -> histeq -> encodebin (a profile chosen from OUTPUT's
// extension) -> filesink, with the audio muxed as it is when the container
// takes it, re-encoded otherwise. A progress line shows percentage, frames per
// second and time left; Ctrl-C ends the file cleanly (EOS) and exits 130.
// Pictures: the same into pngenc or jpegenc. --preview writes one frame (a
// third into a video) as original | equalized side by side. Every failure is
// one readable line on stderr and a non-zero exit status.
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/pbutils/pbutils.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "formats.h"
#include "interrupt.h"
#include "options.h"
#include "progress.h"
#include "window.h"

namespace {

using enhance::kExitInterrupted;
using enhance::Options;
using enhance::OutputFormat;

constexpr int kExitError = 1;

int Fail(const std::string& message) {
  std::fprintf(stderr, "histeq-enhance: %s\n", message.c_str());
  return kExitError;
}

// The histeq element, from the installed plugin or the build tree.
bool EnsureHisteq(const char* argv0) {
  GstElementFactory* f = gst_element_factory_find("histeq");
  if (f) {
    gst_object_unref(f);
    return true;
  }
  std::string candidates[2] = {std::string(HISTEQ_PLUGIN_DIR) + "/libgsthisteq.so", ""};
  gchar* self = g_file_read_link("/proc/self/exe", nullptr);
  gchar* dir = g_path_get_dirname(self ? self : argv0);
  candidates[1] = std::string(dir) + "/../gst/libgsthisteq.so";  // the build tree
  g_free(dir);
  g_free(self);
  for (const std::string& path : candidates) {
    // Loading adds the plugin to the registry, which keeps it.
    if (GstPlugin* plugin = gst_plugin_load_file(path.c_str(), nullptr)) {
      gst_object_unref(plugin);
      return true;
    }
  }
  return false;
}

// What GstDiscoverer says about INPUT.
struct Media {
  bool picture = false;
  bool has_video = false;
  int width = 0, height = 0;
  uint64_t duration = 0;
  GstCaps* audio_caps = nullptr;  // the first audio stream's, or null
};

bool Discover(const std::string& uri, const std::string& input, Media* media, std::string* error) {
  GError* err = nullptr;
  GstDiscoverer* discoverer = gst_discoverer_new(15 * GST_SECOND, &err);
  if (!discoverer) {
    *error = err ? err->message : "cannot start GstDiscoverer";
    g_clear_error(&err);
    return false;
  }
  GstDiscovererInfo* info = gst_discoverer_discover_uri(discoverer, uri.c_str(), &err);
  gst_object_unref(discoverer);
  const GstDiscovererResult result =
      info ? gst_discoverer_info_get_result(info) : GST_DISCOVERER_ERROR;
  bool ok = false;
  if (result == GST_DISCOVERER_MISSING_PLUGINS) {
    const gchar** details = gst_discoverer_info_get_missing_elements_installer_details(info);
    std::string what = "a decoder";
    if (details && details[0]) {
      // "gstreamer|1.0|app|H.264 (High Profile) decoder|decoder-video/x-h264..."
      gchar** parts = g_strsplit(details[0], "|", 5);
      if (g_strv_length(parts) >= 4) what = parts[3];
      g_strfreev(parts);
    }
    *error = "cannot read '" + input + "': " + what +
             " is missing (install gstreamer1.0-libav and gstreamer1.0-plugins-bad)";
  } else if (result != GST_DISCOVERER_OK) {
    *error = "'" + input + "' is not a video or picture GStreamer can decode" +
             (err ? std::string(" (") + err->message + ")" : std::string());
  } else {
    GList* videos = gst_discoverer_info_get_video_streams(info);
    GList* audios = gst_discoverer_info_get_audio_streams(info);
    if (!videos) {
      *error = "'" + input + "' has no video";
    } else {
      GstDiscovererVideoInfo* v = GST_DISCOVERER_VIDEO_INFO(videos->data);
      media->has_video = true;
      media->picture = gst_discoverer_video_info_is_image(v);
      media->width = static_cast<int>(gst_discoverer_video_info_get_width(v));
      media->height = static_cast<int>(gst_discoverer_video_info_get_height(v));
      // Phones store portrait video as landscape plus a rotation tag, which
      // videoflip applies: the picture we show is the other way round.
      const GstTagList* tags = gst_discoverer_stream_info_get_tags(GST_DISCOVERER_STREAM_INFO(v));
      gchar* orientation = nullptr;
      if (tags && gst_tag_list_get_string(tags, GST_TAG_IMAGE_ORIENTATION, &orientation) &&
          (g_str_has_suffix(orientation, "90") || g_str_has_suffix(orientation, "270")))
        std::swap(media->width, media->height);
      g_free(orientation);
      media->duration = gst_discoverer_info_get_duration(info);
      if (media->duration == GST_CLOCK_TIME_NONE) media->duration = 0;
      if (audios)
        media->audio_caps =
            gst_discoverer_stream_info_get_caps(GST_DISCOVERER_STREAM_INFO(audios->data));
      ok = true;
    }
    gst_discoverer_stream_info_list_free(videos);
    gst_discoverer_stream_info_list_free(audios);
  }
  g_clear_error(&err);
  if (info) gst_discoverer_info_unref(info);
  return ok;
}

// The histeq element's settings as gst-launch properties.
std::string HisteqDescription(const Options& o, bool video) {
  const unsigned smoothing = o.smoothing_set ? o.smoothing : video ? 15u : 0u;
  gchar* text = g_strdup_printf(
      "histeq mode=%s strength=%g clip-limit=%g clip-spread=%s smoothing=%u n-threads=0",
      o.mode.c_str(), o.strength, o.clip_limit, o.clip_spread.c_str(), smoothing);
  std::string s(text);
  g_free(text);
  return s;
}

// Runs a pipeline to EOS or error on a main loop, with the progress line for
// videos and Ctrl-C turned into EOS, or into a clean stop with nothing
// written when no frame has come yet (a second Ctrl-C aborts).
class Runner {
 public:
  Runner(GstElement* pipeline, uint64_t duration, bool progress)
      : pipeline_(pipeline), duration_(duration), progress_(progress) {
    loop_ = g_main_loop_new(nullptr, FALSE);
    tty_ = isatty(STDERR_FILENO);
  }
  ~Runner() { g_main_loop_unref(loop_); }

  // Counts frames leaving `pad` (the histeq element's output).
  void CountFramesOn(GstPad* pad) {
    gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer self) {
          static_cast<Runner*>(self)->frames_++;
          return GST_PAD_PROBE_OK;
        },
        this, nullptr);
  }

  // 0, 130 after Ctrl-C, or 1 with the error printed.
  int Run() {
    GstBus* bus = gst_element_get_bus(pipeline_);
    const guint bus_watch = gst_bus_add_watch(bus, OnMessage, this);
    enhance::SetInterruptHandler(OnSigint, this);
    const guint tick = progress_ ? g_timeout_add(250, OnTick, this) : 0;
    timer_ = g_timer_new();
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      // The element that refused said why on the bus, before the loop runs.
      GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
      if (msg) {
        OnMessage(bus, msg, this);
        gst_message_unref(msg);
      }
      if (error_.empty()) error_ = "the pipeline could not start";
    } else {
      g_main_loop_run(loop_);
    }
    gst_object_unref(bus);
    if (tick) g_source_remove(tick);
    enhance::ClearInterruptHandler();
    g_source_remove(bus_watch);
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    if (nothing_written_) {
      std::fprintf(stderr, "histeq-enhance: interrupted before the first frame: no %s written\n",
                   partial_output_.c_str());
      g_unlink(partial_output_.c_str());
    } else if (progress_ && error_.empty()) {
      const double elapsed = g_timer_elapsed(timer_, nullptr);
      if (!tty_ && !interrupted_ && last_tenth_ < 10)  // a log ends at 100 %
        std::fprintf(stderr, "%s\n",
                     enhance::ProgressLine(duration_, duration_, frames_, elapsed).c_str());
      std::fprintf(stderr, "%s%llu frames in %.1f s (%.1f fps)%s\n", tty_ ? "\r\033[K" : "",
                   static_cast<unsigned long long>(frames_.load()), elapsed,
                   elapsed > 0 ? frames_ / elapsed : 0.0,
                   interrupted_ ? ", stopped early" : "");
    }
    g_timer_destroy(timer_);
    if (!error_.empty()) return Fail(error_);
    return interrupted_ ? kExitInterrupted : 0;
  }

 private:
  static gboolean OnMessage(GstBus*, GstMessage* msg, gpointer data) {
    Runner* self = static_cast<Runner*>(data);
    switch (GST_MESSAGE_TYPE(msg)) {
      case GST_MESSAGE_EOS:
        g_main_loop_quit(self->loop_);
        break;
      case GST_MESSAGE_ERROR: {
        GError* err = nullptr;
        gchar* debug = nullptr;
        gst_message_parse_error(msg, &err, &debug);
        // "Output window was closed" ends a --show session normally.
        if (self->window_close_is_eos_ && err->domain == GST_RESOURCE_ERROR &&
            err->code == GST_RESOURCE_ERROR_NOT_FOUND)
          ;
        else
          self->error_ = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))) + ": " + err->message;
        g_clear_error(&err);
        g_free(debug);
        g_main_loop_quit(self->loop_);
        break;
      }
      default:
        break;
    }
    return G_SOURCE_CONTINUE;
  }

  // The first Ctrl-C (a second one exits at once, from the interrupt thread).
  static gboolean OnSigint(gpointer data) {
    Runner* self = static_cast<Runner*>(data);
    self->interrupted_ = true;
    if (!self->partial_output_.empty() && self->frames_ == 0) {
      // Still starting: there is nothing to finish.
      self->nothing_written_ = true;
      g_main_loop_quit(self->loop_);
      return G_SOURCE_REMOVE;
    }
    std::fprintf(stderr, "%sinterrupted: %s\n", self->tty_ ? "\r\033[K" : "\n",
                 self->window_close_is_eos_ ? "closing the window" : "finishing file");
    if (self->on_interrupt_)
      self->on_interrupt_();
    else
      gst_element_send_event(self->pipeline_, gst_event_new_eos());
    return G_SOURCE_REMOVE;
  }

  static gboolean OnTick(gpointer data) {
    Runner* self = static_cast<Runner*>(data);
    gint64 position = 0;
    if (!gst_element_query_position(self->pipeline_, GST_FORMAT_TIME, &position) || position < 0)
      return G_SOURCE_CONTINUE;
    const std::string line =
        enhance::ProgressLine(static_cast<uint64_t>(position), self->duration_, self->frames_,
                              g_timer_elapsed(self->timer_, nullptr));
    if (self->tty_) {
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
    } else {
      // Not a terminal (a log): a line every 10 %.
      const int tenth = self->duration_ ? static_cast<int>(10.0 * position / self->duration_) : 0;
      if (tenth <= self->last_tenth_) return G_SOURCE_CONTINUE;
      self->last_tenth_ = tenth;
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    return G_SOURCE_CONTINUE;
  }

 public:
  void Quit() { g_main_loop_quit(loop_); }

  // A window session: closing the window or Ctrl-C ends it normally.
  bool window_close_is_eos_ = false;
  // What Ctrl-C does instead of sending EOS to the pipeline's sources.
  std::function<void()> on_interrupt_;
  // The file being written: removed when Ctrl-C comes before the first frame.
  std::string partial_output_;

 private:
  GstElement* pipeline_;
  uint64_t duration_;
  bool progress_;
  bool tty_ = false;
  bool interrupted_ = false;
  bool nothing_written_ = false;
  int last_tenth_ = 0;
  GMainLoop* loop_;
  GTimer* timer_ = nullptr;
  std::string error_;
  std::atomic<uint64_t> frames_{0};
};

GstElement* Launch(const std::string& description, std::string* error) {
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &err);
  if (err) {
    *error = std::string("cannot build the pipeline: ") + err->message;
    g_clear_error(&err);
    if (pipeline) gst_object_unref(pipeline);
    return nullptr;
  }
  return pipeline;
}

// Where uridecodebin's pads go in a video run.
struct VideoLinks {
  GstElement* pipeline = nullptr;
  GstElement* video_in = nullptr;  // first element of the video chain
  GstElement* encodebin = nullptr;
  GstCaps* audio_passthrough = nullptr;  // or null: decode and re-encode
  bool audio_wanted = false;             // the profile has audio
  bool video_linked = false, audio_linked = false;
  std::mutex lock;             // pads and ending: pads come from a streaming thread
  std::vector<GstPad*> pads;   // uridecodebin's, referenced
  bool ending = false;         // Ctrl-C came: each pad ends its stream
};

// Ctrl-C: every decoded stream ends where it is. On its next buffer each
// pad sends EOS downstream, from its own streaming thread, and drops the
// rest; encodebin then finishes the file. (EOS sent to the source would not
// stop a demuxer that pulls from it.)
GstPadProbeReturn EndStream(GstPad* pad, GstPadProbeInfo*, gpointer data) {
  bool* sent = static_cast<bool*>(data);
  if (!*sent) {
    *sent = true;
    GstPad* peer = gst_pad_get_peer(pad);
    if (peer) {
      gst_pad_send_event(peer, gst_event_new_eos());
      gst_object_unref(peer);
    }
  }
  return GST_PAD_PROBE_DROP;
}

void EndStreamOn(GstPad* pad) {
  gst_pad_add_probe(pad,
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                 GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    EndStream, new bool(false), [](gpointer p) { delete static_cast<bool*>(p); });
}

// Every stream, including those uridecodebin has yet to expose.
void EndStreams(VideoLinks* links) {
  std::lock_guard<std::mutex> lock(links->lock);
  links->ending = true;
  for (GstPad* pad : links->pads) EndStreamOn(pad);
}

void LinkToFakesink(GstElement* pipeline, GstPad* pad) {
  GstElement* sink = gst_element_factory_make("fakesink", nullptr);
  g_object_set(sink, "async", FALSE, "sync", FALSE, nullptr);
  gst_bin_add(GST_BIN(pipeline), sink);
  gst_element_sync_state_with_parent(sink);
  GstPad* sinkpad = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(pad, sinkpad);
  gst_object_unref(sinkpad);
}

void OnDecodedPad(GstElement*, GstPad* pad, gpointer data) {
  VideoLinks* links = static_cast<VideoLinks*>(data);
  {
    std::lock_guard<std::mutex> lock(links->lock);
    links->pads.push_back(GST_PAD(gst_object_ref(pad)));
    if (links->ending) EndStreamOn(pad);
  }
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (!caps) caps = gst_pad_query_caps(pad, nullptr);
  const char* name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  if (g_str_has_prefix(name, "video/") && !links->video_linked) {
    GstPad* sinkpad = gst_element_get_static_pad(links->video_in, "sink");
    links->video_linked = gst_pad_link(pad, sinkpad) == GST_PAD_LINK_OK;
    gst_object_unref(sinkpad);
  } else if (g_str_has_prefix(name, "audio/") && links->audio_wanted && !links->audio_linked) {
    // As it is (passthrough), or decoded and re-encoded by encodebin.
    GstElement* queue = gst_element_factory_make("queue", nullptr);
    GstElement* convert = links->audio_passthrough
                              ? gst_element_factory_make("identity", nullptr)
                              : gst_element_factory_make("audioconvert", nullptr);
    GstElement* resample = links->audio_passthrough
                               ? gst_element_factory_make("identity", nullptr)
                               : gst_element_factory_make("audioresample", nullptr);
    gst_bin_add_many(GST_BIN(links->pipeline), queue, convert, resample, nullptr);
    gst_element_link_many(queue, convert, resample, nullptr);
    GstPad* encpad = nullptr;
    g_signal_emit_by_name(links->encodebin, "request-pad", caps, &encpad);
    GstPad* src = gst_element_get_static_pad(resample, "src");
    GstPad* qsink = gst_element_get_static_pad(queue, "sink");
    links->audio_linked = encpad && gst_pad_link(src, encpad) == GST_PAD_LINK_OK &&
                          gst_pad_link(pad, qsink) == GST_PAD_LINK_OK;
    for (GstElement* e : {queue, convert, resample}) gst_element_sync_state_with_parent(e);
    if (!links->audio_linked) std::fprintf(stderr, "histeq-enhance: audio dropped (cannot link)\n");
    gst_object_unref(src);
    gst_object_unref(qsink);
    if (encpad) gst_object_unref(encpad);
  } else {
    LinkToFakesink(links->pipeline, pad);  // subtitles, extra streams
  }
  gst_caps_unref(caps);
}

void OnEncoderAdded(GstBin*, GstBin*, GstElement* element, gpointer) {
  enhance::TuneEncoder(element);
}

// The original and the equalized frame side by side in a window (videos:
// while encoding).
std::string ShowBranch(const Media& m) {
  return " t_orig. ! queue ! mix.sink_0  t_eq. ! queue ! mix.sink_1  compositor name=mix "
         "sink_1::xpos=" + std::to_string(m.width) +
         " ! videoconvert name=show";  // and a window: enhance::AttachWindow
}

int EnhanceVideo(const Options& o, const std::string& uri, const Media& m,
                 const OutputFormat& format) {
  GstCaps* passthrough = enhance::PassthroughAudioCaps(format, m.audio_caps);
  if (m.audio_caps && !passthrough && !format.audio)
    std::fprintf(stderr, "histeq-enhance: no audio encoder for %s: audio dropped\n",
                 enhance::Extension(o.output).c_str());
  // Stop decoding at the compressed audio when it goes into the file as it is.
  std::string stop_caps = "video/x-raw(ANY);audio/x-raw(ANY)";
  if (passthrough) {
    gchar* c = gst_caps_to_string(passthrough);
    stop_caps += std::string(";") + c;
    g_free(c);
  }
  std::string d = "uridecodebin name=dec  queue name=vin ! videoconvert ! videoflip "
                  "video-direction=auto ! videoconvert ! ";
  d += o.show ? "tee name=t_orig ! queue ! " : "";
  d += HisteqDescription(o, true) + " name=eq ! ";
  d += o.show ? "tee name=t_eq ! queue ! " : "";
  d += "videoconvert name=vout  encodebin name=enc ! filesink name=out";
  if (o.show) d += ShowBranch(m);
  std::string error;
  GstElement* pipeline = Launch(d, &error);
  if (!pipeline) return Fail(error);
  if (o.show && !enhance::AttachWindow(pipeline, false, &error)) {
    gst_object_unref(pipeline);
    return Fail(error);
  }

  GstElement* dec = gst_bin_get_by_name(GST_BIN(pipeline), "dec");
  GstElement* enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
  GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  GstElement* vin = gst_bin_get_by_name(GST_BIN(pipeline), "vin");
  GstElement* eq = gst_bin_get_by_name(GST_BIN(pipeline), "eq");
  GstCaps* caps = gst_caps_from_string(stop_caps.c_str());
  // Only video and audio come out (no subtitle pads that may never end).
  g_object_set(dec, "uri", uri.c_str(), "caps", caps, "expose-all-streams", FALSE, nullptr);
  gst_caps_unref(caps);
  g_object_set(out, "location", o.output.c_str(), nullptr);
  GstEncodingProfile* profile = enhance::MakeProfile(format, passthrough);
  g_object_set(enc, "profile", profile, nullptr);
  gst_encoding_profile_unref(profile);
  g_signal_connect(enc, "deep-element-added", G_CALLBACK(OnEncoderAdded), nullptr);
  // The video into encodebin, now that it has its profile.
  GstElement* vout = gst_bin_get_by_name(GST_BIN(pipeline), "vout");
  GstCaps* raw = gst_caps_new_empty_simple("video/x-raw");
  GstPad* enc_video = nullptr;
  g_signal_emit_by_name(enc, "request-pad", raw, &enc_video);
  gst_caps_unref(raw);
  GstPad* vout_src = gst_element_get_static_pad(vout, "src");
  const bool linked = enc_video && gst_pad_link(vout_src, enc_video) == GST_PAD_LINK_OK;
  gst_object_unref(vout_src);
  if (enc_video) gst_object_unref(enc_video);
  gst_object_unref(vout);
  if (!linked) {
    for (GstElement* e : {dec, enc, out, vin, eq}) gst_object_unref(e);
    gst_object_unref(pipeline);
    if (passthrough) gst_caps_unref(passthrough);
    return Fail(std::string("encodebin cannot make ") + format.video->caps);
  }

  VideoLinks links;
  links.pipeline = pipeline;
  links.video_in = vin;
  links.encodebin = enc;
  links.audio_passthrough = passthrough;
  links.audio_wanted = passthrough != nullptr || format.audio != nullptr;
  g_signal_connect(dec, "pad-added", G_CALLBACK(OnDecodedPad), &links);

  Runner runner(pipeline, m.duration, true);
  runner.on_interrupt_ = [&links] { EndStreams(&links); };
  runner.partial_output_ = o.output;
  GstPad* eq_src = gst_element_get_static_pad(eq, "src");
  runner.CountFramesOn(eq_src);
  gst_object_unref(eq_src);
  std::fprintf(stderr, "histeq-enhance: %s (%dx%d, %s) -> %s (%s%s%s)\n", o.input.c_str(),
               m.width, m.height, enhance::Clock(m.duration / 1e9).c_str(), o.output.c_str(),
               format.video->element,
               passthrough ? ", audio kept as it is" : format.audio && m.audio_caps ? ", audio " : "",
               !passthrough && format.audio && m.audio_caps ? format.audio->element : "");
  const int status = runner.Run();
  for (GstPad* pad : links.pads) gst_object_unref(pad);
  for (GstElement* e : {dec, enc, out, vin, eq}) gst_object_unref(e);
  gst_object_unref(pipeline);
  if (passthrough) gst_caps_unref(passthrough);
  return status;
}

// One frame of INPUT (a third into a video), decoded, as a sample.
GstSample* GrabFrame(const std::string& uri, const Media& m, std::string* error) {
  GstElement* p = Launch("uridecodebin name=dec ! videoconvert ! videoflip video-direction=auto "
                         "! videoconvert ! video/x-raw,format={I420,Y444,BGRx,RGBx,GRAY8} ! "
                         "appsink name=sink sync=false",
                         error);
  if (!p) return nullptr;
  GstElement* dec = gst_bin_get_by_name(GST_BIN(p), "dec");
  g_object_set(dec, "uri", uri.c_str(), nullptr);
  gst_object_unref(dec);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  GstSample* sample = nullptr;
  gst_element_set_state(p, GST_STATE_PAUSED);
  if (gst_element_get_state(p, nullptr, nullptr, 30 * GST_SECOND) != GST_STATE_CHANGE_FAILURE) {
    if (!m.picture && m.duration > 0) {
      gst_element_seek_simple(p, GST_FORMAT_TIME,
                              static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                              static_cast<gint64>(m.duration / 3));
      gst_element_get_state(p, nullptr, nullptr, 30 * GST_SECOND);
    }
    sample = gst_app_sink_try_pull_preroll(GST_APP_SINK(sink), 10 * GST_SECOND);
  }
  if (!sample) *error = "could not decode a frame";
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(p);
  return sample;
}

// Pushes one frame through `description` (which starts at an appsrc named
// src) and runs it; with `window`, the description ends at an element named
// show, which goes to a window.
int RunOnFrame(GstSample* frame, const std::string& description, bool window) {
  std::string error;
  GstElement* p = Launch(description, &error);
  if (!p) return Fail(error);
  if (window && !enhance::AttachWindow(p, true, &error)) {
    gst_object_unref(p);
    return Fail(error);
  }
  GstElement* src = gst_bin_get_by_name(GST_BIN(p), "src");
  g_object_set(src, "caps", gst_sample_get_caps(frame), "format", GST_FORMAT_TIME, nullptr);
  GstBuffer* buffer = gst_buffer_copy(gst_sample_get_buffer(frame));
  GST_BUFFER_PTS(buffer) = 0;
  GST_BUFFER_DTS(buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION(buffer) = GST_SECOND / 25;
  gst_app_src_push_buffer(GST_APP_SRC(src), buffer);
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  gst_object_unref(src);
  Runner runner(p, 0, false);
  runner.window_close_is_eos_ = window;
  // imagefreeze never ends: Ctrl-C closes the window at once.
  if (window) runner.on_interrupt_ = [&runner] { runner.Quit(); };
  const int status = runner.Run();
  gst_object_unref(p);
  return status;
}

// The encoder element for a picture OUTPUT, with the settings it needs.
std::string PictureEncoder(const OutputFormat& format) {
  return std::string(format.element) + (std::string(format.element) == "pngenc"
                                            ? " snapshot=true"
                                            : " snapshot=true quality=92");
}

int EnhancePicture(const Options& o, const std::string& uri, const Media& m,
                   const OutputFormat& format) {
  std::string error;
  GstSample* frame = GrabFrame(uri, m, &error);
  if (!frame) return Fail("'" + o.input + "': " + error);
  gchar* location = g_strescape(o.output.c_str(), nullptr);
  const std::string sink =
      " ! videoconvert ! " + PictureEncoder(format) + " ! filesink location=\"" + location + "\"";
  g_free(location);
  int status;
  if (o.preview) {
    status = RunOnFrame(frame,
                        "appsrc name=src ! tee name=t ! queue ! mix.sink_0  t. ! queue ! " +
                            HisteqDescription(o, false) + " ! mix.sink_1  compositor name=mix "
                            "sink_1::xpos=" + std::to_string(m.width) + sink,
                        false);
  } else {
    status = RunOnFrame(frame, "appsrc name=src ! " + HisteqDescription(o, false) + sink, false);
  }
  if (status == 0) {
    std::fprintf(stderr, "histeq-enhance: wrote %s%s\n", o.output.c_str(),
                 o.preview ? " (original | equalized)" : "");
    if (o.show) {
      std::fprintf(stderr, "histeq-enhance: showing original | equalized; close the window or "
                           "press Ctrl-C to quit\n");
      status = RunOnFrame(frame,
                          "appsrc name=src ! imagefreeze ! tee name=t ! queue ! mix.sink_0  t. ! "
                          "queue ! " + HisteqDescription(o, false) +
                              " ! mix.sink_1  compositor name=mix sink_1::xpos=" +
                              std::to_string(m.width) + " ! videoconvert name=show",
                          true);
      if (status == kExitInterrupted) status = 0;
    }
  }
  gst_sample_unref(frame);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  enhance::StartInterruptThread();
  Options o;
  const int parsed = enhance::ParseOptions(argc, argv, &o);
  if (parsed != 0) return parsed < 0 ? 0 : parsed;
  gst_init(&argc, &argv);

  if (!g_file_test(o.input.c_str(), G_FILE_TEST_EXISTS))
    return Fail("cannot open '" + o.input + "': no such file");
  if (!g_file_test(o.input.c_str(), G_FILE_TEST_IS_REGULAR))
    return Fail("cannot open '" + o.input + "': not a regular file");
  if (g_access(o.input.c_str(), R_OK) != 0)
    return Fail("cannot open '" + o.input + "': permission denied");
  OutputFormat format;
  std::string error;
  if (!enhance::ChooseOutput(o.output, &format, &error)) return Fail(error);
  if (o.preview && !format.picture)
    return Fail("--preview writes a picture: OUTPUT must end in .png or .jpg");
  if (o.show && !g_getenv("DISPLAY") && !g_getenv("WAYLAND_DISPLAY"))
    return Fail("--show needs a display (neither DISPLAY nor WAYLAND_DISPLAY is set)");
  if (!EnsureHisteq(argv[0]))
    return Fail("the histeq GStreamer plugin is not installed (meson install, or set "
                "GST_PLUGIN_PATH to the build's gst/ folder)");

  gchar* uri_text = gst_filename_to_uri(o.input.c_str(), nullptr);
  const std::string uri = uri_text ? uri_text : "";
  g_free(uri_text);
  Media media;
  if (!Discover(uri, o.input, &media, &error)) return Fail(error);

  int status;
  if (format.picture) {
    status = EnhancePicture(o, uri, media, format);
  } else if (media.picture) {
    status = Fail("'" + o.input + "' is a picture: write a .png or .jpg OUTPUT");
  } else {
    status = EnhanceVideo(o, uri, media, format);
  }
  if (media.audio_caps) gst_caps_unref(media.audio_caps);
  return status;
}
