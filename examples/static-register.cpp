// An application with histeq linked in statically: no plugin file, no
// GST_PLUGIN_PATH. Build the plugin with -Ddefault_library=static (or use
// the gsthisteq-static library of any build tree), link libgsthisteq.a and
// libhisteq-core, and register the element once after gst_init:
//
//   GST_ELEMENT_REGISTER_DECLARE (histeq);
//   ...
//   GST_ELEMENT_REGISTER (histeq, NULL);
//
// This program does that, pushes one dull GRAY8 frame through
// `appsrc ! histeq ! appsink` and checks the contrast came back.
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <algorithm>
#include <cstdio>
#include <vector>

GST_ELEMENT_REGISTER_DECLARE(histeq);

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  if (!GST_ELEMENT_REGISTER(histeq, nullptr)) {
    std::fprintf(stderr, "static-register: could not register histeq\n");
    return 1;
  }
  // The factory comes from this program, not from a plugin file.
  GstElementFactory* factory = gst_element_factory_find("histeq");
  GstPlugin* plugin = factory ? gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(factory)) : nullptr;
  if (!factory || plugin != nullptr) {
    std::fprintf(stderr, "static-register: histeq %s\n",
                 factory ? "came from a plugin file, not from this program" : "not found");
    return 1;
  }
  gst_object_unref(factory);

  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "appsrc name=src format=time caps=video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=30/1 ! histeq ! appsink name=sink",
      &error);
  if (!pipeline) {
    std::fprintf(stderr, "static-register: %s\n", error->message);
    g_clear_error(&error);
    return 1;
  }
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  // A dull gradient: values 100..139 only.
  std::vector<guint8> frame(64 * 48);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<guint8>(100 + (i % 64) * 40 / 64);
  GstBuffer* in = gst_buffer_new_memdup(frame.data(), frame.size());
  GST_BUFFER_PTS(in) = 0;
  gst_app_src_push_buffer(GST_APP_SRC(src), in);
  gst_app_src_end_of_stream(GST_APP_SRC(src));

  int status = 1;
  if (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    GstMapInfo map;
    GstBuffer* out = gst_sample_get_buffer(sample);
    if (gst_buffer_map(out, &map, GST_MAP_READ)) {
      const auto [lo, hi] = std::minmax_element(map.data, map.data + map.size);
      std::printf("static-register: input 100..139, output %d..%d\n", *lo, *hi);
      status = *lo == 0 && *hi == 255 ? 0 : 1;  // GRAY8: full range, as cv::equalizeHist
      gst_buffer_unmap(out, &map);
    }
    gst_sample_unref(sample);
  } else {
    std::fprintf(stderr, "static-register: no frame came out\n");
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(src);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return status;
}
