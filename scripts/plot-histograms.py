#!/usr/bin/env python3
"""Plots what histeq did to a picture: the luma histogram and cumulative
distribution (CDF) before and after, and the mapping from input to output
values, into one PNG. Python's standard library counts; gnuplot draws
(Debian: gnuplot-nox, its pngcairo terminal).

    plot-histograms.py BEFORE.yuv AFTER.yuv WIDTH HEIGHT OUT.png [TITLE]

BEFORE and AFTER are raw frames whose first plane is 8-bit luma with
GStreamer's default stride (the width rounded up to 4), as I420, GRAY8 or
NV12 buffers written by filesink are. scripts/demo.sh calls this.
"""
import shutil
import subprocess
import sys


def luma(path, width, height):
    stride = (width + 3) // 4 * 4
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < stride * (height - 1) + width:
        sys.exit(f"plot-histograms: {path} is too short for {width}x{height}")
    return b"".join(data[y * stride:y * stride + width] for y in range(height))


def histogram(samples):
    h = [0] * 256
    for v in samples:
        h[v] += 1
    return h


def cdf(hist):
    total, out, run = sum(hist), [], 0
    for c in hist:
        run += c
        out.append(run / total)
    return out


def quote(text):
    """A gnuplot single-quoted string (a quote inside is doubled)."""
    return "'" + text.replace("'", "''") + "'"


GREY_BEFORE, GREY_AFTER = "#737373", "#262626"
RED, BLUE, LIGHT = "#d62728", "#1f77b4", "#b3b3b3"


def script(h_in, h_out, mapping, out, title):
    c_in, c_out = cdf(h_in), cdf(h_out)
    lines = ["$hist << EOD"]
    lines += [f"{v} {h_in[v]} {h_out[v]} {c_in[v]:.6f} {c_out[v]:.6f} {255 * c_in[v]:.3f}"
              for v in range(256)]
    lines += ["EOD", "$mapping << EOD"]
    lines += [f"{x} {y:.3f}" for x, y in mapping]
    lines += ["EOD"]
    # 1200x336 pixels, three panels side by side, as matplotlib's 15x4.2 in at 80 dpi.
    lines += [
        "set encoding utf8",
        "set terminal pngcairo size 1200,336 font 'DejaVu Sans,9' noenhanced",
        f"set output {quote(out)}",
        f"set multiplot layout 1,3 title {quote(title)} font 'DejaVu Sans,11'",
        "set style fill solid 1.0 noborder",
        "set boxwidth 1.0 absolute",
        "set xrange [0:255]",
        "set xtics 50 nomirror out",
        "set ytics nomirror out",
        "set yrange [0:*]",
        "set y2range [0:1.02]",
        f"set y2tics 0.2 nomirror out textcolor rgb '{RED}'",
        f"set y2label 'CDF' textcolor rgb '{RED}'",
        "set border 11",
        "set xlabel 'luma value'",
        "set ylabel 'pixels'",
        "unset key",
    ]
    for column, cdf_column, colour, name in ((2, 4, GREY_BEFORE, "before"),
                                             (3, 5, GREY_AFTER, "after")):
        lines += [
            f"set title '{name}: luma histogram and CDF'",
            f"plot $hist using 1:{column} with boxes lc rgb '{colour}', "
            f"$hist using 1:{cdf_column} axes x1y2 with lines lw 1.5 lc rgb '{RED}'",
        ]
    lines += [
        "unset y2tics",
        "unset y2label",
        "set border 3",
        "set yrange [0:255]",
        "set ytics 50",
        "set title 'mapping: output value per input value'",
        "set xlabel 'input luma'",
        "set ylabel 'output luma'",
        "set key bottom right box opaque",
        f"plot x with lines dt 2 lc rgb '{LIGHT}' title 'identity', "
        f"$mapping using 1:2 with lines lw 2 lc rgb '{BLUE}' title 'histeq mapping', "
        f"$hist using 1:6 with lines lw 1 lc rgb '{RED}' title '255 × CDF before'",
        "unset multiplot",
    ]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    before_path, after_path, width, height, out = sys.argv[1:6]
    title = sys.argv[6] if len(sys.argv) > 6 else "histeq"
    width, height = int(width), int(height)
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        sys.exit("plot-histograms: gnuplot not found (Debian: apt-get install gnuplot-nox)")
    before = luma(before_path, width, height)
    after = luma(after_path, width, height)
    h_in, h_out = histogram(before), histogram(after)

    # The mapping: for each input value present, the mean output value.
    sums, counts = [0] * 256, [0] * 256
    for a, b in zip(before, after):
        sums[a] += b
        counts[a] += 1
    mapping = [(v, sums[v] / counts[v]) for v in range(256) if counts[v]]

    done = subprocess.run([gnuplot], input=script(h_in, h_out, mapping, out, title),
                          text=True, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"plot-histograms: gnuplot failed: {done.stderr.strip()}")
    print(f"plot-histograms: wrote {out}")


if __name__ == "__main__":
    main()
