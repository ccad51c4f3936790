#!/usr/bin/env bash
# The core and its tests for 64-bit ARM: cross-compiled with Debian's
# g++-aarch64-linux-gnu (scripts/cross/aarch64-linux-gnu.txt, no GStreamer)
# into build-aarch64/, which keeps the core's static library
# (core/libhisteq-core-internal.a) and the shared libhisteq-core.so, then run
# under qemu-user: the core suites and the fuzz corpus, once with every SIMD
# level the build has (each test that compares levels compares them all) and
# once more with HISTEQ_SIMD=scalar, printing GoogleTest's summaries. Exits
# non-zero if any test fails; the JUnit logs are in build-aarch64/meson-logs/.
#
#   scripts/cross-test.sh [--no-deps]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = --no-deps ] || bash scripts/deps.sh g++-aarch64-linux-gnu qemu-user googletest
dir=${CROSS_BUILD_DIR:-build-aarch64}
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --cross-file scripts/cross/aarch64-linux-gnu.txt \
    -Dgstreamer=disabled -Dtests=enabled -Dbenchmarks=disabled -Dopencv=disabled \
    -Dtools=disabled -Dwerror=true
fi
meson compile -C "$dir"

export GTEST_BRIEF=1
status=0
echo "== aarch64 under qemu: every SIMD level =="
meson test -C "$dir" --print-errorlogs --num-processes 2 --verbose || status=$?
echo "== aarch64 under qemu: HISTEQ_SIMD=scalar =="
meson test -C "$dir" --setup scalar --print-errorlogs --num-processes 2 --verbose || status=$?
exit "$status"
