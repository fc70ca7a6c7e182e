#include "loop_callback.h"

namespace wd {

void CallFromLoop(napi_env env, napi_async_context context, napi_ref receiver, Napi::FunctionReference& fn) {
  if (fn.IsEmpty()) return;
  // Raw napi calls only: while a worker is being terminated (e.g.
  // process.exit() inside a callback) every call into JS fails, and
  // node-addon-api would turn that failure into a fatal error.
  napi_value recv = nullptr, func = nullptr, result = nullptr;
  if (napi_get_reference_value(env, fn, &func) != napi_ok || !func) return;
  // napi_make_callback needs an object receiver: the queue, else the global.
  if (napi_get_reference_value(env, receiver, &recv) != napi_ok || !recv) napi_get_global(env, &recv);
  // MakeCallback: runs in the async context and drains microtasks afterwards.
  napi_make_callback(env, context, recv, func, 0, nullptr, &result);
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  // Surface it like any exception thrown from an event callback.
  napi_value error = nullptr;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok && error) {
    napi_valuetype type = napi_undefined;
    napi_typeof(env, error, &type);
    if (type != napi_undefined) napi_fatal_exception(env, error);
  }
}

}  // namespace wd
