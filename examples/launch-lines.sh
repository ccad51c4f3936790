#!/usr/bin/env bash
# gst-launch-1.0 lines using histeq, runnable one by one:
#
#   examples/launch-lines.sh            list them
#   examples/launch-lines.sh N          run line N
#
# Uses the plugin in build/gst when it is there (the README's build), else an
# installed one. The file lines read INPUT (default: a test clip they make).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/../build/gst" ] && export GST_PLUGIN_PATH_1_0="$here/../build/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
INPUT=${INPUT:-/tmp/histeq-dull.webm}
OUTPUT=${OUTPUT:-/tmp/histeq-enhanced.webm}

lines=(
  # 1: a low-contrast test picture restored, in a window
  "gst-launch-1.0 videotestsrc ! videobalance contrast=0.4 ! histeq ! videoconvert ! autovideosink"
  # 2: a webcam, equalized live, contrast-limited (histeq-enhance's settings: docs/enhance-defaults.md)
  "gst-launch-1.0 v4l2src ! videoconvert ! histeq clip-limit=1.5 clip-spread=range strength=0.8 smoothing=15 ! videoconvert ! autovideosink"
  # 3: a dull test clip to play with (2 s of VP8), written to INPUT
  "gst-launch-1.0 -e videotestsrc num-buffers=60 pattern=ball ! video/x-raw,width=640,height=360 ! videobalance contrast=0.35 brightness=-0.1 ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=$INPUT"
  # 4: enhancing a file: decode, equalize (histeq-enhance's settings), encode (video only; any decodable INPUT)
  "gst-launch-1.0 -e filesrc location=$INPUT ! decodebin ! videoconvert ! histeq clip-limit=1.5 clip-spread=range strength=0.8 smoothing=15 ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=$OUTPUT"
  # 5: GRAY8 output, byte-for-byte cv::equalizeHist
  "gst-launch-1.0 videotestsrc num-buffers=1 ! videoconvert ! video/x-raw,format=GRAY8 ! histeq ! pngenc ! filesink location=/tmp/histeq-gray.png"
  # 6: limited-range output forced (16-235) whatever the caps say
  "gst-launch-1.0 videotestsrc num-buffers=100 ! histeq range=limited ! fakesink"
  # 7: a webcam in a dim room: adaptive (CLAHE), softened
  "gst-launch-1.0 v4l2src ! videoconvert ! histeq mode=adaptive clip-limit=2 strength=0.8 ! videoconvert ! autovideosink"
  # 8: adaptive with a finer grid and a stronger limit, on a test clip
  "gst-launch-1.0 videotestsrc num-buffers=100 ! videobalance contrast=0.4 ! histeq mode=adaptive tiles-x=16 tiles-y=9 clip-limit=4 ! fakesink"
  # 9: metered on a region of interest (the centre), the rectangle in the statistics
  "gst-launch-1.0 -m videotestsrc num-buffers=3 ! video/x-raw,width=320,height=240 ! videobalance contrast=0.4 ! histeq roi-x=80 roi-y=60 roi-width=160 roi-height=120 post-messages=true ! fakesink"
  # 10: a webcam metered on the faces facedetect finds (gstreamer1.0-opencv, opencv-data), in a window
  "gst-launch-1.0 v4l2src ! videoconvert ! facedetect display=false ! histeq roi-meta=true roi-type=face smoothing=15 ! videoconvert ! autovideosink"
)

if [ $# -eq 0 ]; then
  for i in "${!lines[@]}"; do echo "$((i + 1)): ${lines[$i]}"; done
  exit 0
fi
line=${lines[$(($1 - 1))]}
echo "$line"
eval "$line"
