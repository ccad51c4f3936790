// A small pool of persistent worker threads for splitting a frame into
// pieces. Made once (when a stream starts), never per frame. Inside someone
// else's process it stays polite: it never moves any thread to another CPU,
// and a thread out of work watches for the next round for at most
// kWatchMicroseconds before it sleeps.
#ifndef HISTEQ_SRC_THREADS_H_
#define HISTEQ_SRC_THREADS_H_

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <memory>
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

  // How long a thread out of work watches for more before it sleeps: the
  // stages of a frame follow each other within microseconds, and waking a
  // sleeping thread can take the kernel hundreds (an idle CPU is halted).
  static constexpr int kWatchMicroseconds = 100;
  // The caller, its own items done, watches the others' last items of its
  // round this long before it sleeps: at 2160p an item takes about 100 us,
  // and a sleeping caller must then be woken by the thread that finishes
  // (2160p global 8-bit on two threads: 1036 us a frame watching 100 us,
  // 930 us watching 300 us on the Zen 4 VM).
  static constexpr int kCallerWatchMicroseconds = 300;

 private:
  void Work(int slot);
  // Takes items of round `generation` one at a time and runs them, until
  // none are left.
  void RunItems(uint32_t generation, int slot);
  // One round of at most 2^20 - 1 items (ParallelFor runs more in several).
  void Round(int n, int base, const std::function<void(int, int)>& fn);

  std::vector<std::thread> workers_;
  // The round in one word: its generation, its number of items and the
  // next item to take. A thread takes item i of round g by moving (g, n, i)
  // to (g, n, i + 1) (compare-and-swap), so a thread still at an older
  // round can never take an item of a newer one, nor judge by its count.
  // Taking items needs no lock: a blocking lock would make the caller, when
  // it lets go, wake the worker waiting for it, and waking a thread on
  // another CPU is the slow part (on a 2-vCPU VM 15-130 us of the caller's
  // time).
  std::atomic<uint64_t> round_{0};
  uint32_t generation_ = 0;  // the caller's copy
  // Written before the round is published, read after taking an item.
  const std::function<void(int, int)>* fn_ = nullptr;
  int base_ = 0;  // fn's index of the round's item 0
  std::atomic<int> unfinished_{0};  // items of the round not yet returned
  // Who sleeps on a condition variable, so that the other side knows to
  // wake it; the mutex only pairs with those (never held while working).
  std::atomic<int> sleeping_workers_{0};
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_, done_;
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

// Which thread ran each piece of a round, so that a later round over the
// same pieces gives each thread back the ones it ran (their data may still
// be in its core's cache), in order, then any left. Use: Begin
// and Ran(piece, slot) in the first round; in the second, each of its
// `pieces` calls Take(slot) once and runs the piece it gets.
class PieceAffinity {
 public:
  // Allocates only when `pieces` is more than ever before.
  void Begin(int pieces);
  void Clear() { pieces_ = 0; }
  int pieces() const { return pieces_; }
  void Ran(int piece, int slot) { slot_of_[static_cast<size_t>(piece)] = slot; }
  // A piece no other call has taken: `slot`'s own first, else any.
  int Take(int slot);

 private:
  int pieces_ = 0;
  std::vector<int> slot_of_;
  std::unique_ptr<std::atomic<bool>[]> taken_;
  size_t capacity_ = 0;
};

// The rows [begin, end) of piece `i` of `n` over `height` rows.
inline void StripeRows(int i, int n, int height, int* begin, int* end) {
  *begin = static_cast<int>(static_cast<long long>(height) * i / n);
  *end = static_cast<int>(static_cast<long long>(height) * (i + 1) / n);
}

}  // namespace histeq

#endif  // HISTEQ_SRC_THREADS_H_
