// soft_queue.h - the JS SoftQueue: ring ArrayBuffer, doorbell, completion
// delivery on the opening env's loop, and the deferred close.
#pragma once

#include <napi.h>

#include <memory>

#include "event_notifier.h"
#include "queue_core.h"

namespace wd {

struct AddonData;

// What SoftDevice.openQueue() hands to the SoftQueue constructor.
struct QueueInit {
  std::shared_ptr<QueueCore> core;
  Napi::Function on_completion;
};

class SoftQueue : public Napi::ObjectWrap<SoftQueue> {
 public:
  static Napi::Function Init(Napi::Env env);
  // Creates the JS object; returns an empty value with an exception pending.
  static Napi::Value New(Napi::Env env, AddonData* data, QueueInit* init);
  explicit SoftQueue(const Napi::CallbackInfo& info);
  ~SoftQueue() override;

  // Receiver check of the accessors (see CheckedAccessor in js_args.h).
  static constexpr napi_type_tag kTypeTag = {0x7764736f66747175ULL, 0x8b3f62d04e19a7c2ULL};
  static constexpr const char* kClassName = "SoftQueue";

  QueueCore* core() const { return core_.get(); }
  // Device close: like close() without an onClosed callback.
  void CloseFromDevice();
  // Env exit: native teardown only (no JS), then done(arg) once libuv let go.
  void TearDownForEnvExit(EventNotifier::Done done, void* arg);

 private:
  Napi::Value GetRing(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);
  Napi::Value Doorbell(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value JsRef(const Napi::CallbackInfo& info);
  Napi::Value JsUnref(const Napi::CallbackInfo& info);

  static void OnReadable(void* self);
  void HandleReadable();
  void Finish();
  void CallJs(Napi::FunctionReference& fn);

  std::shared_ptr<QueueCore> core_;
  EventNotifier* notifier_ = nullptr;
  Napi::FunctionReference on_completion_;
  Napi::FunctionReference on_closed_;
  Napi::Reference<Napi::ArrayBuffer> ring_;
  std::unique_ptr<Napi::AsyncContext> async_context_;
  bool close_called_ = false;
  bool finished_ = false;
};

}  // namespace wd
