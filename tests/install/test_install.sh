#!/usr/bin/env bash
# `meson install` with GStreamer's own prefix (pkg-config --variable=prefix
# gstreamer-1.0, /usr on Debian) into a scratch DESTDIR, checked as a user
# gets it (TAP, one line per check):
#   1. libgsthisteq.so lands in GStreamer's pluginsdir (pkg-config
#      --variable=pluginsdir gstreamer-1.0) under DESTDIR, and
#      gst-inspect-1.0 finds histeq there with no GST_PLUGIN_PATH: only the
#      system plugin path, pointed at that copy of the pluginsdir;
#   2. histeq-enhance lands in <prefix>/bin and loads the plugin from the
#      pluginsdir; nothing is installed outside bin, include/histeq, libdir
#      and the pluginsdir;
#   3. histeq-core.pc and the headers let a program that knows nothing of
#      GStreamer build against the installed library and run;
#   4. the plugin builds static (-Ddefault_library=static) in a fresh build
#      directory and the static-registration example runs from it.
# The build tree is installed as it is when its prefix is GStreamer's
# (scripts/build.sh configures it so); otherwise a scratch build of the
# source with that prefix is.
#
#   test_install.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
build=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ $# -lt 2 ] || sed 's/^/# /' <<<"$2"
}
bail() { echo "Bail out! $1"; [ $# -lt 2 ] || sed 's/^/# /' <<<"$2"; exit 1; }
# Runs GStreamer with the scratch root's plugin folder as its only system
# folder, no GST_PLUGIN_PATH of any version, and a registry of its own.
gst_env() {
  env -u GST_PLUGIN_PATH -u GST_PLUGIN_PATH_1_0 -u GST_PLUGIN_SYSTEM_PATH \
    GST_PLUGIN_SYSTEM_PATH_1_0="$root$pluginsdir" GST_REGISTRY_1_0="$scratch/registry.bin" "$@"
}

gst_prefix=$(pkg-config --variable=prefix gstreamer-1.0) || bail "pkg-config gstreamer-1.0 failed"
pluginsdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
options() {
  meson introspect "$1" --buildoptions | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["prefix"]); print(o["libdir"]); print(o["includedir"]); print(o["bindir"])'
}
tree=$build
if [ "$(options "$build" | head -n 1)" != "$gst_prefix" ]; then
  tree=$scratch/gst-prefix
  echo "# the build's prefix is not GStreamer's ($gst_prefix): a scratch build with it"
  log=$( (meson setup "$tree" "$src" --prefix="$gst_prefix" -Dtests=disabled -Dexamples=disabled \
            -Dbenchmarks=disabled -Dtools=enabled && meson compile -C "$tree") 2>&1) ||
    bail "scratch build with --prefix=$gst_prefix failed" "$log"
fi
mapfile -t opt < <(options "$tree")
prefix=${opt[0]}
abs() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
libdir=$(abs "${opt[1]}")
includedir=$(abs "${opt[2]}")
bindir=$(abs "${opt[3]}")
root=$scratch/root
log=$(meson install -C "$tree" --destdir "$root" --no-rebuild 2>&1) || bail "meson install failed" "$log"

# 1. The plugin in GStreamer's pluginsdir, found with no GST_PLUGIN_PATH.
found=$(cd "$root" && find . -name 'libgsthisteq.so*' | sed 's/^\.//')
if [ "$found" = "$pluginsdir/libgsthisteq.so" ]; then
  ok "plugin installed as \$DESTDIR$pluginsdir/libgsthisteq.so (GStreamer's pluginsdir)"
else
  not_ok "plugin installed as \$DESTDIR$pluginsdir/libgsthisteq.so (GStreamer's pluginsdir)" \
    "found: ${found:-nothing}"
fi
inspect=$(gst_env gst-inspect-1.0 histeq 2>&1)
if grep -q "Filter/Effect/Video" <<<"$inspect" &&
   grep -q "Filename *$root$pluginsdir/libgsthisteq.so" <<<"$inspect"; then
  ok "gst-inspect-1.0 histeq finds the installed plugin, no GST_PLUGIN_PATH set"
else
  not_ok "gst-inspect-1.0 histeq finds the installed plugin, no GST_PLUGIN_PATH set" "$inspect"
fi

# 2. The command-line tool, and nothing outside the usual places.
tool=$root$bindir/histeq-enhance
if [ -x "$tool" ] && version=$(gst_env "$tool" --version 2>&1); then
  ok "histeq-enhance installed in $bindir and runs ($version)"
else
  not_ok "histeq-enhance installed in $bindir and runs" "$(ls -l "$tool" 2>&1)"
fi
if [ -f "$tool" ] && [ "$(strings "$tool" | grep -cx "$pluginsdir")" -gt 0 ]; then
  ok "histeq-enhance looks for the plugin in $pluginsdir"
else
  not_ok "histeq-enhance looks for the plugin in $pluginsdir"
fi
stray=$(cd "$root" && find . -type f -o -type l | sed 's/^\.//' | while read -r f; do
  case $f in
    "$pluginsdir/libgsthisteq.so" | "$bindir/histeq-enhance" | "$includedir"/histeq/*.h | \
    "$libdir"/libhisteq-core.so | "$libdir"/libhisteq-core.so.* | "$libdir/pkgconfig/histeq-core.pc") ;;
    *) echo "$f" ;;
  esac
done)
if [ -z "$stray" ]; then
  ok "every installed file is the plugin, the tool, a header, the core library or histeq-core.pc"
else
  not_ok "every installed file is the plugin, the tool, a header, the core library or histeq-core.pc" \
    "unexpected: $stray"
fi

# 3. histeq-core through pkg-config.
pcdir=$root$libdir/pkgconfig
if flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$root$prefix" \
             --cflags --libs histeq-core 2>&1) &&
   log=$(c++ -std=c++17 -o "$scratch/core-example" "$src/examples/core-example.cpp" $flags 2>&1 &&
         LD_LIBRARY_PATH=$root$libdir "$scratch/core-example" 2>&1); then
  ok "core-example built with \`pkg-config histeq-core\` ($flags) and ran"
else
  not_ok "core-example built with \`pkg-config histeq-core\` and ran" "$flags $log"
fi

# 4. A static build of the plugin, registered from an application.
if log=$( (meson setup "$scratch/static" "$src" -Ddefault_library=static -Dtests=disabled \
             -Dbenchmarks=disabled -Dexamples=enabled -Dtools=disabled &&
           meson compile -C "$scratch/static" static-register) 2>&1) &&
   [ -f "$scratch/static/gst/libgsthisteq.a" ] &&
   log=$(GST_PLUGIN_PATH_1_0= GST_REGISTRY_1_0=$scratch/registry-static.bin \
           "$scratch/static/examples/static-register" 2>&1); then
  ok "-Ddefault_library=static builds libgsthisteq.a; the static example registers and runs it"
else
  not_ok "-Ddefault_library=static builds libgsthisteq.a; the static example registers and runs it" "$log"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
