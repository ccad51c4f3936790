/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-histeq
 * @title: histeq
 *
 * Enhances contrast by histogram equalization of the luma of every frame:
 * each Y sample is mapped through the cumulative distribution of the frame's
 * Y histogram, so the values spread over the whole range. Chroma, alpha and
 * row padding are never touched. On GRAY8 and full-range Y the output is
 * byte-for-byte what OpenCV's cv::equalizeHist() gives; limited-range video
 * (most YUV) is equalized onto 16-235 so it stays legal.
 *
 * 10, 12 and 16-bit YUV and GRAY are equalized at their own depth, one
 * histogram bin per code value. RGB is equalized through its luma: the
 * change of each pixel's luma is added to R, G and B alike, which keeps its
 * hue; alpha is never touched.
 *
 * Plain equalization over-stretches large uniform areas and amplifies noise.
 * #GstHisteq:mode=adaptive equalizes each tile of a #GstHisteq:tiles-x by
 * #GstHisteq:tiles-y grid with its own contrast-limited histogram and blends
 * the tiles bilinearly (CLAHE, as cv::createCLAHE()); #GstHisteq:clip-limit
 * bounds how much any value range may be stretched, and #GstHisteq:strength
 * blends the result with the original.
 *
 * In global mode with a clip limit, #GstHisteq:clip-spread=range hands the
 * counts the limit cuts off only to the codes the frame occupies (from its
 * darkest to its brightest) and maps from its darkest code, as
 * cv::equalizeHist does: a dull frame that uses a hundred codes of 256 gets
 * its contrast back without the flat areas turning into steps. The default,
 * `all`, spreads them over every code, which is OpenCV's CLAHE.
 *
 * On video, equalizing every frame on its own makes the picture pump: a
 * bright object entering the frame shifts the whole histogram and every other
 * pixel jumps. With #GstHisteq:smoothing the mapping follows an exponential
 * moving average of the frames' histograms instead (per tile in adaptive
 * mode), and a scene cut (#GstHisteq:scene-threshold) restarts the average
 * so the new shot is equalized correctly at once.
 *
 * #GstHisteq:show-histogram draws the luma histograms before and after over
 * the top-left corner of the picture, for tuning the settings by eye.
 *
 * ## Metering on a region of interest
 *
 * In global mode the histogram can be taken from one rectangle of the frame
 * (a face, a number plate) and the one mapping it gives applied to the
 * whole frame, so the rest of the picture does not decide that region's
 * exposure: #GstHisteq:roi-x, #GstHisteq:roi-y, #GstHisteq:roi-width and
 * #GstHisteq:roi-height, or with #GstHisteq:roi-meta the bounding rectangle
 * of each buffer's #GstVideoRegionOfInterestMeta of type #GstHisteq:roi-type
 * (falling back to the properties' rectangle, then to the whole frame). The
 * rectangle is clipped to the frame. With smoothing the region's histogram
 * is what is averaged, while scene cuts are still measured on the whole
 * frame: a region that appears, moves or vanishes is no cut. Adaptive mode
 * ignores the region (each tile is equalized on its own pixels anyway).
 *
 * ## Statistics
 *
 * With #GstHisteq:post-messages, an element message named `histeq` is
 * posted for every frame, with the fields:
 *
 * * `timestamp` (#guint64): the buffer's presentation timestamp
 * * `stream-time`, `running-time` (#guint64): of that timestamp
 * * `mean-in`, `mean-out`, `stddev-in`, `stddev-out` (#gdouble): of the luma
 *   (Y) samples before and after equalization, in code values
 * * `scene-cut` (#gboolean): the frame started a new scene
 * * `scene-distance` (#gdouble): its distance from the running average (the
 *   largest difference of the normalised cumulative histograms), the value
 *   #GstHisteq:scene-threshold is compared with
 * * `roi` (#GstStructure `roi` with #guint `x`, `y`, `width`, `height`): the
 *   rectangle the mapping was metered on (the whole frame without a region
 *   of interest, and in adaptive mode)
 * * `roi-source` (#gchararray): where it came from, `meta`, `properties` or
 *   `frame`
 * * `histogram-in` (#GstValueArray of #guint): the histogram of the input
 *   luma in 256 bins (deeper formats' bins summed in groups)
 *
 * Means and deviations are in the format's code values; for RGB they are
 * those of the luma. They, the histogram and the scene distance are the
 * whole frame's even when a region of interest is metered.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! videobalance contrast=0.4 ! histeq ! videoconvert ! autovideosink
 * ]| Restores the contrast taken away by videobalance.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! histeq ! videoconvert ! autovideosink
 * ]| Equalizes a webcam picture live.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! histeq mode=adaptive clip-limit=2 strength=0.8 ! videoconvert ! autovideosink
 * ]| Local contrast for a dim room (CLAHE), without the harshness of full
 * global equalization.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! histeq smoothing=15 ! videoconvert ! autovideosink
 * ]| No pumping when someone walks into the picture.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! histeq mode=adaptive clip-limit=3 smoothing=15 show-histogram=true ! videoconvert ! autovideosink
 * ]| Low light: CLAHE lifts the shadows without blowing the lamp out; the
 * histograms before and after are drawn in the corner while tuning.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! facedetect display=false ! histeq roi-meta=true roi-type=face smoothing=15 ! videoconvert ! autovideosink
 * ]| Exposes a video call for the faces facedetect finds, not for the
 * window behind them.
 * |[
 * gst-launch-1.0 -e filesrc location=input.mp4 ! decodebin ! videoconvert ! histeq smoothing=15 ! videoconvert ! x264enc ! mp4mux ! filesink location=enhanced.mp4
 * ]| Enhances the video of a file (the histeq-enhance tool does this with
 * the audio kept and a progress bar).
 * |[
 * gst-launch-1.0 filesrc location=photo.jpg ! decodebin ! videoconvert ! video/x-raw,format=GRAY8 ! histeq ! pngenc ! filesink location=equalized.png
 * ]| The classic: a grey picture equalized exactly as cv::equalizeHist.
 */

#include "gsthisteq.h"

#include <gst/video/video.h>

#include "gsthisteqstats.h"
#include "histeq/equalizer.h"
#include "histeq/rgb.h"
#include "histeq/simd.h"

/* The settings are guarded by the object lock. GLib's GMutex is a bare futex
 * on Linux, invisible to ThreadSanitizer, so in a TSan build the lock also
 * tells TSan what it orders; then TSan reports only real races. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HISTEQ_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(HISTEQ_TSAN)
#include <sanitizer/tsan_interface.h>
#define SETTINGS_LOCK(self) \
  G_STMT_START { GST_OBJECT_LOCK (self); __tsan_acquire (self); } G_STMT_END
#define SETTINGS_UNLOCK(self) \
  G_STMT_START { __tsan_release (self); GST_OBJECT_UNLOCK (self); } G_STMT_END
#else
#define SETTINGS_LOCK(self) GST_OBJECT_LOCK (self)
#define SETTINGS_UNLOCK(self) GST_OBJECT_UNLOCK (self)
#endif

GST_DEBUG_CATEGORY_STATIC (gst_histeq_debug);
#define GST_CAT_DEFAULT gst_histeq_debug

enum
{
  PROP_0,
  PROP_MODE,
  PROP_CLIP_LIMIT,
  PROP_TILES_X,
  PROP_TILES_Y,
  PROP_STRENGTH,
  PROP_RANGE,
  PROP_SMOOTHING,
  PROP_SCENE_THRESHOLD,
  PROP_POST_MESSAGES,
  PROP_N_THREADS,
  PROP_SHOW_HISTOGRAM,
  PROP_ROI_X,
  PROP_ROI_Y,
  PROP_ROI_WIDTH,
  PROP_ROI_HEIGHT,
  PROP_ROI_META,
  PROP_ROI_TYPE,
  PROP_CLIP_SPREAD,
};

#define DEFAULT_PROP_MODE GST_HISTEQ_MODE_GLOBAL
#define DEFAULT_PROP_CLIP_LIMIT 0.0
#define MAX_PROP_CLIP_LIMIT 1000.0
#define DEFAULT_PROP_TILES 8
#define MAX_PROP_TILES 64
#define DEFAULT_PROP_STRENGTH 1.0
#define DEFAULT_PROP_RANGE GST_HISTEQ_RANGE_AUTO
#define DEFAULT_PROP_SMOOTHING 0
#define MAX_PROP_SMOOTHING 300
#define DEFAULT_PROP_SCENE_THRESHOLD 0.3
#define DEFAULT_PROP_POST_MESSAGES FALSE
#define DEFAULT_PROP_N_THREADS 1
#define MAX_PROP_N_THREADS 64
#define DEFAULT_PROP_SHOW_HISTOGRAM FALSE
#define DEFAULT_PROP_ROI 0
#define MAX_PROP_ROI G_MAXINT
#define DEFAULT_PROP_ROI_META FALSE
#define DEFAULT_PROP_ROI_TYPE ""
#define DEFAULT_PROP_CLIP_SPREAD GST_HISTEQ_CLIP_SPREAD_ALL

#define HISTEQ_FORMATS \
  "{ GRAY8, I420, YV12, NV12, NV21, Y41B, Y42B, Y444, NV16, NV24, " \
  "YUY2, UYVY, YVYU, AYUV, VUYA, " \
  "GRAY16_LE, GRAY16_BE, I420_10LE, I420_10BE, I420_12LE, I420_12BE, " \
  "I422_10LE, I422_10BE, I422_12LE, I422_12BE, Y444_10LE, Y444_10BE, " \
  "Y444_12LE, Y444_12BE, Y444_16LE, Y444_16BE, P010_10LE, P010_10BE, " \
  "P012_LE, P012_BE, P016_LE, P016_BE, " \
  "RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, ARGB, ABGR, GBR }"

/* C++ state of one element, made in init and deleted in finalize so that
 * its members are properly constructed and destroyed. */
struct GstHisteqSettings
{
  GstHisteqMode mode = DEFAULT_PROP_MODE;
  double clip_limit = DEFAULT_PROP_CLIP_LIMIT;
  GstHisteqClipSpread clip_spread = DEFAULT_PROP_CLIP_SPREAD;
  guint tiles_x = DEFAULT_PROP_TILES;
  guint tiles_y = DEFAULT_PROP_TILES;
  double strength = DEFAULT_PROP_STRENGTH;
  GstHisteqRange range = DEFAULT_PROP_RANGE;
  guint smoothing = DEFAULT_PROP_SMOOTHING;
  double scene_threshold = DEFAULT_PROP_SCENE_THRESHOLD;
  gboolean post_messages = DEFAULT_PROP_POST_MESSAGES;
  guint n_threads = DEFAULT_PROP_N_THREADS;
  gboolean show_histogram = DEFAULT_PROP_SHOW_HISTOGRAM;
  guint roi_x = DEFAULT_PROP_ROI, roi_y = DEFAULT_PROP_ROI;
  guint roi_width = DEFAULT_PROP_ROI, roi_height = DEFAULT_PROP_ROI;
  gboolean roi_meta = DEFAULT_PROP_ROI_META;
  /* roi-type as a quark, so that copying the settings per frame allocates
   * nothing; 0 = any type. */
  GQuark roi_type = 0;
};

struct GstHisteqPrivate;

/* Equalizes one frame of the negotiated format. */
typedef bool (*GstHisteqProcessFunc) (GstHisteqPrivate * priv,
    GstVideoFrame * frame, const histeq::Params & params,
    histeq::FrameReport * report);

static bool process_rgb (GstHisteqPrivate * priv, GstVideoFrame * frame,
    const histeq::Params & params, histeq::FrameReport * report);

struct GstHisteqPrivate
{
  /* Properties: written by set_property and copied once per frame by the
   * streaming thread, both under the object lock. */
  GstHisteqSettings settings;

  /* Streaming state: only touched by the streaming thread (set_info, the
   * events, transform_frame_ip) or while it is stopped (start). set_info
   * chooses `process` and what it needs for the negotiated format. */
  GstHisteqProcessFunc process = nullptr;
  bool caps_full_range = false;
  histeq::SampleFormat format;       /* the luma paths */
  histeq::LumaWeights weights;       /* the RGB path */
  histeq::Equalizer equalizer;       /* the luma paths */
  histeq::RgbEqualizer rgb;          /* the RGB path */
  /* The threads: those of the path in use, made on start or caps, or when
   * n-threads changes, never per frame; the other path has none. */
  guint threads_setting = 1;         /* the n-threads they were made for */
  bool threads_rgb = false;          /* ... and the path */
  /* The last metering rectangle found wholly outside the frame, said once. */
  histeq::Rect outside_said;

  /* Gives the path in use `n_threads` (0 = one per core) unless it has. */
  void EnsureThreads (guint n_threads)
  {
    const bool on_rgb = process == process_rgb;
    if (threads_setting == n_threads && threads_rgb == on_rgb)
      return;
    (on_rgb ? equalizer.SetThreads (1) : rgb.SetThreads (1));
    (on_rgb ? rgb.SetThreads ((int) n_threads) :
        equalizer.SetThreads ((int) n_threads));
    threads_setting = n_threads;
    threads_rgb = on_rgb;
  }

  void Reset ()
  {
    equalizer.Reset ();
    rgb.Reset ();
  }
};

struct _GstHisteq
{
  GstVideoFilter parent;
  GstHisteqPrivate *priv;
};

G_DEFINE_TYPE (GstHisteq, gst_histeq, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (histeq, "histeq", GST_RANK_NONE,
    GST_TYPE_HISTEQ);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (HISTEQ_FORMATS)));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (HISTEQ_FORMATS)));

static histeq::Range
resolve_range (GstHisteqRange setting, bool caps_full_range)
{
  switch (setting) {
    case GST_HISTEQ_RANGE_FULL:
      return histeq::Range::kFull;
    case GST_HISTEQ_RANGE_LIMITED:
      return histeq::Range::kLimited;
    case GST_HISTEQ_RANGE_AUTO:
    default:
      return caps_full_range ? histeq::Range::kFull : histeq::Range::kLimited;
  }
}

static void
gst_histeq_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstHisteq *self = GST_HISTEQ (object);
  GstHisteqSettings *s = &self->priv->settings;

  SETTINGS_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      s->mode = (GstHisteqMode) g_value_get_enum (value);
      break;
    case PROP_CLIP_LIMIT:
      s->clip_limit = g_value_get_double (value);
      break;
    case PROP_CLIP_SPREAD:
      s->clip_spread = (GstHisteqClipSpread) g_value_get_enum (value);
      break;
    case PROP_TILES_X:
      s->tiles_x = g_value_get_uint (value);
      break;
    case PROP_TILES_Y:
      s->tiles_y = g_value_get_uint (value);
      break;
    case PROP_STRENGTH:
      s->strength = g_value_get_double (value);
      break;
    case PROP_RANGE:
      s->range = (GstHisteqRange) g_value_get_enum (value);
      break;
    case PROP_SMOOTHING:
      s->smoothing = g_value_get_uint (value);
      break;
    case PROP_SCENE_THRESHOLD:
      s->scene_threshold = g_value_get_double (value);
      break;
    case PROP_POST_MESSAGES:
      s->post_messages = g_value_get_boolean (value);
      break;
    case PROP_N_THREADS:
      s->n_threads = g_value_get_uint (value);
      break;
    case PROP_SHOW_HISTOGRAM:
      s->show_histogram = g_value_get_boolean (value);
      break;
    case PROP_ROI_X:
      s->roi_x = g_value_get_uint (value);
      break;
    case PROP_ROI_Y:
      s->roi_y = g_value_get_uint (value);
      break;
    case PROP_ROI_WIDTH:
      s->roi_width = g_value_get_uint (value);
      break;
    case PROP_ROI_HEIGHT:
      s->roi_height = g_value_get_uint (value);
      break;
    case PROP_ROI_META:
      s->roi_meta = g_value_get_boolean (value);
      break;
    case PROP_ROI_TYPE:{
      const gchar *type = g_value_get_string (value);
      s->roi_type = type && *type ? g_quark_from_string (type) : 0;
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  SETTINGS_UNLOCK (self);
}

static void
gst_histeq_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstHisteq *self = GST_HISTEQ (object);
  const GstHisteqSettings *s = &self->priv->settings;

  SETTINGS_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      g_value_set_enum (value, s->mode);
      break;
    case PROP_CLIP_LIMIT:
      g_value_set_double (value, s->clip_limit);
      break;
    case PROP_CLIP_SPREAD:
      g_value_set_enum (value, s->clip_spread);
      break;
    case PROP_TILES_X:
      g_value_set_uint (value, s->tiles_x);
      break;
    case PROP_TILES_Y:
      g_value_set_uint (value, s->tiles_y);
      break;
    case PROP_STRENGTH:
      g_value_set_double (value, s->strength);
      break;
    case PROP_RANGE:
      g_value_set_enum (value, s->range);
      break;
    case PROP_SMOOTHING:
      g_value_set_uint (value, s->smoothing);
      break;
    case PROP_SCENE_THRESHOLD:
      g_value_set_double (value, s->scene_threshold);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, s->post_messages);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, s->n_threads);
      break;
    case PROP_SHOW_HISTOGRAM:
      g_value_set_boolean (value, s->show_histogram);
      break;
    case PROP_ROI_X:
      g_value_set_uint (value, s->roi_x);
      break;
    case PROP_ROI_Y:
      g_value_set_uint (value, s->roi_y);
      break;
    case PROP_ROI_WIDTH:
      g_value_set_uint (value, s->roi_width);
      break;
    case PROP_ROI_HEIGHT:
      g_value_set_uint (value, s->roi_height);
      break;
    case PROP_ROI_META:
      g_value_set_boolean (value, s->roi_meta);
      break;
    case PROP_ROI_TYPE:
      g_value_set_string (value, s->roi_type ? g_quark_to_string (s->roi_type)
          : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  SETTINGS_UNLOCK (self);
}

