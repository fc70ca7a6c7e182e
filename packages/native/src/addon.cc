// addon.cc - module entry: per-env state and the exports of NativeBinding
// (src/binding.ts is the contract).
#include <napi.h>

#include "abi_export.h"
#include "addon_data.h"
#include "address.h"
#include "backing_hold.h"
#include "soft_device.h"
#include "soft_queue.h"
#include "uacce_queue.h"

namespace wd {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Everything per env (main thread, each worker_thread): no global JS state.
  auto* data = new AddonData();
  env.SetInstanceData(data);
  data->device_ctor = Napi::Persistent(SoftDevice::Init(env));
  data->queue_ctor = Napi::Persistent(SoftQueue::Init(env));
  data->uacce_queue_ctor = Napi::Persistent(UacceQueue::Init(env));
  if (!InstallEnvCleanup(env, data)) {
    Napi::Error::New(env, "warpdrive_native: cannot install the env cleanup hook").ThrowAsJavaScriptException();
    return exports;
  }
  exports.Set("abi", MakeAbiObject(env));
  exports.Set("addressOf", Napi::Function::New(env, AddressOf, "addressOf"));
  exports.Set("arrayBufferAddress", Napi::Function::New(env, ArrayBufferAddress, "arrayBufferAddress"));
  exports.Set("createBackingHolds", Napi::Function::New(env, CreateBackingHolds, "createBackingHolds"));
  exports.Set("holdsBackingStores", Napi::Boolean::New(env, HoldsBackingStores(env)));
  exports.Set("availableCpus", Napi::Function::New(env, AvailableCpus, "availableCpus"));
  exports.Set("resources", Napi::Function::New(env, ResourcesSnapshot, "resources"));
  exports.Set("SoftDevice", data->device_ctor.Value());
  exports.Set("openUacceQueue", Napi::Function::New(env, UacceQueue::Open, "openUacceQueue"));
  exports.Set("path", AddonPath());
  return exports;
}

}  // namespace wd

static Napi::Object InitWarpdrive(Napi::Env env, Napi::Object exports) {
  return wd::Init(env, exports);
}

NODE_API_MODULE(warpdrive_native, InitWarpdrive)
