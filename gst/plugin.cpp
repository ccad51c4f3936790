/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include "gsthisteq.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (histeq, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, histeq,
    "Histogram equalization of video luma, 8 to 16-bit YUV and RGB (global and CLAHE, OpenCV-exact)",
    plugin_init, HISTEQ_VERSION, "LGPL", PACKAGE, HISTEQ_ORIGIN)
