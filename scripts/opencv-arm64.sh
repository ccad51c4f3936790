#!/usr/bin/env bash
# The OpenCV cross-checks on aarch64, against Debian's arm64 OpenCV, under
# qemu-user. scripts/deps.sh --arm64-opencv unpacks Debian's arm64 OpenCV
# (core, imgproc) and the libraries it loads into build-aarch64-sysroot/
# (nothing of arm64 is installed); this script gives meson a pkg-config file
# for it and a machine file (build-aarch64-sysroot/opencv.ini: pkg-config
# looks only there, qemu loads the arm64 libraries from there), builds
# test-core and opencv-dump for aarch64 into build-aarch64-opencv/ and
# opencv-dump for the host into build-opencv-host/, then
#
#  1. runs the OpenCV.* cases of test-core under qemu, with the NEON kernels
#     and again with HISTEQ_SIMD=scalar: histeq on aarch64 against arm64
#     OpenCV;
#  2. writes OpenCV's and histeq's outputs for the same inputs on the host
#     (amd64 OpenCV) and on aarch64 (arm64 OpenCV; histeq with NEON, then
#     scalar) and compares them sample by sample (tests/core/opencv_dump.cpp):
#     arm64 OpenCV against amd64 OpenCV, histeq on aarch64 against each.
#
# Exits non-zero if a test fails or histeq on aarch64 differs from amd64
# OpenCV anywhere. Safe to run again: it downloads nothing the second time
# and rebuilds only what changed.
#
#   scripts/opencv-arm64.sh [--no-deps]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sysroot=$root/build-aarch64-sysroot
dir=build-aarch64-opencv
host=build-opencv-host
if [ "${1:-}" = --no-deps ]; then
  [ -f "$sysroot/.packages" ] || { echo "no $sysroot: run without --no-deps" >&2; exit 1; }
else
  bash scripts/deps.sh --arm64-opencv "$sysroot"
fi

lib=$sysroot/usr/lib/aarch64-linux-gnu
version=$(dpkg-deb -f "$sysroot"/debs/libopencv-core406_*.deb Version)
version=${version%%+*}
mkdir -p "$lib/pkgconfig"
cat > "$lib/pkgconfig/opencv4.pc.new" <<EOF
# Debian's arm64 OpenCV $version, unpacked by scripts/deps.sh --arm64-opencv
# (only core and imgproc). rpath-link lets the cross linker find the
# libraries they load.
libdir=$lib
includedir=$sysroot/usr/include/opencv4

Name: OpenCV
Description: Open Source Computer Vision Library (arm64, core and imgproc)
Version: $version
Libs: -L\${libdir} -lopencv_imgproc -lopencv_core -Wl,-rpath-link,\${libdir} -Wl,-rpath-link,$sysroot/lib/aarch64-linux-gnu
Cflags: -I\${includedir} -I$sysroot/usr/include/aarch64-linux-gnu/opencv4
EOF
cat > "$sysroot/opencv.ini.new" <<EOF
# Added to scripts/cross/aarch64-linux-gnu.txt by scripts/opencv-arm64.sh.
[binaries]
pkgconfig = 'pkg-config'  # meson < 1.3 knows only this name
exe_wrapper = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=$lib:$sysroot/lib/aarch64-linux-gnu']

[properties]
pkg_config_libdir = ['$lib/pkgconfig']
EOF
# Unchanged files keep their times, so ninja does not reconfigure.
for f in "$lib/pkgconfig/opencv4.pc" "$sysroot/opencv.ini"; do
  if cmp -s "$f.new" "$f"; then rm "$f.new"; else mv "$f.new" "$f"; fi
done

if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --cross-file scripts/cross/aarch64-linux-gnu.txt \
    --cross-file "$sysroot/opencv.ini" \
    -Dgstreamer=disabled -Dtests=enabled -Dbenchmarks=disabled -Dopencv=enabled \
    -Dtools=disabled -Dexamples=disabled -Dwerror=true
fi
if [ ! -f "$host/build.ninja" ]; then
  meson setup "$host" -Dgstreamer=disabled -Dtests=enabled -Dbenchmarks=disabled \
    -Dopencv=enabled -Dtools=disabled -Dexamples=disabled -Dwerror=true
fi
meson compile -C "$dir" test-core opencv-dump
meson compile -C "$host" opencv-dump

export GTEST_BRIEF=1
status=0
echo "== aarch64 under qemu, against arm64 OpenCV: OpenCV.* with NEON =="
meson test -C "$dir" core --no-rebuild --print-errorlogs --verbose \
  --test-args=--gtest_filter='OpenCV.*' || status=$?
echo "== aarch64 under qemu, against arm64 OpenCV: OpenCV.* with HISTEQ_SIMD=scalar =="
meson test -C "$dir" core --no-rebuild --setup scalar --print-errorlogs --verbose \
  --test-args=--gtest_filter='OpenCV.*' || status=$?

out=$dir/dump
rm -rf "$out"
mkdir -p "$out/amd64" "$out/aarch64" "$out/aarch64-scalar"
wrap=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$lib:$sysroot/lib/aarch64-linux-gnu")
"$host/tests/opencv-dump" dump "$out/amd64"
"${wrap[@]}" "$dir/tests/opencv-dump" dump "$out/aarch64"
HISTEQ_SIMD=scalar "${wrap[@]}" "$dir/tests/opencv-dump" dump "$out/aarch64-scalar"
for b in aarch64 aarch64-scalar; do
  echo "== A = amd64 (OpenCV $version, histeq), B = $b under qemu (arm64 OpenCV $version, histeq) =="
  "$host/tests/opencv-dump" compare "$out/amd64" "$out/$b" | tee "$out/compare-$b.txt" || status=$?
  # histeq on aarch64 must give amd64 OpenCV's bytes in every case.
  awk -F'|' '/^[0-9]+-bit/ { split($3, f, " "); if (f[1] != 0) bad = 1 } END { exit bad }' \
    "$out/compare-$b.txt" || { echo "histeq on $b differs from amd64 OpenCV" >&2; status=1; }
done
exit "$status"
