// Params::meter: global equalization metered on a rectangle, against the
// plain reference (histogram of the rectangle -> equalizeHist table ->
// applied to the whole plane), and what it must leave alone.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;

// The samples of `img` inside [x, x + w) x [y, y + h).
Image Crop(const Image& img, int x, int y, int w, int h) {
  Image c;
  c.width = w;
  c.height = h;
  for (int r = y; r < y + h; ++r)
    for (int col = x; col < x + w; ++col) c.pixels.push_back(img.at(col, r));
  return c;
}

// A bright, low-contrast background with a dark, textured rectangle.
Image FaceScene(int width, int height, const histeq::Rect& face, uint32_t seed) {
  Image img = testimg::MakeNoise(width, height, seed, 180, 230);
  const Image dark = testimg::MakeNoise(face.width, face.height, seed + 1, 20, 60);
  for (int y = 0; y < face.height; ++y)
    for (int x = 0; x < face.width; ++x) img.at(face.x + x, face.y + y) = dark.at(x, y);
  return img;
}

// `img` equalized by the core with `params`, laid out with `step`, `padding`;
// `hist_total`: the sum of the report's input histogram (which lives only as
// long as the equalizer).
Image Equalize(const Image& img, const histeq::Params& params, int step = 1, int padding = 0,
               histeq::FrameReport* report = nullptr, int threads = 1,
               uint64_t* hist_total = nullptr) {
  testimg::PaddedPlane plane(img, step, padding, 7);
  histeq::Plane p = histeq::Plane::Gray8(plane.data(), plane.stride(), plane.width(),
                                         plane.height());
  p.pixel_step = step;
  histeq::Equalizer eq;
  eq.SetThreads(threads);
  eq.Process(p, params, report);
  if (hist_total) {
    *hist_total = 0;
    for (int v = 0; v < report->bins; ++v) *hist_total += report->histogram_in[v];
  }
  EXPECT_TRUE(plane.NonSamplesIntact());
  return plane.Samples();
}

histeq::Params Metered(const histeq::Rect& r) {
  histeq::Params p;
  p.meter = r;
  return p;
}

void ExpectSame(const Image& got, const Image& expected) {
  ASSERT_EQ(got.pixels.size(), expected.pixels.size());
  for (size_t i = 0; i < got.pixels.size(); ++i)
    ASSERT_EQ(int(got.pixels[i]), int(expected.pixels[i])) << "sample " << i;
}

TEST(Meter, RectangleMatchesReference) {
  const histeq::Rect face{23, 17, 41, 29};
  const Image img = FaceScene(101, 77, face, 3);
  const ref::Lut lut = ref::EqualizeLut(Crop(img, face.x, face.y, face.width, face.height));
  const Image expected = ref::Apply(img, lut);
  for (int step : {1, 2, 4}) {
    for (int padding : {0, 13}) {
      SCOPED_TRACE(testing::Message() << "step " << step << " padding " << padding);
      histeq::FrameReport report;
      uint64_t total = 0;
      ExpectSame(Equalize(img, Metered(face), step, padding, &report, 1, &total), expected);
      EXPECT_EQ(report.metered, face);
      // The report's histogram and statistics stay the whole plane's.
      EXPECT_EQ(total, uint64_t(101 * 77));
    }
  }
}

TEST(Meter, ThreadsGiveTheSameBytes) {
  const histeq::Rect face{100, 200, 300, 150};
  const Image img = FaceScene(640, 480, face, 5);
  const Image one = Equalize(img, Metered(face), 1, 0, nullptr, 1);
  ExpectSame(Equalize(img, Metered(face), 1, 0, nullptr, 2), one);
  ExpectSame(Equalize(img, Metered(face), 1, 0, nullptr, 4), one);
}

TEST(Meter, LimitedRangeAndStrength) {
  const histeq::Rect face{5, 6, 20, 10};
  const Image img = FaceScene(50, 40, face, 9);
  histeq::Params p = Metered(face);
  p.range = histeq::Range::kLimited;
  p.strength = 0.5;
  const ref::Lut lut = ref::Blend(
      ref::ToLimited(ref::EqualizeLut(Crop(img, face.x, face.y, face.width, face.height))), 0.5);
  ExpectSame(Equalize(img, p), ref::Apply(img, lut));
}

TEST(Meter, ClipLimitUsesTheRegionsPixels) {
  // Contrast-limited global equalization is CLAHE with one tile: on the
  // region, its clip count comes from the region's pixels.
  const histeq::Rect face{8, 8, 32, 24};
  const Image img = FaceScene(64, 48, face, 11);
  histeq::Params p = Metered(face);
  p.clip_limit = 3.0;
  const Image crop = Crop(img, face.x, face.y, face.width, face.height);
  // The table the one-tile CLAHE reference applies to the crop, read back
  // value by value, applied to the whole picture.
  const Image crop_out = ref::Clahe(crop, 3.0, 1, 1);
  ref::Lut lut{};
  std::vector<bool> seen(256, false);
  for (size_t i = 0; i < crop.pixels.size(); ++i) {
    lut[crop.pixels[i]] = crop_out.pixels[i];
    seen[crop.pixels[i]] = true;
  }
  const Image got = Equalize(img, p);
  for (size_t i = 0; i < img.pixels.size(); ++i)
    if (seen[img.pixels[i]]) {
      ASSERT_EQ(int(got.pixels[i]), int(lut[img.pixels[i]])) << i;
    }
}

