#!/usr/bin/env bash
# The Debian packages as scripts/package.sh builds them (with
# DEB_BUILD_OPTIONS=nocheck: the suite has run the package's tests already),
# checked file by file (TAP, one line per check):
#   - gstreamer1.0-histeq, libhisteq-core0 and libhisteq-core-dev are built;
#   - the plugin is in GStreamer's pluginsdir (pkg-config --variable=pluginsdir
#     gstreamer-1.0), histeq-enhance in /usr/bin, the library in
#     /usr/lib/<multiarch>, the headers in /usr/include/histeq, and nothing
#     else but each package's /usr/share/doc and the man page;
#   - the dependencies: the plugin's package on GStreamer's libraries through
#     ${shlibs:Depends}, the -dev package on the same version of the library;
#   - the packaged plugin, unpacked, is found by gst-inspect-1.0 in its
#     pluginsdir with no GST_PLUGIN_PATH;
#   - lintian reports no error (when lintian is installed).
#
#   test_package.sh SOURCE_DIR OUT_DIR
set -uo pipefail
src=$1
out=$2
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ $# -lt 2 ] || sed 's/^/# /' <<<"$2"
}
check() {  # check NAME DETAIL COMMAND...: ok when COMMAND succeeds
  local name=$1 detail=$2
  shift 2
  if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi
}

mkdir -p "$out"
log=$(DEB_OUT=$out DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" PACKAGE_NO_DEPS=1 \
        bash "$src/scripts/package.sh" 2>&1)
status=$?
lintian_log=$(sed -n '/^package: built$/,$p' <<<"$log")
if [ $status -ne 0 ] && ! grep -q '^package: built$' <<<"$log"; then
  echo "Bail out! scripts/package.sh failed"
  tail -n 40 <<<"$log" | sed 's/^/# /'
  exit 1
fi

version=$(cd "$src" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pluginsdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
deb() { echo "$out/${1}_${version}_$arch.deb"; }
files() { dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | grep -v '/$' | sed 's/^\.//'; }

for p in gstreamer1.0-histeq libhisteq-core0 libhisteq-core-dev; do
  check "$p built" "no $(deb "$p")" test -f "$(deb "$p")"
done

plugin_files=$(files gstreamer1.0-histeq)
check "the plugin is in GStreamer's pluginsdir: $pluginsdir/libgsthisteq.so" "$plugin_files" \
  grep -qx "$pluginsdir/libgsthisteq.so" <<<"$plugin_files"
check "histeq-enhance is in /usr/bin" "$plugin_files" grep -qx /usr/bin/histeq-enhance <<<"$plugin_files"

stray=""
for p in gstreamer1.0-histeq libhisteq-core0 libhisteq-core-dev; do
  while read -r f; do
    case "$p:$f" in
      "gstreamer1.0-histeq:$pluginsdir/libgsthisteq.so" | gstreamer1.0-histeq:/usr/bin/histeq-enhance | \
      gstreamer1.0-histeq:/usr/share/man/man1/histeq-enhance.1.gz | \
      "libhisteq-core0:/usr/lib/$multiarch/libhisteq-core.so.0" | \
      "libhisteq-core0:/usr/lib/$multiarch/libhisteq-core.so.0".* | \
      "libhisteq-core-dev:/usr/lib/$multiarch/libhisteq-core.so" | \
      "libhisteq-core-dev:/usr/lib/$multiarch/pkgconfig/histeq-core.pc" | \
      libhisteq-core-dev:/usr/include/histeq/*.h | \
      "$p:/usr/share/doc/$p/copyright" | "$p:/usr/share/doc/$p/changelog.Debian.gz") ;;
      *) stray+="$p: $f"$'\n' ;;
    esac
  done < <(files "$p")
done
check "no file outside the plugin dir, /usr/bin, /usr/lib/$multiarch, /usr/include/histeq, the docs and the man page" \
  "$stray" test -z "$stray"

depends=$(dpkg-deb -f "$(deb gstreamer1.0-histeq)" Depends)
has_libraries() {
  grep -q "libgstreamer1.0-0 (>= 1.22)" <<<"$depends" &&
    grep -q "libgstreamer-plugins-base1.0-0 (>= 1.22)" <<<"$depends" &&
    grep -q "libstdc++6 (>= " <<<"$depends"
}
check "gstreamer1.0-histeq depends on GStreamer's libraries (\${shlibs:Depends}): $depends" "$depends" \
  has_libraries
dev_depends=$(dpkg-deb -f "$(deb libhisteq-core-dev)" Depends)
check "libhisteq-core-dev depends on libhisteq-core0 (= $version)" "$dev_depends" \
  grep -qF "libhisteq-core0 (= $version)" <<<"$dev_depends"
shlibs=$(dpkg-deb --ctrl-tarfile "$(deb libhisteq-core0)" | tar -xOf - ./shlibs 2>&1)
check "libhisteq-core0 declares its soname for dpkg-shlibdeps: $shlibs" "$shlibs" \
  grep -q "^libhisteq-core 0 libhisteq-core0" <<<"$shlibs"

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$(deb gstreamer1.0-histeq)" "$unpacked"
inspect=$(env -u GST_PLUGIN_PATH -u GST_PLUGIN_PATH_1_0 -u GST_PLUGIN_SYSTEM_PATH \
  GST_PLUGIN_SYSTEM_PATH_1_0="$unpacked$pluginsdir" GST_REGISTRY_1_0="$unpacked/registry.bin" \
  gst-inspect-1.0 histeq 2>&1)
check "gst-inspect-1.0 histeq finds the packaged plugin in its pluginsdir" "$inspect" \
  grep -q "Filter/Effect/Video" <<<"$inspect"

if command -v lintian >/dev/null; then
  check "lintian: no error" "$lintian_log" test $status -eq 0
  warnings=$(grep -c '^W: ' <<<"$lintian_log")
  grep '^[WE]: ' <<<"$lintian_log" | sed 's/^/# /'
  echo "# lintian: $warnings warning(s)"
else
  check "scripts/package.sh succeeded" "$lintian_log" test $status -eq 0
  n=$((n + 1))
  echo "ok $n - lintian # SKIP lintian not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
