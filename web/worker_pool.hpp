#pragma once
// A bounded pool of threads for blocking work (MariaDB, slapd). I/O threads
// hand work here and never block; when the queue is full, tryPost() refuses
// and the caller answers 503 instead of queueing without bound.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace parta::web {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queueLimit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping.
  bool tryPost(std::function<void()> task);
  // Finishes queued tasks, then joins the threads. Idempotent.
  void stop();

  std::size_t threads() const { return threads_.size(); }
  std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }
  std::size_t busy() const { return busy_.load(std::memory_order_relaxed); }
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  void run();

  const std::size_t queueLimit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::size_t> busy_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::vector<std::thread> threads_;
};

}  // namespace parta::web
