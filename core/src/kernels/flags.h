// A kernel's loop made for the case at hand: WithFlags calls a generic
// lambda with each runtime flag as a compile-time one, so that the loop it
// instantiates holds no test of a flag and no step the case does not need.
#ifndef HISTEQ_SRC_KERNELS_FLAGS_H_
#define HISTEQ_SRC_KERNELS_FLAGS_H_

#include <type_traits>

namespace histeq {
namespace kernels {

// fn(std::bool_constant<a>(), std::bool_constant<b>(), std::bool_constant<c>()).
template <typename F>
inline auto WithFlags(bool a, bool b, bool c, F&& fn) {
  auto third = [&](auto x, auto y) {
    return c ? fn(x, y, std::true_type()) : fn(x, y, std::false_type());
  };
  auto second = [&](auto x) { return b ? third(x, std::true_type()) : third(x, std::false_type()); };
  return a ? second(std::true_type()) : second(std::false_type());
}

}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_FLAGS_H_
