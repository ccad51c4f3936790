#!/usr/bin/env bash
# The whole test suite again in a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (BUILD_DIR, default build-asan). Any report fails
# the test that caused it. Programs that are not instrumented but load the
# instrumented plugin (gst-launch-1.0, python3 for the examples) get the
# sanitizer runtimes preloaded, with leak checking off for them alone
# (their own interpreters' allocations are not ours to judge).
#
#   scripts/sanitize.sh            build and run every suite
#   scripts/sanitize.sh --no-deps  skip scripts/deps.sh (test.sh already ran it)
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build-asan}
[ "${1:-}" = "--no-deps" ] || bash scripts/deps.sh

# The core's OpenCV cross-checks walk 50 million samples; under ASan they
# still take well under a minute.
bash scripts/build.sh -Db_sanitize=address,undefined -Db_lundef=false \
  -Dbuildtype=debugoptimized -Dtests=enabled -Dopencv=enabled -Dexamples=enabled \
  -Dbenchmarks=disabled -Dwerror=true

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
rm -f "$BUILD_DIR"/meson-logs/testlog-*.junit.xml
status=0
# Instrumented programs: core, element (and its leaks-tracer twin), fuzz corpus.
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 --no-suite examples \
  --no-suite tools --no-suite install || status=$?
cp "$BUILD_DIR/meson-logs/testlog.junit.xml" "$BUILD_DIR/meson-logs/testlog-instrumented.junit.xml" || true

# Uninstrumented hosts loading the instrumented plugin.
preload="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)"
suites=()
listed=$(meson test -C "$BUILD_DIR" --list 2>/dev/null)
for s in examples tools; do
  if grep -q "^histeq:$s /" <<<"$listed"; then suites+=(--suite "$s"); fi
done
if [ ${#suites[@]} -gt 0 ]; then
  ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0:verify_asan_link_order=0 LD_PRELOAD=$preload \
    meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 "${suites[@]}" || status=$?
  cp "$BUILD_DIR/meson-logs/testlog.junit.xml" "$BUILD_DIR/meson-logs/testlog-hosted.junit.xml" || true
fi
exit $status
