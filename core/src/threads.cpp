#include "histeq/threads.h"

#include <chrono>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace histeq {
namespace {

// The stages of a frame follow each other within microseconds. A thread
// that blocks between them must be woken by the kernel, which on a busy or
// virtual machine can take hundreds of microseconds (the idle CPU is
// halted): so a thread out of work first watches for more for a while.
constexpr auto kWorkerSpin = std::chrono::microseconds(100);
constexpr auto kCallerSpin = std::chrono::microseconds(300);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Watches `until_true` for up to `budget`; returns its last value.
template <typename Done>
bool SpinFor(std::chrono::microseconds budget, Done until_true) {
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
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1);  // ends a worker's watch at once
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

int ThreadPool::Resolve(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

// Takes items until none are left; called with the lock held, returns with
// it held.
void ThreadPool::RunShare(int slot) {
  while (next_ < n_) {
    const int i = next_++;
    ++busy_;
    mutex_.unlock();
    (*fn_)(i, slot);
    mutex_.lock();
    --busy_;
  }
  if (busy_ == 0 && !finished_.load(std::memory_order_relaxed)) {
    finished_.store(true, std::memory_order_release);
    done_.notify_all();
  }
}

void ThreadPool::Work(int slot) {
  std::unique_lock<std::mutex> lock(mutex_);
  // The generation the pool was made with, not the one now: a worker that
  // starts after the first ParallelFor was posted still takes part in it.
  unsigned seen = 0;
  for (;;) {
    if (!stop_ && generation_.load(std::memory_order_relaxed) == seen) {
      lock.unlock();
      SpinFor(kWorkerSpin,
              [&] { return generation_.load(std::memory_order_acquire) != seen; });
      lock.lock();
      wake_.wait(lock, [&] {
        return stop_ || generation_.load(std::memory_order_relaxed) != seen;
      });
    }
    if (stop_) return;
    seen = generation_.load(std::memory_order_relaxed);
    RunShare(slot);
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
  KeepWorkersOffCallersCpu();
  std::unique_lock<std::mutex> lock(mutex_);
  fn_ = &fn;
  n_ = n;
  next_ = 0;
  finished_.store(false, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  wake_.notify_all();
  RunShare(0);
  if (!finished_.load(std::memory_order_relaxed)) {
    // The others finish their last items: watch, then sleep.
    lock.unlock();
    SpinFor(kCallerSpin, [&] { return finished_.load(std::memory_order_acquire); });
    lock.lock();
    done_.wait(lock, [&] { return next_ >= n_ && busy_ == 0; });
  }
  fn_ = nullptr;
}

}  // namespace histeq
