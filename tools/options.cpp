#include "options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace enhance {
namespace {

const char kUsage[] =
    "Usage: histeq-enhance INPUT OUTPUT [OPTION...]\n"
    "\n"
    "Enhances the contrast of a video or a picture with GStreamer's histeq\n"
    "element. The output's kind follows its extension: .mp4 .mov .mkv .webm\n"
    ".avi .ogv for video (audio is kept), .png .jpg for pictures.\n"
    "\n"
    "Options:\n"
    "  --mode global|adaptive  global: one mapping per frame (as\n"
    "                          cv::equalizeHist); adaptive: CLAHE, local\n"
    "                          contrast (default: global)\n"
    "  --strength S            0 (unchanged) .. 1 (full) (default: 0.8)\n"
    "  --clip-limit C          contrast limit: no value gets stretched more than\n"
    "                          about C times, so flat areas do not turn into\n"
    "                          blotches; 0 = automatic (none in global mode, as\n"
    "                          cv::equalizeHist; 2 in adaptive mode), up to 1000\n"
    "                          (default: 1.5)\n"
    "  --clip-spread all|range where the clip limit hands out what it cuts\n"
    "                          off, in global mode: over all codes (all, as\n"
    "                          OpenCV) or over the codes the frame occupies\n"
    "                          (range: more contrast on dull footage)\n"
    "                          (default: range)\n"
    "  --smoothing N           temporal smoothing in frames, 0..300 (default:\n"
    "                          15 for videos, so the picture does not pump)\n"
    "  --preview               write OUTPUT (.png) as the original and the\n"
    "                          result side by side, from one frame (a third\n"
    "                          into a video), instead of the whole file\n"
    "  --show                  also show the original and the result side by\n"
    "                          side in a window while working\n"
    "  -h, --help              this help\n"
    "  --version               the version\n"
    "\n"
    "The defaults (global, --clip-limit 1.5 --clip-spread range, --strength\n"
    "0.8) keep well-exposed footage as it is and restore dull footage without\n"
    "posterizing flat areas; --clip-limit 0 --strength 1 is plain histogram\n"
    "equalization.\n"
    "\n"
    "Ctrl-C stops a video early and still finishes the file cleanly.\n";

// "--name value" or "--name=value": the value, or null if `arg` is not `name`.
const char* ValueOf(const char* name, int argc, char** argv, int* i, bool* missing) {
  const size_t n = std::strlen(name);
  const char* arg = argv[*i];
  if (std::strncmp(arg, name, n) != 0) return nullptr;
  if (arg[n] == '=') return arg + n + 1;
  if (arg[n] != '\0') return nullptr;
  if (*i + 1 >= argc) {
    *missing = true;
    return nullptr;
  }
  return argv[++*i];
}

bool ParseNumber(const char* text, double lo, double hi, double* out) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !std::isfinite(v) || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

int UsageError(const char* what, const char* value = nullptr) {
  if (value)
    std::fprintf(stderr, "histeq-enhance: %s '%s' (see --help)\n", what, value);
  else
    std::fprintf(stderr, "histeq-enhance: %s (see --help)\n", what);
  return 2;
}

}  // namespace

int ParseOptions(int argc, char** argv, Options* o) {
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    bool missing = false;
    const char* v = nullptr;
    double number = 0;
    if (std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help") == 0) {
      std::fputs(kUsage, stdout);
      return -1;
    } else if (std::strcmp(arg, "--version") == 0) {
      std::printf("histeq-enhance %s\n", HISTEQ_VERSION);
      return -1;
    } else if (std::strcmp(arg, "--preview") == 0) {
      o->preview = true;
    } else if (std::strcmp(arg, "--show") == 0) {
      o->show = true;
    } else if ((v = ValueOf("--mode", argc, argv, &i, &missing))) {
      if (std::strcmp(v, "global") != 0 && std::strcmp(v, "adaptive") != 0)
        return UsageError("--mode must be global or adaptive, not", v);
      o->mode = v;
    } else if ((v = ValueOf("--strength", argc, argv, &i, &missing))) {
      if (!ParseNumber(v, 0.0, 1.0, &number))
        return UsageError("--strength must be a number from 0 to 1, not", v);
      o->strength = number;
    } else if ((v = ValueOf("--clip-limit", argc, argv, &i, &missing))) {
      if (!ParseNumber(v, 0.0, 1000.0, &number))
        return UsageError("--clip-limit must be a number from 0 to 1000, not", v);
      o->clip_limit = number;
    } else if ((v = ValueOf("--clip-spread", argc, argv, &i, &missing))) {
      if (std::strcmp(v, "all") != 0 && std::strcmp(v, "range") != 0)
        return UsageError("--clip-spread must be all or range, not", v);
      o->clip_spread = v;
    } else if ((v = ValueOf("--smoothing", argc, argv, &i, &missing))) {
      if (!ParseNumber(v, 0.0, 300.0, &number) || number != std::floor(number))
        return UsageError("--smoothing must be a whole number from 0 to 300, not", v);
      o->smoothing = static_cast<unsigned>(number);
      o->smoothing_set = true;
    } else if (missing) {
      return UsageError("a value is missing after", arg);
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return UsageError("unknown option", arg);
    } else if (positional == 0) {
      o->input = arg;
      ++positional;
    } else if (positional == 1) {
      o->output = arg;
      ++positional;
    } else {
      return UsageError("one INPUT and one OUTPUT only; extra argument", arg);
    }
  }
  if (positional < 2) return UsageError("INPUT and OUTPUT are required");
  return 0;
}

}  // namespace enhance
