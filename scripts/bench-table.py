#!/usr/bin/env python3
"""Markdown table from bench-equalize's JSON: per mode, depth and size, the
time of histeq on 1 and 2 threads and of OpenCV on one, and the ratios
(OpenCV / histeq 1 thread; histeq 1 thread / histeq 2 threads). With
repetitions, each case's median; without, its one time."""
import json
import platform
import re
import sys

runs = json.load(open(sys.argv[1]))
single, medians = {}, {}  # a case's (last) plain run; its median over repetitions
for b in runs["benchmarks"]:
    m = re.match(r"BM_(\w+?)_(Global|Adaptive)(8|16)/(\d+)/(\d+)(?:/(\d+))?", b["name"])
    if not m:
        continue
    who, mode, bits, w, h, threads = m.groups()
    key = (who, mode, int(bits), int(w), int(h), int(threads or 1))
    if b.get("run_type") != "aggregate":
        single[key] = b["real_time"]
    elif b.get("aggregate_name") == "median":
        medians[key] = b["real_time"]
times = {**single, **medians}

ctx = runs["context"]
print(f"Machine: {ctx.get('num_cpus')} CPUs at {ctx.get('mhz_per_cpu')} MHz, "
      f"{platform.machine()}; times in µs (one run, same binary"
      + (", median of the repetitions" if medians else "") + ").\n")
print("| mode | bits | size | histeq 1 thread | histeq 2 threads | OpenCV 1 thread "
      "| OpenCV ÷ histeq | 1 thread ÷ 2 threads |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for (who, mode, bits, w, h, threads), t in sorted(times.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3])):
    if who != "Histeq" or threads != 1:
        continue
    t2 = times.get(("Histeq", mode, bits, w, h, 2))
    cv = times.get(("OpenCV", mode, bits, w, h, 1))
    vs_cv = f"{cv / t:.2f}×" if cv else "—"
    scale = f"{t / t2:.2f}×" if t2 else "—"
    print(f"| {mode.lower()} | {bits} | {w}×{h} | {t:.0f} | {t2:.0f} | "
          f"{f'{cv:.0f}' if cv else '—'} | {vs_cv} | {scale} |")


def times_of(pattern):
    """Each run matching `pattern` by its groups: the median of its
    repetitions, or its one time."""
    found = {}
    for b in runs["benchmarks"]:
        m = re.match(pattern, b.get("run_name", b["name"]))
        if not m or (b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median"):
            continue
        found[tuple(int(g) if g.isdigit() else g for g in m.groups())] = b["real_time"]
    return found


kinds = times_of(r"BM_(\w+?)_Kinds8/(\d+)/(\d+)/(\d+)$")
if kinds:
    names = ["photo", "dark (0..20)", "noise"]
    print("\nGlobal 8-bit by kind of picture, one thread:\n")
    print("| picture | size | histeq | OpenCV | OpenCV ÷ histeq |")
    print("| --- | --- | --- | --- | --- |")
    for (who, kind, w, h), t in sorted(kinds.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        cv = kinds.get(("OpenCV", kind, w, h))
        if who != "Histeq":
            continue
        print(f"| {names[kind] if kind < len(names) else kind} | {w}×{h} | {t:.0f} | "
              f"{f'{cv:.0f}' if cv else '—'} | {f'{cv / t:.2f}×' if cv else '—'} |")

grid = times_of(r"BM_Histeq_Grid/(\d+)/(\d+)/(\d+)$")
if grid:
    print("\nAdaptive by grid and smoothing, 1920×1080 noise, one thread (ms):\n")
    print("| depth | 8×8 | 64×64 | 64×64 ÷ 8×8 | 8×8 smoothing 30 | 64×64 smoothing 30 "
          "| smoothing 30 ÷ 0 (8×8 / 64×64) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for depth in sorted({k[0] for k in grid}):
        t = {(tiles, s): grid.get((depth, tiles, s)) for tiles in (8, 64) for s in (0, 30)}
        if None in t.values():
            continue
        print(f"| {depth} | {t[8, 0] / 1000:.1f} | {t[64, 0] / 1000:.1f} | "
              f"{t[64, 0] / t[8, 0]:.2f}× | {t[8, 30] / 1000:.1f} | {t[64, 30] / 1000:.1f} | "
              f"{t[8, 30] / t[8, 0]:.2f}× / {t[64, 30] / t[64, 0]:.2f}× |")
