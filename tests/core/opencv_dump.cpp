// OpenCV's and histeq's outputs across machines: `dump DIR` writes, for a
// fixed set of inputs (the photographs of tests/data, synthetic scenes,
// noise, gradients; 8 and 16-bit), what cv::equalizeHist and
// cv::createCLAHE(clip, tiles) give and what histeq gives for the same call,
// one raw file per case; `compare A B` reads two such directories (say one
// written on amd64, one on aarch64 under qemu) and prints, case by case, how
// many samples differ and by how much between A's OpenCV and B's OpenCV,
// B's histeq and A's OpenCV, B's histeq and B's OpenCV. The inputs are
// generated, so both sides see the same ones. scripts/opencv-arm64.sh runs
// it; docs/arm.md has its results.
//
//   opencv-dump dump DIR
//   opencv-dump compare A B
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core_calls.h"
#include "histeq/equalizer.h"
#include "images.h"
#include "reference.h"

namespace {

struct Input {
  std::string name;
  cv::Mat mat;  // CV_8UC1 or CV_16UC1
};

cv::Mat ToMat(const testimg::Image& img) {
  return cv::Mat(img.height, img.width, CV_8UC1, const_cast<uint8_t*>(img.pixels.data())).clone();
}

cv::Mat ToMat16(const ref::Codes& c) {
  return cv::Mat(c.height, c.width, CV_16UC1, const_cast<uint16_t*>(c.v.data())).clone();
}

// A low-contrast diagonal ramp over [lo, hi] at the given depth: long runs
// of near-equal samples, where CLAHE's blend weights decide every output.
cv::Mat Gradient(int width, int height, int depth, int lo, int hi) {
  cv::Mat m(height, width, depth == 8 ? CV_8UC1 : CV_16UC1);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int v = lo + static_cast<int>((static_cast<long long>(hi - lo) *
                                           (2LL * x * height + y * width)) /
                                          (3LL * width * height));
      if (depth == 8)
        m.at<uint8_t>(y, x) = static_cast<uint8_t>(v);
      else
        m.at<uint16_t>(y, x) = static_cast<uint16_t>(v);
    }
  return m;
}

std::vector<Input> Inputs() {
  std::vector<Input> in;
  for (const auto& name : testimg::TestPhotoNames()) {
    const testimg::Image luma = testimg::LoadTestPhotoLuma(name);
    const std::string base = name.substr(0, name.find('.'));
    in.push_back({base, ToMat(luma)});
    in.push_back({base + "-16", ToMat16(ref::Deepen(luma, 16, 7))});
  }
  const testimg::Image scene = testimg::MakeScene(1280, 720, 3);
  in.push_back({"scene-1280x720", ToMat(scene)});
  in.push_back({"scene-1280x720-16", ToMat16(ref::Deepen(scene, 16, 11))});
  in.push_back({"scene-385x289", ToMat(testimg::MakeScene(385, 289, 1))});
  in.push_back({"noise-641x479", ToMat(testimg::MakeNoise(641, 479, 4))});
  in.push_back({"noise-narrow-640x480", ToMat(testimg::MakeNoise(640, 480, 5, 100, 140))});
  in.push_back({"noise-641x479-16", ToMat16(ref::Deepen(testimg::MakeNoise(641, 479, 4), 16, 13))});
  in.push_back({"gradient-1001x677", Gradient(1001, 677, 8, 70, 150)});
  in.push_back({"gradient-1001x677-16", Gradient(1001, 677, 16, 18000, 38000)});
  return in;
}

struct Case {
  std::string name;
  const Input* input;
  bool clahe;
  double clip;
  int tx, ty;
};

std::vector<Case> Cases(const std::vector<Input>& inputs) {
  std::vector<Case> cases;
  for (const Input& in : inputs) {
    if (in.mat.depth() == CV_8U) cases.push_back({in.name + "-equalize", &in, false, 0, 0, 0});
    for (double clip : {1.0, 2.0, 4.0, 40.0})
      for (auto t : {cv::Size(1, 1), cv::Size(2, 3), cv::Size(8, 8), cv::Size(16, 9)}) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "-clahe-clip%g-%dx%d", clip, t.width, t.height);
        cases.push_back({in.name + buf, &in, true, clip, t.width, t.height});
      }
  }
  return cases;
}

cv::Mat RunOpenCV(const Case& c) {
  cv::Mat out;
  if (c.clahe)
    cv::createCLAHE(c.clip, cv::Size(c.tx, c.ty))->apply(c.input->mat, out);
  else
    cv::equalizeHist(c.input->mat, out);
  return out;
}

cv::Mat RunHisteq(const Case& c) {
  cv::Mat out = c.input->mat.clone();
  histeq::SampleFormat f;
  f.depth = out.depth() == CV_8U ? 8 : 16;
  const histeq::Plane plane = testcore::PlaneOf(out.data, static_cast<ptrdiff_t>(out.step),
                                                out.cols, out.rows,
                                                static_cast<int>(out.elemSize()), f);
  if (c.clahe) {
    histeq::Clahe clahe;
    testcore::ClaheApply(&clahe, plane, c.clip, c.tx, c.ty);
  } else {
    histeq::Equalizer eq;
    eq.Process(plane, histeq::Params());
  }
  return out;
}

