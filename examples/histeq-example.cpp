// Embedding histeq in an application: build a pipeline by hand, set the
// element's properties, run it to the end and report errors from the bus.
//
//   histeq-example [OUTPUT.png]
//
// Equalizes one low-contrast test frame (videobalance takes the contrast
// away, histeq gives it back) and writes it as PNG (default: histeq.png).
#include <gst/gst.h>

#include <cstdio>

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  const char* location = argc > 1 ? argv[1] : "histeq.png";

  GstElement* pipeline = gst_pipeline_new("example");
  GstElement* src = gst_element_factory_make("videotestsrc", nullptr);
  GstElement* dull = gst_element_factory_make("videobalance", nullptr);
  GstElement* histeq = gst_element_factory_make("histeq", nullptr);
  GstElement* convert = gst_element_factory_make("videoconvert", nullptr);
  GstElement* enc = gst_element_factory_make("pngenc", nullptr);
  GstElement* sink = gst_element_factory_make("filesink", nullptr);
  if (!src || !dull || !histeq || !convert || !enc || !sink) {
    std::fprintf(stderr, "missing element: %s\n",
                 !histeq ? "histeq (is GST_PLUGIN_PATH set to the build's gst/ folder?)"
                         : "videotestsrc/videobalance/videoconvert/pngenc/filesink "
                           "(install gstreamer1.0-plugins-base and -good)");
    return 1;
  }

  g_object_set(src, "num-buffers", 1, "pattern", 0 /* smpte */, nullptr);
  g_object_set(dull, "contrast", 0.35, "brightness", -0.15, nullptr);
  // Properties by value or, for enums, by nick as on a gst-launch line:
  // contrast-limited adaptive equalization, slightly softened.
  gst_util_set_object_arg(G_OBJECT(histeq), "mode", "adaptive");
  gst_util_set_object_arg(G_OBJECT(histeq), "range", "auto");
  g_object_set(histeq, "clip-limit", 2.5, "tiles-x", 8u, "tiles-y", 6u, "strength", 0.9,
               nullptr);
  g_object_set(enc, "snapshot", FALSE, nullptr);
  g_object_set(sink, "location", location, nullptr);

  gst_bin_add_many(GST_BIN(pipeline), src, dull, histeq, convert, enc, sink, nullptr);
  if (!gst_element_link_many(src, dull, histeq, convert, enc, sink, nullptr)) {
    std::fprintf(stderr, "could not link the pipeline\n");
    return 1;
  }

  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* msg = gst_bus_timed_pop_filtered(
      bus, GST_CLOCK_TIME_NONE,
      static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  int status = 0;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(msg, &err, &debug);
    std::fprintf(stderr, "error from %s: %s\n%s\n", GST_OBJECT_NAME(msg->src),
                 err->message, debug ? debug : "");
    g_clear_error(&err);
    g_free(debug);
    status = 1;
  } else {
    std::printf("wrote %s\n", location);
  }
  gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return status;
}
