// Histograms of 8-bit planes.
//
// Plane API used across the core: `data` points at the first sample of the
// plane, `stride` is the distance in bytes between two rows (it may be larger
// than the row, or negative), `width` and `height` count samples, and
// `pixel_step` is the distance in bytes between two samples of a row (1 for
// planar formats, 2 for Y in YUY2, 4 for Y in AYUV, ...). Only the samples
// are read or written; bytes between them and after each row are left alone.
#ifndef HISTEQ_HISTOGRAM_H_
#define HISTEQ_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>

namespace histeq {

constexpr int kBins8 = 256;

// Adds the count of every sample value of the plane to `hist` (it is not
// cleared first, so stripes or tiles can be accumulated into one histogram).
void AccumulateHistogram8(const uint8_t* data, ptrdiff_t stride, int width,
                          int height, int pixel_step, uint32_t hist[kBins8]);

// Clears `hist` and counts the plane into it.
void Histogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                int pixel_step, uint32_t hist[kBins8]);

}  // namespace histeq

#endif  // HISTEQ_HISTOGRAM_H_
