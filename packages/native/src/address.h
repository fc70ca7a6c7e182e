#pragma once
#include <napi.h>
namespace wd {
Napi::Value AddressOf(const Napi::CallbackInfo& info);
Napi::Value ArrayBufferAddress(const Napi::CallbackInfo& info);
Napi::Value AvailableCpus(const Napi::CallbackInfo& info);
Napi::Value ResourcesSnapshot(const Napi::CallbackInfo& info);
// Absolute path of this .node file (dladdr on our own code).
std::string AddonPath();
}  // namespace wd
