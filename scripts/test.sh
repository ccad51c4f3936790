#!/usr/bin/env bash
# The whole test suite on a fresh or warm Debian bookworm machine: installs
# what is missing, builds with tests and OpenCV cross-checks enabled, runs
# `meson test`, then every suite again in an ASan + UBSan build
# (scripts/sanitize.sh), then the core's suites built for aarch64 and run
# under qemu-user (scripts/cross-test.sh), and ends with one line,
# `N passed, N failed`, counting the GoogleTest cases (not just the test
# programs) from meson's JUnit logs of every build. SANITIZE=0 skips the
# sanitizer build; CROSS=0 skips the aarch64 one.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}

bash scripts/deps.sh
bash scripts/build.sh -Dtests=enabled -Dopencv=enabled -Dexamples=enabled -Dwerror=true

status=0
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 || status=$?
logs=("$BUILD_DIR/meson-logs/testlog.junit.xml")

if [ "${SANITIZE:-1}" != 0 ]; then
  echo "== the same suites under ASan + UBSan (build-asan) =="
  BUILD_DIR=build-asan bash scripts/sanitize.sh --no-deps || status=$?
  logs+=(build-asan/meson-logs/testlog-instrumented.junit.xml)
  if [ -f build-asan/meson-logs/testlog-hosted.junit.xml ]; then
    logs+=(build-asan/meson-logs/testlog-hosted.junit.xml)
  fi
fi
if [ "${CROSS:-1}" != 0 ]; then
  echo "== the core for aarch64 under qemu-user (build-aarch64) =="
  bash scripts/cross-test.sh --no-deps || status=$?
  logs+=(build-aarch64/meson-logs/testlog.junit.xml build-aarch64/meson-logs/testlog-scalar.junit.xml)
fi
python3 scripts/count-tests.py --status "$status" "${logs[@]}"
