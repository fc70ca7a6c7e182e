// backing_hold.cc - see backing_hold.h.
//
// How the V8 call is made without v8.h:
// - `std::shared_ptr<v8::BackingStore> v8::ArrayBuffer::GetBackingStore()`
//   is a non-virtual member that node's executable exports (Node 20, 22 and
//   24 on Linux: `_ZN2v811ArrayBuffer15GetBackingStoreEv`; the return type
//   is not part of the mangled name). Declaring the same member here, with
//   the same return type, makes the compiler emit exactly the call V8's own
//   callers emit, sret convention included (a non-trivially-copyable return
//   value: hidden pointer in rdi on x86-64, in x8 on aarch64), so nothing
//   here is hand-written per architecture.
// - The declaration is WEAK: a host without the symbol (another embedder, a
//   node built differently) loads the addon, the address compares equal to
//   null and holds are off (holdsBackingStores: false; core then keeps only
//   today's reference to the JS object).
// - `this`: in Node a napi_value is `*v8::Local<v8::Value>`
//   (js_native_api_v8.h, JsValueFromV8LocalValue), which is exactly what a
//   V8 member function receives as `this` when called as `local->F()`.
// - The shared_ptr layout is the C++ library's; node and this addon are both
//   built with libstdc++ on Linux. A load-time self-check (below) calls the
//   method on a fresh ArrayBuffer and compares BackingStore::Data() with the
//   address Node-API reports before holds are turned on.
#include "backing_hold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <mutex>
#include <vector>

#define WD_V8_IMPORT __attribute__((weak, visibility("default")))

namespace v8 {
class BackingStore {
 public:
  WD_V8_IMPORT void* Data() const;
  WD_V8_IMPORT size_t ByteLength() const;
};
class ArrayBuffer {
 public:
  WD_V8_IMPORT std::shared_ptr<BackingStore> GetBackingStore();
};
}  // namespace v8

// The same three symbols as plain weak functions, only to ask whether they
// resolved: GCC treats the address of a member function as never null (and
// may fold the test away), the address of a weak free function it does not.
extern "C" {
WD_V8_IMPORT void wd_v8_array_buffer_get_backing_store() asm("_ZN2v811ArrayBuffer15GetBackingStoreEv");
WD_V8_IMPORT void wd_v8_backing_store_data() asm("_ZNK2v812BackingStore4DataEv");
WD_V8_IMPORT void wd_v8_backing_store_byte_length() asm("_ZNK2v812BackingStore10ByteLengthEv");
}

