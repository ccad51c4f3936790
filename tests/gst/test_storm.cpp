// Property storm (issue 21): one thread sets random legal values of every
// writable property of the element, read from its GParamSpecs (so a new
// property is stormed without touching this file), at random times, while
// frames of changing caps (twelve formats from GRAY8 to Y444_16LE, 1x1 up to
// 1280x720) flow through a GstHarness. Every buffer must come out once, in
// order, with its timestamps, offsets and flags, only its samples changed;
// no flow error, no error or warning; and the memory the process holds must
// stay within 256 MiB of what it held before the storm, at every frame.
//
//   HISTEQ_STORM_SEED=N        the seed (printed; default 21)
//   HISTEQ_STORM_ITERATIONS=N  frames to push (default 300)
//   HISTEQ_STORM_LOCKSTEP=1    no setter thread: the frame thread sets the
//                              properties between batches, so a seed replays
//                              exactly (the thread's timing does not)
//   HISTEQ_STORM_ABORT_MIB=N   growth at which a watchdog aborts the process
//                              at once, to spare the machine (default 2048)
//   HISTEQ_STORM_SKIP=a,b      properties left at their defaults, to tell
//                              which one a finding needs (or to storm the
//                              rest past a known one)
//
// scripts/storm.sh runs it longer, also under ASan and TSan.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "proc_status.h"
#include "frames.h"
#include "harness.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HISTEQ_STORM_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HISTEQ_STORM_SANITIZER 1
#endif
#endif

#ifdef HISTEQ_STORM_SANITIZER
// The sanitizers' allocators count the bytes the program has allocated and
// not freed (ASan's quarantine of freed blocks and the shadow memory aside).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace {

constexpr int64_t kMiB = 1 << 20;
// Issue 21's bound for frames up to 3840x2160 (the storm stays at 1280x720).
constexpr int64_t kBoundBytes = 256 * kMiB;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 0) : fallback;
}

// The memory the process holds: resident set (and its peak, VmHWM, which
// /proc/self/clear_refs resets) in a plain build; the allocator's live bytes
// under a sanitizer, whose shadow memory and quarantine would swamp the RSS.
class MemoryProbe {
 public:
  MemoryProbe() {
#ifndef HISTEQ_STORM_SANITIZER
    exact_peak_ = ResetKernelPeak();
#endif
  }
  static const char* What() {
#ifdef HISTEQ_STORM_SANITIZER
    return "live heap bytes (sanitizer allocator)";
#else
    return "resident set (VmRSS/VmHWM)";
#endif
  }
  static int64_t Current() {
#ifdef HISTEQ_STORM_SANITIZER
    return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
#else
    return StatusKiB("VmRSS:") * 1024;
#endif
  }
  // Starts a new peak from now.
  void ResetPeak() {
    if (exact_peak_) ResetKernelPeak();
    sampled_peak_ = Current();
  }
  // Called often by the watchdog: keeps the sampled peak.
  void Sample() {
    const int64_t now = Current();
    int64_t seen = sampled_peak_.load();
    while (now > seen && !sampled_peak_.compare_exchange_weak(seen, now)) {
    }
  }
  // The highest since ResetPeak: exact from the kernel where it keeps one,
  // else the highest of the samples.
  int64_t Peak() {
    Sample();
    int64_t peak = sampled_peak_;
    if (exact_peak_) peak = std::max(peak, StatusKiB("VmHWM:") * 1024);
    return peak;
  }

 private:
  static int64_t StatusKiB(const char* field) { return testmem::StatusKiB(field); }
  static bool ResetKernelPeak() {
    FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (f == nullptr) return false;
    const bool ok = std::fputs("5", f) >= 0;
    return std::fclose(f) == 0 && ok;
  }

  bool exact_peak_ = false;
  std::atomic<int64_t> sampled_peak_{0};
};

