#!/usr/bin/env bash
# Memory and time of histeq's heaviest settings, in real pipelines: peak
# resident memory of `videotestsrc pattern=snow` (noise: every tile holds
# most code values, the worst case) through histeq, minus the same pipeline
# through identity, and the time per frame over that baseline. Prints a
# markdown table. The machines are shared and noisy: compare rows of one run.
#
#   scripts/bench-settings.sh [FRAMES]   (default 10; a row's frames, after a warm-up one)
#   ROWS="GRAY16_LE 1920 1080 64 64 30 ..." scripts/bench-settings.sh   (format w h tiles_x tiles_y smoothing, repeated)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-10}
export BUILD_DIR=${BUILD_DIR:-build}
if [ "${NO_BUILD:-0}" != 1 ]; then
  bash scripts/deps.sh >/dev/null
  bash scripts/build.sh >/dev/null
fi
export GST_PLUGIN_PATH_1_0="$PWD/$BUILD_DIR/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
export GST_DEBUG=0

rows=${ROWS:-"GRAY16_LE 1920 1080 64 64 0
GRAY16_LE 1920 1080 64 64 30
P016_LE 1920 1080 64 64 0
P016_LE 1920 1080 64 64 30
P016_LE 1920 1080 8 8 0
P016_LE 1920 1080 8 8 30
I420_12LE 1920 1080 64 64 0
I420_12LE 1920 1080 64 64 30
GRAY8 1920 1080 8 8 0
GRAY8 1920 1080 64 64 0
GRAY8 1920 1080 64 64 30
GRAY16_LE 3840 2160 64 64 30
GRAY16_LE 7680 4320 64 64 30"}

# Peak resident KiB and wall seconds of a pipeline with `element` in it.
measure() {
  local caps=$1 element=$2 n=$3
  /usr/bin/time -f "%M %e" gst-launch-1.0 -q videotestsrc pattern=snow num-buffers="$n" ! \
    "$caps" ! $element ! fakesink sync=false 2>&1 >/dev/null | tail -n 1
}

echo "| format | size | tiles | smoothing | memory over identity | time per frame over identity |"
echo "| --- | --- | --- | --- | --- | --- |"
while read -r format w h tx ty smoothing; do
  [ -n "$format" ] || continue
  caps="video/x-raw,format=$format,width=$w,height=$h"
  n=$frames
  [ "$w" -gt 1920 ] && n=$(( frames / 2 > 2 ? frames / 2 : 2 ))
  read -r base_kib base_s <<<"$(measure "$caps" identity $((n + 1)))"
  read -r kib s <<<"$(measure "$caps" "histeq mode=adaptive tiles-x=$tx tiles-y=$ty smoothing=$smoothing" $((n + 1)))"
  read -r base1_kib base1_s <<<"$(measure "$caps" identity 1)"
  read -r kib1 s1 <<<"$(measure "$caps" "histeq mode=adaptive tiles-x=$tx tiles-y=$ty smoothing=$smoothing" 1)"
  # n frames' worth: the run of n + 1 frames minus the run of one.
  per_frame=$(python3 -c "print(f'{max(0.0, (($s - $s1) - ($base_s - $base1_s)) / $n * 1000):.0f} ms')")
  mib=$(python3 -c "print(f'{max(0, $kib - $base_kib) / 1024:.0f} MiB')")
  echo "| $format | ${w}×$h | ${tx}×$ty | $smoothing | $mib | $per_frame |"
done <<<"$rows"