namespace wd {
namespace {

using Hold = std::shared_ptr<v8::BackingStore>;

bool SymbolsPresent() {
  // An unresolved weak symbol has address 0.
  return &wd_v8_array_buffer_get_backing_store != nullptr && &wd_v8_backing_store_data != nullptr &&
         &wd_v8_backing_store_byte_length != nullptr;
}

inline Hold TakeHold(napi_value array_buffer) {
  return reinterpret_cast<v8::ArrayBuffer*>(array_buffer)->GetBackingStore();
}

// The self-check: a fresh ArrayBuffer's backing store must be the memory
// Node-API reports, of its length, and owned by the buffer as well as by us.
bool SelfCheck(napi_env env) {
  if (!SymbolsPresent()) return false;
  const char* off = getenv("WARPDRIVE_NO_BACKING_HOLD");  // tests of the fallback
  if (off != nullptr && off[0] != '\0' && strcmp(off, "0") != 0) return false;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return false;
  bool ok = false;
  void* data = nullptr;
  napi_value ab;
  if (napi_create_arraybuffer(env, 64, &data, &ab) == napi_ok && data != nullptr) {
    Hold hold = TakeHold(ab);
    ok = hold != nullptr && hold.use_count() >= 2 && hold->Data() == data && hold->ByteLength() == 64;
  }
  napi_close_handle_scope(env, scope);
  return ok;
}

// One per createBackingHolds() call (one per queue). JS thread of its env only.
struct Table {
  std::vector<std::vector<Hold>> slots;
  bool hold = false;  // HoldsBackingStores() when created
  int refs = 0;       // JS functions still alive that point here
};

void Unref(napi_env, void* data, void*) {
  Table* t = static_cast<Table*>(data);
  if (--t->refs == 0) delete t;  // drops every hold left (env teardown)
}

napi_value Throw(napi_env env, const char* msg) {
  napi_throw_range_error(env, nullptr, msg);
  return nullptr;
}

// Reads (buffer?, slot) and checks the slot; nullptr table on error (thrown).
Table* Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv, uint32_t* slot) {
  size_t argc = want;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return nullptr;
  Table* t = static_cast<Table*>(data);
  double d = -1;
  if (argc >= want && napi_get_value_double(env, argv[want - 1], &d) != napi_ok) d = -1;
  // NaN fails the first test; fractions the last.
  if (!(d >= 0) || d >= static_cast<double>(t->slots.size()) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    Throw(env, "backingHolds: `slot` must be an integer below the table's size");
    return nullptr;
  }
  *slot = static_cast<uint32_t>(d);
  return t;
}

// pin(buffer, slot): the ArrayBuffer's base address as a Number (0 for a
// detached or empty one), after holding its backing store for `slot`;
// undefined for anything that is not an ArrayBuffer (a SharedArrayBuffer's
// memory lives as long as any agent references it and needs no hold).
// The address lookup and the hold are one call: pinning costs one N-API
// crossing per buffer, as before.
napi_value Pin(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint32_t slot = 0;
  Table* t = Args(env, info, 2, argv, &slot);
  if (t == nullptr) return nullptr;
  bool is_ab = false;
  napi_value result = nullptr;
  if (napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab) {
    napi_get_undefined(env, &result);
    return result;
  }
  void* data = nullptr;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_get_undefined(env, &result);
    return result;
  }
  if (t->hold && data != nullptr && length != 0) t->slots[slot].push_back(TakeHold(argv[0]));
  napi_create_double(env, static_cast<double>(reinterpret_cast<uintptr_t>(data)), &result);
  return result;
}

// release(slot): drop the slot's holds (the request's CQE was reaped, or its
// queue is quiescent). Freeing a backing store here is safe: no engine can
// touch it any more.
napi_value Release(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint32_t slot = 0;
  Table* t = Args(env, info, 1, argv, &slot);
  if (t == nullptr) return nullptr;
  t->slots[slot].clear();  // keeps the capacity: no allocation in steady state
  return nullptr;
}

// count(slot): holds of the slot (tests).
napi_value Count(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint32_t slot = 0;
  Table* t = Args(env, info, 1, argv, &slot);
  if (t == nullptr) return nullptr;
  napi_value result;
  napi_create_uint32(env, static_cast<uint32_t>(t->slots[slot].size()), &result);
  return result;
}

}  // namespace

bool HoldsBackingStores(napi_env env) {
  // One answer per process (one V8, one C++ library), computed by the first
  // env that asks; later envs (worker threads) reuse it.
  static std::mutex mu;
  static int state = -1;
  std::lock_guard<std::mutex> lk(mu);
  if (state < 0) state = SelfCheck(env) ? 1 : 0;
  return state == 1;
}

Napi::Value CreateBackingHolds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "createBackingHolds: `slots` must be a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 65536) || n != static_cast<double>(static_cast<uint32_t>(n))) {
    Napi::RangeError::New(env, "createBackingHolds: `slots` must be an integer in 1..65536").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* t = new Table();
  t->slots.resize(static_cast<size_t>(n));
  t->hold = HoldsBackingStores(env);
  Napi::Object holds = Napi::Object::New(env);
  struct Method {
    const char* name;
    napi_callback cb;
  };
  const Method methods[] = {{"pin", Pin}, {"release", Release}, {"count", Count}};
  for (const Method& m : methods) {
    napi_value fn;
    if (napi_create_function(env, m.name, NAPI_AUTO_LENGTH, m.cb, t, &fn) != napi_ok ||
        napi_add_finalizer(env, fn, t, Unref, nullptr, nullptr) != napi_ok) {
      if (t->refs == 0) delete t;
      Napi::Error::New(env, "createBackingHolds: cannot create the table's functions").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    t->refs++;
    holds.Set(m.name, Napi::Value(env, fn));
  }
  holds.Set("holding", Napi::Boolean::New(env, t->hold));
  return holds;
}

}  // namespace wd
