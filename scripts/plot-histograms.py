#!/usr/bin/env python3
"""Plots what histeq did to a picture: the luma histogram and cumulative
distribution (CDF) before and after, and the mapping from input to output
values, into one PNG (matplotlib; Debian: python3-matplotlib).

    plot-histograms.py BEFORE.yuv AFTER.yuv WIDTH HEIGHT OUT.png [TITLE]

BEFORE and AFTER are raw frames whose first plane is 8-bit luma with
GStreamer's default stride (the width rounded up to 4), as I420, GRAY8 or
NV12 buffers written by filesink are. scripts/demo.sh calls this.
"""
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402


def luma(path, width, height):
    stride = (width + 3) // 4 * 4
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < stride * (height - 1) + width:
        sys.exit(f"plot-histograms: {path} is too short for {width}x{height}")
    return [data[y * stride + x] for y in range(height) for x in range(width)]


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


def panel(ax, hist, title, colour):
    ax.bar(range(256), hist, width=1.0, color=colour)
    ax.set_xlim(0, 255)
    ax.set_title(title)
    ax.set_xlabel("luma value")
    ax.set_ylabel("pixels")
    twin = ax.twinx()
    twin.plot(range(256), cdf(hist), color="tab:red", linewidth=1.5)
    twin.set_ylim(0, 1.02)
    twin.set_ylabel("CDF", color="tab:red")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    before_path, after_path, width, height, out = sys.argv[1:6]
    title = sys.argv[6] if len(sys.argv) > 6 else "histeq"
    width, height = int(width), int(height)
    before = luma(before_path, width, height)
    after = luma(after_path, width, height)
    h_in, h_out = histogram(before), histogram(after)

    # The mapping: for each input value present, the mean output value.
    sums, counts = [0] * 256, [0] * 256
    for a, b in zip(before, after):
        sums[a] += b
        counts[a] += 1
    xs = [v for v in range(256) if counts[v]]
    ys = [sums[v] / counts[v] for v in xs]

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), dpi=80)
    panel(axes[0], h_in, "before: luma histogram and CDF", "0.45")
    panel(axes[1], h_out, "after: luma histogram and CDF", "0.15")
    ax = axes[2]
    ax.plot([0, 255], [0, 255], color="0.7", linestyle="--", label="identity")
    ax.plot(xs, ys, color="tab:blue", linewidth=2, label="histeq mapping")
    scaled_cdf = [255 * c for c in cdf(h_in)]
    ax.plot(range(256), scaled_cdf, color="tab:red", linewidth=1, label="255 x CDF before")
    ax.set_xlim(0, 255)
    ax.set_ylim(0, 255)
    ax.set_title("mapping: output value per input value")
    ax.set_xlabel("input luma")
    ax.set_ylabel("output luma")
    ax.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out)
    print(f"plot-histograms: wrote {out}")


if __name__ == "__main__":
    main()
