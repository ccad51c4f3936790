/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_HISTEQ_STATS_H_
#define GST_HISTEQ_STATS_H_

#include <gst/gst.h>

#include "histeq/equalizer.h"

/* An element message named "histeq" from `src` for the frame at `pts`
 * (timestamps taken in `segment`): statistics of the luma before and after,
 * and the equalizer's scene-cut decision, from a report made with
 * Params::report_output. */
GstMessage *gst_histeq_stats_message (GstObject * src,
    const GstSegment * segment, GstClockTime pts,
    const histeq::FrameReport & report);

#endif /* GST_HISTEQ_STATS_H_ */
