#include "threads.h"

#include <algorithm>
#include <chrono>


namespace histeq {
namespace {

// The fields of ThreadPool::round_: generation, items, next item.
constexpr int kItemBits = 20;
constexpr uint64_t kItemMask = (uint64_t{1} << kItemBits) - 1;
constexpr int kMaxItems = static_cast<int>(kItemMask);  // items of one round, at most
constexpr uint32_t kGenerationMask = (uint32_t{1} << (64 - 2 * kItemBits)) - 1;

inline uint32_t GenerationOf(uint64_t round) {
  return static_cast<uint32_t>(round >> (2 * kItemBits));
}
inline int ItemsOf(uint64_t round) { return static_cast<int>((round >> kItemBits) & kItemMask); }
inline int NextOf(uint64_t round) { return static_cast<int>(round & kItemMask); }

constexpr auto kWatch = std::chrono::microseconds(ThreadPool::kWatchMicroseconds);
constexpr auto kCallerWatch = std::chrono::microseconds(ThreadPool::kCallerWatchMicroseconds);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Watches `until_true` for up to `budget`; returns its last value.
template <typename Done>
bool Watch(std::chrono::microseconds budget, Done until_true) {
  const auto end = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1;; ++i) {
    if (until_true()) return true;
    CpuRelax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= end) return until_true();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_seq_cst);
  { std::lock_guard<std::mutex> lock(mutex_); }  // a worker going to sleep sees stop_
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

int ThreadPool::Resolve(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

void ThreadPool::RunItems(uint32_t generation, int slot) {
  for (;;) {
    uint64_t round = round_.load(std::memory_order_acquire);
    int i;
    for (;;) {
      i = NextOf(round);
      if (GenerationOf(round) != generation || i >= ItemsOf(round)) return;
      if (round_.compare_exchange_weak(round, round + 1, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
        break;
    }
    (*fn_)(base_ + i, slot);
    if (unfinished_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        caller_sleeping_.load(std::memory_order_seq_cst)) {
      // The last item: the caller has gone to sleep waiting for it.
      { std::lock_guard<std::mutex> lock(mutex_); }
      done_.notify_all();
    }
  }
}

void ThreadPool::Work(int slot) {
  // The generation the pool was made with, not the one now: a worker that
  // starts after the first ParallelFor was posted still takes part in it.
  uint32_t seen = 0;
  auto posted = [&] {
    return stop_.load(std::memory_order_seq_cst) ||
           GenerationOf(round_.load(std::memory_order_seq_cst)) != seen;
  };
  for (;;) {
    if (!posted() && !Watch(kWatch, posted)) {
      std::unique_lock<std::mutex> lock(mutex_);
      // Counted before the last look: a caller posting after it sees the
      // count and wakes this thread.
      sleeping_workers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lock, posted);
      sleeping_workers_.fetch_sub(1, std::memory_order_seq_cst);
    }
    if (stop_.load(std::memory_order_seq_cst)) return;
    seen = GenerationOf(round_.load(std::memory_order_acquire));
    RunItems(seen, slot);
  }
}

void ThreadPool::ParallelFor(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  for (int base = 0; base < n; base += kMaxItems) Round(std::min(n - base, kMaxItems), base, fn);
}

void ThreadPool::Round(int n, int base, const std::function<void(int, int)>& fn) {
  fn_ = &fn;
  base_ = base;
  unfinished_.store(n, std::memory_order_relaxed);
  generation_ = (generation_ + 1) & kGenerationMask;
  round_.store(static_cast<uint64_t>(generation_) << (2 * kItemBits) |
                   static_cast<uint64_t>(n) << kItemBits,
               std::memory_order_seq_cst);
  if (sleeping_workers_.load(std::memory_order_seq_cst) > 0) {
    // Through the mutex, so that a worker between counting itself and
    // sleeping is asleep before the notify; notified after letting go of
    // it, so that the woken worker does not then wait for this thread.
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  RunItems(generation_, 0);
  auto done = [&] { return unfinished_.load(std::memory_order_seq_cst) == 0; };
  if (!done() && !Watch(kCallerWatch, done)) {
    // The others finish their last items: sleep until the last one wakes us.
    std::unique_lock<std::mutex> lock(mutex_);
    caller_sleeping_.store(true, std::memory_order_seq_cst);
    done_.wait(lock, done);
    caller_sleeping_.store(false, std::memory_order_relaxed);
  }
  fn_ = nullptr;
}

void PieceAffinity::Begin(int pieces) {
  if (static_cast<size_t>(pieces) > capacity_) {
    capacity_ = static_cast<size_t>(pieces);
    slot_of_.resize(capacity_);
    taken_.reset(new std::atomic<bool>[capacity_]);
  }
  pieces_ = pieces;
  for (int p = 0; p < pieces; ++p) {
    slot_of_[static_cast<size_t>(p)] = -1;
    taken_[p].store(false, std::memory_order_relaxed);
  }
}

int PieceAffinity::Take(int slot) {
  auto claim = [&](int p) {
    return !taken_[p].load(std::memory_order_relaxed) &&
           !taken_[p].exchange(true, std::memory_order_acq_rel);
  };
  for (int p = 0; p < pieces_; ++p)
    if (slot_of_[static_cast<size_t>(p)] == slot && claim(p)) return p;
  for (int p = 0; p < pieces_; ++p)
    if (claim(p)) return p;
  return -1;
}

}  // namespace histeq
