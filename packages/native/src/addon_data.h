// addon_data.h - per-env state (napi instance data): class constructors, the
// env's open queues and devices, and the env-exit teardown.
#pragma once

#include <napi.h>

#include <memory>
#include <set>
#include <vector>

namespace wd {

class DeviceCore;
class SoftQueue;
class UacceQueue;
class UacceHandle;

struct AddonData {
  Napi::FunctionReference device_ctor;
  Napi::FunctionReference queue_ctor;
  // Token that proves a SoftQueue construction comes from openQueue().
  const void* pending_queue_init = nullptr;
  std::set<SoftQueue*> open_queues;                // wrappers not finished yet
  // Kernel (uacce) queues: constructor, its token, the open ones.
  Napi::FunctionReference uacce_queue_ctor;
  const UacceHandle* pending_uacce_handle = nullptr;
  std::set<UacceQueue*> open_uacce_queues;
  std::vector<std::weak_ptr<DeviceCore>> devices;  // to stop at env exit
  bool tearing_down = false;

  static AddonData* Get(Napi::Env env) { return env.GetInstanceData<AddonData>(); }
  void TrackDevice(const std::shared_ptr<DeviceCore>& device);
};

// Registers the async cleanup hook that, when the env exits (worker thread
// end, process exit), stops every device and queue of the env synchronously
// (without calling into JS) and closes their libuv handles.
bool InstallEnvCleanup(Napi::Env env, AddonData* data);

}  // namespace wd
