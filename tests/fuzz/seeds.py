#!/usr/bin/env python3
"""Writes the hand-made edge cases of the fuzz corpus (tests/fuzz/corpus/
seed-*), in the byte layout fuzz_core.cpp's Decode reads: kind, width,
height, row padding, the kind's layout bytes, then mode, tile range (0: up to 64, else 16),
tiles-x, tiles-y,
clip, strength, range, smoothing, scene threshold, frames, and the samples."""
import os
import random
import struct
import sys

PLANE8, WIDE, RGB = 0, 1, 2


def case(kind, width, height, pad=0, layout=b"", mode=0, tx=8, ty=8, clip=0,
         strength=201, limited=0, smoothing=None, scene=76, frames=1, samples=b""):
    out = bytes([kind]) + struct.pack(">H", width - 1) + struct.pack(">H", height - 1)
    out += bytes([pad]) + layout
    out += bytes([mode, 0 if max(tx, ty) > 16 else 1, tx - 1, ty - 1, clip, strength, limited])
    out += bytes([0]) + struct.pack(">H", smoothing) if smoothing is not None else bytes([1])
    out += bytes([scene, frames - 1]) + samples
    return out


def main(outdir):
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    low = bytes(100 + rng.randrange(20) for _ in range(4096))
    cases = {
        "1x1": case(PLANE8, 1, 1, layout=bytes([0, 0]), samples=b"\x80"),
        "1x1-adaptive-64x64-tiles": case(PLANE8, 1, 1, layout=bytes([0, 0]), mode=1, tx=64,
                                         ty=64, samples=b"\x10"),
        "flat": case(PLANE8, 37, 23, layout=bytes([0, 0]), samples=b"\x55"),
        "flat-adaptive-limited": case(PLANE8, 37, 23, layout=bytes([0, 0]), mode=1, limited=1,
                                      samples=b"\x55"),
        "two-valued": case(PLANE8, 64, 48, layout=bytes([0, 0]), samples=b"\x00\xff\x00\x00"),
        "all-255": case(PLANE8, 9, 7, pad=5, layout=bytes([0, 0]), samples=b"\xff"),
        "yuy2-step2-offset0": case(PLANE8, 65, 33, pad=3, layout=bytes([1, 0]), samples=noise),
        "uyvy-step2-offset1": case(PLANE8, 65, 33, pad=3, layout=bytes([1, 1]), mode=1,
                                   samples=low),
        "ayuv-step4-offset1": case(PLANE8, 31, 17, pad=1, layout=bytes([3, 1]), mode=1, tx=3,
                                   ty=5, clip=200, samples=noise),
        "wide-4096x1": case(PLANE8, 4096, 1, layout=bytes([0, 0]), samples=noise),
        "tall-1x4096": case(PLANE8, 1, 4096, layout=bytes([0, 0]), mode=1, samples=noise),
        "p010-msb-be": case(WIDE, 33, 19, pad=2, layout=bytes([1, 1, 1, 0]), samples=noise),
        "gray16-adaptive": case(WIDE, 70, 41, layout=bytes([4, 0, 0, 0]), mode=1, tx=16, ty=9,
                                clip=64, samples=noise),
        "gray16-clip-1000": case(WIDE, 19, 23, layout=bytes([4, 0, 0, 0]), mode=1, clip=255,
                                 samples=low),
        "12bit-limited-smoothing": case(WIDE, 40, 30, layout=bytes([2, 0, 1, 1]), limited=1,
                                        smoothing=10, frames=3, samples=noise),
        "10bit-1x1": case(WIDE, 1, 1, layout=bytes([1, 0, 0, 0]), samples=b"\xff\xff"),
        "rgb-packed3": case(RGB, 45, 27, pad=1, layout=bytes([1, 0, 5]), samples=noise),
        "bgrx-packed4": case(RGB, 47, 29, layout=bytes([1, 1, 2, 0]), mode=1, samples=noise),
        "xrgb-packed4": case(RGB, 17, 3, pad=7, layout=bytes([1, 1, 3, 1]), samples=low),
        "gbr-planar": case(RGB, 33, 21, pad=2, layout=bytes([0, 4]), mode=1, tx=2, ty=3,
                           samples=noise),
        "strength-0": case(PLANE8, 50, 40, layout=bytes([0, 0]), strength=0, samples=noise),
        "strength-half-adaptive": case(PLANE8, 50, 40, layout=bytes([0, 0]), mode=1,
                                       strength=100, samples=noise),
        "smoothing-300-scene-cut-off": case(PLANE8, 30, 20, layout=bytes([0, 0]), smoothing=300,
                                            scene=255, frames=3, samples=noise),
        "tiles-larger-than-frame": case(PLANE8, 5, 3, layout=bytes([0, 0]), mode=1, tx=64,
                                        ty=40, samples=noise),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, data in cases.items():
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
    print(f"wrote {len(cases)} seeds to {outdir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus"))
