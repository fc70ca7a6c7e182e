#include "addon_data.h"

#include "device_core.h"
#include "soft_queue.h"
#include "uacce_queue.h"

namespace wd {
namespace {

// Outlives AddonData: libuv close callbacks may run after napi freed the
// instance data, so they only touch this.
struct TeardownTracker {
  napi_async_cleanup_hook_handle handle;
  size_t pending;
};

void OnHandleClosed(void* arg) {
  auto* t = static_cast<TeardownTracker*>(arg);
  if (--t->pending) return;
  napi_remove_async_cleanup_hook(t->handle);
  delete t;
}

void OnEnvCleanup(napi_async_cleanup_hook_handle handle, void* arg) {
  auto* data = static_cast<AddonData*>(arg);
  data->tearing_down = true;
  // 1. No queue accepts work any more; untaken SQEs are cancelled.
  for (SoftQueue* q : data->open_queues) q->core()->Close();
  // 2. Workers finish the engine calls in progress, drain the ready list and
  //    exit; after the joins nothing touches user memory or the rings.
  for (auto& weak : data->devices)
    if (auto dev = weak.lock()) dev->Stop();
  // 3. Close fds and uv handles; the hook completes when libuv is done.
  auto* tracker = new TeardownTracker{handle, 1};
  for (SoftQueue* q : data->open_queues) {
    tracker->pending++;
    q->TearDownForEnvExit(&OnHandleClosed, tracker);
  }
  data->open_queues.clear();
  // Kernel queues: PUT_Q (the driver stops its worker), fds closed.
  for (UacceQueue* q : data->open_uacce_queues) {
    tracker->pending++;
    q->TearDownForEnvExit(&OnHandleClosed, tracker);
  }
  data->open_uacce_queues.clear();
  OnHandleClosed(tracker);  // drop the initial count
}

}  // namespace

void AddonData::TrackDevice(const std::shared_ptr<DeviceCore>& device) {
  std::vector<std::weak_ptr<DeviceCore>> live;
  for (auto& w : devices)
    if (!w.expired()) live.push_back(w);
  live.push_back(device);
  devices.swap(live);
}

bool InstallEnvCleanup(Napi::Env env, AddonData* data) {
  napi_async_cleanup_hook_handle handle = nullptr;
  return napi_add_async_cleanup_hook(env, &OnEnvCleanup, data, &handle) == napi_ok;
}

}  // namespace wd
