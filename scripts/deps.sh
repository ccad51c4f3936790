#!/usr/bin/env bash
# Installs, with apt-get, whatever histeq needs that this Debian machine does
# not have yet; a machine that has everything is not touched (no network).
# Two sets, the second on top of the first:
#
#   scripts/deps.sh --demo         build, install and run the plugin: the demo's set
#   scripts/deps.sh                that plus the tests, benchmarks, examples,
#                                  histeq-enhance's codecs and the Debian package
#   scripts/deps.sh [--demo] PKG...  the same plus PKG...
set -euo pipefail

demo=(
  # build; dpkg-dev's dpkg-architecture tells meson the multiarch libdir
  # (lib/x86_64-linux-gnu: without it meson falls back to lib64)
  meson ninja-build pkg-config g++ dpkg-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  # run: gst-launch-1.0/gst-inspect-1.0 and the elements the demo and the
  # launch lines use (videotestsrc, videoconvert, compositor, decodebin;
  # pngdec/pngenc, videobalance)
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # the demo's histogram plot (scripts/plot-histograms.py): gnuplot's
  # pngcairo terminal, and the font it writes with
  gnuplot-nox fonts-dejavu-core
)

tests=(
  # tests, cross-checks and benchmarks
  libgtest-dev libbenchmark-dev libopencv-dev
  # the core's tests built for aarch64 and run under qemu (scripts/cross-test.sh)
  g++-aarch64-linux-gnu qemu-user googletest
  # the Python example, and the tool's tests
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  # histeq-enhance: phone videos in and out (H.264 decoding and x264enc,
  # h264parse, AAC)
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # its --show window (autovideosink -> ximagesink), tested in a virtual display
  gstreamer1.0-x xvfb
  # the Debian package (scripts/package.sh: dpkg-buildpackage wants
  # build-essential) and its check
  build-essential debhelper lintian
)

packages=("${demo[@]}")
if [ "${1:-}" = --demo ]; then
  shift
else
  packages+=("${tests[@]}")
fi
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
