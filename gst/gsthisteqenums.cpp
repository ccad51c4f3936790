/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The enum types of histeq's properties.
 */
#include "gsthisteq.h"

GType
gst_histeq_range_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_HISTEQ_RANGE_AUTO,
        "Follow the caps: full for GRAY8 and 0-255 colorimetry, else limited",
        "auto"},
    {GST_HISTEQ_RANGE_FULL, "Full range: output spans 0-255", "full"},
    {GST_HISTEQ_RANGE_LIMITED, "Limited range: output spans 16-235",
        "limited"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstHisteqRange", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_histeq_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_HISTEQ_MODE_GLOBAL,
        "Global: one mapping for the whole frame (cv::equalizeHist)", "global"},
    {GST_HISTEQ_MODE_ADAPTIVE,
        "Adaptive: contrast-limited, per tile, interpolated (CLAHE, "
          "cv::createCLAHE)", "adaptive"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstHisteqMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_histeq_clip_spread_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_HISTEQ_CLIP_SPREAD_ALL,
        "All: the excess over every code, the mapping from code 0 (OpenCV's "
          "CLAHE, cv::createCLAHE(clip, 1x1))", "all"},
    {GST_HISTEQ_CLIP_SPREAD_RANGE,
        "Range: the excess over the codes the frame occupies, the mapping "
          "from the lowest (as cv::equalizeHist)", "range"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstHisteqClipSpread", values);
    g_once_init_leave (&type, t);
  }
  return type;
}
