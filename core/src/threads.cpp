#include "histeq/threads.h"

#include <algorithm>
#include <chrono>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

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

// The stages of a frame follow each other within microseconds. A thread
// that blocks between them must be woken by the kernel, which on a busy or
// virtual machine can take hundreds of microseconds (the idle CPU is
// halted): so a thread out of work first watches for more for a while.
constexpr auto kWorkerSpin = std::chrono::microseconds(100);
constexpr auto kCallerSpin = std::chrono::microseconds(300);
// When rounds have been coming back to back (frames one after another: a
// file, a benchmark) a worker watches long enough to bridge the gaps seen
// lately, up to this; frames further apart (live video) never keep it.
constexpr auto kMaxWatch = std::chrono::microseconds(2000);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Watches `until_true` for up to `budget`; returns its last value. Past
// kWorkerSpin it offers its CPU to any other thread that wants it.
template <typename Done>
bool SpinFor(std::chrono::microseconds budget, Done until_true) {
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + budget, polite = start + kWorkerSpin;
  for (unsigned i = 1;; ++i) {
    if (until_true()) return true;
    CpuRelax();
    if (i % 64 == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= end) return until_true();
      if (now >= polite) std::this_thread::yield();
    }
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
#ifdef __linux__
  // The workers started with this thread's CPUs.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus_.push_back(c);
#endif
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
    if (!posted() &&
        !SpinFor(std::chrono::microseconds(watch_us_.load(std::memory_order_relaxed)), posted)) {
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

// A worker woken by the caller should start on another CPU at once. Some
// kernels (virtual machines packing tasks onto few vCPUs) wake it on the
// caller's own CPU instead, where it waits for the caller to stop: measured on
// a 2-vCPU VM, a third of the frames then ran all their pieces on the caller.
// So the workers keep the CPUs they started with but the caller's, when the
// others are enough for them: a syscall per worker each time the caller has
// moved, none otherwise.
void ThreadPool::KeepWorkersOffCallersCpu() {
#ifdef __linux__
  if (static_cast<int>(cpus_.size()) < size()) return;
  const int cpu = sched_getcpu();
  if (cpu < 0 || cpu == caller_cpu_) return;
  caller_cpu_ = cpu;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus_)
    if (c != cpu) CPU_SET(c, &set);
  for (auto& t : workers_) pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
#endif
}

void ThreadPool::ParallelFor(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  NoteGap(std::chrono::steady_clock::now());
  KeepWorkersOffCallersCpu();
  for (int base = 0; base < n; base += kMaxItems) Round(std::min(n - base, kMaxItems), base, fn);
  last_end_ = std::chrono::steady_clock::now();
}

void ThreadPool::NoteGap(std::chrono::steady_clock::time_point now) {
  if (last_end_ == std::chrono::steady_clock::time_point{}) return;
  gaps_us_[gap_next_] =
      std::chrono::duration_cast<std::chrono::microseconds>(now - last_end_).count();
  gap_next_ = (gap_next_ + 1) % kGapsKept;
  const int64_t longest = *std::max_element(gaps_us_, gaps_us_ + kGapsKept);
  const int64_t watch = longest <= kMaxWatch.count()
                            ? std::max<int64_t>(kWorkerSpin.count(), longest + longest / 4 + 50)
                            : kWorkerSpin.count();
  watch_us_.store(watch, std::memory_order_relaxed);
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
  if (!done() && !SpinFor(kCallerSpin, done)) {
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
