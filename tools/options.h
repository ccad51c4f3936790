// histeq-enhance's command line.
#ifndef HISTEQ_TOOLS_OPTIONS_H_
#define HISTEQ_TOOLS_OPTIONS_H_

#include <string>

namespace enhance {

struct Options {
  std::string input, output;
  std::string mode = "global";  // or "adaptive"
  // Contrast-limited global equalization with the excess over the occupied
  // codes, blended 80 % with the input: chosen by measurement on real
  // footage (docs/enhance-defaults.md). The element's own defaults
  // (strength 1, no clip limit) are cv::equalizeHist.
  double strength = 0.8;
  double clip_limit = 1.5;            // 0: the element's automatic choice
  std::string clip_spread = "range";  // or "all" (OpenCV's): the element's clip-spread
  unsigned smoothing = 0;
  bool smoothing_set = false;   // not given: 15 for videos, 0 for pictures
  bool preview = false;
  bool show = false;
};

// Parses argv into `options`. Returns 0 to go on, -1 after --help or
// --version (printed on stdout: exit 0), or 2 after a usage error (one line
// on stderr: exit 2).
int ParseOptions(int argc, char** argv, Options* options);

}  // namespace enhance

#endif  // HISTEQ_TOOLS_OPTIONS_H_
