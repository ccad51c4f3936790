#include "window.h"

#include <cstring>

namespace enhance {
namespace {

bool IsWindowSink(GstElementFactory* factory) {
  const gchar* klass = gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS);
  const gchar* name = gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory));
  // autovideosink's own test, less the auto* bins themselves.
  return klass && strstr(klass, "Sink") && strstr(klass, "Video") &&
         !g_str_has_prefix(name, "auto");
}

// The first sink, by rank, that reaches READY (its window system is there);
// returned in READY, floating.
GstElement* OpenVideoSink() {
  GList* factories = gst_element_factory_list_get_elements(
      static_cast<GstElementFactoryListType>(GST_ELEMENT_FACTORY_TYPE_SINK |
                                             GST_ELEMENT_FACTORY_TYPE_MEDIA_VIDEO),
      GST_RANK_MARGINAL);
  factories = g_list_sort(factories, gst_plugin_feature_rank_compare_func);
  GstElement* found = nullptr;
  for (GList* f = factories; f && !found; f = f->next) {
    GstElementFactory* factory = GST_ELEMENT_FACTORY(f->data);
    if (!IsWindowSink(factory)) continue;
    GstElement* sink = gst_element_factory_create(factory, nullptr);
    if (!sink) continue;
    gst_object_ref_sink(sink);
    if (gst_element_set_state(sink, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS) {
      found = sink;
    } else {
      gst_element_set_state(sink, GST_STATE_NULL);
      gst_object_unref(sink);
    }
  }
  gst_plugin_feature_list_free(factories);
  return found;
}

}  // namespace

bool AttachWindow(GstElement* pipeline, bool sync, std::string* error) {
  GstElement* sink = OpenVideoSink();
  if (!sink) {
    *error = "no video sink can open a window here (is the display reachable?)";
    return false;
  }
  g_object_set(sink, "sync", sync, nullptr);
  gst_bin_add(GST_BIN(pipeline), sink);  // the bin takes our reference's place
  gst_object_unref(sink);
  GstElement* show = gst_bin_get_by_name(GST_BIN(pipeline), "show");
  const bool linked = show && gst_element_link(show, sink);
  if (show) gst_object_unref(show);
  if (!linked) *error = "cannot link the window's video sink";
  return linked;
}

}  // namespace enhance
