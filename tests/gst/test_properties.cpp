// Bad settings: every property of the element refuses values outside its
// GParamSpec (GLib warns, the property keeps its value), whatever its type;
// and properties set from many threads while frames flow are race-free (the
// TSan run of scripts/reliability.sh runs this too).
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "frames.h"
#include "harness.h"

namespace {

std::atomic<int> g_refusals{0};

void CountWarning(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
  if (std::string(message).find("out of range") != std::string::npos ||
      std::string(message).find("invalid") != std::string::npos)
    ++g_refusals;
}

// Values just outside `spec` (none for a type without a range).
std::vector<GValue> OutOfRange(GParamSpec* spec) {
  std::vector<GValue> values;
  auto add = [&](auto set) {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, spec->value_type);
    set(&v);
    values.push_back(v);
  };
  if (G_IS_PARAM_SPEC_UINT(spec)) {
    GParamSpecUInt* u = G_PARAM_SPEC_UINT(spec);
    if (u->maximum < G_MAXUINT) add([&](GValue* v) { g_value_set_uint(v, u->maximum + 1); });
    if (u->minimum > 0) add([&](GValue* v) { g_value_set_uint(v, u->minimum - 1); });
  } else if (G_IS_PARAM_SPEC_INT(spec)) {
    GParamSpecInt* i = G_PARAM_SPEC_INT(spec);
    if (i->maximum < G_MAXINT) add([&](GValue* v) { g_value_set_int(v, i->maximum + 1); });
    if (i->minimum > G_MININT) add([&](GValue* v) { g_value_set_int(v, i->minimum - 1); });
  } else if (G_IS_PARAM_SPEC_DOUBLE(spec)) {
    GParamSpecDouble* d = G_PARAM_SPEC_DOUBLE(spec);
    if (d->maximum < G_MAXDOUBLE) {
      add([&](GValue* v) { g_value_set_double(v, d->maximum + 0.001); });
      add([&](GValue* v) { g_value_set_double(v, INFINITY); });
    }
    if (d->minimum > -G_MAXDOUBLE) {
      add([&](GValue* v) { g_value_set_double(v, d->minimum - 0.001); });
      add([&](GValue* v) { g_value_set_double(v, -INFINITY); });
    }
  } else if (G_IS_PARAM_SPEC_ENUM(spec)) {
    add([&](GValue* v) { g_value_set_enum(v, 12345); });
  }
  return values;
}

TEST(Properties, EveryPropertyRefusesOutOfRangeAndKeepsItsValue) {
  GstElement* e = gst_element_factory_make("histeq", nullptr);
  ASSERT_NE(e, nullptr);
  // A non-default starting point, so "unchanged" is not "back to default".
  g_object_set(e, "clip-limit", 3.5, "tiles-x", 5u, "tiles-y", 7u, "strength", 0.25,
               "smoothing", 12u, "scene-threshold", 0.6, "n-threads", 2u, nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "mode", "adaptive");
  gst_util_set_object_arg(G_OBJECT(e), "range", "limited");

  const guint handler = g_log_set_handler(
      "GLib-GObject", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL),
      CountWarning, nullptr);
  guint n_props = 0;
  GParamSpec** props = g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n_props);
  int checked = 0;
  for (guint p = 0; p < n_props; ++p) {
    GParamSpec* spec = props[p];
    if (spec->owner_type != G_OBJECT_TYPE(e) || !(spec->flags & G_PARAM_WRITABLE)) continue;
    for (GValue& bad : OutOfRange(spec)) {
      GValue before = G_VALUE_INIT, after = G_VALUE_INIT;
      g_value_init(&before, spec->value_type);
      g_value_init(&after, spec->value_type);
      g_object_get_property(G_OBJECT(e), spec->name, &before);
      const int refusals = g_refusals;
      g_object_set_property(G_OBJECT(e), spec->name, &bad);
      g_object_get_property(G_OBJECT(e), spec->name, &after);
      gchar* text = g_strdup_value_contents(&bad);
      EXPECT_EQ(g_refusals, refusals + 1) << spec->name << " = " << text << ": no warning";
      EXPECT_EQ(g_param_values_cmp(spec, &before, &after), 0)
          << spec->name << " changed by the out-of-range value " << text;
      g_free(text);
      g_value_unset(&before);
      g_value_unset(&after);
      g_value_unset(&bad);
      ++checked;
    }
  }
  g_free(props);
  g_log_remove_handler("GLib-GObject", handler);
  // mode, range, clip-limit, tiles-x/-y, strength, smoothing,
  // scene-threshold, n-threads: each has at least one end to test.
  EXPECT_GE(checked, 14);
  gst_object_unref(e);
}

TEST(Properties, SetFromManyThreadsWhileFramesFlow) {
  const GstVideoInfo info = frames::MakeInfo(GST_VIDEO_FORMAT_I420, 160, 90, true);
  GstHarness* h = frames::NewHarness(info);
  std::atomic<bool> stop{false};
  std::vector<std::thread> setters;
  for (int t = 0; t < 4; ++t)
    setters.emplace_back([&, t] {
      guint i = 0;
      while (!stop) {
        ++i;
        switch (t) {
          case 0:
            gst_util_set_object_arg(G_OBJECT(h->element), "mode",
                                    i % 2 ? "adaptive" : "global");
            g_object_set(h->element, "tiles-x", 1 + i % 16, "tiles-y", 1 + i % 9, nullptr);
            break;
          case 1:
            g_object_set(h->element, "strength", (i % 11) / 10.0, "clip-limit",
                         (i % 5) * 1.5, nullptr);
            break;
          case 2:
            g_object_set(h->element, "smoothing", i % 20, "scene-threshold",
                         (i % 10) / 9.0, "post-messages", i % 3 == 0, nullptr);
            break;
          default: {
            gst_util_set_object_arg(G_OBJECT(h->element), "range",
                                    i % 3 == 0 ? "auto" : i % 3 == 1 ? "full" : "limited");
            guint n = 0;
            g_object_get(h->element, "n-threads", &n, nullptr);
            g_object_set(h->element, "n-threads", i % 3, nullptr);
          }
        }
      }
    });
  for (uint32_t seed = 0; seed < 150; ++seed) {
    const frames::Frame frame = frames::MakeSceneFrame(info, seed);
    const std::vector<uint8_t> out = frames::Process(h, frame);
    ASSERT_EQ(out.size(), frame.bytes.size());
    EXPECT_TRUE(frames::OnlySamplesChanged(frame, out)) << "frame " << seed;
  }
  stop = true;
  for (std::thread& t : setters) t.join();
  EXPECT_EQ(gst_harness_buffers_received(h), 150u);
  gst_harness_teardown(h);
}

}  // namespace
