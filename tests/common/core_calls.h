// Short calls into the core for the tests: planes from loose arguments, and
// the single steps (a whole global equalization, one CLAHE, one histogram)
// through the classes that run them.
#ifndef HISTEQ_TESTS_CORE_CALLS_H_
#define HISTEQ_TESTS_CORE_CALLS_H_

#include <cstddef>
#include <cstdint>

#include "clahe.h"
#include "histeq/equalizer.h"
#include "histeq/plane.h"
#include "histogram.h"
#include "tiles.h"

namespace testcore {

inline histeq::Plane PlaneOf(uint8_t* data, ptrdiff_t stride, int width, int height,
                             int pixel_step = 1,
                             const histeq::SampleFormat& format = histeq::SampleFormat()) {
  histeq::Plane p;
  p.data = data;
  p.stride = stride;
  p.width = width;
  p.height = height;
  p.pixel_step = pixel_step;
  p.format = format;
  return p;
}

inline histeq::Plane PlaneOf(const uint8_t* data, ptrdiff_t stride, int width, int height,
                             int pixel_step = 1,
                             const histeq::SampleFormat& format = histeq::SampleFormat()) {
  return PlaneOf(const_cast<uint8_t*>(data), stride, width, height, pixel_step, format);
}

// cv::equalizeHist (for Range::kFull), as the equalizer's defaults run it.
// Returns false when the plane was left unchanged (flat or empty).
inline bool EqualizeHist8(uint8_t* data, ptrdiff_t stride, int width, int height,
                          int pixel_step = 1, histeq::Range range = histeq::Range::kFull) {
  histeq::Equalizer eq;
  histeq::Params p;
  p.range = range;
  return eq.Process(PlaneOf(data, stride, width, height, pixel_step), p);
}

// Clears hist[256] and counts an 8-bit plane into it.
inline void Histogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                       int pixel_step, uint32_t* hist) {
  histeq::CountPlane(PlaneOf(data, stride, width, height, pixel_step), hist);
}

// Adds the counts of an 8-bit plane to hist[256].
inline void AccumulateHistogram8(const uint8_t* data, ptrdiff_t stride, int width, int height,
                                 int pixel_step, uint32_t* hist) {
  histeq::HistogramCounter8 counter;
  counter.Start(static_cast<uint64_t>(width) * static_cast<uint64_t>(height), width, pixel_step);
  counter.Add(PlaneOf(data, stride, width, height, pixel_step));
  counter.Finish(hist);
}

// cv::createCLAHE(clip, Size(tiles_x, tiles_y))->apply() in place (for
// Range::kFull and strength 1).
inline void ClaheApply(histeq::Clahe* clahe, const histeq::Plane& plane, double clip, int tiles_x,
                       int tiles_y, histeq::Range range = histeq::Range::kFull,
                       double strength = 1.0) {
  histeq::TableParams t;
  t.clip_limit = clip;
  t.range = range;
  t.strength = strength;
  clahe->Apply(plane, histeq::TileGrid::Make(plane.width, plane.height, tiles_x, tiles_y), t);
}

}  // namespace testcore

#endif  // HISTEQ_TESTS_CORE_CALLS_H_
