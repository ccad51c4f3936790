#!/usr/bin/env bash
# The core benchmarks, histeq next to OpenCV in one run, as a markdown table
# of times and ratios. Builds first (benchmarks and OpenCV enabled).
#
#   scripts/bench.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}
bash scripts/deps.sh >/dev/null
bash scripts/build.sh -Dbenchmarks=enabled -Dopencv=enabled >/dev/null
out=$(mktemp)
"$BUILD_DIR/tests/bench/bench-equalize" --benchmark_min_time=0.5 --benchmark_format=json \
  --benchmark_out="$out" --benchmark_out_format=json "$@" >/dev/null
python3 scripts/bench-table.py "$out"
rm -f "$out"
