// The progress line histeq-enhance prints while it works.
#ifndef HISTEQ_TOOLS_PROGRESS_H_
#define HISTEQ_TOOLS_PROGRESS_H_

#include <cstdint>
#include <string>

namespace enhance {

// "[#########...........]  45%  132.0 fps  0:00:12 left": `position` and
// `duration` in nanoseconds (duration 0: unknown, no bar, no time left),
// `frames` done in `elapsed` seconds of wall time.
std::string ProgressLine(uint64_t position, uint64_t duration, uint64_t frames, double elapsed);

// h:mm:ss
std::string Clock(double seconds);

}  // namespace enhance

#endif  // HISTEQ_TOOLS_PROGRESS_H_
