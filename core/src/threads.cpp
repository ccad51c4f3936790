#include "histeq/threads.h"

namespace histeq {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
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
void ThreadPool::RunShare() {
  while (next_ < n_) {
    const int i = next_++;
    ++busy_;
    mutex_.unlock();
    (*fn_)(i);
    mutex_.lock();
    --busy_;
  }
  if (busy_ == 0) done_.notify_all();
}

void ThreadPool::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  unsigned seen = generation_;
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    RunShare();
  }
}

void ThreadPool::ParallelFor(int n, const std::function<void(int)>& fn) {
  if (n <= 0) return;
  std::unique_lock<std::mutex> lock(mutex_);
  fn_ = &fn;
  n_ = n;
  next_ = 0;
  ++generation_;
  wake_.notify_all();
  RunShare();
  done_.wait(lock, [&] { return next_ >= n_ && busy_ == 0; });
  fn_ = nullptr;
}

}  // namespace histeq
