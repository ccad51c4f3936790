#!/usr/bin/env bash
# Fuzzes the core with libFuzzer (clang, -fsanitize=fuzzer,address,undefined)
# for SECONDS (default 300), starting from tests/fuzz/corpus. Inputs that
# break an invariant or trip a sanitizer are written to build-fuzz/crashes/;
# copy them into tests/fuzz/corpus (after fixing the bug) so every test run
# replays them. With --merge, new inputs that reach code the corpus does not
# are merged into tests/fuzz/corpus.
#
# Memory is an invariant too (issue 21): the target fails a case whose
# equalizers take more than 256 MiB, and libFuzzer stops at 2 GiB resident
# (-rss_limit_mb) whatever the cause. HISTEQ_FUZZ_DEEP_TILES=N folds the
# tile grids of 9 to 16-bit cases to at most NxN (deep frames on large grids
# are the slowest cases under the sanitizers).
#
#   scripts/fuzz.sh [SECONDS] [--merge]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=300
merge=0
for arg in "$@"; do
  case $arg in
    --merge) merge=1 ;;
    *) seconds=$arg ;;
  esac
done

# clang with its libFuzzer runtime (Debian: clang + libclang-rt-*-dev, pulled in by clang).
bash scripts/deps.sh clang libclang-rt-14-dev
out=build-fuzz
rm -f "$out"/fuzz-*.log
mkdir -p "$out/crashes" "$out/corpus"
# The core built by meson (each kernels file with its own target flags) with
# clang, instrumented for coverage and the sanitizers at -O1 (fast enough);
# the fuzz target linked against it. The SIMD level is chosen at run time.
if [ ! -f "$out/core/build.ninja" ]; then
  CXX=clang++ meson setup "$out/core" -Dgstreamer=disabled -Dtests=disabled -Dexamples=disabled \
    -Dbenchmarks=disabled -Dopencv=disabled -Dtools=disabled -Doptimization=1 -Ddebug=true \
    -Db_sanitize=address,undefined -Db_lundef=false \
    "-Dcpp_args=['-fsanitize=fuzzer-no-link', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer']" >/dev/null
fi
ninja -C "$out/core" core/libhisteq-core-internal.a >/dev/null
clang++ -std=c++17 -O1 -g -fno-omit-frame-pointer -ffp-contract=off \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Icore/include -Icore/src -Itests/fuzz -Itests/common \
  tests/fuzz/fuzz_core.cpp tests/fuzz/fuzz_target.cpp "$out/core/core/libhisteq-core-internal.a" \
  -pthread -o "$out/fuzz-core"

jobs=${FUZZ_JOBS:-$(nproc)}
echo "fuzz: $seconds s on $jobs job(s), corpus tests/fuzz/corpus"
status=0
# libFuzzer writes its per-job logs (fuzz-N.log) into the current directory.
here=$PWD
(cd "$out" && ./fuzz-core corpus "$here/tests/fuzz/corpus" \
  -max_total_time="$seconds" -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
  -jobs="$jobs" -workers="$jobs" -artifact_prefix=crashes/ \
  -print_final_stats=1 >fuzz.log 2>&1) || status=$?
cat "$out"/fuzz-*.log "$out/fuzz.log" 2>/dev/null | grep -E "stat::number_of_executed_units|Done [0-9]+ runs" | tail -n "$jobs" || true
execs=$(cat "$out"/fuzz-*.log 2>/dev/null | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s+=$1} END {print s+0}')
# Slow units (slow-unit-*, over libFuzzer's 10 s) are reported, not failed:
# the sanitizers make deep frames many times slower than the suite's runs.
crashes=$(find "$out/crashes" -type f ! -name 'slow-unit-*' | wc -l)
slow=$(find "$out/crashes" -type f -name 'slow-unit-*' | wc -l)
echo "fuzz: $execs executions, $crashes crashing input(s), $slow slow unit(s) in $out/crashes"
if [ "$merge" = 1 ]; then
  before=$(ls tests/fuzz/corpus | wc -l)
  "$out/fuzz-core" -merge=1 tests/fuzz/corpus "$out/corpus" >"$out/merge.log" 2>&1
  echo "fuzz: corpus $before -> $(ls tests/fuzz/corpus | wc -l) inputs"
fi
[ "$crashes" -eq 0 ] && [ "$status" -eq 0 ]