// The properties to storm: every writable, not construct-only one the
// element itself installs (GstBaseTransform's qos and GstObject's name and
// parent are not histeq's settings), of a type this file can draw values
// for, and not named in HISTEQ_STORM_SKIP. Anything else is listed in
// `skipped`.
std::vector<GParamSpec*> StormedProperties(GstElement* e, std::vector<std::string>* skipped) {
  const std::string skip = std::string(",") + (g_getenv("HISTEQ_STORM_SKIP") ? g_getenv("HISTEQ_STORM_SKIP") : "") + ",";
  guint n = 0;
  GParamSpec** all = g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n);
  std::vector<GParamSpec*> specs;
  for (guint i = 0; i < n; ++i) {
    GParamSpec* s = all[i];
    if (s->owner_type != G_OBJECT_TYPE(e)) continue;
    if (skip.find(std::string(",") + s->name + ",") != std::string::npos) {
      skipped->push_back(std::string(s->name) + " (HISTEQ_STORM_SKIP)");
      continue;
    }
    const bool drawable = G_IS_PARAM_SPEC_UINT(s) || G_IS_PARAM_SPEC_INT(s) ||
                          G_IS_PARAM_SPEC_UINT64(s) || G_IS_PARAM_SPEC_INT64(s) ||
                          G_IS_PARAM_SPEC_DOUBLE(s) || G_IS_PARAM_SPEC_FLOAT(s) ||
                          G_IS_PARAM_SPEC_BOOLEAN(s) || G_IS_PARAM_SPEC_ENUM(s);
    if (!(s->flags & G_PARAM_WRITABLE) || (s->flags & G_PARAM_CONSTRUCT_ONLY) || !drawable) {
      skipped->push_back(std::string(s->name) +
                         (!(s->flags & G_PARAM_WRITABLE) ? " (read-only)"
                          : (s->flags & G_PARAM_CONSTRUCT_ONLY) ? " (construct-only)"
                                                                 : " (type not drawn)"));
      continue;
    }
    specs.push_back(s);
  }
  g_free(all);
  return specs;
}

// A random legal value of `spec`: its minimum or its maximum a third of the
// time each, else anywhere between (doubles: uniformly, or close to the
// minimum on a log scale, where small clip limits and strengths live).
void DrawValue(GParamSpec* s, std::mt19937_64& rng, GValue* v) {
  g_value_init(v, s->value_type);
  const int end = static_cast<int>(rng() % 3);  // 0: min, 1: max, 2: between
  auto between = [&](auto lo, auto hi) {
    using T = decltype(lo);
    if (end == 0) return lo;
    if (end == 1) return hi;
    if constexpr (std::is_floating_point_v<T>) {
      const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      if (rng() % 2) return static_cast<T>(lo + (hi - lo) * u);
      return static_cast<T>(lo + (hi - lo) * std::pow(10.0, -4.0 * u));
    } else {
      // In unsigned arithmetic: the span of a full 64-bit range wraps to 0.
      const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
      return static_cast<T>(static_cast<uint64_t>(lo) + (span ? rng() % span : rng()));
    }
  };
  if (G_IS_PARAM_SPEC_UINT(s)) {
    g_value_set_uint(v, between(G_PARAM_SPEC_UINT(s)->minimum, G_PARAM_SPEC_UINT(s)->maximum));
  } else if (G_IS_PARAM_SPEC_INT(s)) {
    g_value_set_int(v, between(G_PARAM_SPEC_INT(s)->minimum, G_PARAM_SPEC_INT(s)->maximum));
  } else if (G_IS_PARAM_SPEC_UINT64(s)) {
    g_value_set_uint64(v, between(G_PARAM_SPEC_UINT64(s)->minimum,
                                  G_PARAM_SPEC_UINT64(s)->maximum));
  } else if (G_IS_PARAM_SPEC_INT64(s)) {
    g_value_set_int64(v, between(G_PARAM_SPEC_INT64(s)->minimum,
                                 G_PARAM_SPEC_INT64(s)->maximum));
  } else if (G_IS_PARAM_SPEC_DOUBLE(s)) {
    g_value_set_double(v, between(G_PARAM_SPEC_DOUBLE(s)->minimum,
                                  G_PARAM_SPEC_DOUBLE(s)->maximum));
  } else if (G_IS_PARAM_SPEC_FLOAT(s)) {
    g_value_set_float(v, between(G_PARAM_SPEC_FLOAT(s)->minimum,
                                 G_PARAM_SPEC_FLOAT(s)->maximum));
  } else if (G_IS_PARAM_SPEC_BOOLEAN(s)) {
    g_value_set_boolean(v, rng() % 2);
  } else {
    GEnumClass* klass = G_PARAM_SPEC_ENUM(s)->enum_class;
    g_value_set_enum(v, klass->values[rng() % klass->n_values].value);
  }
}

