// Calling a JS function from a libuv callback (no JS on the stack).
#pragma once

#include <napi.h>

namespace wd {

// Calls `fn` with `receiver` (falling back to the global object) as `this`,
// through napi_make_callback in `context`, so microtasks run afterwards. An
// exception it throws is surfaced like any event callback's (uncaught
// exception). A no-op for an empty reference.
void CallFromLoop(napi_env env, napi_async_context context, napi_ref receiver, Napi::FunctionReference& fn);

}  // namespace wd
