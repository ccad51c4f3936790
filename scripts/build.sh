#!/usr/bin/env bash
# Configures (once) and compiles histeq in BUILD_DIR (default: build).
# Extra arguments go to `meson setup`, or to `meson configure` when BUILD_DIR
# is already configured, e.g. -Dopencv=disabled or --prefix=/usr.
# A new build directory gets GStreamer's own prefix (`pkg-config
# --variable=prefix gstreamer-1.0`: /usr on Debian) unless the arguments give
# one, so that `meson install -C BUILD_DIR` puts the plugin where GStreamer
# looks.
# BUILD_TARGETS="NAME ...": compile only those targets (the demo: gsthisteq).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ -f "$build_dir/build.ninja" ]; then
  if [ $# -gt 0 ]; then meson configure "$build_dir" "$@"; fi
else
  prefix=()
  given=0
  for arg in "$@"; do
    case $arg in --prefix|--prefix=*|-Dprefix=*) given=1 ;; esac
  done
  if [ $given = 0 ] && gst_prefix=$(pkg-config --variable=prefix gstreamer-1.0 2>/dev/null); then
    prefix=(--prefix="$gst_prefix")
  fi
  meson setup "$build_dir" "${prefix[@]}" "$@"
fi
# shellcheck disable=SC2086  # BUILD_TARGETS is a list of names
meson compile -C "$build_dir" ${BUILD_TARGETS:-}
