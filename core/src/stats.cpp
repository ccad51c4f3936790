#include "stats.h"

#include <cmath>

namespace histeq {

PlaneStats StatsFromHistogram(const uint32_t* hist, int bins) {
  double n = 0.0, sum = 0.0;
  for (int v = 0; v < bins; ++v) {
    n += hist[v];
    sum += static_cast<double>(hist[v]) * v;
  }
  PlaneStats s;
  if (n == 0.0) return s;
  s.mean = sum / n;
  double var = 0.0;
  for (int v = 0; v < bins; ++v) var += hist[v] * (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(var / n);
  return s;
}

}  // namespace histeq
