#!/usr/bin/env bash
# Installs, with apt-get, whatever histeq needs that this Debian machine does
# not have yet; a machine that has everything is not touched (no network).
#
#   scripts/deps.sh          build + demo + tests + benchmarks + examples
#   scripts/deps.sh PKG...   the same plus PKG...
set -euo pipefail

packages=(
  # build; dpkg-dev's dpkg-architecture tells meson the multiarch libdir
  # (lib/x86_64-linux-gnu: without it meson falls back to lib64)
  meson ninja-build pkg-config g++ dpkg-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  # run: gst-launch-1.0/gst-inspect-1.0 and the elements the demo and the
  # examples use (videotestsrc, videoconvert, compositor; pngdec/pngenc,
  # videobalance)
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # tests, cross-checks and benchmarks
  libgtest-dev libbenchmark-dev libopencv-dev
  # the Python example
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  # the demo's histogram plot
  python3-matplotlib
  # histeq-enhance: phone videos in and out (H.264 decoding and x264enc,
  # h264parse, AAC)
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # its --show window (autovideosink -> ximagesink), tested in a virtual display
  gstreamer1.0-x xvfb
)

# Extra packages a script needs only for itself (scripts/fuzz.sh: clang and
# its libFuzzer runtime), given as arguments.
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
