// Summary statistics of a plane, from its histogram.
#ifndef HISTEQ_SRC_STATS_H_
#define HISTEQ_SRC_STATS_H_

#include <cstdint>

namespace histeq {

struct PlaneStats {
  double mean = 0.0;    // of the sample values
  double stddev = 0.0;  // population standard deviation
};

// Mean and standard deviation of the samples counted in `hist`, `bins`
// counts, in code values (all zero for an empty histogram).
PlaneStats StatsFromHistogram(const uint32_t* hist, int bins);

}  // namespace histeq

#endif  // HISTEQ_SRC_STATS_H_
