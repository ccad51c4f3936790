#!/usr/bin/env bash
# Per-frame cost of histeq inside real pipelines, as ratios (the machines are
# shared and noisy: compare, do not quote absolute times).
#
#   scripts/bench-pipeline.sh [FRAMES]      (default 200, 1080p)
#
# 1. GRAY8 1080p frames read from /dev/shm (filesrc ! rawvideoparse):
#    identity (the baseline), histeq, and OpenCV's cvequalizehist
#    (gstreamer1.0-opencv, installed here if missing).
# 2. 1080p BGRx from videotestsrc: histeq on RGB directly, and the
#    videoconvert ! Y444 ! histeq ! videoconvert round trip.
# Every case runs three times; the best wall time counts, minus the
# baseline's, divided by the frames.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-200}
export BUILD_DIR=${BUILD_DIR:-build}
bash scripts/deps.sh >/dev/null
if ! dpkg-query -W -f='${Status}' gstreamer1.0-opencv 2>/dev/null | grep -q 'install ok installed'; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q --no-install-recommends gstreamer1.0-opencv >/dev/null
fi
bash scripts/build.sh >/dev/null
export GST_PLUGIN_PATH_1_0="$PWD/$BUILD_DIR/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
export GST_DEBUG=0

raw=/dev/shm/histeq-bench-gray8.raw
trap 'rm -f "$raw"' EXIT
gst-launch-1.0 -q videotestsrc num-buffers="$frames" pattern=pinwheel ! \
  video/x-raw,width=1920,height=1080 ! videobalance contrast=0.5 ! videoconvert ! \
  video/x-raw,format=GRAY8 ! filesink location="$raw"

best_seconds() {  # the best of three runs of a gst-launch description
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    gst-launch-1.0 -q $1 ! fakesink sync=false
    t1=$(date +%s.%N)
    best=$(python3 -c "a=$t1-$t0; b='$best'; print(min(a, float(b)) if b else a)")
  done
  echo "$best"
}

gray="filesrc location=$raw blocksize=$((1920 * 1080)) ! rawvideoparse format=gray8 width=1920 height=1080"
g_base=$(best_seconds "$gray ! identity")
g_histeq=$(best_seconds "$gray ! histeq")
g_cv=$(best_seconds "$gray ! cvequalizehist")
g_adaptive=$(best_seconds "$gray ! histeq mode=adaptive")
g_two=$(best_seconds "$gray ! histeq n-threads=2")

rgb="videotestsrc num-buffers=$frames ! video/x-raw,format=BGRx,width=1920,height=1080"
r_base=$(best_seconds "$rgb ! identity")
r_direct=$(best_seconds "$rgb ! histeq")
r_trip=$(best_seconds "$rgb ! videoconvert ! video/x-raw,format=Y444 ! histeq ! videoconvert ! video/x-raw,format=BGRx")

python3 - "$frames" "$g_base" "$g_histeq" "$g_cv" "$g_adaptive" "$g_two" "$r_base" "$r_direct" "$r_trip" <<'PY'
import sys
n = int(sys.argv[1])
gb, gh, gc, ga, g2, rb, rd, rt = map(float, sys.argv[2:])
per = lambda t, base: max(t - base, 1e-9) / n * 1e3
h, c, a, t2 = per(gh, gb), per(gc, gb), per(ga, gb), per(g2, gb)
print(f"Per-frame cost minus identity, {n} frames, best of 3 (ms):\n")
print("| 1080p GRAY8 from /dev/shm | ms/frame | relative to histeq |")
print("| --- | --- | --- |")
print(f"| histeq | {h:.2f} | 1.00 |")
print(f"| histeq n-threads=2 | {t2:.2f} | {t2/h:.2f} |")
print(f"| histeq mode=adaptive | {a:.2f} | {a/h:.2f} |")
print(f"| cvequalizehist | {c:.2f} | {c/h:.2f} |")
d, r = per(rd, rb), per(rt, rb)
print("\n| 1080p BGRx | ms/frame | relative to histeq |")
print("| --- | --- | --- |")
print(f"| histeq on BGRx directly | {d:.2f} | 1.00 |")
print(f"| videoconvert ! Y444 ! histeq ! videoconvert | {r:.2f} | {r/d:.2f} |")
PY
