/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_HISTEQ_STATS_H_
#define GST_HISTEQ_STATS_H_

#include <gst/gst.h>
#include <gst/video/video.h>

#include "histeq/equalizer.h"

/* An element message named "histeq" from `src` describing `frame` (already
 * equalized) and what the equalizer reported for it; timestamps are taken
 * in `segment`. */
GstMessage *gst_histeq_stats_message (GstObject * src,
    const GstSegment * segment, const GstVideoFrame * frame,
    const histeq::FrameReport & report);

#endif /* GST_HISTEQ_STATS_H_ */
