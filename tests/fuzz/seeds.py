#!/usr/bin/env python3
"""Writes the hand-made edge cases of the fuzz corpus (tests/fuzz/corpus/
seed-*), in the byte layouts fuzz_core.cpp's Decode reads.

One case (first byte below 0x80): kind, width, height, row padding, the
kind's layout bytes, then mode, tile range (0: up to 64, else 16), tiles-x,
tiles-y, clip, strength, range, smoothing, scene threshold, frames, and the
samples.

A sequence (first byte 0x80 + frames - 1): for each frame a byte saying what
changes (none for the first, which sets everything) and the fields it names,
in the order layout, mode and tiles, clip, strength, range, smoothing and
scene threshold, threads, report and overlay; then the samples (seq below)."""
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


LAYOUT, TILES, CLIP, STRENGTH, RANGE, SMOOTHING, THREADS, EXTRAS = (1 << i for i in range(8))


def layout(kind, width, height, pad=0, layout=b""):
    return bytes([kind]) + struct.pack(">H", width - 1) + struct.pack(">H", height - 1) + \
        bytes([pad]) + layout


def seq(frames, samples):
    """frames: a list of dicts; the first names every field, the others only
    what changes: layout=(kind, width, height, pad, layout bytes), mode,
    tx, ty, clip, strength, limited, smoothing (None: off), scene, threads
    (1-4), report, overlay."""
    out = bytes([0x80 + len(frames) - 1])
    for i, f in enumerate(frames):
        changes = 0xff if i == 0 else 0
        if i > 0:
            for bit, keys in ((LAYOUT, ("layout",)), (TILES, ("mode", "tx", "ty")),
                              (CLIP, ("clip",)), (STRENGTH, ("strength",)),
                              (RANGE, ("limited",)), (SMOOTHING, ("smoothing", "scene")),
                              (THREADS, ("threads",)), (EXTRAS, ("report", "overlay"))):
                if any(k in f for k in keys):
                    changes |= bit
            out += bytes([changes])
        cur = dict(f) if i == 0 else {**cur, **f}
        if changes & LAYOUT:
            out += layout(*cur["layout"])
        if changes & TILES:
            tx, ty = cur.get("tx", 8), cur.get("ty", 8)
            out += bytes([cur.get("mode", 0), 0 if max(tx, ty) > 16 else 1, tx - 1, ty - 1])
        if changes & CLIP:
            out += bytes([cur.get("clip", 0)])
        if changes & STRENGTH:
            out += bytes([cur.get("strength", 201)])
        if changes & RANGE:
            out += bytes([cur.get("limited", 0)])
        if changes & SMOOTHING:
            sm = cur.get("smoothing")
            out += (bytes([0]) + struct.pack(">H", sm)) if sm is not None else bytes([1])
            out += bytes([cur.get("scene", 76)])
        if changes & THREADS:
            out += bytes([cur.get("threads", 2) - 1])
        if changes & EXTRAS:
            out += bytes([int(cur.get("report", False)) | 2 * int(cur.get("overlay", False))])
    return out + samples


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
        # Issue 21: deep tables for every grid in bounded memory (the fuzz
        # checks fail a case over 256 MiB).
        "gray16-adaptive-64x64-tiles": case(WIDE, 200, 120, layout=bytes([4, 0, 0, 0]), mode=1,
                                            tx=64, ty=64, samples=noise),
        # Sequences: one pair of equalizers, the settings changing between
        # frames as the element's properties and caps do.
        "seq-8bit-every-setting": seq([
            {"layout": (PLANE8, 160, 90, 3, bytes([0, 0]))},
            {"mode": 1},
            {"tx": 64, "ty": 64, "mode": 1},
            {"smoothing": 30, "scene": 255},
            {"limited": 1, "threads": 4},
            {"strength": 100, "clip": 255},
            {"report": True, "overlay": True, "threads": 1},
            {"mode": 0, "smoothing": None, "report": False, "overlay": False},
        ], noise),
        "seq-depth-8-10-12-16-smoothing": seq([
            {"layout": (PLANE8, 96, 64, 0, bytes([0, 0])), "mode": 1, "smoothing": 20},
            {"layout": (WIDE, 96, 64, 0, bytes([1, 1, 0, 0]))},
            {"layout": (WIDE, 96, 64, 0, bytes([2, 0, 0, 0]))},
            {"layout": (WIDE, 96, 64, 0, bytes([4, 0, 0, 0])), "threads": 3},
            {"layout": (PLANE8, 96, 64, 0, bytes([0, 0]))},
        ], noise),
        "seq-16bit-64x64-smoothing": seq([
            {"layout": (WIDE, 128, 72, 0, bytes([4, 0, 0, 0])), "mode": 1, "tx": 64, "ty": 64,
             "smoothing": 10, "scene": 255},
            {},
        ], noise),
        "seq-16bit-grid-4-64-4": seq([
            {"layout": (WIDE, 128, 72, 0, bytes([4, 0, 1, 0])), "mode": 1, "tx": 4, "ty": 4},
            {"tx": 64, "ty": 64},
            {"tx": 4, "ty": 4, "threads": 4},
        ], noise),
        "seq-10bit-p010-64x64-limited": seq([
            {"layout": (WIDE, 64, 64, 2, bytes([1, 1, 0, 1])), "mode": 1, "tx": 64, "ty": 64,
             "limited": 1, "clip": 255},
            {"smoothing": 300},
        ], low),
        "seq-kinds-and-threads": seq([
            {"layout": (RGB, 45, 27, 1, bytes([1, 0, 5])), "mode": 1, "threads": 1},
            {"layout": (WIDE, 45, 27, 0, bytes([2, 1, 1, 0])), "threads": 4},
            {"layout": (PLANE8, 45, 27, 0, bytes([1, 1])), "threads": 2},
            {"layout": (RGB, 45, 27, 0, bytes([0, 4]))},
        ], noise),
        "seq-size-1x1-wide-1x1": seq([
            {"layout": (PLANE8, 1, 1, 0, bytes([0, 0])), "mode": 1, "tx": 64, "ty": 64,
             "smoothing": 5},
            {"layout": (PLANE8, 4096, 16, 0, bytes([0, 0]))},
            {"layout": (PLANE8, 1, 1, 0, bytes([0, 0]))},
        ], noise),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, data in cases.items():
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
    print(f"wrote {len(cases)} seeds to {outdir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus"))