/* Controlled properties (strength) take their value for this buffer's
 * stream time before the frame is processed: in a time segment, the
 * timestamp's stream time; in any other (a byte stream read straight into
 * the element), the timestamp as it is. */
static void
gst_histeq_before_transform (GstBaseTransform * trans, GstBuffer * buf)
{
  GstClockTime stream_time = GST_BUFFER_TIMESTAMP (buf);

  if (trans->segment.format == GST_FORMAT_TIME)
    stream_time = gst_segment_to_stream_time (&trans->segment,
        GST_FORMAT_TIME, stream_time);

  if (GST_CLOCK_TIME_IS_VALID (stream_time))
    gst_object_sync_values (GST_OBJECT (trans), stream_time);
}

/* The threads n-threads asks for, on the path the caps chose. */
static void
gst_histeq_ensure_threads (GstHisteq * self)
{
  SETTINGS_LOCK (self);
  const guint n_threads = self->priv->settings.n_threads;
  SETTINGS_UNLOCK (self);
  self->priv->EnsureThreads (n_threads);
}

/* READY->PAUSED: a new stream, no temporal state from an earlier one. */
static gboolean
gst_histeq_start (GstBaseTransform * trans)
{
  GstHisteq *self = GST_HISTEQ (trans);

  gst_histeq_ensure_threads (self);
  self->priv->Reset ();
  /* A new stream says again what it finds wrong with the rectangle. */
  self->priv->outside_said = histeq::Rect ();
  bool understood = true;
  const char *env = histeq::SimdEnvironment (&understood);
  if (!understood)
    GST_WARNING_OBJECT (self, "HISTEQ_SIMD=%s is not a SIMD level (scalar, "
        "sse2, avx2, avx512, neon); ignored", env);
  GST_INFO_OBJECT (self, "SIMD level in use: %s (this CPU has up to %s%s%s)",
      histeq::SimdName (histeq::ActiveSimd ()),
      histeq::SimdName (histeq::DetectedSimd ()),
      env && understood ? "; HISTEQ_SIMD=" : "", env
      && understood ? env : "");
  return TRUE;
}

