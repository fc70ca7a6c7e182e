#include "device_core.h"

#include <cstring>

#include "queue_core.h"
#include "resources.h"

namespace wd {

std::shared_ptr<DeviceCore> DeviceCore::Create(const DeviceConfig& config, std::string* error) {
  std::shared_ptr<DeviceCore> dev(new DeviceCore(config));
  Resources().devices++;
  for (uint32_t i = 0; i < config.workers; i++) {
    pthread_t t;
    // pthread_create rather than std::thread: we build without exceptions and
    // a failure must become a JS error, not std::terminate.
    int rc = pthread_create(&t, nullptr, &DeviceCore::ThreadMain, dev.get());
    if (rc != 0) {
      *error = std::string("cannot start device worker thread: ") + strerror(rc);
      dev->Stop();
      return nullptr;
    }
    Resources().threads++;
    dev->threads_.push_back(t);
  }
  return dev;
}

DeviceCore::~DeviceCore() { Stop(); }

void DeviceCore::Stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (pthread_t t : threads_) {
    pthread_join(t, nullptr);
    Resources().threads--;
  }
  threads_.clear();
  Resources().devices--;
}

void* DeviceCore::ThreadMain(void* self) {
  static_cast<DeviceCore*>(self)->WorkerLoop();
  return nullptr;
}

void DeviceCore::WorkerLoop() {
  // Per-thread batch buffers: the hot path allocates nothing.
  std::unique_ptr<WorkerBatch> batch(new WorkerBatch());
  while (QueueCore* q = Pop()) q->Serve(*batch);
}

void DeviceCore::Push(QueueCore* queue) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    ready_.push_back(queue);
    ready_count_.store(ready_.size(), std::memory_order_relaxed);
  }
  cv_.notify_one();
}

QueueCore* DeviceCore::Pop() {
  std::unique_lock<std::mutex> lk(mu_);
  // Exit only once the ready list is empty: every queued busy token must be
  // served (a closed queue just cancels), or its queue would never quiesce.
  cv_.wait(lk, [this] { return !ready_.empty() || stopping_; });
  if (ready_.empty()) return nullptr;
  QueueCore* q = ready_.front();
  ready_.pop_front();
  ready_count_.store(ready_.size(), std::memory_order_relaxed);
  return q;
}

}  // namespace wd
