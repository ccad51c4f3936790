#!/usr/bin/env bash
# Per-frame cost of histeq inside real pipelines, as ratios (the machines are
# shared and noisy: compare, do not quote absolute times).
#
#   scripts/bench-pipeline.sh [FRAMES]      (default 300, 1080p)
#
# Each case runs videotestsrc -> (case) -> fakesink FRAMES frames, three
# times; the best wall time counts. An identity pipeline is the baseline
# subtracted from each, so what remains is the cost of the case's elements.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-300}
export GST_PLUGIN_PATH_1_0="$PWD/${BUILD_DIR:-build}/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
export GST_DEBUG=0

best_seconds() {  # the best of three runs of a pipeline description
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    gst-launch-1.0 -q videotestsrc num-buffers="$frames" ! $1 ! fakesink sync=false
    t1=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float('$t1')-float('$t0'); b='$best'; print(min(a, float(b)) if b else a)")
  done
  echo "$best"
}

rgb="video/x-raw,format=BGRx,width=1920,height=1080"
base=$(best_seconds "$rgb ! identity")
direct=$(best_seconds "$rgb ! histeq")
roundtrip=$(best_seconds "$rgb ! videoconvert ! video/x-raw,format=Y444 ! histeq ! videoconvert ! $rgb")

python3 - "$frames" "$base" "$direct" "$roundtrip" <<'PY'
import sys
frames, base, direct, roundtrip = int(sys.argv[1]), *map(float, sys.argv[2:])
d = max(direct - base, 1e-9) / frames
r = max(roundtrip - base, 1e-9) / frames
print("| 1080p BGRx, per frame (minus identity) | ms | ratio |")
print("| --- | --- | --- |")
print(f"| histeq on BGRx directly | {d*1e3:.2f} | 1.00 |")
print(f"| videoconvert ! Y444 ! histeq ! videoconvert | {r*1e3:.2f} | {r/d:.2f}x slower |")
PY
