/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-frame statistics message; its fields are documented in the
 * element's Statistics section (gsthisteq.cpp).
 */
#include "gsthisteqstats.h"

/* The input histogram with at most 256 bins: deeper video's 2^depth bins
 * are summed in groups of 2^(depth - 8). */
static void
take_histogram (GstStructure * s, const uint32_t * hist, int bins)
{
  const int group = bins > 256 ? bins / 256 : 1;
  GValue array = G_VALUE_INIT, bin = G_VALUE_INIT;
  g_value_init (&array, GST_TYPE_ARRAY);
  g_value_init (&bin, G_TYPE_UINT);
  for (int first = 0; first < bins; first += group) {
    guint sum = 0;
    for (int v = first; v < first + group; ++v)
      sum += hist[v];
    g_value_set_uint (&bin, sum);
    gst_value_array_append_value (&array, &bin);
  }
  g_value_unset (&bin);
  gst_structure_take_value (s, "histogram-in", &array);
}

GstMessage *
gst_histeq_stats_message (GstObject * src, const GstSegment * segment,
    GstClockTime pts, const histeq::FrameReport & report,
    const char *roi_source)
{
  /* The rectangle the mapping was metered on: the whole frame without a
   * region of interest, and in adaptive mode. */
  GstStructure *roi = gst_structure_new ("roi",
      "x", G_TYPE_UINT, (guint) report.metered.x,
      "y", G_TYPE_UINT, (guint) report.metered.y,
      "width", G_TYPE_UINT, (guint) report.metered.width,
      "height", G_TYPE_UINT, (guint) report.metered.height, NULL);
  GstStructure *s = gst_structure_new ("histeq",
      "timestamp", G_TYPE_UINT64, pts,
      "stream-time", G_TYPE_UINT64, gst_segment_to_stream_time
      (segment, GST_FORMAT_TIME, pts),
      "running-time", G_TYPE_UINT64, gst_segment_to_running_time
      (segment, GST_FORMAT_TIME, pts),
      "mean-in", G_TYPE_DOUBLE, report.mean_in,
      "mean-out", G_TYPE_DOUBLE, report.mean_out,
      "stddev-in", G_TYPE_DOUBLE, report.stddev_in,
      "stddev-out", G_TYPE_DOUBLE, report.stddev_out,
      "scene-cut", G_TYPE_BOOLEAN, (gboolean) report.scene_cut,
      "scene-distance", G_TYPE_DOUBLE, report.distance,
      "roi", GST_TYPE_STRUCTURE, roi,
      "roi-source", G_TYPE_STRING, roi_source, NULL);
  gst_structure_free (roi);
  take_histogram (s, report.histogram_in, report.bins);
  return gst_message_new_element (src, s);
}