/* After a flush (a seek) the next frame is not a continuation. Serialized
 * with the buffers, so no frame is being processed meanwhile. */
static gboolean
gst_histeq_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    GST_DEBUG_OBJECT (trans, "flush: temporal state reset");
    GST_HISTEQ (trans)->priv->Reset ();
  }
  return GST_BASE_TRANSFORM_CLASS (gst_histeq_parent_class)->sink_event (trans,
      event);
}

/* The default accepts what the pad templates allow; this only says why a
 * refusal happened, since "not-negotiated" alone tells a user little. */
static gboolean
gst_histeq_accept_caps (GstBaseTransform * trans, GstPadDirection direction,
    GstCaps * caps)
{
  gboolean ok = GST_BASE_TRANSFORM_CLASS (gst_histeq_parent_class)->accept_caps
      (trans, direction, caps);
  if (!ok)
    GST_WARNING_OBJECT (trans, "refusing caps %" GST_PTR_FORMAT ": histeq "
        "equalizes raw video in one of the formats " HISTEQ_FORMATS
        "; put videoconvert in front of it", static_cast<gpointer> (caps));
  return ok;
}

/* The Y'CbCr matrix that goes with RGB primaries. */
static GstVideoColorMatrix
matrix_for_primaries (GstVideoColorPrimaries primaries)
{
  switch (primaries) {
    case GST_VIDEO_COLOR_PRIMARIES_BT470M:
    case GST_VIDEO_COLOR_PRIMARIES_BT470BG:
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE170M:
      return GST_VIDEO_COLOR_MATRIX_BT601;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE240M:
      return GST_VIDEO_COLOR_MATRIX_SMPTE240M;
    case GST_VIDEO_COLOR_PRIMARIES_BT2020:
      return GST_VIDEO_COLOR_MATRIX_BT2020;
    default:
      return GST_VIDEO_COLOR_MATRIX_BT709;
  }
}

