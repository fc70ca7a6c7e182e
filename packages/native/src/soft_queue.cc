#include "soft_queue.h"

#include "loop_callback.h"

#include <unistd.h>

#include <cerrno>

#include "addon_data.h"
#include "js_args.h"
#include "resources.h"

namespace wd {

Napi::Function SoftQueue::Init(Napi::Env env) {
  return DefineClass(env, "SoftQueue",
                     {
                         CheckedAccessor<SoftQueue, &SoftQueue::GetRing>("ring"),
                         CheckedAccessor<SoftQueue, &SoftQueue::GetClosed>("closed"),
                         InstanceMethod<&SoftQueue::Doorbell>("doorbell"),
                         InstanceMethod<&SoftQueue::Close>("close"),
                         InstanceMethod<&SoftQueue::JsRef>("ref"),
                         InstanceMethod<&SoftQueue::JsUnref>("unref"),
                     });
}

Napi::Value SoftQueue::New(Napi::Env env, AddonData* data, QueueInit* init) {
  data->pending_queue_init = init;
  Napi::Object obj = data->queue_ctor.New({Napi::External<QueueInit>::New(env, init)});
  data->pending_queue_init = nullptr;
  if (env.IsExceptionPending()) return Napi::Value();
  return obj;
}

SoftQueue::SoftQueue(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SoftQueue>(info) {
  Napi::Env env = info.Env();
  AddonData* data = AddonData::Get(env);
  // Only openQueue() may construct (it passes the token it registered).
  if (info.Length() != 1 || !info[0].IsExternal() ||
      info[0].As<Napi::External<QueueInit>>().Data() != data->pending_queue_init) {
    ThrowType(env, "SoftQueue cannot be constructed directly; use SoftDevice.openQueue()");
    return;
  }
  if (!TagInstance<SoftQueue>(info)) {
    ThrowError(env, "openQueue: cannot tag the queue object");
    return;
  }
  QueueInit* init = info[0].As<Napi::External<QueueInit>>().Data();
  const std::shared_ptr<Ring>& ring = init->core->ring();
  auto* hint = new std::shared_ptr<Ring>(ring);
  // The ArrayBuffer keeps the mapping alive through its own reference: JS
  // may hold it long after the queue closed.
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
      env, ring->base(), ring->size(),
      [](Napi::Env, void*, std::shared_ptr<Ring>* h) { delete h; }, hint);
  if (env.IsExceptionPending()) {
    delete hint;
    return;
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) {
    ThrowError(env, "openQueue: cannot get the event loop of this environment");
    return;
  }
  int err = 0;
  notifier_ = EventNotifier::Start(loop, init->core->event_fd(), &SoftQueue::OnReadable, this, &err);
  if (!notifier_) {
    ThrowError(env, std::string("openQueue: cannot watch the completion eventfd: ") + uv_strerror(err));
    return;
  }
  core_ = init->core;
  ring_ = Napi::Persistent(ab);
  on_completion_ = Napi::Persistent(init->on_completion);
  async_context_.reset(new Napi::AsyncContext(env, "warpdrive:SoftQueue"));
  // An open queue is like an open socket: it lives until closed, even when
  // JS drops every reference to it.
  Ref();
  data->open_queues.insert(this);
  Resources().queues++;
}

SoftQueue::~SoftQueue() {
  // Normally Finish() or TearDownForEnvExit() already ran. If the
  // constructor failed half way, release what it made.
  if (notifier_) notifier_->Close(nullptr, nullptr);
  // At env teardown napi may already be finalizing: do not call into it.
  if (async_context_) async_context_.release();
}

Napi::Value SoftQueue::GetRing(const Napi::CallbackInfo& info) {
  return ring_.IsEmpty() ? info.Env().Undefined() : ring_.Value();
}

Napi::Value SoftQueue::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), close_called_ || finished_ || !core_ || core_->closed());
}

Napi::Value SoftQueue::Doorbell(const Napi::CallbackInfo& info) {
  if (core_ && !finished_) core_->Doorbell();  // no-op once closed
  return info.Env().Undefined();
}

Napi::Value SoftQueue::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) {
    ThrowType(env, "SoftQueue.close: `onClosed` must be a function");
    return env.Undefined();
  }
  if (close_called_ || finished_ || !core_) return env.Undefined();
  close_called_ = true;
  on_closed_ = Napi::Persistent(info[0].As<Napi::Function>());
  core_->Close();  // the poll callback finishes once the queue is quiescent
  return env.Undefined();
}

void SoftQueue::CloseFromDevice() {
  if (close_called_ || finished_ || !core_) return;
  close_called_ = true;
  core_->Close();
}

Napi::Value SoftQueue::JsRef(const Napi::CallbackInfo& info) {
  if (notifier_) notifier_->Ref();
  return info.Env().Undefined();
}

Napi::Value SoftQueue::JsUnref(const Napi::CallbackInfo& info) {
  if (notifier_) notifier_->Unref();
  return info.Env().Undefined();
}

void SoftQueue::OnReadable(void* self) { static_cast<SoftQueue*>(self)->HandleReadable(); }

void SoftQueue::HandleReadable() {
  if (finished_ || !core_) return;
  // Reset the eventfd first, then re-arm Signal(), then drain (in
  // onCompletion). The other order loses wakeups: a worker's write consumed
  // by this read() after the re-arm would leave signaled_ set with no
  // callback pending, and every later Signal() would be skipped.
  uint64_t counter;
  while (read(core_->event_fd(), &counter, sizeof counter) < 0 && errno == EINTR) {
  }
  core_->AckSignal();
  // Sampled before the drain: once quiescent, every CQE is already published,
  // so the onCompletion below sees all of them.
  bool quiescent = core_->Quiescent();
  napi_handle_scope scope = nullptr;
  if (napi_open_handle_scope(Env(), &scope) != napi_ok) return;
  CallJs(on_completion_);
  if (quiescent)
    Finish();
  else if (core_ && core_->TakeStalled())
    core_->Doorbell();  // the CQ had been full
  napi_close_handle_scope(Env(), scope);
}

void SoftQueue::CallJs(Napi::FunctionReference& fn) {
  CallFromLoop(Env(), *async_context_, Napi::ObjectWrap<SoftQueue>::operator napi_ref(), fn);
}

void SoftQueue::Finish() {
  if (finished_) return;
  finished_ = true;
  // Native teardown first, so that when onClosed (and the microtasks it
  // queues) runs, resources() already shows the queue, its fd and its uv
  // handle gone. The ring memory stays mapped while the ArrayBuffer lives.
  notifier_->Close(nullptr, nullptr);
  notifier_ = nullptr;
  core_->ReleaseEventFd();
  core_.reset();
  Resources().queues--;
  AddonData::Get(Env())->open_queues.erase(this);
  on_completion_.Reset();
  CallJs(on_closed_);
  on_closed_.Reset();
  async_context_.reset();
  Unref();  // now collectable like any closed handle
}

void SoftQueue::TearDownForEnvExit(EventNotifier::Done done, void* arg) {
  finished_ = true;
  notifier_->Close(done, arg);
  notifier_ = nullptr;
  if (core_) core_->ReleaseEventFd();
  core_.reset();
  Resources().queues--;
}

}  // namespace wd
