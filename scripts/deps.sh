#!/usr/bin/env bash
# Installs, with apt-get, whatever histeq needs that this Debian machine does
# not have yet; a machine that has everything is not touched (no network).
# Two sets, the second on top of the first:
#
#   scripts/deps.sh --demo         build, install and run the plugin: the demo's set
#   scripts/deps.sh                that plus the tests, benchmarks, examples,
#                                  histeq-enhance's codecs and the Debian package
#   scripts/deps.sh [--demo] PKG...  the same plus PKG...
#   scripts/deps.sh --arm64-opencv DIR
#                                  the demo's set, the cross toolchain, qemu-user,
#                                  GoogleTest and amd64 OpenCV, plus Debian's
#                                  arm64 OpenCV (core, imgproc) and the
#                                  libraries it loads unpacked into DIR (not
#                                  installed), a sysroot for
#                                  scripts/opencv-arm64.sh
set -euo pipefail

# Debian's arm64 OpenCV 4.6 for linking and running the OpenCV cross-checks
# under qemu-user. Installing these with apt (they are Multi-Arch: same) would
# pull 74 arm64 packages, Mesa and LLVM among them, and upgrade the amd64
# copies of every shared library to the same version; unpacking them into a
# directory of their own (apt-get download, dpkg-deb -x) leaves the system
# as it is. The list is what libopencv_core and libopencv_imgproc need at
# run time (their DT_NEEDED, recursively), without what the cross toolchain
# already has in /usr/aarch64-linux-gnu (libc, libstdc++, libgcc_s).
arm64_opencv=(
  libopencv-core-dev libopencv-core406 libopencv-imgproc-dev libopencv-imgproc406
  zlib1g libtbb12 libblas3 liblapack3 libgfortran5
  # libopencv_core links libGLX (its OpenGL interop), which brings X11's client
  libglx0 libglvnd0 libx11-6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0
)

# Unpacks "${arm64_opencv[@]}" for arm64 into $1; a directory already holding
# this list is not touched (no network).
unpack_arm64_opencv() {
  local dir=$1 stamp=$1/.packages
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${arm64_opencv[*]}" ]; then
    echo "deps: arm64 OpenCV already unpacked in $dir"
    return
  fi
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "deps: adding the arm64 architecture (dpkg --add-architecture arm64)"
    "${sudo[@]}" dpkg --add-architecture arm64
    "${sudo[@]}" apt-get update -q
  elif ! apt-cache show libopencv-core406:arm64 >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -q
  fi
  rm -rf "$dir"
  mkdir -p "$dir/debs"
  (cd "$dir/debs" && apt-get download -q "${arm64_opencv[@]/%/:arm64}")
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir"; done
  # What update-alternatives would do for the reference BLAS and LAPACK.
  local lib=$dir/usr/lib/aarch64-linux-gnu
  ln -sf blas/libblas.so.3 "$lib/libblas.so.3"
  ln -sf lapack/liblapack.so.3 "$lib/liblapack.so.3"
  echo "${arm64_opencv[*]}" > "$stamp"
  echo "deps: unpacked ${#arm64_opencv[@]} arm64 packages into $dir"
}

sudo=()
sysroot=
if [ "${1:-}" = --arm64-opencv ]; then
  [ $# -eq 2 ] || { echo "usage: scripts/deps.sh --arm64-opencv DIR" >&2; exit 2; }
  sysroot=$2
  set -- --demo g++-aarch64-linux-gnu qemu-user googletest libopencv-dev
fi

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
  # the Python example, and the tool's tests; numpy for the tool's check of
  # its defaults on footage and scripts/{make-footage,measure-enhance}.py
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 python3-numpy
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
  [ -z "$sysroot" ] || unpack_arm64_opencv "$sysroot"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
[ -z "$sysroot" ] || unpack_arm64_opencv "$sysroot"
