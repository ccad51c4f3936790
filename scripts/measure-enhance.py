#!/usr/bin/env python3
"""Measures histeq settings on the clips scripts/make-footage.py makes, with
issue #23's measures, against its targets (docs/enhance-defaults.md):

  contrast  = luma stddev of the output / of the input, over the frame;
  flat gain = in the 16x16 blocks whose input luma stddev is 0.3..2 codes,
              output stddev / input stddev: the 90th percentile.

Each is the median over five frames (at 25, 40, 55, 70 and 85 % of the clip,
after temporal smoothing has settled). Targets: a clip as shot keeps >= 95 %
of its contrast with a flat gain <= 3; a clip at 40 % contrast ("-40") gets
>= 1.8 times its contrast with a flat gain <= 1.5 times the contrast gain.

    GST_PLUGIN_PATH=build/gst scripts/measure-enhance.py [FOOTAGE_DIR]
        [--setting "mode=global clip-limit=2.2 smoothing=15"]... [--markdown]
        [--only range]
        [--via build/tools/histeq-enhance]
    scripts/measure-enhance.py --picture OUT.png CLIP [--grey] --setting ...

Without --setting it sweeps the candidates below. The frames go through
the element in the enhancer's own video pipeline (decodebin ! videoconvert !
videoflip ! videoconvert ! histeq ... n-threads=0), so no encoder touches the
output; --via runs the enhancer itself instead (INPUT -> .mkv, which it
encodes with x264enc, given the setting as its options) and measures the
file it writes. --picture writes CLIP's frame 55 % in, the original and
then each setting side by side (docs/enhance-defaults.png).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402,F401

SAMPLES = (0.25, 0.40, 0.55, 0.70, 0.85)
CANDIDATES = [
    "mode=global clip-limit=0 smoothing=15",  # the enhancer's old default
    "mode=global clip-limit=0 strength=0.5 smoothing=15",
    "mode=global clip-limit=1.5 smoothing=15",
    "mode=global clip-limit=2 smoothing=15",
    "mode=global clip-limit=2.2 smoothing=15",
    "mode=global clip-limit=2.5 smoothing=15",
    "mode=global clip-limit=3 smoothing=15",
    "mode=global clip-limit=4 smoothing=15",
    "mode=global clip-limit=3 strength=0.8 smoothing=15",
    "mode=global clip-limit=2.5 smoothing=0",
] + [
    # The excess of the clip limit over the occupied codes only (issue #23).
    f"mode=global clip-limit={c} clip-spread=range strength={s} smoothing=15"
    for c in (1.5, 2, 2.5, 3) for s in (0.8, 0.9, 1)
] + [
    "mode=adaptive clip-limit=1.5 smoothing=15",
    "mode=adaptive clip-limit=2 smoothing=15",
    "mode=adaptive clip-limit=3 smoothing=15",
    "mode=adaptive clip-limit=2 tiles-x=4 tiles-y=4 smoothing=15",
]


def frames(description, uri, rgb=False):
    """The luma planes (uint8 arrays; with `rgb`, RGB pictures) of every
    frame `description` (which ends in an appsink named sink) gives."""
    p = Gst.parse_launch(description)
    if uri:
        p.get_by_name("dec").set_property("uri", uri)
    sink = p.get_by_name("sink")
    p.set_state(Gst.State.PLAYING)
    out = []
    while True:
        sample = sink.try_pull_sample(30 * Gst.SECOND)
        if sample is None:
            break
        s = sample.get_caps().get_structure(0)
        w, h = s.get_value("width"), s.get_value("height")
        bpp = 3 if rgb else 1
        stride = (w * bpp + 3) // 4 * 4  # I420's luma stride, RGB's
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        a = np.frombuffer(info.data, np.uint8, stride * h).reshape(h, stride)[:, :w * bpp]
        a = a.reshape(h, w, 3).copy() if rgb else a.copy()
        buf.unmap(info)
        out.append(a)
    msg = p.get_bus().pop_filtered(Gst.MessageType.ERROR)
    p.set_state(Gst.State.NULL)
    if msg:
        sys.exit(f"measure-enhance: {msg.parse_error()[0].message}")
    return out


def decode(path, histeq=None, rgb=False):
    chain = f"! {histeq} n-threads=0 " if histeq else ""
    return frames("uridecodebin name=dec ! videoconvert ! videoflip video-direction=auto ! "
                  f"videoconvert {chain}! videoconvert ! "
                  f"video/x-raw,format={'RGB' if rgb else 'I420'} ! "
                  "appsink name=sink sync=false", Gst.filename_to_uri(os.path.abspath(path)), rgb)


def picture(png, clip, settings, grey, at=0.55):
    """The frame `at` into `clip`: the original, then with each setting,
    side by side, scaled down to 1200 pixels wide when wider, written to
    `png` (as 8-bit grey with `grey`)."""
    row = [decode(clip, rgb=True)] + [decode(clip, "histeq " + s, rgb=True) for s in settings]
    row = np.hstack([f[int(at * len(f))] for f in row])
    h, w, _ = row.shape
    scaled = min(w, 1200) // 4 * 4  # at most 1200 pixels wide, for the docs
    gray = "video/x-raw,format=GRAY8 ! " if grey else ""  # a third of the size
    p = Gst.parse_launch(f"appsrc name=src caps=video/x-raw,format=RGB,width={w},height={h},"
                         f"framerate=1/1 ! videoscale ! video/x-raw,width={scaled},"
                         f"height={h * scaled // w // 2 * 2} ! videoconvert ! {gray}"
                         f"pngenc compression-level=9 ! "
                         f"filesink location={png}")
    src = p.get_by_name("src")
    p.set_state(Gst.State.PLAYING)
    src.emit("push-buffer", Gst.Buffer.new_wrapped(np.ascontiguousarray(row).tobytes()))
    src.emit("end-of-stream")
    p.get_bus().timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    p.set_state(Gst.State.NULL)


def measures(inp, out):
    """(contrast, flat gain, flat blocks) of one frame pair."""
    i, o = inp.astype(np.float64), out.astype(np.float64)
    contrast = o.std() / i.std()
    h, w = (i.shape[0] // 16) * 16, (i.shape[1] // 16) * 16
    bi = i[:h, :w].reshape(h // 16, 16, w // 16, 16).std(axis=(1, 3))
    bo = o[:h, :w].reshape(h // 16, 16, w // 16, 16).std(axis=(1, 3))
    flat = (bi >= 0.3) & (bi <= 2.0)
    gain = float(np.percentile(bo[flat] / bi[flat], 90)) if flat.any() else float("nan")
    return contrast, gain, int(flat.sum())


def tool_args(setting):
    args = []
    for kv in setting.split():
        k, v = kv.split("=")
        args += [f"--{k}", v]
    return args


def measure(path, setting, inputs, via, tmp):
    if via:
        out_path = os.path.join(tmp, "out.mkv")
        subprocess.run([via, path, out_path, *tool_args(setting)], check=True,
                       stderr=subprocess.DEVNULL)
        outputs = decode(out_path)
    else:
        outputs = decode(path, "histeq " + setting)
    if len(outputs) != len(inputs):
        sys.exit(f"measure-enhance: {path}: {len(outputs)} frames out, {len(inputs)} in")
    rows = [measures(inputs[int(f * len(inputs))], outputs[int(f * len(inputs))])
            for f in SAMPLES]
    return (float(np.median([r[0] for r in rows])), float(np.median([r[1] for r in rows])),
            int(np.median([r[2] for r in rows])))


def verdict(low_contrast, contrast, gain):
    if low_contrast:
        return contrast >= 1.8 and gain <= 1.5 * contrast
    return contrast >= 0.95 and gain <= 3.0


def main():
    args = sys.argv[1:]
    settings, markdown, via = [], False, None
    while "--setting" in args:
        i = args.index("--setting")
        settings.append(args[i + 1])
        del args[i:i + 2]
    if "--via" in args:
        i = args.index("--via")
        via = args[i + 1]
        del args[i:i + 2]
    if "--picture" in args:  # --picture OUT.png CLIP [--grey]: original | settings
        i = args.index("--picture")
        Gst.init(None)
        picture(args[i + 1], args[i + 2], settings or CANDIDATES[:1], "--grey" in args)
        return
    if "--only" in args:  # --only WORD: the candidates whose setting has WORD
        i = args.index("--only")
        settings += [s for s in CANDIDATES if args[i + 1] in s]
        del args[i:i + 2]
    if "--markdown" in args:
        markdown = True
        args.remove("--markdown")
    footage = args[0] if args else "/tmp/histeq-footage"
    Gst.init(None)
    if Gst.ElementFactory.find("histeq") is None:
        sys.exit("measure-enhance: no histeq element (GST_PLUGIN_PATH=build/gst)")
    clips = sorted(f for f in os.listdir(footage) if f.endswith(".mp4"))
    if not clips:
        sys.exit(f"measure-enhance: no clips in {footage} (scripts/make-footage.py)")
    settings = settings or CANDIDATES
    passed = {s: 0 for s in settings}
    tmp = tempfile.mkdtemp(prefix="measure-enhance-")
    if markdown:
        print("| clip | setting | contrast | flat gain | target | |")
        print("|---|---|---|---|---|---|")
    for clip in clips:
        path = os.path.join(footage, clip)
        low = clip[:-4].endswith("-40")
        inputs = decode(path)
        sd = np.median([inputs[int(f * len(inputs))].std() for f in SAMPLES])
        target = "contrast >= 1.8, flat <= 1.5 contrast" if low else "contrast >= 0.95, flat <= 3"
        if not markdown:
            print(f"{clip}: luma stddev {sd:.1f}; {target}")
        for s in settings:
            c, g, n = measure(path, s, inputs, via, tmp)
            ok = verdict(low, c, g)
            passed[s] += ok
            if markdown:
                print(f"| {clip[:-4]} (sd {sd:.1f}) | `{s}` | {c:.2f} | {g:.2f} | "
                      f"{'≥ 1.8, ≤ %.2f' % (1.5 * c) if low else '≥ 0.95, ≤ 3'} | "
                      f"{'pass' if ok else '**fail**'} |")
            else:
                print(f"  {s:58s} contrast {c:5.2f}  flat gain {g:5.2f} ({n:4d} blocks)  "
                      f"{'pass' if ok else 'FAIL'}")
            sys.stdout.flush()
    print()
    for s in settings:
        print(f"{passed[s]:2d}/{len(clips)} clips pass: {s}")


if __name__ == "__main__":
    main()
