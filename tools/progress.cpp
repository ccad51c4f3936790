#include "progress.h"

#include <algorithm>
#include <cstdio>

namespace enhance {

std::string Clock(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

std::string ProgressLine(uint64_t position, uint64_t duration, uint64_t frames, double elapsed) {
  const double fps = elapsed > 0 ? frames / elapsed : 0.0;
  char buf[160];
  if (duration == 0) {
    std::snprintf(buf, sizeof buf, "%s done  %6.1f fps", Clock(position / 1e9).c_str(), fps);
    return buf;
  }
  const double done = std::min(1.0, static_cast<double>(position) / duration);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(done * kWidth);
  std::string bar(kWidth, '.');
  std::fill(bar.begin(), bar.begin() + filled, '#');
  // Time left at the speed so far (media time per wall second).
  const double rate = elapsed > 0 ? position / 1e9 / elapsed : 0.0;
  const std::string left = rate > 0 ? Clock((duration - std::min(position, duration)) / 1e9 / rate)
                                    : std::string("-:--:--");
  std::snprintf(buf, sizeof buf, "[%s] %3d%%  %6.1f fps  %s left", bar.c_str(),
                static_cast<int>(done * 100), fps, left.c_str());
  return buf;
}

}  // namespace enhance
