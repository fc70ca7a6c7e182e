// address.cc - small stateless exports: addressOf, availableCpus, resources, path.
#include "address.h"

#include <dlfcn.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>

#include "resources.h"

namespace wd {

Napi::Value AddressOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  napi_value v = info[0];
  bool is_ab = false, is_ta = false, is_dv = false;
  napi_is_arraybuffer(env, v, &is_ab);
  if (!is_ab) napi_is_typedarray(env, v, &is_ta);
  if (!is_ab && !is_ta) napi_is_dataview(env, v, &is_dv);
  if (!is_ab && !is_ta && !is_dv) {
    Napi::TypeError::New(env, "addressOf: `view` must be an ArrayBuffer, a TypedArray, a Buffer or a DataView")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  void* data = nullptr;
  napi_value buffer = v;
  if (is_ta) {
    napi_typedarray_type type;
    size_t length, offset;
    napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset);
  } else if (is_dv) {
    size_t length, offset;
    napi_get_dataview_info(env, v, &length, &data, &buffer, &offset);
  } else {
    size_t length;
    napi_get_arraybuffer_info(env, v, &data, &length);
  }
  // A view's data pointer already includes byteOffset. A SharedArrayBuffer
  // behind a view is fine; a detached buffer is not.
  bool detached = false;
  bool buffer_is_ab = false;
  napi_is_arraybuffer(env, buffer, &buffer_is_ab);
  if (buffer_is_ab) napi_is_detached_arraybuffer(env, buffer, &detached);
  if (detached) {
    Napi::TypeError::New(env, "addressOf: `view` is backed by a detached ArrayBuffer (it was transferred)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::BigInt::New(env, uint64_t(reinterpret_cast<uintptr_t>(data)));
}

// The base address of an ArrayBuffer as a Number, or undefined for anything
// else (a SharedArrayBuffer is read where Node-API accepts one: Node 22+):
// one N-API call and no BigInt. core calls it per
// request instead of caching addresses in a WeakMap: an entry per fresh
// buffer grew an old-space table that V8 counted toward its next
// mark-compact, which cost more than this lookup. User VAs are below 2^47,
// exact in a double. A detached buffer gives 0 (core refuses those first).
Napi::Value ArrayBufferAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* data = nullptr;
  size_t length = 0;
  if (info.Length() < 1 || napi_get_arraybuffer_info(env, info[0], &data, &length) != napi_ok) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(data)));
}

Napi::Value AvailableCpus(const Napi::CallbackInfo& info) {
  cpu_set_t set;
  CPU_ZERO(&set);
  int n = 1;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  return Napi::Number::New(info.Env(), n > 0 ? n : 1);
}

Napi::Value ResourcesSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ResourceCounters& r = Resources();
  Napi::Object o = Napi::Object::New(env);
  o.Set("devices", double(r.devices.load()));
  o.Set("queues", double(r.queues.load()));
  o.Set("threads", double(r.threads.load()));
  o.Set("fds", double(r.fds.load()));
  return o;
}

std::string AddonPath() {
  Dl_info dl;
  if (!dladdr(reinterpret_cast<void*>(&AddonPath), &dl) || !dl.dli_fname) return "";
  char resolved[PATH_MAX];
  if (realpath(dl.dli_fname, resolved)) return resolved;
  return dl.dli_fname;
}

}  // namespace wd
