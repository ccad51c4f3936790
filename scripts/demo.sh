#!/usr/bin/env bash
# The demo: installs what is missing, builds histeq and equalizes a picture,
# writing to build/demo/: before.png, after.png (global, the default),
# after-adaptive.png (mode=adaptive, CLAHE) and before-after.png (the three
# side by side).
#
#   scripts/demo.sh            the embedded default: a photograph made dull
#                              (contrast 0.4), as a poorly exposed camera gives
#   scripts/demo.sh IMAGE      any picture GStreamer can decode, as it is
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

bash scripts/deps.sh
bash scripts/build.sh

out="$BUILD_DIR/demo"
mkdir -p "$out"
# Use the plugin just built, whatever else is installed.
export GST_PLUGIN_PATH_1_0="$PWD/$BUILD_DIR/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"

if [ $# -ge 1 ]; then
  input=$1
  dull=""   # the user's picture, as it is
else
  input=examples/data/chelsea.png
  dull="videobalance contrast=0.4 brightness=-0.08 !"
fi
[ -r "$input" ] || { echo "demo: cannot read $input" >&2; exit 1; }

width=$(gst-launch-1.0 -v filesrc location="$input" ! decodebin ! fakesink 2>/dev/null |
  sed -n 's/.*width=(int)\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$width" ] || { echo "demo: $input is not a picture GStreamer can decode" >&2; exit 1; }

# One decoded frame, made dull (default input only), converted to I420 as a
# camera would deliver it, then split three ways: the original, histeq's
# default (global) and histeq mode=adaptive, each written on its own and all
# three composited side by side.
gst-launch-1.0 -q \
  filesrc location="$input" ! decodebin ! videoconvert ! $dull \
  video/x-raw,format=I420 ! tee name=t \
  t. ! queue ! tee name=before \
  t. ! queue ! histeq ! tee name=after \
  t. ! queue ! histeq mode=adaptive ! tee name=adaptive \
  before. ! queue ! videoconvert ! pngenc ! filesink location="$out/before.png" \
  after. ! queue ! videoconvert ! pngenc ! filesink location="$out/after.png" \
  adaptive. ! queue ! videoconvert ! pngenc ! filesink location="$out/after-adaptive.png" \
  compositor name=mix sink_1::xpos="$width" sink_2::xpos="$((2 * width))" ! \
    videoconvert ! pngenc ! filesink location="$out/before-after.png" \
  before. ! queue ! mix.sink_0 \
  after. ! queue ! mix.sink_1 \
  adaptive. ! queue ! mix.sink_2

echo "demo: wrote $out/before.png, $out/after.png, $out/after-adaptive.png and $out/before-after.png"
