#!/usr/bin/env python3
"""Makes the real-footage clips scripts/measure-enhance.py measures the
enhancer's settings on (docs/enhance-defaults.md), as H.264 .mp4 files in
OUTDIR (default /tmp/histeq-footage; about 4 MB in all, never in the repo).

    scripts/make-footage.py [OUTDIR] [--opencv-data DIR]

Real camera video comes from Debian's opencv-doc (OpenCV's samples/data):
vtest.avi (a surveillance camera, 768x576, 10 fps), box.mp4 and cup.mp4
(a webcam, 640x480, 25 fps). Without --opencv-data the three files are taken
from /usr/share/doc/opencv-doc (the package installed), else from the package
downloaded with `apt-get download opencv-doc` into OUTDIR/opencv-doc and
unpacked there (only these files; the package is 96 MB).
Real photos (tests/data: camera.pgm, coffee.ppm, chelsea.ppm) are made into
clips the way a camera would film them: a slow pan and zoom over 4 s (25 fps,
480x360, bilinear), then a sensor (linear light, 4000 electrons at white,
Poisson-like shot noise and 3 electrons of read noise, independent per
frame), gamma 2.2 and 8-bit quantization; a dark scene is exposed at 0.12
(3 stops under) before the sensor.

Every clip is also made at 40 % contrast: the luma scaled around the frame's
mean luma to 40 % (RGB' = m + 0.4 (RGB - m), m the BT.601 luma mean), after
the camera and before compression. Compression: x264enc pass=quant
quantizer=20 (a phone's quality), or bitrate=250 kbit/s for the one clip made
to show compression artefacts.
"""
import os
import subprocess
import sys

import numpy as np

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402,F401

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
W, H, FPS, SECONDS = 480, 360, 25, 4
OPENCV_FILES = {  # in opencv-doc
    "vtest.avi": "usr/share/doc/opencv-doc/examples/data/vtest.avi",
    "box.mp4": "usr/share/doc/opencv-doc/opencv4/html/box.mp4.gz",
    "cup.mp4": "usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz",
}


def read_video(path, frames):
    """The first `frames` frames of a video, as RGB uint8 arrays, and its rate."""
    p = Gst.parse_launch(
        f'uridecodebin uri="{Gst.filename_to_uri(os.path.abspath(path))}" ! videoconvert ! '
        "video/x-raw,format=RGB ! appsink name=sink sync=false")
    sink = p.get_by_name("sink")
    p.set_state(Gst.State.PLAYING)
    out, rate = [], FPS
    while len(out) < frames:
        sample = sink.try_pull_sample(10 * Gst.SECOND)
        if sample is None:
            break
        s = sample.get_caps().get_structure(0)
        w, h = s.get_value("width"), s.get_value("height")
        ok, num, den = s.get_fraction("framerate")
        if ok and num > 0:
            rate = num / den
        stride = (w * 3 + 3) // 4 * 4
        buf = sample.get_buffer()
        a = np.frombuffer(buf.extract_dup(0, buf.get_size()), np.uint8)
        out.append(a[:stride * h].reshape(h, stride)[:, :w * 3].reshape(h, w, 3).copy())
    p.set_state(Gst.State.NULL)
    return out, rate


def write_h264(path, frames, rate, encoder):
    """Encodes RGB frames (width a multiple of 4) into an .mp4."""
    h, w, _ = frames[0].shape
    num, den = (int(round(rate * 1000)), 1000)
    p = Gst.parse_launch(
        f"appsrc name=src format=time caps=video/x-raw,format=RGB,width={w},height={h},"
        f"framerate={num}/{den} ! videoconvert ! video/x-raw,format=I420 ! "
        f"x264enc {encoder} ! h264parse ! mp4mux ! filesink location={path}")
    src = p.get_by_name("src")
    p.set_state(Gst.State.PLAYING)
    for i, f in enumerate(frames):
        b = Gst.Buffer.new_wrapped(np.ascontiguousarray(f).tobytes())
        b.pts = int(i * Gst.SECOND * den / num)
        b.duration = int(Gst.SECOND * den / num)
        src.emit("push-buffer", b)
    src.emit("end-of-stream")
    msg = p.get_bus().timed_pop_filtered(120 * Gst.SECOND,
                                         Gst.MessageType.EOS | Gst.MessageType.ERROR)
    p.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.EOS:
        sys.exit(f"make-footage: encoding {path} failed")


