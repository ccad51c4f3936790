// A kernel's loop made for the case at hand: WithFlags calls a generic
// lambda with each runtime flag as a compile-time one, so that the loop it
// instantiates holds no test of a flag and no step the case does not need.
#ifndef HISTEQ_SRC_KERNELS_FLAGS_H_
#define HISTEQ_SRC_KERNELS_FLAGS_H_

#include <type_traits>

namespace histeq {
namespace kernels {

// fn(std::bool_constant<flags>()...), in the flags' order.
template <typename F>
inline auto WithFlags(F&& fn) {
  return fn();
}
template <typename F, typename... Rest>
inline auto WithFlags(F&& fn, bool flag, Rest... rest) {
  if (flag)
    return WithFlags([&](auto... later) { return fn(std::true_type(), later...); }, rest...);
  return WithFlags([&](auto... later) { return fn(std::false_type(), later...); }, rest...);
}

}  // namespace kernels
}  // namespace histeq

#endif  // HISTEQ_SRC_KERNELS_FLAGS_H_
