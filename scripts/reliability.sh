#!/usr/bin/env bash
# Every reliability check, one after the other (see tests/README.md):
#   1. the whole test suite (scripts/test.sh), which includes the fault,
#      load, property and leak (GStreamer leaks tracer) tests and the fuzz
#      corpus replay, plus the whole suite again under ASan + UBSan;
#   2. ThreadSanitizer over the threaded element tests (scripts/tsan.sh);
#   3. the property storm for STORM_ITERATIONS frames (default 1000) under
#      ASan + UBSan and under TSan (scripts/storm.sh);
#   4. libFuzzer on the core for FUZZ_SECONDS (default 600; scripts/fuzz.sh).
# Stops at the first check that fails.
#
#   scripts/reliability.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test.sh
bash scripts/tsan.sh --no-deps
bash scripts/storm.sh --no-deps --asan "${STORM_ITERATIONS:-1000}"
bash scripts/storm.sh --no-deps --tsan "${STORM_ITERATIONS:-1000}"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-600}"
echo "reliability: every check passed"
