#!/usr/bin/env bash
# The demo: installs what is missing, builds histeq and equalizes a picture,
# writing to build/demo/: before.png, after.png (global, the default),
# after-adaptive.png (mode=adaptive, CLAHE), before-after.png (the three
# side by side) and histograms.png (the luma histograms and CDFs before and
# after, and the mapping histeq applied).
#
#   scripts/demo.sh            the embedded default: a photograph made dull
#                              (contrast 0.4), as a poorly exposed camera gives
#   scripts/demo.sh IMAGE      any picture GStreamer can decode, as it is
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

# Only the demo's packages (scripts/deps.sh --demo) and only the plugin: the
# rest of the project (tool, examples, tests) is built by `meson compile` or
# scripts/test.sh in the same build directory.
# DEMO_NO_BUILD=1: use the build tree as it is (the test suite runs the demo so).
if [ "${DEMO_NO_BUILD:-0}" != 1 ]; then
  bash scripts/deps.sh --demo
  BUILD_TARGETS=gsthisteq bash scripts/build.sh
fi

out="$BUILD_DIR/demo"
mkdir -p "$out"
# Use the plugin just built, whatever else is installed.
case $BUILD_DIR in /*) build_abs=$BUILD_DIR ;; *) build_abs=$PWD/$BUILD_DIR ;; esac
export GST_PLUGIN_PATH_1_0="$build_abs/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"

if [ $# -ge 1 ]; then
  input=$1
  dull=""   # the user's picture, as it is
else
  input=examples/data/chelsea.png
  dull="videobalance contrast=0.4 brightness=-0.08 !"
fi
[ -r "$input" ] || { echo "demo: cannot read $input" >&2; exit 1; }

caps=$(gst-launch-1.0 -v filesrc location="$input" ! decodebin ! fakesink 2>/dev/null)
width=$(sed -n 's/.*width=(int)\([0-9]*\).*/\1/p' <<<"$caps" | head -n 1)
height=$(sed -n 's/.*height=(int)\([0-9]*\).*/\1/p' <<<"$caps" | head -n 1)
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
  before. ! queue ! filesink location="$out/before.i420" \
  after. ! queue ! filesink location="$out/after.i420" \
  after. ! queue ! videoconvert ! pngenc ! filesink location="$out/after.png" \
  adaptive. ! queue ! videoconvert ! pngenc ! filesink location="$out/after-adaptive.png" \
  compositor name=mix sink_1::xpos="$width" sink_2::xpos="$((2 * width))" ! \
    videoconvert ! pngenc ! filesink location="$out/before-after.png" \
  before. ! queue ! mix.sink_0 \
  after. ! queue ! mix.sink_1 \
  adaptive. ! queue ! mix.sink_2

# The histograms, CDFs and mapping, from the luma planes of the raw frames
# (counted by Python's standard library, drawn by gnuplot).
python3 scripts/plot-histograms.py "$out/before.i420" "$out/after.i420" "$width" "$height" \
  "$out/histograms.png" "histeq (global, the default) on $(basename "$input")" >/dev/null
rm -f "$out/before.i420" "$out/after.i420"

echo "demo: wrote $out/before.png, $out/after.png, $out/after-adaptive.png, $out/before-after.png and $out/histograms.png"