/* The Y component of a YUV or GRAY frame, any depth, in place. */
static bool
process_luma (GstHisteqPrivate * priv, GstVideoFrame * frame,
    const histeq::Params & params, histeq::FrameReport * report)
{
  histeq::Plane plane;
  plane.data =
      static_cast<uint8_t *> (GST_VIDEO_FRAME_COMP_DATA (frame, GST_VIDEO_COMP_Y));
  plane.stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, GST_VIDEO_COMP_Y);
  plane.width = GST_VIDEO_FRAME_COMP_WIDTH (frame, GST_VIDEO_COMP_Y);
  plane.height = GST_VIDEO_FRAME_COMP_HEIGHT (frame, GST_VIDEO_COMP_Y);
  plane.pixel_step = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, GST_VIDEO_COMP_Y);
  plane.format = priv->format;
  return priv->equalizer.Process (plane, params, report);
}

/* Where R, G and B of an RGB frame are. */
static histeq::RgbPlanes
rgb_planes (GstVideoFrame * frame)
{
  histeq::RgbPlanes planes;
  planes.r = static_cast<uint8_t *> (GST_VIDEO_FRAME_COMP_DATA (frame,
          GST_VIDEO_COMP_R));
  planes.g = static_cast<uint8_t *> (GST_VIDEO_FRAME_COMP_DATA (frame,
          GST_VIDEO_COMP_G));
  planes.b = static_cast<uint8_t *> (GST_VIDEO_FRAME_COMP_DATA (frame,
          GST_VIDEO_COMP_B));
  planes.stride_r = GST_VIDEO_FRAME_COMP_STRIDE (frame, GST_VIDEO_COMP_R);
  planes.stride_g = GST_VIDEO_FRAME_COMP_STRIDE (frame, GST_VIDEO_COMP_G);
  planes.stride_b = GST_VIDEO_FRAME_COMP_STRIDE (frame, GST_VIDEO_COMP_B);
  planes.pixel_step = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, GST_VIDEO_COMP_R);
  if (GST_VIDEO_FRAME_N_PLANES (frame) == 1) {
    planes.offset_r = GST_VIDEO_FRAME_COMP_POFFSET (frame, GST_VIDEO_COMP_R);
    planes.offset_g = GST_VIDEO_FRAME_COMP_POFFSET (frame, GST_VIDEO_COMP_G);
    planes.offset_b = GST_VIDEO_FRAME_COMP_POFFSET (frame, GST_VIDEO_COMP_B);
  }
  return planes;
}

