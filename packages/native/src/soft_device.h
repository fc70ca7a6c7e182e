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
