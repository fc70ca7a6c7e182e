// soft_device.h - the JS SoftDevice: options, queues, engines, inline path.
#pragma once

#include <napi.h>

#include <memory>

#include "device_core.h"

namespace wd {

struct AddonData;

class SoftDevice : public Napi::ObjectWrap<SoftDevice> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit SoftDevice(const Napi::CallbackInfo& info);

  // Receiver check of the accessors (see CheckedAccessor in js_args.h).
  static constexpr napi_type_tag kTypeTag = {0x7764736f66746476ULL, 0x5d1c0e2b9a4f3e01ULL};
  static constexpr const char* kClassName = "SoftDevice";

 private:
  Napi::Value GetWorkers(const Napi::CallbackInfo& info);
  Napi::Value GetOpcodes(const Napi::CallbackInfo& info);
  Napi::Value GetFeatures(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);
  Napi::Value OpenQueue(const Napi::CallbackInfo& info);
  Napi::Value LoadEngine(const Napi::CallbackInfo& info);
  Napi::Value Execute(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  bool CheckOpen(Napi::Env env, const char* method);

  std::shared_ptr<DeviceCore> core_;
  uint32_t workers_ = 0;
  bool closed_ = false;
};

// Features of the in-process device (SVA only).
constexpr uint32_t kSoftFeatures = WD_FEAT_SVA | WD_FEAT_NEED_WAKEUP | WD_FEAT_SGL | WD_FEAT_CQ_EVENTFD;

}  // namespace wd
