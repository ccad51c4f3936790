#!/usr/bin/env bash
# The property storm (tests/gst/test_storm.cpp) for longer than the suite
# runs it: plain, under ASan + UBSan or under ThreadSanitizer. Builds only
# the plugin and the element tests, in the build directory the matching
# script uses (build, build-asan as scripts/sanitize.sh, build-tsan as
# scripts/tsan.sh), with the same options, so either script can reuse it.
#
#   scripts/storm.sh [--asan|--tsan] [--lockstep] [--no-deps] [ITERATIONS] [RUNS]
#
# ITERATIONS frames per run (default 3000), RUNS runs with seeds SEED,
# SEED+1, ... (default 1; SEED from HISTEQ_STORM_SEED, default 21).
# --lockstep sets the properties from the frame thread between batches, so a
# seed replays exactly. HISTEQ_STORM_ABORT_MIB is passed on (the watchdog's
# limit, default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=plain
iterations=3000
runs=1
deps=1
lockstep=0
numbers=()
for arg in "$@"; do
  case $arg in
    --asan) mode=asan ;;
    --tsan) mode=tsan ;;
    --lockstep) lockstep=1 ;;
    --no-deps) deps=0 ;;
    [0-9]*) numbers+=("$arg") ;;
    *) echo "usage: $0 [--asan|--tsan] [--lockstep] [--no-deps] [ITERATIONS] [RUNS]" >&2; exit 2 ;;
  esac
done
[ ${#numbers[@]} -ge 1 ] && iterations=${numbers[0]}
[ ${#numbers[@]} -ge 2 ] && runs=${numbers[1]}
[ "$deps" = 0 ] || bash scripts/deps.sh

case $mode in
  plain)
    build_dir=${BUILD_DIR:-build}
    [ -f "$build_dir/build.ninja" ] || BUILD_TARGETS=gsthisteq BUILD_DIR=$build_dir \
      bash scripts/build.sh -Dtests=enabled
    ;;
  asan)
    build_dir=${BUILD_DIR:-build-asan}
    # scripts/sanitize.sh's options.
    [ -f "$build_dir/build.ninja" ] || meson setup "$build_dir" \
      -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
      -Dtests=enabled -Dopencv=enabled -Dexamples=enabled -Dbenchmarks=disabled -Dwerror=true
    export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
    export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
    ;;
  tsan)
    build_dir=${BUILD_DIR:-build-tsan}
    # scripts/tsan.sh's options and environment.
    [ -f "$build_dir/build.ninja" ] || meson setup "$build_dir" -Db_sanitize=thread \
      -Db_lundef=false -Dbuildtype=debugoptimized -Dtests=enabled -Dopencv=disabled \
      -Dexamples=disabled -Dbenchmarks=disabled
    export G_SLICE=always-malloc
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 report_signal_unsafe=0 suppressions=$PWD/tests/tsan.supp"
    ;;
esac
meson compile -C "$build_dir" -j 2 test-element gsthisteq system-plugins-subset

# The test's own registry, as in meson test.
export GST_REGISTRY_FORK=no GST_PLUGIN_SYSTEM_PATH_1_0=
export GST_PLUGIN_PATH_1_0="$PWD/$build_dir/gst:$PWD/$build_dir/tests/system-plugins"
export GST_REGISTRY_1_0="$PWD/$build_dir/tests/registry-storm.bin"
export HISTEQ_STORM_ITERATIONS=$iterations HISTEQ_STORM_LOCKSTEP=$lockstep
seed=${HISTEQ_STORM_SEED:-21}
status=0
start=$SECONDS
for ((r = 0; r < runs; r++)); do
  echo "storm ($mode): run $((r + 1)) of $runs, seed $((seed + r)), $iterations frames"
  HISTEQ_STORM_SEED=$((seed + r)) "$build_dir/tests/test-element" \
    --gtest_filter='Storm.*' --gtest_brief=1 || status=$?
done
echo "storm ($mode): $runs run(s) of $iterations frames in $((SECONDS - start)) s, exit status $status"
exit $status
