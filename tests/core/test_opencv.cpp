// Cross-check with OpenCV itself: the default output must be byte-for-byte
// cv::equalizeHist, on photographs and on adversarial planes, including
// ROIs whose step is not the width.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "histeq/equalize.h"
#include "images.h"

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
  histeq::EqualizeHist8(plane.data(), plane.stride(), img.width, img.height);
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
  histeq::EqualizeHist8(wide.data, static_cast<ptrdiff_t>(wide.step), 301, 203);
  EXPECT_EQ(cv::countNonZero(roi != expected), 0);
  EXPECT_EQ(cv::countNonZero(wide(cv::Rect(301, 0, 19, 203)) != 77), 0);
}

}  // namespace