void SetRandomProperty(GstElement* e, const std::vector<GParamSpec*>& specs,
                       std::mt19937_64& rng) {
  GParamSpec* s = specs[rng() % specs.size()];
  GValue v = G_VALUE_INIT;
  DrawValue(s, rng, &v);
  g_object_set_property(G_OBJECT(e), s->name, &v);
  g_value_unset(&v);
}

// "name=value ..." of every stormed property, as the element holds them now.
std::string Settings(GstElement* e, const std::vector<GParamSpec*>& specs) {
  std::string out;
  for (GParamSpec* s : specs) {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, s->value_type);
    g_object_get_property(G_OBJECT(e), s->name, &v);
    gchar* text = g_strdup_value_contents(&v);
    out += std::string(out.empty() ? "" : " ") + s->name + "=" + text;
    g_free(text);
    g_value_unset(&v);
  }
  return out;
}

const GstVideoFormat kFormats[] = {
    GST_VIDEO_FORMAT_GRAY8,     GST_VIDEO_FORMAT_I420,      GST_VIDEO_FORMAT_NV12,
    GST_VIDEO_FORMAT_YUY2,      GST_VIDEO_FORMAT_P010_10LE, GST_VIDEO_FORMAT_GRAY16_LE,
    GST_VIDEO_FORMAT_I420_12LE, GST_VIDEO_FORMAT_BGRx,      GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_GBR,       GST_VIDEO_FORMAT_Y444_16LE, GST_VIDEO_FORMAT_AYUV,
};

// Caps for the next stretch of the stream: any format, 1x1 and 1280x720 a
// sixth of the time each, else any size between; padded strides or not;
// YUV and GRAY in either range or the format's default.
GstVideoInfo DrawInfo(std::mt19937_64& rng) {
  const GstVideoFormat format = kFormats[rng() % G_N_ELEMENTS(kFormats)];
  int width = 1, height = 1;
  switch (rng() % 6) {
    case 0:
      break;
    case 1:
      width = 1280;
      height = 720;
      break;
    default:
      width = 1 + static_cast<int>(rng() % 1280);
      height = 1 + static_cast<int>(rng() % 720);
  }
  const GstVideoFormatInfo* finfo = gst_video_format_get_info(format);
  GstVideoColorRange range = GST_VIDEO_COLOR_RANGE_UNKNOWN;
  if (!GST_VIDEO_FORMAT_INFO_IS_RGB(finfo)) {
    const GstVideoColorRange ranges[] = {GST_VIDEO_COLOR_RANGE_UNKNOWN,
                                         GST_VIDEO_COLOR_RANGE_0_255,
                                         GST_VIDEO_COLOR_RANGE_16_235};
    range = ranges[rng() % 3];
  }
  return frames::MakeInfo(format, width, height, rng() % 2, range);
}

frames::Frame DrawFrame(const GstVideoInfo& info, uint32_t seed) {
  const int depth = GST_VIDEO_FORMAT_INFO_DEPTH(info.finfo, 0);
  if (depth <= 8) return frames::MakeSceneFrame(info, seed);
  const int w = GST_VIDEO_INFO_COMP_WIDTH(&info, GST_VIDEO_COMP_Y);
  const int h = GST_VIDEO_INFO_COMP_HEIGHT(&info, GST_VIDEO_COMP_Y);
  return frames::MakeDeepFrame(info, ref::Deepen(testimg::MakeScene(w, h, seed), depth, seed),
                               seed);
}

