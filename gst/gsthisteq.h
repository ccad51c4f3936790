/* histeq: histogram equalization for GStreamer video.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_HISTEQ_H_
#define GST_HISTEQ_H_

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

/**
 * GstHisteqRange:
 * @GST_HISTEQ_RANGE_AUTO: follow the colorimetry of the caps
 * @GST_HISTEQ_RANGE_FULL: output spans 0-255
 * @GST_HISTEQ_RANGE_LIMITED: output spans 16-235
 *
 * The range of the equalized luma.
 */
typedef enum {
  GST_HISTEQ_RANGE_AUTO,
  GST_HISTEQ_RANGE_FULL,
  GST_HISTEQ_RANGE_LIMITED,
} GstHisteqRange;

#define GST_TYPE_HISTEQ_RANGE (gst_histeq_range_get_type ())
GType gst_histeq_range_get_type (void);

/**
 * GstHisteqMode:
 * @GST_HISTEQ_MODE_GLOBAL: one mapping for the whole frame
 * @GST_HISTEQ_MODE_ADAPTIVE: contrast-limited adaptive equalization (CLAHE)
 *
 * How the mapping is computed.
 */
typedef enum {
  GST_HISTEQ_MODE_GLOBAL,
  GST_HISTEQ_MODE_ADAPTIVE,
} GstHisteqMode;

#define GST_TYPE_HISTEQ_MODE (gst_histeq_mode_get_type ())
GType gst_histeq_mode_get_type (void);

/**
 * GstHisteqClipSpread:
 * @GST_HISTEQ_CLIP_SPREAD_ALL: the excess over all codes (OpenCV's)
 * @GST_HISTEQ_CLIP_SPREAD_RANGE: the excess over the codes the frame
 *   occupies, the mapping from the lowest of them
 *
 * Where global mode's clip limit hands out the counts it cuts off.
 */
typedef enum {
  GST_HISTEQ_CLIP_SPREAD_ALL,
  GST_HISTEQ_CLIP_SPREAD_RANGE,
} GstHisteqClipSpread;

#define GST_TYPE_HISTEQ_CLIP_SPREAD (gst_histeq_clip_spread_get_type ())
GType gst_histeq_clip_spread_get_type (void);

#define GST_TYPE_HISTEQ (gst_histeq_get_type ())
G_DECLARE_FINAL_TYPE (GstHisteq, gst_histeq, GST, HISTEQ, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE (histeq);

G_END_DECLS

#endif /* GST_HISTEQ_H_ */
