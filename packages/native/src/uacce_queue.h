// uacce_queue.h - the JS UacceQueue (openUacceQueue): a kernel queue with the
// SoftQueue contract. Ring ArrayBuffer over the DUS mapping, doorbell,
// completion delivery through uv_poll on the queue fd (POLLIN while the CQ
// holds CQEs), and the deferred close (PUT_Q, final drain, release, onClosed).
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>

#include "event_notifier.h"
#include "uacce_handle.h"

namespace wd {

struct AddonData;

class UacceQueue : public Napi::ObjectWrap<UacceQueue> {
 public:
  static Napi::Function Init(Napi::Env env);
  // The `openUacceQueue(options)` export.
  static Napi::Value Open(const Napi::CallbackInfo& info);
  explicit UacceQueue(const Napi::CallbackInfo& info);
  ~UacceQueue() override;

  static constexpr napi_type_tag kTypeTag = {0x7764756163636571ULL, 0x2c94e1a7d35b0f68ULL};
  static constexpr const char* kClassName = "UacceQueue";

  // Env exit: PUT_Q and native teardown only (no JS), then done(arg).
  void TearDownForEnvExit(EventNotifier::Done done, void* arg);

 private:
  Napi::Value GetRing(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);
  Napi::Value GetDoorbellKind(const Napi::CallbackInfo& info);
  Napi::Value Doorbell(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value JsRef(const Napi::CallbackInfo& info);
  Napi::Value JsUnref(const Napi::CallbackInfo& info);

  static void OnReadable(void* self);
  static void OnTimer(uv_timer_t* t);
  void HandleReadable();
  bool CqPending() const;
  void Finish();
  void CallJs(Napi::FunctionReference& fn);

  std::unique_ptr<UacceHandle> handle_;
  std::shared_ptr<UacceRing> ring_mem_;
  EventNotifier* notifier_ = nullptr;
  uv_timer_t* timer_ = nullptr;  // deferred close; resumes a paused watcher
  Napi::FunctionReference on_completion_;
  Napi::FunctionReference on_closed_;
  Napi::Reference<Napi::ArrayBuffer> ring_;
  std::unique_ptr<Napi::AsyncContext> async_context_;
  uint32_t cq_head_off_ = 0, cq_tail_off_ = 0;
  bool paused_ = false;
  bool referenced_ = true;  // JS ref()/unref(): a paused watcher's timer inherits it
  bool close_called_ = false;
  bool finished_ = false;
};

}  // namespace wd
