// device_core.h - the soft device proper: a pool of worker threads taking
// queues from a ready list, plus the device's engine table. Plain C++, no N-API.
#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine_table.h"

namespace wd {

class QueueCore;

struct DeviceConfig {
  uint32_t workers = 1;
  uint32_t spin_micros = 50;
};

class DeviceCore {
 public:
  // Starts the workers; nullptr with *error if a thread cannot be created.
  static std::shared_ptr<DeviceCore> Create(const DeviceConfig& config, std::string* error);
  ~DeviceCore();
  DeviceCore(const DeviceCore&) = delete;
  DeviceCore& operator=(const DeviceCore&) = delete;

  // Lets the workers drain the ready list, then joins them. Idempotent; call
  // only after every queue of the device was closed. Blocks for at most the
  // longest engine call in progress.
  void Stop();
  bool stopped() const { return stopped_; }

  // Hands a queue (and one of its busy tokens) to the workers.
  void Push(QueueCore* queue);
  // Cheap hint for spinning workers: is someone else waiting for a worker?
  bool HasReadyWork() const { return ready_count_.load(std::memory_order_relaxed) != 0; }

  EngineTable& engines() { return engines_; }
  const DeviceConfig& config() const { return config_; }

 private:
  explicit DeviceCore(const DeviceConfig& config) : config_(config) {}
  static void* ThreadMain(void* self);
  void WorkerLoop();
  QueueCore* Pop();

  const DeviceConfig config_;
  EngineTable engines_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<QueueCore*> ready_;  // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::atomic<size_t> ready_count_{0};
  std::vector<pthread_t> threads_;
  bool stopped_ = false;          // JS thread only
};

}  // namespace wd
