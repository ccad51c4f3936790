/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-frame statistics message; its fields are documented in the
 * element's Statistics section (gsthisteq.cpp).
 */
#include "gsthisteqstats.h"

#include "histeq/histogram.h"
#include "histeq/stats.h"

GstMessage *
gst_histeq_stats_message (GstObject * src, const GstSegment * segment,
    const GstVideoFrame * frame, const histeq::FrameReport & report)
{
  const GstClockTime pts = GST_BUFFER_PTS (frame->buffer);
  const histeq::PlaneStats in = histeq::StatsFromHistogram8 (report.histogram_in);

  /* Only the output needs another look at the plane, and only here. */
  uint32_t out_hist[histeq::kBins8];
  histeq::Histogram8 (static_cast<const uint8_t *> (GST_VIDEO_FRAME_COMP_DATA
          (frame, GST_VIDEO_COMP_Y)), GST_VIDEO_FRAME_COMP_STRIDE (frame,
          GST_VIDEO_COMP_Y), GST_VIDEO_FRAME_COMP_WIDTH (frame,
          GST_VIDEO_COMP_Y), GST_VIDEO_FRAME_COMP_HEIGHT (frame,
          GST_VIDEO_COMP_Y), GST_VIDEO_FRAME_COMP_PSTRIDE (frame,
          GST_VIDEO_COMP_Y), out_hist);
  const histeq::PlaneStats out = histeq::StatsFromHistogram8 (out_hist);

  GValue histogram = G_VALUE_INIT, bin = G_VALUE_INIT;
  g_value_init (&histogram, GST_TYPE_ARRAY);
  g_value_init (&bin, G_TYPE_UINT);
  for (int v = 0; v < histeq::kBins8; ++v) {
    g_value_set_uint (&bin, report.histogram_in[v]);
    gst_value_array_append_value (&histogram, &bin);
  }
  g_value_unset (&bin);

  GstStructure *s = gst_structure_new ("histeq",
      "timestamp", G_TYPE_UINT64, pts,
      "stream-time", G_TYPE_UINT64, gst_segment_to_stream_time
      (segment, GST_FORMAT_TIME, pts),
      "running-time", G_TYPE_UINT64, gst_segment_to_running_time
      (segment, GST_FORMAT_TIME, pts),
      "mean-in", G_TYPE_DOUBLE, in.mean,
      "mean-out", G_TYPE_DOUBLE, out.mean,
      "stddev-in", G_TYPE_DOUBLE, in.stddev,
      "stddev-out", G_TYPE_DOUBLE, out.stddev,
      "scene-cut", G_TYPE_BOOLEAN, (gboolean) report.scene_cut,
      "scene-distance", G_TYPE_DOUBLE, report.distance, NULL);
  gst_structure_take_value (s, "histogram-in", &histogram);
  return gst_message_new_element (src, s);
}
