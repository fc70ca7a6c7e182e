#pragma once
#include <napi.h>
namespace wd {
// The `abi` export: sizes, offsets and constants compiled from wd_soft.h.
Napi::Object MakeAbiObject(Napi::Env env);
}  // namespace wd
