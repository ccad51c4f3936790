#!/usr/bin/env bash
# Configures (once) and compiles histeq in BUILD_DIR (default: build).
# Extra arguments go to `meson setup`, e.g. -Dopencv=disabled.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ -f "$build_dir/build.ninja" ]; then
  if [ $# -gt 0 ]; then meson configure "$build_dir" "$@"; fi
else
  meson setup "$build_dir" "$@"
fi
meson compile -C "$build_dir"
