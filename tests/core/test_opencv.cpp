// Cross-check with OpenCV itself: the default output must be byte-for-byte
// cv::equalizeHist, on photographs and on adversarial planes, including
// ROIs whose step is not the width.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

namespace {

using testimg::Image;

cv::Mat ToMat(const Image& img) {
  return cv::Mat(img.height, img.width, CV_8UC1,
                 const_cast<uint8_t*>(img.pixels.data())).clone();
}

// Runs both on the same picture; the histeq side in a padded plane.
void ExpectSameAsOpenCV(const Image& img, int padding = 0) {
  cv::Mat expected;
  cv::equalizeHist(ToMat(img), expected);

  testimg::PaddedPlane plane(img, 1, padding);
  testcore::EqualizeHist8(plane.data(), plane.stride(), img.width, img.height);
  const cv::Mat got = ToMat(plane.Samples());
  EXPECT_EQ(cv::countNonZero(got != expected), 0)
      << img.width << "x" << img.height << " differs from cv::equalizeHist";
  EXPECT_TRUE(plane.NonSamplesIntact());
}

TEST(OpenCV, Photographs) {
  for (const auto& name : testimg::TestPhotoNames()) {
    SCOPED_TRACE(name);
    ExpectSameAsOpenCV(testimg::LoadTestPhotoLuma(name));
    ExpectSameAsOpenCV(testimg::LoadTestPhotoLuma(name), 13);
  }
}

TEST(OpenCV, ScenesAtOddSizes) {
  const int sizes[][2] = {{385, 289}, {322, 241}, {1920, 1080}, {641, 479},
                          {2, 3}, {1, 9}};
  for (const auto& s : sizes)
    ExpectSameAsOpenCV(testimg::MakeScene(s[0], s[1], 21), 3);
}

TEST(OpenCV, Adversarial) {
  ExpectSameAsOpenCV(testimg::MakeFlat(1, 1, 9));
  ExpectSameAsOpenCV(testimg::MakeFlat(40, 30, 0));
  ExpectSameAsOpenCV(testimg::MakeFlat(40, 30, 255));
  ExpectSameAsOpenCV(testimg::MakeTwoValued(41, 31, 0, 255, 1));
  ExpectSameAsOpenCV(testimg::MakeTwoValued(41, 31, 127, 128, 2));
  ExpectSameAsOpenCV(testimg::MakeNoise(1000, 999, 3));
  ExpectSameAsOpenCV(testimg::MakeNoise(257, 3, 4, 200, 210));
}

TEST(OpenCV, LargeFrameFloatRounding) {
  ExpectSameAsOpenCV(testimg::MakeNoise(4100, 4096, 8, 0, 40));
}

TEST(OpenCV, RoiWithPaddedStep) {
  // OpenCV's own view of a padded plane: a ROI of a wider Mat.
  Image img = testimg::MakeScene(301, 203, 5);
  cv::Mat wide(203, 320, CV_8UC1, cv::Scalar(77));
  ToMat(img).copyTo(wide(cv::Rect(0, 0, 301, 203)));
  cv::Mat roi = wide(cv::Rect(0, 0, 301, 203));
  cv::Mat expected;
  cv::equalizeHist(roi, expected);
  testcore::EqualizeHist8(wide.data, static_cast<ptrdiff_t>(wide.step), 301, 203);
  EXPECT_EQ(cv::countNonZero(roi != expected), 0);
  EXPECT_EQ(cv::countNonZero(wide(cv::Rect(301, 0, 19, 203)) != 77), 0);
}

}  // namespace

