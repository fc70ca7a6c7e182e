// js_args.h - argument validation shared by the JS-facing classes. Every
// failure throws a TypeError (wrong type) or RangeError (bad value) whose
// message names the function and the argument, and returns false.
#pragma once

#include <napi.h>

#include <cmath>
#include <string>

namespace wd {

inline bool ThrowType(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

inline bool ThrowRange(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

inline bool ThrowError(Napi::Env env, const std::string& msg) {
  Napi::Error::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

inline bool GetOptions(Napi::Env env, Napi::Value v, const std::string& what, Napi::Object* out) {
  if (!v.IsObject() || v.IsArray() || v.IsFunction())
    return ThrowType(env, what + " must be an options object");
  *out = v.As<Napi::Object>();
  return true;
}

// An integer option in [min, max]; `missing` used when undefined (required if < 0).
inline bool GetIntOption(Napi::Env env, Napi::Object opts, const std::string& what, const char* key,
                         double min, double max, double missing, double* out) {
  Napi::Value v = opts.Get(key);
  if (env.IsExceptionPending()) return false;  // a throwing getter
  std::string name = what + "." + key;
  if (v.IsUndefined()) {
    if (missing < 0) return ThrowType(env, name + " is required (an integer in " +
                                               std::to_string(int64_t(min)) + ".." +
                                               std::to_string(int64_t(max)) + ")");
    *out = missing;
    return true;
  }
  if (!v.IsNumber()) return ThrowType(env, name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < min || d > max)
    return ThrowRange(env, name + " must be an integer in " + std::to_string(int64_t(min)) + ".." +
                               std::to_string(int64_t(max)));
  *out = d;
  return true;
}

// Bytes of an ArrayBufferView (TypedArray, Buffer or DataView) of at least `min` bytes.
inline bool GetViewBytes(Napi::Env env, Napi::Value v, const std::string& name, size_t min,
                         uint8_t** data, size_t* len) {
  napi_value buffer = nullptr;
  void* p = nullptr;
  if (v.IsTypedArray()) {
    napi_typedarray_type type;
    size_t count, offset;
    napi_get_typedarray_info(env, v, &type, &count, &p, &buffer, &offset);
    *len = v.As<Napi::TypedArray>().ByteLength();
  } else if (v.IsDataView()) {
    size_t offset;
    napi_get_dataview_info(env, v, len, &p, &buffer, &offset);
  } else {
    return ThrowType(env, name + " must be a Uint8Array (or another ArrayBufferView)");
  }
  bool is_ab = false, detached = false;
  napi_is_arraybuffer(env, buffer, &is_ab);
  if (is_ab) napi_is_detached_arraybuffer(env, buffer, &detached);
  if (detached) return ThrowType(env, name + " is backed by a detached ArrayBuffer");
  if (*len < min)
    return ThrowRange(env, name + " must be at least " + std::to_string(min) + " bytes (got " +
                               std::to_string(*len) + ")");
  *data = static_cast<uint8_t*>(p);
  return true;
}

}  // namespace wd
