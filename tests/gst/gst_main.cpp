// GoogleTest entry point for the element tests: GStreamer is initialised
// once, with the registry the test environment points at (see meson.build).
//
// When the run has the leaks tracer (GST_TRACERS=leaks, as the
// `element-leaks` test does), every GstObject and GstMiniObject still alive
// after the last test is a failure: nothing a test or the element created
// may outlive it.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>

namespace {

GstTracer* FindLeaksTracer() {
  GstTracer* found = nullptr;
  GList* tracers = gst_tracing_get_active_tracers();
  for (GList* l = tracers; l != nullptr; l = l->next) {
    GstTracer* tracer = GST_TRACER(l->data);
    if (found == nullptr &&
        std::string(G_OBJECT_TYPE_NAME(tracer)) == "GstLeaksTracer")
      found = GST_TRACER(gst_object_ref(tracer));
  }
  g_list_free_full(tracers, gst_object_unref);
  return found;
}

class LeaksCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    GstTracer* tracer = FindLeaksTracer();
    if (tracer == nullptr) {
      if (g_getenv("GST_TRACERS") != nullptr)
        ADD_FAILURE() << "GST_TRACERS is set but the leaks tracer is not active";
      return;
    }
    GstStructure* info = nullptr;
    g_signal_emit_by_name(tracer, "get-live-objects", &info);
    ASSERT_NE(info, nullptr);
    const GValue* list = gst_structure_get_value(info, "live-objects-list");
    const guint alive = list != nullptr ? gst_value_list_get_size(list) : 0;
    for (guint i = 0; i < alive; ++i) {
      const GstStructure* object =
          gst_value_get_structure(gst_value_list_get_value(list, i));
      const GValue* value = gst_structure_get_value(object, "object");
      const gchar* type = value != nullptr ? G_VALUE_TYPE_NAME(value) : "?";
      gchar* text = gst_structure_to_string(object);
      ADD_FAILURE() << "leaked " << type << ": " << text;
      g_free(text);
    }
    std::printf("leaks tracer: %u objects alive after the last test\n", alive);
    gst_structure_free(info);
    gst_object_unref(tracer);
  }
};

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new LeaksCheck);
  const int result = RUN_ALL_TESTS();
  gst_deinit();
  return result;
}
