#include "index/thread_pool.h"

#include <algorithm>

namespace tantalio::index {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < std::max(threads, 1); ++i) {
    workers_.emplace_back([this, i] { WorkerLoop(i); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

ThreadPool& ThreadPool::Shared() {
  static ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return pool;
}

void ThreadPool::RunTasks() {
  for (;;) {
    size_t i;
    {
      std::lock_guard lock(mu_);
      if (next_ >= n_) return;
      i = next_++;
    }
    (*fn_)(i);
  }
}

void ThreadPool::WorkerLoop(int index) {
  unsigned seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (index > active_workers_) continue;  // not needed this time
    }
    RunTasks();
    {
      std::lock_guard lock(mu_);
      if (--running_ == 0) done_cv_.notify_one();
    }
  }
}

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn, int max_threads) {
  if (n == 0) return;
  int want = max_threads <= 0 ? threads() : std::min(max_threads, threads());
  want = static_cast<int>(std::min<size_t>(static_cast<size_t>(want), n));
  std::unique_lock busy(busy_, std::try_to_lock);
  if (want <= 1 || !busy.owns_lock()) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    std::lock_guard lock(mu_);
    fn_ = &fn;
    n_ = n;
    next_ = 0;
    active_workers_ = want - 1;
    running_ = want - 1;
    ++generation_;
  }
  start_cv_.notify_all();
  RunTasks();
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return running_ == 0; });
  fn_ = nullptr;
}

}  // namespace tantalio::index
