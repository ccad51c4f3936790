// A small pool of persistent worker threads for splitting a frame into
// stripes. Made once (when a stream starts), never per frame.
#ifndef HISTEQ_THREADS_H_
#define HISTEQ_THREADS_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace histeq {

class ThreadPool {
 public:
  // `threads` >= 1 in all, the calling thread included: threads - 1 workers
  // are started now and wait for work.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(i) once for every i in [0, n), spread over the threads (the
  // caller works too), and returns when all calls have returned. Not
  // reentrant: one ParallelFor at a time.
  void ParallelFor(int n, const std::function<void(int)>& fn);

  // The number of threads to use for `requested` (0 = one per core).
  static int Resolve(int requested);

 private:
  void Work();
  void RunShare();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* fn_ = nullptr;
  int n_ = 0, next_ = 0, busy_ = 0;
  unsigned generation_ = 0;
  bool stop_ = false;
};

// Runs fn(i) for i in [0, n) on `pool`, or in order on the calling thread
// when there is no pool. `fn` is passed by reference, so no std::function
// allocates per call: a steady stream allocates nothing.
template <typename F>
void ForEach(ThreadPool* pool, int n, F&& fn) {
  if (pool && pool->size() > 1 && n > 1) {
    pool->ParallelFor(n, std::function<void(int)>(std::ref(fn)));
  } else {
    for (int i = 0; i < n; ++i) fn(i);
  }
}

// The rows [begin, end) of stripe `i` of `n` over `height` rows.
inline void StripeRows(int i, int n, int height, int* begin, int* end) {
  *begin = static_cast<int>(static_cast<long long>(height) * i / n);
  *end = static_cast<int>(static_cast<long long>(height) * (i + 1) / n);
}

}  // namespace histeq

#endif  // HISTEQ_THREADS_H_