TEST(Meter, PartlyOutsideIsClipped) {
  const Image img = FaceScene(60, 50, histeq::Rect{40, 30, 20, 20}, 13);
  const histeq::Rect clipped{40, 30, 20, 20};
  const ref::Lut lut = ref::EqualizeLut(Crop(img, 40, 30, 20, 20));
  for (const histeq::Rect& r : {histeq::Rect{40, 30, 1000, 1000}, histeq::Rect{40, 30, 20, 20}}) {
    histeq::FrameReport report;
    ExpectSame(Equalize(img, Metered(r), 1, 0, &report), ref::Apply(img, lut));
    EXPECT_EQ(report.metered, clipped);
  }
  // Negative corners too (the core's Rect is signed).
  const ref::Lut corner = ref::EqualizeLut(Crop(img, 0, 0, 10, 5));
  ExpectSame(Equalize(img, Metered(histeq::Rect{-5, -5, 15, 10})), ref::Apply(img, corner));
}

TEST(Meter, NoneOutsideOrWholeIsTheWholePlane) {
  const Image img = FaceScene(61, 43, histeq::Rect{10, 10, 20, 20}, 17);
  const Image plain = Equalize(img, histeq::Params());
  ExpectSame(plain, ref::Apply(img, ref::EqualizeLut(img)));
  for (const histeq::Rect& r :
       {histeq::Rect{}, histeq::Rect{5, 5, 0, 10}, histeq::Rect{61, 0, 10, 10},
        histeq::Rect{0, 43, 10, 10}, histeq::Rect{-20, -20, 20, 20},
        histeq::Rect{0, 0, 61, 43}, histeq::Rect{-1, -1, 100, 100}}) {
    SCOPED_TRACE(testing::Message() << r.x << "," << r.y << " " << r.width << "x" << r.height);
    histeq::FrameReport report;
    ExpectSame(Equalize(img, Metered(r), 1, 0, &report), plain);
    EXPECT_EQ(report.metered, (histeq::Rect{0, 0, 61, 43}));
  }
}

TEST(Meter, AdaptiveIgnoresIt) {
  const histeq::Rect face{10, 10, 30, 20};
  const Image img = FaceScene(80, 60, face, 19);
  histeq::Params p;
  p.mode = histeq::Mode::kAdaptive;
  const Image plain = Equalize(img, p);
  p.meter = face;
  histeq::FrameReport report;
  ExpectSame(Equalize(img, p, 1, 0, &report), plain);
  EXPECT_EQ(report.metered, (histeq::Rect{0, 0, 80, 60}));
}

TEST(Meter, DeepSamples) {
  const histeq::Rect face{7, 3, 25, 18};
  const Image img = FaceScene(47, 31, face, 23);
  const ref::Codes codes = ref::Deepen(img, 10, 5);
  ref::Codes crop;
  crop.width = face.width;
  crop.height = face.height;
  crop.depth = 10;
  for (int y = face.y; y < face.y + face.height; ++y)
    for (int x = face.x; x < face.x + face.width; ++x) crop.v.push_back(codes.at(x, y));
  const ref::Codes expected = ref::Apply(codes, ref::EqualizeLut(crop));
  std::vector<uint16_t> words(codes.v);
  histeq::Plane p;
  p.data = reinterpret_cast<uint8_t*>(words.data());
  p.stride = codes.width * 2;
  p.width = codes.width;
  p.height = codes.height;
  p.pixel_step = 2;
  p.format.depth = 10;
  histeq::Equalizer eq;
  eq.Process(p, Metered(face));
  for (size_t i = 0; i < words.size(); ++i) ASSERT_EQ(words[i], expected.v[i]) << i;
}

// The scene-cut distance is the whole frame's: moving the region over a
// static picture, or dropping it, is no cut, while the mapping follows the
// region's average.
TEST(Meter, RegionChangesAreNoSceneCut) {
  const histeq::Rect face{10, 10, 30, 20};
  const Image img = FaceScene(80, 60, face, 29);
  histeq::Params p;
  p.smoothing = 10;
  p.scene_threshold = 0.05;
  histeq::Equalizer eq;
  const histeq::Rect regions[] = {histeq::Rect{}, face, histeq::Rect{50, 30, 30, 30},
                                  histeq::Rect{}, face};
  Image first_face_frame;
  for (int i = 0; i < 5; ++i) {
    std::vector<uint8_t> buf(img.pixels);
    p.meter = regions[i];
    histeq::FrameReport report;
    eq.Process(histeq::Plane::Gray8(buf.data(), 80, 80, 60), p, &report);
    EXPECT_FALSE(report.scene_cut) << "frame " << i;
    if (i > 0) {
      EXPECT_EQ(report.distance, 0.0) << "frame " << i;
    }
    if (i == 1) first_face_frame.pixels = buf;
  }
  // Frame 1 follows the average that moved a weight w towards the face's
  // histogram: not the face's own table (a restart would give that).
  const Image own = ref::Apply(img, ref::EqualizeLut(Crop(img, 10, 10, 30, 20)));
  EXPECT_NE(first_face_frame.pixels, own.pixels);
}

// With smoothing, a region metered long enough converges to its own
// mapping (within the ±1 of the averaged tables).
TEST(Meter, SmoothingConvergesToTheRegion) {
  const histeq::Rect face{10, 10, 30, 20};
  const Image img = FaceScene(80, 60, face, 31);
  histeq::Params p;
  p.smoothing = 3;
  histeq::Equalizer eq;
  std::vector<uint8_t> buf;
  for (int i = 0; i < 80; ++i) {
    p.meter = i < 5 ? histeq::Rect{} : face;
    buf = img.pixels;
    eq.Process(histeq::Plane::Gray8(buf.data(), 80, 80, 60), p);
  }
  const Image own = ref::Apply(img, ref::EqualizeLut(Crop(img, 10, 10, 30, 20)));
  for (size_t i = 0; i < buf.size(); ++i)
    ASSERT_LE(std::abs(int(buf[i]) - int(own.pixels[i])), 1) << i;
}

}  // namespace
