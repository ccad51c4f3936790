// Where a sample sits between tile centres, computed exactly as cv::CLAHE
// computes it (single precision, no fused multiply-add: the files including
// this are built with -ffp-contract=off).
#ifndef HISTEQ_SRC_SPLITS_H_
#define HISTEQ_SRC_SPLITS_H_

#include <cmath>
#include <vector>

#include "tiles.h"

namespace histeq {

// The tile row or column below/left of position t (in tile units, -0.5
// shifted) and the weight of the one after it, as OpenCV computes them.
struct Split {
  int first;  // floor(t): -1 before the first tile centre
  float a;    // t - floor(t)
};

inline Split SplitAt(int pos, float inv_size) {
  const float t = static_cast<float>(pos) * inv_size - 0.5f;
  const int first = static_cast<int>(std::floor(t));
  return {first, t - static_cast<float>(first)};
}

// Per column x: the tile column left of it (floor, -1 before the first
// centre) and the weights of that column and the next.
inline void ColumnSplits(const TileGrid& g, std::vector<int>* first, std::vector<float>* a,
                         std::vector<float>* a1) {
  first->resize(g.width);
  a->resize(g.width);
  a1->resize(g.width);
  const float inv_tw = 1.0f / static_cast<float>(g.tile_width);
  for (int x = 0; x < g.width; ++x) {
    const Split sp = SplitAt(x, inv_tw);
    (*first)[x] = sp.first;
    (*a)[x] = sp.a;
    (*a1)[x] = 1.0f - sp.a;
  }
}

}  // namespace histeq

#endif  // HISTEQ_SRC_SPLITS_H_
