#!/usr/bin/env bash
# The core benchmarks, histeq next to OpenCV in one run, as a markdown table
# of times and ratios. Builds first (benchmarks and OpenCV enabled).
#
#   scripts/bench.sh [extra Google Benchmark flags]
#
# The machines are shared and their speed drifts within a run: every case
# runs REPS times (default 7) with the cases in random order each round, and
# the table takes each case's median, so a slow spell lands on both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}
bash scripts/deps.sh >/dev/null
bash scripts/build.sh -Dbenchmarks=enabled -Dopencv=enabled >/dev/null
out=$(mktemp)
"$BUILD_DIR/tests/bench/bench-equalize" --benchmark_min_time=0.2 \
  --benchmark_repetitions="${REPS:-7}" --benchmark_enable_random_interleaving=true \
  --benchmark_format=json \
  --benchmark_out="$out" --benchmark_out_format=json "$@" >/dev/null
python3 scripts/bench-table.py "$out"
rm -f "$out"
