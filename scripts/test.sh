#!/usr/bin/env bash
# The whole test suite on a fresh or warm Debian bookworm machine: installs
# what is missing, builds with tests and OpenCV cross-checks enabled, runs
# `meson test` and ends with one line, `N passed, N failed`, counting the
# GoogleTest cases (not just the test programs) from meson's JUnit log.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

bash scripts/deps.sh
bash scripts/build.sh -Dtests=enabled -Dopencv=enabled -Dexamples=enabled -Dwerror=true

status=0
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 || status=$?
python3 scripts/count-tests.py "$BUILD_DIR/meson-logs/testlog.junit.xml" "$status"