bool Write(const std::string& path, const cv::Mat& m) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(m.data), static_cast<std::streamsize>(m.total() * m.elemSize()));
  return static_cast<bool>(f);
}

bool Read(const std::string& path, const cv::Mat& like, cv::Mat* m) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() != like.total() * like.elemSize()) return false;
  *m = cv::Mat(like.rows, like.cols, like.type());
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(m->data));
  return true;
}

struct Diff {
  int differing = 0;
  double max_abs = 0;
};

Diff Compare(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  Diff r;
  r.differing = cv::countNonZero(d);
  cv::minMaxLoc(d, nullptr, &r.max_abs);
  return r;
}

int Dump(const std::string& dir) {
  const std::vector<Input> inputs = Inputs();
  const std::vector<Case> cases = Cases(inputs);
  for (const Case& c : cases) {
    if (!Write(dir + "/" + c.name + ".opencv", RunOpenCV(c)) ||
        !Write(dir + "/" + c.name + ".histeq", RunHisteq(c))) {
      std::fprintf(stderr, "opencv-dump: cannot write %s/%s\n", dir.c_str(), c.name.c_str());
      return 1;
    }
  }
  std::printf("opencv-dump: %zu cases written to %s\n", cases.size(), dir.c_str());
  return 0;
}

// One line per case, then the totals per depth and kind; exits 1 if a file
// is missing or has the wrong size.
int CompareDirs(const std::string& a, const std::string& b) {
  const std::vector<Input> inputs = Inputs();
  struct Total {
    long long cases = 0, samples = 0, cases_differing = 0, cv_differing = 0, vs_a = 0, vs_b = 0;
    double cv_max = 0, vs_a_max = 0, vs_b_max = 0;
  };
  Total totals[2][2];  // [16-bit][clahe]
  int status = 0;
  std::printf("%-44s %9s | %-16s | %-16s | %-16s\n", "case", "samples", "OpenCV A vs B",
              "histeq B vs cv A", "histeq B vs cv B");
  for (const Case& c : Cases(inputs)) {
    cv::Mat cv_a, cv_b, he_b;
    const cv::Mat& like = c.input->mat;
    if (!Read(a + "/" + c.name + ".opencv", like, &cv_a) ||
        !Read(b + "/" + c.name + ".opencv", like, &cv_b) ||
        !Read(b + "/" + c.name + ".histeq", like, &he_b)) {
      std::printf("%-44s missing or wrong size\n", c.name.c_str());
      status = 1;
      continue;
    }
    const Diff cv = Compare(cv_a, cv_b), va = Compare(he_b, cv_a), vb = Compare(he_b, cv_b);
    auto cell = [](const Diff& d) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%d (max %g)", d.differing, d.max_abs);
      return std::string(buf);
    };
    std::printf("%-44s %9zu | %-16s | %-16s | %-16s\n", c.name.c_str(), like.total(),
                cell(cv).c_str(), cell(va).c_str(), cell(vb).c_str());
    Total& t = totals[like.depth() == CV_16U][c.clahe];
    ++t.cases;
    t.samples += static_cast<long long>(like.total());
    t.cases_differing += cv.differing > 0;
    t.cv_differing += cv.differing;
    t.vs_a += va.differing;
    t.vs_b += vb.differing;
    t.cv_max = std::max(t.cv_max, cv.max_abs);
    t.vs_a_max = std::max(t.vs_a_max, va.max_abs);
    t.vs_b_max = std::max(t.vs_b_max, vb.max_abs);
  }
  std::printf("\n%-20s %5s %10s | %-30s | %-20s | %-20s\n", "totals", "cases", "samples",
              "OpenCV A vs B (cases differing)", "histeq B vs cv A", "histeq B vs cv B");
  const char* names[2][2] = {{"8-bit equalizeHist", "8-bit CLAHE"}, {"16-bit equalize", "16-bit CLAHE"}};
  for (int d = 0; d < 2; ++d)
    for (int k = 0; k < 2; ++k) {
      const Total& t = totals[d][k];
      if (t.cases == 0) continue;
      char cvc[64], vac[48], vbc[48];
      std::snprintf(cvc, sizeof cvc, "%lld (max %g; %lld cases)", t.cv_differing, t.cv_max,
                    t.cases_differing);
      std::snprintf(vac, sizeof vac, "%lld (max %g)", t.vs_a, t.vs_a_max);
      std::snprintf(vbc, sizeof vbc, "%lld (max %g)", t.vs_b, t.vs_b_max);
      std::printf("%-20s %5lld %10lld | %-30s | %-20s | %-20s\n", names[d][k], t.cases, t.samples,
                  cvc, vac, vbc);
    }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "dump" && argc == 3) return Dump(argv[2]);
  if (mode == "compare" && argc == 4) return CompareDirs(argv[2], argv[3]);
  std::fprintf(stderr, "usage: opencv-dump dump DIR | opencv-dump compare A B\n");
  return 2;
}
