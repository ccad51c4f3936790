#!/usr/bin/env bash
# An estimate, not a measurement, of the aarch64 hot loops' speed: no ARM CPU
# here, and qemu's timings mean nothing. Each inner loop of the scalar and
# NEON kernels (and the 8-bit histogram loops of histogram.cpp, which both
# levels run) is compiled for aarch64 as the cross build compiles it (the
# commands of build-mca/compile_commands.json, made by meson from
# scripts/cross/aarch64-linux-gnu.txt, with -S -g0 instead of -c: -g changes
# no code), cut out of GCC's assembly (scripts/mca-loops.py) and given to
# llvm-mca 16 for Cortex-A72 (Raspberry Pi 4) and Neoverse-N2. (llvm-mca 14
# and 16 have no Neoverse-N1 model: -mcpu=neoverse-n1 gets Cortex-A57's, the
# one Cortex-A72 gets, and the same numbers; N2 is the nearest server core
# with a model of its own.) OpenCV's loops
# are Debian's own arm64 build (libopencv-imgproc406:arm64, downloaded into
# build-mca/, never installed), found in the stripped library through its
# classes' RTTI and vtables and cut out of its disassembly.
#
# Prints llvm-mca's cycles per iteration over the samples (or bins) one
# iteration handles, per loop, and the per-sample totals of the operations
# (docs/performance.md, "ARM: llvm-mca estimate"). llvm-mca assumes every
# load hits L1 and no load waits on an earlier store, so the histogram
# loops' estimates (ours and OpenCV's) are for varied pictures, not flat
# ones, and the memory system is left out.
#
#   scripts/mca-estimate.sh [--no-deps]
#
# Needs llvm-16 (llvm-mca), g++-aarch64-linux-gnu and, for OpenCV's loops, the
# arm64 architecture in dpkg (added with `dpkg --add-architecture arm64`
# and `apt-get update` when missing, unless --no-deps).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${MCA_BUILD_DIR:-build-mca}
mca=/usr/lib/llvm-16/bin/llvm-mca
cpus=(cortex-a72 neoverse-n2)
iterations=1000

if [ "${1:-}" != --no-deps ]; then
  bash scripts/deps.sh --demo llvm-16 g++-aarch64-linux-gnu
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" dpkg --add-architecture arm64
    "${sudo[@]}" apt-get update -q
  fi
fi

# The kernels' assembly, with the cross build's own compile commands.
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --cross-file scripts/cross/aarch64-linux-gnu.txt \
    -Dgstreamer=disabled -Dtests=disabled -Dbenchmarks=disabled -Dopencv=disabled \
    -Dtools=disabled -Dexamples=disabled >/dev/null
fi
asm=$dir/mca
mkdir -p "$asm"
python3 - "$dir" <<'EOF'
import json, shlex, subprocess, sys
build = sys.argv[1]
for entry in json.load(open(build + "/compile_commands.json")):
    name = entry["file"].rsplit("/", 1)[-1][:-len(".cpp")]
    if name not in ("neon", "scalar", "histogram"):
        continue
    args, out, skip = shlex.split(entry["command"]), [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-o", "-MQ", "-MF"):
            skip = True
        elif a not in ("-c", "-MD", entry["file"]):
            out.append(a)
    subprocess.run(out + ["-g0", "-S", "-o", "mca/%s.s" % name, entry["file"]],
                   cwd=build, check=True)
EOF

# OpenCV 4.6 as Debian ships it for arm64.
ocv=$dir/opencv-arm64
lib=$ocv/usr/lib/aarch64-linux-gnu/libopencv_imgproc.so.4.6.0
if [ ! -f "$lib" ]; then
  mkdir -p "$ocv"
  (cd "$ocv" && apt-get download libopencv-imgproc406:arm64 >/dev/null)
  dpkg-deb -x "$ocv"/libopencv-imgproc406_*_arm64.deb "$ocv"
fi
listing=$ocv/imgproc.lst
[ -f "$listing" ] || aarch64-linux-gnu-objdump -d --no-show-raw-insn "$lib" > "$listing"
ocv_fn() { python3 scripts/mca-loops.py vtable "$lib" "$1" 0; }
clahe8=$(ocv_fn CLAHE_Interpolation_BodyIhLi0EEE)
clahe16=$(ocv_fn CLAHE_Interpolation_BodyItLi0EEE)
lut8=$(ocv_fn CLAHE_CalcLut_BodyIhLi256ELi0EEE)
lut16=$(ocv_fn CLAHE_CalcLut_BodyItLi65536ELi0EEE)
eqhist=$(ocv_fn 28EqualizeHistCalcHist_Invoker)
eqlut=$(ocv_fn 23EqualizeHistLut_Invoker)

results=$asm/results.txt
: > "$results"
# est KEY PER_ITERATION MODE ARGS...: one loop, both CPUs.
est() {
  local key=$1 per=$2 mode=$3
  shift 3
  local file=$asm/loop-$key.s
  case $mode in
    gcc | path) python3 scripts/mca-loops.py "$mode" "$asm/$1.s" "${@:2}" > "$file" ;;
    ocv) python3 scripts/mca-loops.py objdump "$listing" "$@" > "$file" ;;
  esac
  local line="$key $per"
  for cpu in "${cpus[@]}"; do
    local total
    total=$("$mca" -mtriple=aarch64 -mcpu="$cpu" -iterations=$iterations "$file" 2>/dev/null |
            awk '/^Total Cycles:/ { print $3 }')
    line+=" $total"
  done
  echo "$line" >> "$results"
}

