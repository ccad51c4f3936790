#!/usr/bin/env python3
"""Embedding histeq from Python (PyGObject):

    python3 examples/histeq.py [FRAMES]

Runs a low-contrast test source through histeq, changes the `range` property
while it plays, reads each output frame's luma in an appsink to show the
spread of values before and after, and reads the statistics histeq posts on
the bus (post-messages=true): mean and standard deviation of the luma before
and after, and the scene-cut decision. Needs python3-gi, gir1.2-gstreamer-1.0 and
gir1.2-gst-plugins-base-1.0 (scripts/deps.sh installs them) and the plugin on
GST_PLUGIN_PATH (e.g. GST_PLUGIN_PATH=build/gst).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def luma_span(sample):
    """min and max of the Y plane of a GRAY8 sample."""
    buf = sample.get_buffer()
    ok, info = buf.map(Gst.MapFlags.READ)
    if not ok:
        raise RuntimeError("cannot map buffer")
    try:
        data = info.data
        return min(data), max(data)
    finally:
        buf.unmap(info)


def main():
    Gst.init(None)
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    pipeline = Gst.parse_launch(
        f"videotestsrc num-buffers={frames} pattern=smpte ! "
        "video/x-raw,width=320,height=240 ! "
        "videobalance contrast=0.3 ! videoconvert ! video/x-raw,format=GRAY8 ! "
        "tee name=t "
        # Short queues keep histeq only a frame or two ahead of this loop, so
        # a property change shows up soon in what we read.
        "t. ! queue max-size-buffers=1 ! appsink name=before sync=false max-buffers=1 "
        "t. ! queue max-size-buffers=1 ! histeq name=eq post-messages=true smoothing=5 ! "
        "appsink name=after sync=false max-buffers=1")
    eq = pipeline.get_by_name("eq")
    if eq is None:
        sys.exit("histeq not found: set GST_PLUGIN_PATH to the build's gst/ folder")
    # Enum properties are set by nick, as on a gst-launch line.
    Gst.util_set_object_arg(eq, "range", "full")
    before = pipeline.get_by_name("before")
    after = pipeline.get_by_name("after")

    bus = pipeline.get_bus()
    end = None  # the EOS or ERROR message, once it came
    pipeline.set_state(Gst.State.PLAYING)
    for i in range(frames):
        lo_in, hi_in = luma_span(before.emit("pull-sample"))
        lo_out, hi_out = luma_span(after.emit("pull-sample"))
        print(f"frame {i}: luma {lo_in}-{hi_in} -> {lo_out}-{hi_out}")
        # histeq posts its message before it passes the frame on, so the
        # message of every frame pulled so far is on the bus. (pop_filtered
        # drops what it does not match, so EOS and ERROR are asked for too.)
        while True:
            msg = bus.pop_filtered(Gst.MessageType.ELEMENT | Gst.MessageType.EOS
                                   | Gst.MessageType.ERROR)
            if msg is None:
                break
            if msg.type != Gst.MessageType.ELEMENT:
                end = msg
                continue
            s = msg.get_structure()
            if s.get_name() != "histeq":
                continue
            print(f"  stats @{s.get_value('timestamp') / Gst.SECOND:.3f}s: "
                  f"mean {s.get_value('mean-in'):.1f} -> {s.get_value('mean-out'):.1f}, "
                  f"stddev {s.get_value('stddev-in'):.1f} -> {s.get_value('stddev-out'):.1f}, "
                  f"scene-cut {s.get_value('scene-cut')}")
        if i == frames // 2:
            Gst.util_set_object_arg(eq, "range", "limited")
            # Takes effect from the next frame histeq processes; the frames
            # already queued behind it were equalized with range=full.
            print("range=limited set")
    msg = end or bus.timed_pop_filtered(Gst.CLOCK_TIME_NONE,
                                        Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        err, debug = msg.parse_error()
        sys.exit(f"error: {err.message}\n{debug}")


if __name__ == "__main__":
    main()