// What buffer i carries, so the sink side can tell it is buffer i.
struct Stamp {
  GstClockTime pts, dts, duration;
  GstBufferFlags flags;
};

Stamp StampOf(uint64_t i, std::mt19937_64& rng) {
  Stamp s;
  s.pts = i * 40 * GST_MSECOND;
  s.dts = rng() % 3 == 0 ? GST_CLOCK_TIME_NONE : s.pts - (i > 0 ? GST_MSECOND : 0);
  s.duration = rng() % 4 == 0 ? GST_CLOCK_TIME_NONE : (20 + rng() % 40) * GST_MSECOND;
  const GstBufferFlags candidates[] = {GST_BUFFER_FLAG_DISCONT, GST_BUFFER_FLAG_DELTA_UNIT,
                                       GST_BUFFER_FLAG_MARKER, GST_BUFFER_FLAG_DROPPABLE,
                                       GST_BUFFER_FLAG_HEADER, GST_BUFFER_FLAG_GAP};
  guint flags = 0;
  for (GstBufferFlags f : candidates)
    if (rng() % (f == GST_BUFFER_FLAG_GAP ? 16 : 4) == 0) flags |= f;
  s.flags = static_cast<GstBufferFlags>(flags);
  return s;
}

// The flags histeq must carry through (GstBuffer's memory-tagging ones and
// the like are the allocator's business).
constexpr guint kCheckedFlags = GST_BUFFER_FLAG_DISCONT | GST_BUFFER_FLAG_DELTA_UNIT |
                                GST_BUFFER_FLAG_MARKER | GST_BUFFER_FLAG_DROPPABLE |
                                GST_BUFFER_FLAG_HEADER | GST_BUFFER_FLAG_GAP;

// GLib and GStreamer warnings and criticals during the storm: none expected
// (every value drawn is legal).
std::atomic<int> g_log_problems{0};
std::mutex g_log_mutex;
std::string g_first_log_problem;

void CountLog(const gchar* domain, GLogLevelFlags, const gchar* message, gpointer) {
  if (g_log_problems++ == 0) {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_first_log_problem = std::string(domain ? domain : "") + ": " + message;
  }
}

// One batch over the memory bound, for the report.
struct Excess {
  int64_t growth;  // peak over the baseline
  int64_t added;   // peak over what the process held when the batch began
  std::string what;
};

