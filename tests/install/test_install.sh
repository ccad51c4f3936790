#!/usr/bin/env bash
# Installs the build tree into a scratch DESTDIR and checks what a user gets:
#   1. libgsthisteq.so lands in <prefix>/<libdir>/gstreamer-1.0, the folder
#      GStreamer scans for that prefix (for --prefix=/usr, Debian's system
#      plugin folder), and gst-inspect-1.0 finds histeq there when that
#      folder is the system plugin path;
#   2. histeq-core.pc and the headers let a program that knows nothing of
#      GStreamer build against the installed library and run;
#      (and histeq-enhance lands in <prefix>/bin);
#   3. the plugin builds static (-Ddefault_library=static) in a fresh build
#      directory and the static-registration example runs from it.
#
#   test_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

meson install -C "$build" --destdir "$scratch/root" --no-rebuild --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json,sys; o={x["name"]: x["value"] for x in json.load(sys.stdin)}; print(o["prefix"]); print(o["libdir"])')
libdir=$(sed -n 2p <<<"$prefix")
prefix=$(sed -n 1p <<<"$prefix")
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
plugindir=$scratch/root$libdir/gstreamer-1.0

# 1. The plugin where GStreamer looks for it.
[ -f "$plugindir/libgsthisteq.so" ] || { echo "FAIL: no $libdir/gstreamer-1.0/libgsthisteq.so"; find "$scratch/root"; exit 1; }
echo "ok: plugin installed as $libdir/gstreamer-1.0/libgsthisteq.so"
inspect=$(GST_PLUGIN_SYSTEM_PATH_1_0=$plugindir GST_PLUGIN_PATH_1_0= \
  GST_REGISTRY_1_0=$scratch/registry.bin gst-inspect-1.0 histeq 2>&1) ||
  { echo "FAIL: gst-inspect-1.0 histeq: $inspect"; exit 1; }
grep -q "Filter/Effect/Video" <<<"$inspect" || { echo "FAIL: gst-inspect output: $inspect"; exit 1; }
echo "ok: gst-inspect-1.0 histeq finds it in the plugin folder"

# The command-line tool, in <prefix>/bin, with the plugin folder it loads from.
if [ -x "$scratch/root$prefix/bin/histeq-enhance" ]; then
  GST_PLUGIN_SYSTEM_PATH_1_0=$plugindir GST_PLUGIN_PATH_1_0= GST_REGISTRY_1_0=$scratch/registry.bin \
    "$scratch/root$prefix/bin/histeq-enhance" --version
  [ "$(strings "$scratch/root$prefix/bin/histeq-enhance" | grep -cx "$libdir/gstreamer-1.0")" -gt 0 ] ||
    { echo "FAIL: histeq-enhance does not look for the plugin in $libdir/gstreamer-1.0"; exit 1; }
  echo "ok: histeq-enhance installed in $prefix/bin, loads the plugin from $libdir/gstreamer-1.0"
fi

# 2. histeq-core through pkg-config.
pcdir=$scratch/root$libdir/pkgconfig
[ -f "$pcdir/histeq-core.pc" ] || { echo "FAIL: no histeq-core.pc in $libdir/pkgconfig"; exit 1; }
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$scratch/root$prefix" \
  --cflags --libs histeq-core)
c++ -std=c++17 -o "$scratch/core-example" "$src/examples/core-example.cpp" $flags
LD_LIBRARY_PATH=$scratch/root$libdir "$scratch/core-example"
echo "ok: core-example built with \`pkg-config histeq-core\` ($flags) and ran"

# 3. A static build of the plugin, registered from an application.
meson setup "$scratch/static" "$src" -Ddefault_library=static -Dtests=disabled \
  -Dbenchmarks=disabled -Dexamples=enabled -Dtools=disabled >/dev/null
meson compile -C "$scratch/static" static-register >/dev/null
[ -f "$scratch/static/gst/libgsthisteq.a" ] || { echo "FAIL: no static libgsthisteq.a"; exit 1; }
GST_PLUGIN_PATH_1_0= GST_REGISTRY_1_0=$scratch/registry-static.bin "$scratch/static/examples/static-register"
echo "ok: -Ddefault_library=static builds libgsthisteq.a; the static example registers and runs it"
