// backing_hold.h - per-queue tables that keep ArrayBuffer backing stores
// alive while a request that points into them is in flight.
//
// Why: a queued SQE carries a raw address. Holding the JS ArrayBuffer does
// not keep that memory: `ab.transfer()` or `structuredClone(x, { transfer })`
// detaches `ab` and hands its backing store to a new ArrayBuffer; once that
// one is collected V8 frees the memory while the device still reads or
// writes it. V8 counts owners of a backing store with a std::shared_ptr;
// taking one more (v8::ArrayBuffer::GetBackingStore) keeps the memory alive
// whatever happens to the JS objects, until the table drops it.
//
// Node-API has no call for that, and the addon is built once against
// Node-API 8 (no v8.h), so the V8 method is declared here by hand and
// linked weakly against the symbol node exports (see backing_hold.cc).
#pragma once

#include <napi.h>

namespace wd {

// True if this process can hold backing stores (the V8 symbol resolved and
// passed the self-check of backing_hold.cc). Computed once per process.
bool HoldsBackingStores(napi_env env);

// createBackingHolds(slots) -> { pin(buffer, slot), release(slot), count(slot) }
Napi::Value CreateBackingHolds(const Napi::CallbackInfo& info);

}  // namespace wd
