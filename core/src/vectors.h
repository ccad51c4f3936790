// Sizing the core's state: memory follows the setting, so what a larger
// setting needed is given back when a smaller one follows.
#ifndef HISTEQ_SRC_VECTORS_H_
#define HISTEQ_SRC_VECTORS_H_

#include <cstddef>
#include <vector>

namespace histeq {

// v resized to n; its memory given back first when it holds over twice that.
template <typename T>
void Fit(std::vector<T>* v, size_t n) {
  if (v->capacity() > 2 * n) std::vector<T>().swap(*v);
  v->resize(n);
}

}  // namespace histeq

#endif  // HISTEQ_SRC_VECTORS_H_
