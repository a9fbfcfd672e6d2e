// A small fixed pool of worker threads for the index's data-parallel loops.
#ifndef TANTALIO_INDEX_THREAD_POOL_H_
#define TANTALIO_INDEX_THREAD_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tantalio::index {

class ThreadPool {
 public:
  // Starts `threads - 1` workers (the caller of ParallelFor is the last one).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(i) for every i in [0, n) on up to `max_threads` threads (0: all)
  // and returns when all have finished. fn must not throw. Thread-safe: a
  // call that finds the pool busy (another caller, or a nested call) runs
  // its tasks on the calling thread instead of waiting.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn, int max_threads = 0);

  // The process-wide pool sized to the hardware (at least 1 thread).
  static ThreadPool& Shared();

 private:
  void WorkerLoop(int index);
  void RunTasks();

  std::vector<std::thread> workers_;
  std::mutex busy_;  // held by the caller for a whole ParallelFor
  std::mutex mu_;
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  size_t next_ = 0;
  int active_workers_ = 0;  // workers taking part in the current generation
  int running_ = 0;         // workers not yet finished with it
  unsigned generation_ = 0;
  bool stop_ = false;
};

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_THREAD_POOL_H_