namespace {

// CLAHE on the grid of the acceptance criteria: histeq's adaptive mode
// against cv::createCLAHE(clip, tiles)->apply, within +-1 per sample. The
// share of samples that differ at all is printed; the target is 0.
//
// OpenCV's CLAHE blend is plain float code (a*b + c*d), which GCC fuses into
// multiply-adds by default where the baseline has them (aarch64; not
// x86-64). Debian's arm64 OpenCV is built so and rounds a few blended
// samples in 10000 one code away from its amd64 build (docs/arm.md has the
// counts); histeq is built with -ffp-contract=off and gives amd64 OpenCV's
// bytes on every machine (scripts/opencv-arm64.sh checks that on aarch64).
// Against an OpenCV built for such a target only +-1 is required here.
#ifdef __FP_FAST_FMAF
constexpr bool kOpenCVMayFuse = true;
#else
constexpr bool kOpenCVMayFuse = false;
#endif
struct ClaheDiff {
  long long differing = 0, total = 0;
  int max_abs = 0;
};

ClaheDiff CompareClahe(const Image& img, double clip, int tx, int ty) {
  cv::Mat expected;
  cv::createCLAHE(clip, cv::Size(tx, ty))->apply(ToMat(img), expected);
  testimg::PaddedPlane plane(img, 1, 5);
  histeq::Clahe clahe;
  testcore::ClaheApply(&clahe, testcore::PlaneOf(plane.data(), plane.stride(), img.width, img.height),
                       clip, tx, ty);
  EXPECT_TRUE(plane.NonSamplesIntact());
  const cv::Mat got = ToMat(plane.Samples());
  cv::Mat diff;
  cv::absdiff(got, expected, diff);
  double max_abs = 0;
  cv::minMaxLoc(diff, nullptr, &max_abs);
  return {cv::countNonZero(diff), static_cast<long long>(diff.total()),
          static_cast<int>(max_abs)};
}

TEST(OpenCV, ClaheGridWithinOne) {
  std::vector<Image> images;
  for (const auto& name : testimg::TestPhotoNames()) images.push_back(testimg::LoadTestPhotoLuma(name));
  images.push_back(testimg::MakeScene(385, 289, 1));
  images.push_back(testimg::MakeScene(322, 241, 2));
  images.push_back(testimg::MakeScene(1920, 1080, 3));
  images.push_back(testimg::MakeNoise(641, 479, 4));
  ClaheDiff all;
  for (double clip : {1.0, 2.0, 4.0, 40.0})
    for (auto tiles : {cv::Size(1, 1), cv::Size(2, 3), cv::Size(8, 8), cv::Size(16, 9)})
      for (const Image& img : images) {
        const ClaheDiff d = CompareClahe(img, clip, tiles.width, tiles.height);
        EXPECT_LE(d.max_abs, 1) << img.width << "x" << img.height << " clip " << clip
                                << " tiles " << tiles.width << "x" << tiles.height;
        all.differing += d.differing;
        all.total += d.total;
        all.max_abs = std::max(all.max_abs, d.max_abs);
      }
  const double share = static_cast<double>(all.differing) / all.total;
  std::printf("CLAHE vs OpenCV: %lld of %lld samples differ (%.6f%%), max |diff| %d\n",
              all.differing, all.total, 100.0 * share, all.max_abs);
  RecordProperty("clahe_differing_samples", std::to_string(all.differing));
  if (!kOpenCVMayFuse) {
    EXPECT_EQ(all.differing, 0) << "exactness regressed; the contract allows +-1 but we had 0";
  }
}

TEST(OpenCV, ClaheTinyAndAdversarial) {
  for (auto tiles : {cv::Size(8, 8), cv::Size(16, 9), cv::Size(2, 3)}) {
    for (const Image& img : {testimg::MakeFlat(1, 1, 50), testimg::MakeNoise(2, 3, 1),
                             testimg::MakeNoise(7, 5, 2), testimg::MakeFlat(64, 64, 0),
                             testimg::MakeFlat(63, 65, 255), testimg::MakeTwoValued(99, 51, 3, 250, 3)}) {
      const ClaheDiff d = CompareClahe(img, 2.0, tiles.width, tiles.height);
      EXPECT_EQ(d.differing, 0) << img.width << "x" << img.height << " tiles " << tiles.width
                                << "x" << tiles.height << " max " << d.max_abs;
    }
  }
}

TEST(OpenCV, GlobalClipIsClaheOneByOne) {
  const Image img = testimg::LoadTestPhotoLuma("coffee.ppm");
  cv::Mat expected;
  cv::createCLAHE(3.0, cv::Size(1, 1))->apply(ToMat(img), expected);
  testimg::PaddedPlane plane(img, 1, 0);
  histeq::Params p;
  p.clip_limit = 3.0;
  histeq::Equalizer eq;
  eq.Process(testcore::PlaneOf(plane.data(), plane.stride(), img.width, img.height, 1), p);
  EXPECT_EQ(cv::countNonZero(ToMat(plane.Samples()) != expected), 0);
}

}  // namespace

namespace {

// 16-bit CLAHE against OpenCV's CV_16U path, within +-1 code.
TEST(OpenCV, Clahe16BitWithinOne) {
  long long differing = 0, total = 0;
  int worst = 0;
  for (const auto& name : testimg::TestPhotoNames()) {
    const ref::Codes c = ref::Deepen(testimg::LoadTestPhotoLuma(name), 16, 7);
    cv::Mat src(c.height, c.width, CV_16UC1, const_cast<uint16_t*>(c.v.data()));
    for (double clip : {2.0, 40.0}) {
      for (auto tiles : {cv::Size(8, 8), cv::Size(3, 5)}) {
        cv::Mat expected;
        cv::createCLAHE(clip, tiles)->apply(src, expected);
        cv::Mat got = src.clone();
        histeq::Clahe clahe;
        histeq::SampleFormat f;
        f.depth = 16;
        testcore::ClaheApply(&clahe,
                             testcore::PlaneOf(got.data, static_cast<ptrdiff_t>(got.step), c.width,
                                               c.height, 2, f),
                             clip, tiles.width, tiles.height);
        cv::Mat diff;
        cv::absdiff(got, expected, diff);
        double m = 0;
        cv::minMaxLoc(diff, nullptr, &m);
        worst = std::max(worst, static_cast<int>(m));
        differing += cv::countNonZero(diff);
        total += static_cast<long long>(diff.total());
        EXPECT_LE(m, 1.0) << name << " clip " << clip << " tiles " << tiles;
      }
    }
  }
  std::printf("CLAHE 16-bit vs OpenCV: %lld of %lld samples differ, max |diff| %d\n", differing,
              total, worst);
}

}  // namespace