/* R, G and B through their luma, in place; alpha untouched. */
static bool
process_rgb (GstHisteqPrivate * priv, GstVideoFrame * frame,
    const histeq::Params & params, histeq::FrameReport * report)
{
  return priv->rgb.Process (rgb_planes (frame), GST_VIDEO_FRAME_WIDTH (frame),
      GST_VIDEO_FRAME_HEIGHT (frame), priv->weights, params, report);
}

/* A frame coordinate as the core's int, saturated. */
static int
roi_coord (guint64 v)
{
  return v > (guint64) G_MAXINT ? G_MAXINT : (int) v;
}

/* The bounding rectangle of the buffer's region-of-interest metas of type
 * `type` (0: any); false when there are none. */
static bool
roi_from_metas (GstBuffer * buffer, GQuark type, histeq::Rect * rect)
{
  gpointer state = NULL;
  GstMeta *meta;
  bool found = false;
  guint64 x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    const GstVideoRegionOfInterestMeta *roi =
        (const GstVideoRegionOfInterestMeta *) meta;
    if ((type != 0 && roi->roi_type != type) || roi->w == 0 || roi->h == 0)
      continue;
    const guint64 rx1 = (guint64) roi->x + roi->w, ry1 = (guint64) roi->y + roi->h;
    x0 = found ? MIN (x0, roi->x) : roi->x;
    y0 = found ? MIN (y0, roi->y) : roi->y;
    x1 = found ? MAX (x1, rx1) : rx1;
    y1 = found ? MAX (y1, ry1) : ry1;
    found = true;
  }
  if (found)
    *rect = {roi_coord (x0), roi_coord (y0), roi_coord (x1 - x0),
        roi_coord (y1 - y0)};
  return found;
}

/* The rectangle global mode meters on for this buffer: the metas' (with
 * roi-meta), else the properties', else none (the whole frame). `source`
 * says which. */
static histeq::Rect
metering_rect (const GstHisteqSettings & s, GstBuffer * buffer,
    const char **source)
{
  histeq::Rect rect;
  *source = "frame";
  if (s.roi_meta && roi_from_metas (buffer, s.roi_type, &rect)) {
    *source = "meta";
  } else if (s.roi_width > 0 && s.roi_height > 0) {
    rect = {roi_coord (s.roi_x), roi_coord (s.roi_y),
        roi_coord (s.roi_width), roi_coord (s.roi_height)};
    *source = "properties";
  }
  return rect;
}