# KEY                  samples (bins) an iteration   where
est neon.apply8         56 gcc neon Apply8 'prfm'
est neon.interp8        16 gcc neon _17Interp8E 'fcvtns'
est neon.interp16        4 gcc neon Interp16 'fcvtns'
est neon.count_words     8 gcc neon CountWords 'umin'
est neon.clipped         4 gcc neon ClippedCounts 'uadalp'
est neon.cdf8            4 gcc neon CdfSpanIhE 'fcvtns'
est neon.cdf16           4 gcc neon CdfSpanItE 'fcvtns'
est neon.pack16          8 gcc neon Pack16 'st4'
est neon.luma4          16 gcc neon Luma4 'ld4'
est neon.delta4          16 path neon Delta4 'ld4' '2*\Aadd\tx\d+, x\d+, x\d+, lsl 2' '\Ald1\t'
est scalar.apply8        1 gcc scalar Apply8EPhiPKh 'ldrb'
est scalar.apply16       1 gcc scalar Apply16 'ldrh'
est scalar.interp8       1 gcc scalar Interp8Strided 'fcvtns|frintn'
est scalar.interp16      1 gcc scalar Interp16 'fcvtns|frintn'
est scalar.count_words   1 gcc scalar CountWords 'ldrh'
est scalar.clipped       1 gcc scalar ClippedCounts 'ldr'
est scalar.cdf8          1 gcc scalar CdfSpanIhE 'fcvtns|frintn'
est scalar.cdf16         1 gcc scalar CdfSpanItE 'fcvtns|frintn'
est scalar.pack16        1 gcc scalar Pack16 'orr'
est scalar.luma4         1 gcc scalar Luma4 'ldrb'
est scalar.delta4        1 gcc scalar Delta4 'ldrb'
# the 8-bit histogram (both levels): four sub-histograms (tiles, small
# frames), and pairs of samples through two tables (frames from 2^18 samples;
# the path of a 16-sample step that is not flat)
est both.count8          4 gcc histogram AccumulateSamples 'add\tx\d+, x\d+, 4$'
est both.pairs8         16 path histogram HistogramCounter83Add 'ubfx.*32, 16' \
  '(add\tw\d+, w\d+, 1[\s\S]*){8}'
# OpenCV: equalizeHist's histogram and table pass, CLAHE's tile histogram,
# clip, batch and cumulative sum per bin, and its interpolation
est ocv.eq_hist          4 ocv "$eqhist" 'ldurb'
est ocv.eq_lut           4 ocv "$eqlut" 'sturb'
est ocv.tile_hist8       4 ocv "$lut8" 'ldurb'
est ocv.clip8            1 ocv "$lut8" 'b\.ge'
est ocv.batch8           4 ocv "$lut8" 'ldr\tq0'
est ocv.cdf8             1 ocv "$lut8" 'frintx'
est ocv.interp8          1 ocv "$clahe8" 'frintx'
est ocv.tile_hist16      4 ocv "$lut16" 'ldurh'
est ocv.clip16           1 ocv "$lut16" 'b\.ge'
est ocv.batch16          4 ocv "$lut16" 'ldr\tq0'
est ocv.cdf16            1 ocv "$lut16" 'frintx'
est ocv.interp16         1 ocv "$clahe16" 'frintx'

python3 scripts/mca-table.py "$results" "$iterations" "${cpus[@]}"
