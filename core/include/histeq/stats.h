// Summary statistics of a plane, from its histogram.
#ifndef HISTEQ_STATS_H_
#define HISTEQ_STATS_H_

#include <cstdint>

#include "histeq/histogram.h"

namespace histeq {

struct PlaneStats {
  double mean = 0.0;    // of the sample values
  double stddev = 0.0;  // population standard deviation
};

// Mean and standard deviation of the samples counted in `hist`, `bins`
// counts, in code values (all zero for an empty histogram).
PlaneStats StatsFromHistogram(const uint32_t* hist, int bins);
inline PlaneStats StatsFromHistogram8(const uint32_t hist[kBins8]) {
  return StatsFromHistogram(hist, kBins8);
}

}  // namespace histeq

#endif  // HISTEQ_STATS_H_