static gboolean
gst_histeq_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstHisteq *self = GST_HISTEQ (filter);
  GstVideoColorRange range = GST_VIDEO_INFO_COLORIMETRY (in_info).range;

  (void) incaps;
  (void) outcaps;
  (void) out_info;

  GstHisteqPrivate *priv = self->priv;
  const GstVideoFormatInfo *finfo = in_info->finfo;

  /* GRAY has no colorimetry of its own and is full range, as in OpenCV. */
  if (range == GST_VIDEO_COLOR_RANGE_UNKNOWN)
    range = GST_VIDEO_INFO_IS_GRAY (in_info) ? GST_VIDEO_COLOR_RANGE_0_255 :
        GST_VIDEO_COLOR_RANGE_16_235;
  priv->caps_full_range = range == GST_VIDEO_COLOR_RANGE_0_255;
  /* New caps (size, format or range): a new start for the average. */
  priv->Reset ();

  if (GST_VIDEO_INFO_IS_RGB (in_info)) {
    /* RGB is equalized through its luma. GStreamer forces the matrix of RGB
     * caps to "rgb", so the colorimetry names the primaries: the luma
     * weights are those of the Y'CbCr matrix that goes with them, BT.709
     * when they say nothing else (sRGB is BT.709), as GStreamer does. */
    gdouble kr = 0.2126, kb = 0.0722;
    if (!gst_video_color_matrix_get_Kr_Kb (in_info->colorimetry.matrix, &kr,
            &kb)
        && !gst_video_color_matrix_get_Kr_Kb (matrix_for_primaries
            (in_info->colorimetry.primaries), &kr, &kb)) {
      kr = 0.2126;
      kb = 0.0722;
    }
    priv->weights = {kr, kb};
    priv->process = process_rgb;
    gst_histeq_ensure_threads (self);
    GST_DEBUG_OBJECT (self, "negotiated %s %dx%d: RGB through luma, Kr %.4f "
        "Kb %.4f", GST_VIDEO_INFO_NAME (in_info),
        GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info), kr,
        kb);
    return TRUE;
  }

  priv->format.depth = GST_VIDEO_FORMAT_INFO_DEPTH (finfo, GST_VIDEO_COMP_Y);
  priv->format.shift = GST_VIDEO_FORMAT_INFO_SHIFT (finfo, GST_VIDEO_COMP_Y);
  priv->format.big_endian = !GST_VIDEO_FORMAT_INFO_IS_LE (finfo);
  priv->process = process_luma;
  gst_histeq_ensure_threads (self);
  GST_DEBUG_OBJECT (self, "negotiated %s %dx%d: luma of %d bits (shift %d, "
      "%s endian), pixel stride %d, %s range", GST_VIDEO_INFO_NAME (in_info),
      GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info),
      priv->format.depth, priv->format.shift,
      priv->format.big_endian ? "big" : "little",
      GST_VIDEO_INFO_COMP_PSTRIDE (in_info, GST_VIDEO_COMP_Y),
      priv->caps_full_range ? "full" : "limited");
  return TRUE;
}

static GstFlowReturn
gst_histeq_transform_frame_ip (GstVideoFilter * filter, GstVideoFrame * frame)
{
  GstHisteq *self = GST_HISTEQ (filter);
  GstHisteqPrivate *priv = self->priv;

  SETTINGS_LOCK (self);
  const GstHisteqSettings s = priv->settings;
  SETTINGS_UNLOCK (self);

  histeq::Params params;
  params.mode = s.mode == GST_HISTEQ_MODE_ADAPTIVE ? histeq::Mode::kAdaptive :
      histeq::Mode::kGlobal;
  params.clip_limit = s.clip_limit;
  params.clip_spread = s.clip_spread == GST_HISTEQ_CLIP_SPREAD_RANGE ?
      histeq::ExcessSpread::kRange : histeq::ExcessSpread::kAll;
  params.tiles_x = (int) s.tiles_x;
  params.tiles_y = (int) s.tiles_y;
  params.strength = s.strength;
  params.range = resolve_range (s.range, priv->caps_full_range);
  params.smoothing = (int) s.smoothing;
  params.scene_threshold = s.scene_threshold;
  params.report_output = s.post_messages;
  /* show-histogram: the input and output histograms drawn over the top-left
   * corner, into the luma (Y, or R, G and B alike for RGB). */
  params.draw_histograms = s.show_histogram;
  /* roi-*: the region global mode meters on (the core clips it). */
  const char *roi_source;
  params.meter = metering_rect (s, frame->buffer, &roi_source);
  const int width = GST_VIDEO_FRAME_WIDTH (frame);
  const int height = GST_VIDEO_FRAME_HEIGHT (frame);
  if (!params.meter.empty () && (params.meter.x >= width
          || params.meter.y >= height)) {
    if (params.meter != priv->outside_said)
      GST_WARNING_OBJECT (self, "metering rectangle %d,%d %dx%d (from %s) "
          "lies wholly outside the %dx%d frame: metering the whole frame",
          params.meter.x, params.meter.y, params.meter.width,
          params.meter.height, roi_source, width, height);
    priv->outside_said = params.meter;
  }

  /* Threads follow n-threads; they are only remade when it changed. */
  priv->EnsureThreads (s.n_threads);

  /* A discontinuity (lost frames, a new segment of a file) is no
   * continuation of what came before. */
  if (GST_BUFFER_IS_DISCONT (frame->buffer))
    priv->Reset ();

  histeq::FrameReport report;
  const bool changed = priv->process (priv, frame, params, &report);

  /* What metered, as the statistics say it. */
  if (report.metered == histeq::Rect {0, 0, width, height})
    roi_source = "frame";
  GST_LOG_OBJECT (self, "frame %" GST_TIME_FORMAT ": %s, distance %.3f%s, "
      "metered on %d,%d %dx%d (%s)",
      GST_TIME_ARGS (GST_BUFFER_PTS (frame->buffer)), changed ? "equalized" :
      "left unchanged (flat frame or strength 0)", report.distance,
      report.scene_cut ? ", scene cut" : "", report.metered.x,
      report.metered.y, report.metered.width, report.metered.height,
      roi_source);
  if (s.post_messages)
    gst_element_post_message (GST_ELEMENT (self),
        gst_histeq_stats_message (GST_OBJECT (self),
            &GST_BASE_TRANSFORM (self)->segment,
            GST_BUFFER_PTS (frame->buffer), report, roi_source));
  return GST_FLOW_OK;
}

/* GstVideoFilter's transform_ip, with two differences: a GAP buffer (neutral
 * filler) goes out as it came, still flagged, without entering the running
 * histogram; and a buffer that cannot hold a frame of the negotiated caps is
 * an element error saying so, where the base class would only warn and pass
 * the bytes on unprocessed. */
