#!/usr/bin/env bash
# Builds the Debian packages (debian/) with `dpkg-buildpackage -us -uc -b`
# in DEB_OUT (default: build-deb): gstreamer1.0-histeq (the plugin and
# histeq-enhance), libhisteq-core0 and libhisteq-core-dev. The source tree is
# copied to DEB_OUT/histeq-VERSION first (without .git and build
# directories), so the work tree stays clean and the .deb files land in
# DEB_OUT. Then lintian checks them when it is installed.
#
#   scripts/package.sh                 install what is missing, build, lintian
#   scripts/package.sh -aarm64         extra arguments go to dpkg-buildpackage
#   DEB_BUILD_OPTIONS=nocheck scripts/package.sh    without the package's tests
#   PACKAGE_NO_DEPS=1 scripts/package.sh            skip scripts/deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DEB_OUT:-build-deb}

if [ "${PACKAGE_NO_DEPS:-0}" != 1 ]; then
  # The demo's set (the build's packages, GStreamer's base elements for the
  # tests), build-essential, debhelper, lintian; GoogleTest unless nocheck.
  extra=(build-essential debhelper lintian)
  case " ${DEB_BUILD_OPTIONS:-} " in *" nocheck "*) ;; *) extra+=(libgtest-dev) ;; esac
  bash scripts/deps.sh --demo "${extra[@]}"
fi

version=$(dpkg-parsechangelog -S Version)
upstream=${version%-*}
src=$out/histeq-$upstream
rm -rf "$src"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$src"
case $out in /*) out_abs=$out ;; *) out_abs=$PWD/$out ;; esac
# Not .git, nor any build directory (meson's hold build.ninja), DEB_OUT included.
tar -cf - --exclude=./.git --exclude-tag-all=build.ninja \
  --exclude="./$(realpath -m --relative-to=. "$out")" . | tar -xf - -C "$src"

echo "package: dpkg-buildpackage -us -uc -b $* in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b "$@")
rm -rf "$src"

changes=$(ls "$out_abs"/histeq_"${version}"_*.changes)
echo "package: built"
ls -1 "$out_abs"/*.deb
if command -v lintian >/dev/null; then
  lintian --fail-on error "$changes"
  echo "package: lintian: no errors"
else
  echo "package: lintian not installed, not checked (apt-get install lintian)"
fi