TEST(Storm, RandomPropertiesWhileCapsChange) {
  const uint64_t seed = EnvNumber("HISTEQ_STORM_SEED", 21);
  const uint64_t iterations = EnvNumber("HISTEQ_STORM_ITERATIONS", 300);
  const bool lockstep = EnvNumber("HISTEQ_STORM_LOCKSTEP", 0) != 0;
  const int64_t abort_bytes = static_cast<int64_t>(EnvNumber("HISTEQ_STORM_ABORT_MIB", 2048)) * kMiB;
  std::printf("storm: seed %" PRIu64 " (HISTEQ_STORM_SEED), %" PRIu64
              " frames (HISTEQ_STORM_ITERATIONS), %s\n",
              seed, iterations, lockstep ? "lockstep" : "setter thread");

  std::mt19937_64 frame_rng(seed), setter_rng(seed ^ 0x5eedcafe);
  GstVideoInfo info = DrawInfo(frame_rng);
  GstHarness* h = frames::NewHarness(info);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);

  std::vector<std::string> skipped;
  const std::vector<GParamSpec*> specs = StormedProperties(h->element, &skipped);
  ASSERT_GE(specs.size() + skipped.size(), 11u) << "histeq has at least 11 writable properties";
  ASSERT_FALSE(specs.empty());
  std::string names;
  for (GParamSpec* s : specs) names += std::string(names.empty() ? "" : ", ") + s->name;
  std::printf("storm: properties %s\n", names.c_str());
  for (const std::string& s : skipped) std::printf("storm: not stormed: %s\n", s.c_str());

  const char* domains[] = {"GLib", "GLib-GObject", "GStreamer", "GStreamer-Video",
                           "GStreamer-Base", "histeq"};
  std::vector<guint> handlers;
  for (const char* d : domains)
    handlers.push_back(g_log_set_handler(
        d, static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL), CountLog,
        nullptr));
  g_log_problems = 0;

  MemoryProbe memory;
  const int64_t baseline = MemoryProbe::Current();
  std::printf("storm: memory %s, baseline %.1f MiB, bound +%" PRId64 " MiB\n", MemoryProbe::What(),
              baseline / double(kMiB), kBoundBytes / kMiB);

  // What the frame thread is doing, for the watchdog's last words.
  std::mutex doing_mutex;
  std::string doing = "starting";
  std::atomic<bool> stop{false};
  std::thread watchdog([&] {
    while (!stop) {
      memory.Sample();
      const int64_t growth = MemoryProbe::Current() - baseline;
      if (growth > abort_bytes) {
        std::lock_guard<std::mutex> lock(doing_mutex);
        std::fflush(stdout);
        std::fprintf(stderr,
                     "storm: memory grew by %.0f MiB (HISTEQ_STORM_ABORT_MIB %" PRId64
                     "): aborting to spare the machine, seed %" PRIu64 ", during %s\n",
                     growth / double(kMiB), abort_bytes / kMiB, seed, doing.c_str());
        std::abort();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::thread setter;
  if (!lockstep)
    setter = std::thread([&] {
      while (!stop) {
        SetRandomProperty(h->element, specs, setter_rng);
        // Now and then a burst, else a pause of up to 3 ms.
        if (setter_rng() % 8 != 0)
          std::this_thread::sleep_for(std::chrono::microseconds(setter_rng() % 3000));
      }
    });

  const auto start = std::chrono::steady_clock::now();
  uint64_t pushed = 0, received = 0, caps_changes = 0;
  int64_t worst = 0;
  std::string worst_what;
  std::vector<Excess> excesses;
  int problems = 0;
  auto problem = [&](const std::string& what) {
    if (++problems <= 10) ADD_FAILURE() << what << " (seed " << seed << ")";
  };
  frames::Frame frame = DrawFrame(info, static_cast<uint32_t>(frame_rng()));
  std::vector<Stamp> stamps;
  while (pushed < iterations && problems == 0) {
    if (pushed > 0 && frame_rng() % 3 == 0) {  // new caps for this batch
      info = DrawInfo(frame_rng);
      frame = DrawFrame(info, static_cast<uint32_t>(frame_rng()));
      gst_harness_set_src_caps(h, frames::MakeCaps(info));
      ++caps_changes;
    }
    if (lockstep)
      for (int k = static_cast<int>(frame_rng() % 4); k > 0; --k)
        SetRandomProperty(h->element, specs, setter_rng);
    const int batch = 1 + static_cast<int>(frame_rng() % 3);
    GstCaps* current = gst_pad_get_current_caps(h->srcpad);
    gchar* caps_text = gst_caps_to_string(current);
    const std::string caps = caps_text;
    g_free(caps_text);
    gst_caps_unref(current);
    const std::string before = Settings(h->element, specs);
    {
      std::lock_guard<std::mutex> lock(doing_mutex);
      doing = "frames " + std::to_string(pushed) + "+" + std::to_string(batch) + " of " + caps +
              ", settings before: " + before;
    }
    const int64_t held = MemoryProbe::Current();
    memory.ResetPeak();
    for (int b = 0; b < batch && pushed < iterations; ++b, ++pushed) {
      stamps.push_back(StampOf(pushed, frame_rng));
      const Stamp& s = stamps.back();
      GstBuffer* buf = frames::MakeBuffer(frame);
      GST_BUFFER_PTS(buf) = s.pts;
      GST_BUFFER_DTS(buf) = s.dts;
      GST_BUFFER_DURATION(buf) = s.duration;
      GST_BUFFER_OFFSET(buf) = pushed;
      GST_BUFFER_OFFSET_END(buf) = pushed + 1;
      GST_BUFFER_FLAG_SET(buf, s.flags);
      const GstFlowReturn flow = gst_harness_push(h, buf);
      if (flow != GST_FLOW_OK)
        problem("buffer " + std::to_string(pushed) + ": flow " + gst_flow_get_name(flow) +
                " on " + caps + " with " + before);
    }
    while (GstBuffer* out = gst_harness_try_pull(h)) {
      const uint64_t i = received++;
      const std::string where = "buffer " + std::to_string(i) + " out (" + caps + "): ";
      if (i >= stamps.size()) {
        problem(where + "more buffers out than in");
      } else if (GST_BUFFER_OFFSET(out) != i || GST_BUFFER_OFFSET_END(out) != i + 1) {
        problem(where + "offset " + std::to_string(GST_BUFFER_OFFSET(out)) +
                " (lost, duplicated or reordered)");
      } else {
        const Stamp& s = stamps[i];
        if (GST_BUFFER_PTS(out) != s.pts) problem(where + "pts");
        if (GST_BUFFER_DTS(out) != s.dts) problem(where + "dts");
        if (GST_BUFFER_DURATION(out) != s.duration) problem(where + "duration");
        if ((GST_BUFFER_FLAGS(out) & kCheckedFlags) != static_cast<guint>(s.flags))
          problem(where + "flags " + std::to_string(GST_BUFFER_FLAGS(out) & kCheckedFlags) +
                  ", pushed " + std::to_string(s.flags));
        if (!frames::OnlySamplesChanged(frame, frames::BufferBytes(out)))
          problem(where + "a byte outside the samples changed");
      }
      gst_buffer_unref(out);
    }
    if (received != pushed)
      problem("after buffer " + std::to_string(pushed) + ": " + std::to_string(received) +
              " out (" + caps + ")");
    while (GstMessage* m = gst_bus_pop(bus)) {
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR || GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
        GError* e = nullptr;
        gchar* debug = nullptr;
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR)
          gst_message_parse_error(m, &e, &debug);
        else
          gst_message_parse_warning(m, &e, &debug);
        problem(std::string(GST_MESSAGE_TYPE_NAME(m)) + ": " + e->message + " (" +
                (debug ? debug : "") + ") on " + caps);
        g_error_free(e);
        g_free(debug);
      }
      gst_message_unref(m);
    }
    const int64_t growth = memory.Peak() - baseline;
    if (growth > worst || growth > kBoundBytes) {
      const std::string what = caps + "\n    settings before: " + before +
                               "\n    settings after:  " + Settings(h->element, specs);
      if (growth > worst) {
        worst = growth;
        worst_what = what;
      }
      if (growth > kBoundBytes) excesses.push_back({growth, memory.Peak() - held, what});
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  if (setter.joinable()) setter.join();
  watchdog.join();
  for (size_t d = 0; d < handlers.size(); ++d) g_log_remove_handler(domains[d], handlers[d]);

  std::printf("storm: %" PRIu64 " frames in, %" PRIu64 " out, %" PRIu64
              " caps changes, %.1f s; peak growth %.1f MiB\n    during %s\n",
              pushed, received, caps_changes, seconds, worst / double(kMiB), worst_what.c_str());
  EXPECT_EQ(received, iterations);
  EXPECT_EQ(g_log_problems, 0) << "first: " << g_first_log_problem;
  // The batches that took the most memory themselves first: a batch that
  // only kept what an earlier one allocated is over the bound too, but the
  // earlier one is the culprit.
  std::sort(excesses.begin(), excesses.end(),
            [](const Excess& a, const Excess& b) { return a.added > b.added; });
  for (size_t k = 0; k < excesses.size() && k < 6; ++k)
    ADD_FAILURE() << "memory grew by " << excesses[k].growth / kMiB << " MiB (bound "
                  << kBoundBytes / kMiB << "), " << excesses[k].added / kMiB
                  << " MiB of it in this batch, on " << excesses[k].what << "\n(seed " << seed
                  << ")";
  if (excesses.size() > 6) ADD_FAILURE() << excesses.size() - 6 << " more batches over the bound";

  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}

}  // namespace