static GstFlowReturn
gst_histeq_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (trans);

  if (G_UNLIKELY (!filter->negotiated)) {
    GST_ELEMENT_ERROR (trans, CORE, NEGOTIATION, (NULL),
        ("no caps negotiated before the first buffer"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    GST_LOG_OBJECT (trans, "GAP buffer %" GST_TIME_FORMAT " passed on as it is",
        GST_TIME_ARGS (GST_BUFFER_PTS (buf)));
    return GST_FLOW_OK;
  }

  GstVideoFrame frame;
  /* The frame must not hold a second reference, or the buffer would look
   * read-only to anything attaching metas downstream of the mapping. */
  const GstMapFlags flags = (GstMapFlags) (GST_MAP_READWRITE |
      GST_VIDEO_FRAME_MAP_FLAG_NO_REF);
  if (G_UNLIKELY (!gst_video_frame_map (&frame, &filter->in_info, buf, flags))) {
    GST_ELEMENT_ERROR (trans, STREAM, FORMAT,
        ("Received a video buffer too small for its caps."),
        ("buffer of %" G_GSIZE_FORMAT " bytes, but %s %dx%d needs %"
            G_GSIZE_FORMAT " bytes%s", gst_buffer_get_size (buf),
            GST_VIDEO_INFO_NAME (&filter->in_info),
            GST_VIDEO_INFO_WIDTH (&filter->in_info),
            GST_VIDEO_INFO_HEIGHT (&filter->in_info),
            GST_VIDEO_INFO_SIZE (&filter->in_info),
            gst_buffer_get_video_meta (buf) ?
            " (or its GstVideoMeta describes planes outside it)" : ""));
    return GST_FLOW_ERROR;
  }
  const GstFlowReturn ret = gst_histeq_transform_frame_ip (filter, &frame);
  gst_video_frame_unmap (&frame);
  return ret;
}

static void
gst_histeq_finalize (GObject * object)
{
  GstHisteq *self = GST_HISTEQ (object);

  delete self->priv;
  self->priv = NULL;
  G_OBJECT_CLASS (gst_histeq_parent_class)->finalize (object);
}

static void
gst_histeq_class_init (GstHisteqClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_histeq_debug, "histeq", 0,
      "histogram equalization");

  gobject_class->set_property = gst_histeq_set_property;
  gobject_class->get_property = gst_histeq_get_property;
  gobject_class->finalize = gst_histeq_finalize;

  const GParamFlags flags = (GParamFlags) (G_PARAM_READWRITE |
      G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "global: one mapping for the whole frame (cv::equalizeHist); "
          "adaptive: contrast-limited adaptive equalization per tile, "
          "bilinearly blended (CLAHE, cv::createCLAHE)",
          GST_TYPE_HISTEQ_MODE, DEFAULT_PROP_MODE, flags));
  g_object_class_install_property (gobject_class, PROP_CLIP_LIMIT,
      g_param_spec_double ("clip-limit", "Clip limit",
          "Contrast limit, as OpenCV's clipLimit: a histogram bin may hold at "
          "most clip-limit times its share of a uniform histogram, the excess "
          "is spread over all bins. 0 = automatic: no limit in global mode, "
          "2 in adaptive mode. Non-zero in global mode gives contrast-limited "
          "global equalization; 256 or more never clips",
          0.0, MAX_PROP_CLIP_LIMIT, DEFAULT_PROP_CLIP_LIMIT, flags));
  g_object_class_install_property (gobject_class, PROP_CLIP_SPREAD,
      g_param_spec_enum ("clip-spread", "Clip spread",
          "Where global mode's clip limit hands out the counts it cuts off: "
          "all = over every code, the mapping from code 0 (OpenCV's CLAHE); "
          "range = over the codes the frame occupies only, from its lowest "
          "to its highest, the mapping from the lowest (as cv::equalizeHist), "
          "so on a dull frame the excess buys contrast. A flat frame is left "
          "as it is with range. Global mode only (adaptive mode ignores it); "
          "no effect without a clip limit",
          GST_TYPE_HISTEQ_CLIP_SPREAD, DEFAULT_PROP_CLIP_SPREAD, flags));
  g_object_class_install_property (gobject_class, PROP_TILES_X,
      g_param_spec_uint ("tiles-x", "Tiles across",
          "Columns of the adaptive tile grid (OpenCV's tileGridSize.width); "
          "used in adaptive mode", 1, MAX_PROP_TILES, DEFAULT_PROP_TILES,
          flags));
  g_object_class_install_property (gobject_class, PROP_TILES_Y,
      g_param_spec_uint ("tiles-y", "Tiles down",
          "Rows of the adaptive tile grid (OpenCV's tileGridSize.height); "
          "used in adaptive mode", 1, MAX_PROP_TILES, DEFAULT_PROP_TILES,
          flags));
  g_object_class_install_property (gobject_class, PROP_STRENGTH,
      g_param_spec_double ("strength", "Strength",
          "Blend between the input (0, untouched) and the full equalization "
          "(1): out = in + strength * (equalized - in), folded into the "
          "mapping so it costs nothing per pixel", 0.0, 1.0,
          DEFAULT_PROP_STRENGTH,
          (GParamFlags) (flags | GST_PARAM_CONTROLLABLE)));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING,
      g_param_spec_uint ("smoothing", "Temporal smoothing",
          "Time constant, in frames, of the exponential moving average of the "
          "frames' normalised luma histograms (per tile in adaptive mode, of "
          "the region of interest when one is metered) that the mapping "
          "follows: each frame weighs 1 - exp(-1/smoothing). "
          "Stops flicker and pumping on video. 0 = every frame on its own "
          "(exactly OpenCV)", 0, MAX_PROP_SMOOTHING, DEFAULT_PROP_SMOOTHING,
          flags));
  g_object_class_install_property (gobject_class, PROP_SCENE_THRESHOLD,
      g_param_spec_double ("scene-threshold", "Scene-cut threshold",
          "A frame whose luma histogram differs from the running average by "
          "more than this starts a new scene: the average restarts from it. "
          "The distance is the largest difference between the two normalised "
          "cumulative histograms (0 same, 1 disjoint; an object covering a "
          "share f of the picture measures about f; cuts between shots "
          "typically 0.25-0.75). 1 = never cut", 0.0, 1.0,
          DEFAULT_PROP_SCENE_THRESHOLD, flags));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post an element message named \"histeq\" per frame with the "
          "frame's timestamps, the mean and standard deviation of the luma "
          "before and after, the scene-cut decision and distance, the "
          "rectangle metered on and the 256-bin input histogram",
          DEFAULT_PROP_POST_MESSAGES, flags));
  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_uint ("n-threads", "Threads",
          "Threads to split each frame over (0 = one per core). The output is "
          "the same bytes whatever the number; threads are made when the "
          "stream starts or this changes, never per frame", 0,
          MAX_PROP_N_THREADS, DEFAULT_PROP_N_THREADS, flags));
  g_object_class_install_property (gobject_class, PROP_SHOW_HISTOGRAM,
      g_param_spec_boolean ("show-histogram", "Show histogram",
          "Draw the luma histograms over the top-left corner of the picture, "
          "before (grey bars, above) and after equalization (white bars, "
          "below), for tuning by eye. Drawn into the luma only; frames under "
          "16x16 are left without", DEFAULT_PROP_SHOW_HISTOGRAM, flags));
  g_object_class_install_property (gobject_class, PROP_RANGE,
      g_param_spec_enum ("range", "Range",
          "Range of the equalized luma: auto follows the caps' colorimetry "
          "(full for GRAY8 and 0-255 video, bit-exact with cv::equalizeHist; "
          "limited 16-235 otherwise)", GST_TYPE_HISTEQ_RANGE,
          DEFAULT_PROP_RANGE, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_X,
      g_param_spec_uint ("roi-x", "ROI left",
          "Left edge, in pixels, of the rectangle global mode meters on "
          "(see roi-width)", 0, MAX_PROP_ROI, DEFAULT_PROP_ROI, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_Y,
      g_param_spec_uint ("roi-y", "ROI top",
          "Top edge, in pixels, of the rectangle global mode meters on "
          "(see roi-width)", 0, MAX_PROP_ROI, DEFAULT_PROP_ROI, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_WIDTH,
      g_param_spec_uint ("roi-width", "ROI width",
          "Width in pixels of the region of interest. In global mode the "
          "histogram is taken from the pixels of the rectangle roi-x, roi-y, "
          "roi-width x roi-height only, and the one mapping it gives is "
          "applied to the whole frame. Clipped to the frame; wholly outside "
          "it, the whole frame is metered. Adaptive mode ignores it: each "
          "tile is already equalized on its own pixels. 0 = no rectangle",
          0, MAX_PROP_ROI, DEFAULT_PROP_ROI, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_HEIGHT,
      g_param_spec_uint ("roi-height", "ROI height",
          "Height in pixels of the region of interest (see roi-width); "
          "0 = no rectangle", 0, MAX_PROP_ROI, DEFAULT_PROP_ROI, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_META,
      g_param_spec_boolean ("roi-meta", "ROI from metas",
          "Meter global mode on the bounding rectangle of each buffer's "
          "GstVideoRegionOfInterestMetas (as facedetect or an inference "
          "element attaches them) of type roi-type; a buffer without any "
          "falls back to the roi-x/-y/-width/-height rectangle, then to the "
          "whole frame", DEFAULT_PROP_ROI_META, flags));
  g_object_class_install_property (gobject_class, PROP_ROI_TYPE,
      g_param_spec_string ("roi-type", "ROI type",
          "With roi-meta, only the region-of-interest metas of this type "
          "(\"face\", ...) count; empty = any type", DEFAULT_PROP_ROI_TYPE,
          flags));

  gst_element_class_set_static_metadata (element_class,
      "Histogram equalization", "Filter/Effect/Video",
      "Enhances contrast by equalizing the luma histogram of each frame: "
      "global (byte-exact with OpenCV's equalizeHist) or contrast-limited "
      "adaptive (CLAHE), on 8 to 16-bit YUV/GRAY and on RGB through its luma; "
      "chroma is left untouched",
      "histeq developers <dev@histeq.invalid>");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->accept_caps = GST_DEBUG_FUNCPTR (gst_histeq_accept_caps);
  trans_class->before_transform =
      GST_DEBUG_FUNCPTR (gst_histeq_before_transform);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_histeq_start);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_histeq_sink_event);
  trans_class->transform_ip_on_passthrough = FALSE;
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_histeq_transform_ip);
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_histeq_set_info);
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_histeq_transform_frame_ip);

  gst_type_mark_as_plugin_api (GST_TYPE_HISTEQ_MODE, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_HISTEQ_RANGE, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (GST_TYPE_HISTEQ_CLIP_SPREAD,
      (GstPluginAPIFlags) 0);
}

static void
gst_histeq_init (GstHisteq * self)
{
  self->priv = new GstHisteqPrivate ();
  /* Every buffer that comes in goes out: QoS would drop late frames. An
   * application that prefers dropping can still set qos=true. */
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
  /* GAP buffers keep their flag: transform_ip passes them on untouched. */
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}
