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

// Prototype accessors of an ObjectWrap class get no receiver check from V8
// (methods do: napi_define_class gives them a signature, hence "Illegal
// invocation"). A getter taken with Object.getOwnPropertyDescriptor can be
// called on any object, and napi_unwrap would then hand back the C++ object
// of another class (type confusion, a crash). So every instance is type-tagged
// in its constructor (TagInstance), and accessors are registered through
// CheckedAccessor, which checks the tag before unwrapping. T provides
// `static constexpr napi_type_tag kTypeTag` and `kClassName`.
template <typename T>
bool TagInstance(const Napi::CallbackInfo& info) {
  return napi_type_tag_object(info.Env(), info.This(), &T::kTypeTag) == napi_ok;
}

template <typename T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
napi_value CheckedGetter(napi_env env, napi_callback_info cbinfo) {
  Napi::CallbackInfo info(env, cbinfo);
  bool tagged = false;
  if (napi_check_object_type_tag(env, info.This(), &T::kTypeTag, &tagged) != napi_ok || !tagged) {
    ThrowType(info.Env(), std::string(T::kClassName) + ": accessor called on an object that is not a " +
                              T::kClassName);
    return nullptr;
  }
  T* self = T::Unwrap(info.This().As<Napi::Object>());
  if (self == nullptr) return nullptr;  // exception pending
  return (self->*Getter)(info);
}

// A read-only prototype accessor, like ObjectWrap::InstanceAccessor, whose
// receiver is checked.
template <typename T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
Napi::ClassPropertyDescriptor<T> CheckedAccessor(const char* name) {
  napi_property_descriptor d{};
  d.utf8name = name;
  d.getter = &CheckedGetter<T, Getter>;
  d.attributes = napi_default;
  return Napi::ClassPropertyDescriptor<T>(d);
}

}  // namespace wd
