#!/usr/bin/env bash
# ThreadSanitizer over the tests that run threads against each other: the
# property stress tests (gst_harness_stress_property_start_full and four
# threads setting every property while frames flow), the element's and the
# core's thread-count tests and the core's thread pool. Builds only the
# plugin and the tests in BUILD_DIR (default build-tsan). Any report fails.
#
#   scripts/tsan.sh [--no-deps]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build-tsan}
[ "${1:-}" = "--no-deps" ] || bash scripts/deps.sh
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debugoptimized \
    -Dtests=enabled -Dopencv=disabled -Dexamples=disabled -Dbenchmarks=disabled
fi
meson compile -C "$build_dir" test-core test-element gsthisteq system-plugins-subset

# Harness tests only: in them every thread that touches the element is the
# test's or the element's own. Whole pipelines (Streams.FourAtOnceLoseNothing)
# hand buffers and state between GStreamer's threads with synchronisation TSan
# cannot see in the uninstrumented libraries, and it reports those hand-overs
# (e.g. the streaming thread's first read of the element) as races.
filter='Temporal.PropertiesStressedWhileBuffersFlow:Properties.SetFromManyThreadsWhileFramesFlow'
filter+=':Threads.*:Adaptive.SettingsChangedBetweenFramesApplyToTheNextFrame'
# GStreamer must not fork a registry scanner under TSan; the registry is the
# test's own, as in meson test.
export GST_REGISTRY_FORK=no GST_PLUGIN_SYSTEM_PATH_1_0=
export GST_PLUGIN_PATH_1_0="$PWD/$build_dir/gst:$PWD/$build_dir/tests/system-plugins"
export GST_REGISTRY_1_0="$PWD/$build_dir/tests/registry-tsan.bin"
# GLib's slice allocator hands blocks between threads through magazines
# guarded by futexes TSan cannot see (GLib is not instrumented); plain malloc
# instead, so what TSan reports is ours.
export G_SLICE=always-malloc
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 report_signal_unsafe=0 suppressions=$PWD/tests/tsan.supp"
echo "tsan: the core's thread pool and threaded equalization"
"$build_dir/tests/test-core" --gtest_filter='ThreadPool.*:PieceAffinity.*:Threads.*' --gtest_brief=1
for i in 1 2 3; do
  echo "tsan: run $i of the threaded element tests"
  "$build_dir/tests/test-element" --gtest_filter="$filter" --gtest_brief=1
done
echo "tsan: no data race reported in 3 runs"