def read_photo(path):
    """A binary PGM or PPM as RGB uint8."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval (no comments in ours)
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    w, h = int(fields[1]), int(fields[2])
    channels = 3 if fields[0] == b"P6" else 1
    a = np.frombuffer(data, np.uint8, w * h * channels, pos).reshape(h, w, channels)
    return np.repeat(a, 3, axis=2) if channels == 1 else a.copy()


def pan_zoom(photo, frames):
    """A slow pan and zoom over `photo`: crops of 4:3, from 90 % to 75 % of its
    largest 4:3 rectangle, their centre moving along the diagonal, resampled
    bilinearly to W x H (float, 0..255)."""
    ph, pw, _ = photo.shape
    full_h = min(ph, pw * 3 / 4)
    img = photo.astype(np.float32)
    out = []
    for i in range(frames):
        t = i / max(frames - 1, 1)
        ch = full_h * (0.90 - 0.15 * t)
        cw = ch * 4 / 3
        cx = cw / 2 + (pw - cw) * (0.3 + 0.4 * t)
        cy = ch / 2 + (ph - ch) * (0.3 + 0.4 * t)
        xs = cx - cw / 2 + (np.arange(W) + 0.5) * cw / W - 0.5
        ys = cy - ch / 2 + (np.arange(H) + 0.5) * ch / H - 0.5
        x0 = np.clip(np.floor(xs).astype(int), 0, pw - 2)
        y0 = np.clip(np.floor(ys).astype(int), 0, ph - 2)
        fx = np.clip(xs - x0, 0, 1)[None, :, None]
        fy = np.clip(ys - y0, 0, 1)[:, None, None]
        a = img[y0][:, x0]
        b = img[y0][:, x0 + 1]
        c = img[y0 + 1][:, x0]
        d = img[y0 + 1][:, x0 + 1]
        out.append((a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy)
    return out


def sensor(frame, exposure, rng):
    """A camera: the scene (0..255 display values) to linear light times
    `exposure`, 4000 electrons at white with shot noise (variance = signal)
    and 3 electrons of read noise, then gamma 2.2 and 8 bits."""
    full_well, read = 4000.0, 3.0
    electrons = (np.asarray(frame, np.float32) / 255.0) ** 2.2 * exposure * full_well
    electrons += rng.standard_normal(electrons.shape).astype(np.float32) * np.sqrt(
        electrons + read * read)
    linear = np.clip(electrons / full_well, 0.0, 1.0)
    return np.round(255.0 * linear ** (1 / 2.2)).astype(np.uint8)


def low_contrast(frame, k=0.4):
    """The luma scaled around its mean to k (all three channels around the
    frame's mean BT.601 luma, so chroma shrinks by k too)."""
    f = frame.astype(np.float32)
    m = float((f @ np.array([0.299, 0.587, 0.114], np.float32)).mean())
    return np.clip(np.round(m + k * (f - m)), 0, 255).astype(np.uint8)


def opencv_data(outdir, given):
    """Paths of OPENCV_FILES' videos, unpacked from opencv-doc as needed."""
    roots = [given] if given else ["/", os.path.join(outdir, "opencv-doc")]
    for root in roots:
        paths = {n: os.path.join(root, p) for n, p in OPENCV_FILES.items()}
        if all(os.path.exists(p) or os.path.exists(p[:-3]) for p in paths.values()):
            break
    else:
        if given:
            sys.exit(f"make-footage: {given} does not hold opencv-doc's files")
        root = os.path.join(outdir, "opencv-doc")
        os.makedirs(root, exist_ok=True)
        subprocess.run(["apt-get", "download", "-q", "opencv-doc"], cwd=root, check=True)
        deb = [f for f in os.listdir(root) if f.startswith("opencv-doc") and f.endswith(".deb")]
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", os.path.join(root, deb[0])],
                               stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", root] + ["./" + p for p in OPENCV_FILES.values()],
                       stdin=tar.stdout, check=True)
        tar.wait()
        paths = {n: os.path.join(root, p) for n, p in OPENCV_FILES.items()}
    out = {}
    for name, p in paths.items():
        if p.endswith(".gz") and not os.path.exists(p[:-3]):
            with open(p[:-3], "wb") as f:
                subprocess.run(["gzip", "-dc", p], stdout=f, check=True)
        out[name] = p[:-3] if p.endswith(".gz") else p
    return out


# name: (source, how, encoder, what it is). how: "video" (as decoded),
# "photo" (pan and zoom, sensor, exposure 1) or "dark" (the same at 0.12).
GOOD = "speed-preset=medium pass=quant quantizer=20"
LOW = "speed-preset=medium pass=cbr bitrate=250"
CLIPS = {
    "vtest": ("vtest.avi", "video", GOOD, "surveillance camera, daylight (opencv-doc vtest.avi)"),
    "box": ("box.mp4", "video", GOOD, "webcam, indoor, white tablecloth (opencv-doc box.mp4)"),
    "cup": ("cup.mp4", "video", GOOD, "webcam, flat white wall, dark cup (opencv-doc cup.mp4)"),
    "camera": ("camera.pgm", "photo", GOOD, "cameraman photo, pan/zoom, sensor noise"),
    "coffee": ("coffee.ppm", "photo", GOOD, "coffee photo, pan/zoom, sensor noise"),
    "coffee-dark": ("coffee.ppm", "dark", GOOD, "coffee photo 3 stops under, dark flat table"),
    "camera-dark": ("camera.pgm", "dark", GOOD, "cameraman 3 stops under, dark flat coat"),
    "chelsea-250k": ("chelsea.ppm", "photo", LOW, "cat photo, pan/zoom, H.264 at 250 kbit/s"),
}


def main():
    args = sys.argv[1:]
    given = None
    if "--opencv-data" in args:
        i = args.index("--opencv-data")
        given = args[i + 1]
        del args[i:i + 2]
    outdir = args[0] if args else "/tmp/histeq-footage"
    os.makedirs(outdir, exist_ok=True)
    Gst.init(None)
    videos = opencv_data(outdir, given)
    for name, (source, how, encoder, what) in CLIPS.items():
        rng = np.random.default_rng(23)
        if how == "video":
            frames, rate = read_video(videos[source], 30 * SECONDS)
            frames = frames[:int(round(rate * SECONDS))]
        else:
            photo = read_photo(os.path.join(SRC, "tests", "data", source))
            exposure = 0.12 if how == "dark" else 1.0
            frames = [sensor(f, exposure, rng) for f in pan_zoom(photo, FPS * SECONDS)]
            rate = FPS
        for suffix, clip in (("", frames), ("-40", [low_contrast(f) for f in frames])):
            path = os.path.join(outdir, name + suffix + ".mp4")
            write_h264(path, clip, rate, encoder)
            print(f"{path}: {len(clip)} frames {clip[0].shape[1]}x{clip[0].shape[0]} "
                  f"@ {rate:g} fps, {what}{', 40 % contrast' if suffix else ''}")


if __name__ == "__main__":
    main()
