// A small pool of persistent worker threads for splitting a frame into
// pieces. Made once (when a stream starts), never per frame.
#ifndef HISTEQ_THREADS_H_
#define HISTEQ_THREADS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <type_traits>
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

  // Calls fn(i, slot) once for every i in [0, n), spread over the threads
  // (the caller works too), and returns when all calls have returned. The
  // threads take items one at a time as they get free, so a thread that
  // wakes late or runs slower (a CPU shared with other work) leaves more to
  // the others. `slot` in [0, size()) names the thread making the call: two
  // calls with the same slot never run at once (scratch per slot is safe).
  // Not reentrant: one ParallelFor at a time.
  void ParallelFor(int n, const std::function<void(int, int)>& fn);

  // The number of threads to use for `requested` (0 = one per core).
  static int Resolve(int requested);

 private:
  void Work(int slot);
  void RunShare(int slot);
  void KeepWorkersOffCallersCpu();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int, int)>* fn_ = nullptr;
  int n_ = 0, next_ = 0, busy_ = 0;
  std::atomic<unsigned> generation_{0};  // one more per ParallelFor (written locked)
  std::atomic<bool> finished_{true};     // every item of this generation returned
  bool stop_ = false;
  std::vector<int> cpus_;  // the CPUs the workers started with
  int caller_cpu_ = -1;    // the caller's CPU when the workers were last placed
};

// The slots a pool has (1 without one): scratch for ForEach's `slot`.
inline int Slots(const ThreadPool* pool) { return pool ? pool->size() : 1; }

// How many pieces to cut `items` items into: one without threads, else a
// few per thread so that one starting late or running slow costs little.
inline int Pieces(const ThreadPool* pool, int items) {
  constexpr int kPiecesPerThread = 8;
  const int threads = Slots(pool);
  if (threads <= 1 || items <= 1) return items < 1 ? items : 1;
  return items < threads * kPiecesPerThread ? items : threads * kPiecesPerThread;
}

// Runs fn(i) or fn(i, slot) for i in [0, n) on `pool`, or in order on the
// calling thread (slot 0) when there is no pool. `fn` is passed by
// reference, so no std::function allocates per call: a steady stream
// allocates nothing.
template <typename F>
void ForEach(ThreadPool* pool, int n, F&& fn) {
  auto call = [&fn](int i, int slot) {
    if constexpr (std::is_invocable_v<F&, int, int>)
      fn(i, slot);
    else
      fn(i);
  };
  if (pool && pool->size() > 1 && n > 1) {
    pool->ParallelFor(n, std::function<void(int, int)>(std::ref(call)));
  } else {
    for (int i = 0; i < n; ++i) call(i, 0);
  }
}

// The rows [begin, end) of piece `i` of `n` over `height` rows.
inline void StripeRows(int i, int n, int height, int* begin, int* end) {
  *begin = static_cast<int>(static_cast<long long>(height) * i / n);
  *end = static_cast<int>(static_cast<long long>(height) * (i + 1) / n);
}

}  // namespace histeq

#endif  // HISTEQ_THREADS_H_
