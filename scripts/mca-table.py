#!/usr/bin/env python3
"""The tables of scripts/mca-estimate.sh from its results file: per loop,
llvm-mca's cycles per sample (or per table bin) on each CPU, and the
per-sample totals of the operations for a 1920x1080 frame, CLAHE with 8x8
tiles.

  mca-table.py RESULTS ITERATIONS CPU...
"""
import sys

rows = {}
for line in open(sys.argv[1]):
    key, per, *cycles = line.split()
    rows[key] = [float(c) / int(sys.argv[2]) / int(per) for c in cycles]
NAMES = {"cortex-a72": "Cortex-A72", "neoverse-n1": "Neoverse-N1", "neoverse-n2": "Neoverse-N2"}
cpus = [NAMES.get(c, c) for c in sys.argv[3:]]

LOOPS = [
    ("8-bit table pass (global)", "scalar.apply8", "neon.apply8", "ocv.eq_lut"),
    ("8-bit histogram, frame (pairs, >= 2^18 samples)", "both.pairs8", "both.pairs8", "ocv.eq_hist"),
    ("8-bit histogram, tile (4 sub-histograms)", "both.count8", "both.count8", "ocv.tile_hist8"),
    ("CLAHE interpolation, 8-bit", "scalar.interp8", "neon.interp8", "ocv.interp8"),
    ("16-bit histogram + range", "scalar.count_words", "neon.count_words", "ocv.tile_hist16"),
    ("CLAHE interpolation, 16-bit", "scalar.interp16", "neon.interp16", "ocv.interp16"),
    ("16-bit table pass (global)", "scalar.apply16", "scalar.apply16", None),
    ("clip count, per bin", "scalar.clipped", "neon.clipped", "ocv.clip8"),
    ("CLAHE table, 8-bit, per bin", "scalar.cdf8", "neon.cdf8", ("ocv.batch8", "ocv.cdf8")),
    ("CLAHE table, 16-bit, per bin", "scalar.cdf16", "neon.cdf16", ("ocv.batch16", "ocv.cdf16")),
    ("16-bit quads, per entry", "scalar.pack16", "neon.pack16", None),
    ("RGB luma (4-byte pixels)", "scalar.luma4", "neon.luma4", None),
    ("RGB delta (4-byte pixels)", "scalar.delta4", "neon.delta4", None),
]


def cost(spec, cpu):
    if spec is None:
        return None
    if isinstance(spec, tuple):
        return sum(rows[s][cpu] for s in spec)
    return rows[spec][cpu]


def fmt(v):
    return "–" if v is None else "%.2f" % v


def ratio(a, b):
    return "–" if a is None or b is None else "%.1f×" % (a / b)


print("| loop | CPU | scalar | NEON | OpenCV | NEON vs scalar | NEON vs OpenCV |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for name, s, n, o in LOOPS:
    for c, cpu in enumerate(cpus):
        sv, nv, ov = cost(s, c), cost(n, c), cost(o, c)
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            name if c == 0 else "", cpu, fmt(sv), fmt(nv), fmt(ov), ratio(sv, nv), ratio(ov, nv)))

# Per-sample totals: 1920x1080, 8x8 tiles of 240x135; the table stages per
# sample are bins x tiles / samples. Ours makes a tile's table for the values
# its neighbourhood holds only: counted here as every value (the worst
# case), and the 16-bit quads for each of the 9x9 regions likewise.
samples = 1920 * 1080
tiles = 64
regions = 81
b8 = 256 * tiles / samples
b16 = 65536 * tiles / samples
q16 = 65536 * regions / samples
TOTALS = [
    ("global 8-bit", 3.0,
     {"scalar": [("both.pairs8", 1), ("scalar.apply8", 1)],
      "neon": [("both.pairs8", 1), ("neon.apply8", 1)],
      "ocv": [("ocv.eq_hist", 1), ("ocv.eq_lut", 1)]}),
    ("adaptive 8-bit", 3.0,
     {"scalar": [("both.count8", 1), ("scalar.interp8", 1), ("scalar.clipped", b8), ("scalar.cdf8", b8)],
      "neon": [("both.count8", 1), ("neon.interp8", 1), ("neon.clipped", b8), ("neon.cdf8", b8)],
      "ocv": [("ocv.tile_hist8", 1), ("ocv.interp8", 1), ("ocv.clip8", b8), ("ocv.batch8", b8),
              ("ocv.cdf8", b8)]}),
    ("adaptive 16-bit", 2.0,
     {"scalar": [("scalar.count_words", 1), ("scalar.interp16", 1), ("scalar.clipped", b16),
                 ("scalar.cdf16", b16), ("scalar.pack16", q16)],
      "neon": [("neon.count_words", 1), ("neon.interp16", 1), ("neon.clipped", b16),
               ("neon.cdf16", b16), ("neon.pack16", q16)],
      "ocv": [("ocv.tile_hist16", 1), ("ocv.interp16", 1), ("ocv.clip16", b16), ("ocv.batch16", b16),
              ("ocv.cdf16", b16)]}),
]
print()
print("| operation (1080p, 8x8 tiles) | CPU | scalar | NEON | OpenCV | NEON vs scalar | NEON vs OpenCV | aim |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
for name, aim, parts in TOTALS:
    for c, cpu in enumerate(cpus):
        t = {k: sum(rows[key][c] * w for key, w in v) for k, v in parts.items()}
        r = t["ocv"] / t["neon"]
        mark = ("≥ %g× OpenCV: %s" % (aim, "met" if r >= aim else "not met")) if c == 0 else ""
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name if c == 0 else "", cpu, fmt(t["scalar"]), fmt(t["neon"]), fmt(t["ocv"]),
            ratio(t["scalar"], t["neon"]), ratio(t["ocv"], t["neon"]), mark))
