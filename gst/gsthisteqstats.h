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
 * Params::report_output; `roi_source` says where the metered rectangle
 * came from ("frame", "properties" or "meta"). */
GstMessage *gst_histeq_stats_message (GstObject * src,
    const GstSegment * segment, GstClockTime pts,
    const histeq::FrameReport & report, const char *roi_source);

#endif /* GST_HISTEQ_STATS_H_ */
