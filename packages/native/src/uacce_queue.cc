#include "uacce_queue.h"

#include "loop_callback.h"

#include <misc/wd_soft.h>

#include <atomic>
#include <cerrno>

#include "addon_data.h"
#include "js_args.h"
#include "resources.h"

namespace wd {
namespace {

// How long a watcher stays paused while the CQ head is left to the raw layer
// (POLLIN is level-triggered: it would fire on every loop turn).
constexpr uint64_t kPausedRetryMs = 1;

void DeleteTimer(uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); }

}  // namespace

Napi::Function UacceQueue::Init(Napi::Env env) {
  return DefineClass(env, "UacceQueue",
                     {
                         CheckedAccessor<UacceQueue, &UacceQueue::GetRing>("ring"),
                         CheckedAccessor<UacceQueue, &UacceQueue::GetClosed>("closed"),
                         CheckedAccessor<UacceQueue, &UacceQueue::GetDoorbellKind>("doorbellKind"),
                         InstanceMethod<&UacceQueue::Doorbell>("doorbell"),
                         InstanceMethod<&UacceQueue::Close>("close"),
                         InstanceMethod<&UacceQueue::JsRef>("ref"),
                         InstanceMethod<&UacceQueue::JsUnref>("unref"),
                     });
}

Napi::Value UacceQueue::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string what = "openUacceQueue: options";
  Napi::Object opts;
  double entries = 0, dus = 0, data_bytes = 0;
  if (!GetOptions(env, info[0], "openUacceQueue: `options`", &opts) ||
      !GetIntOption(env, opts, what, "sqEntries", WD_RING_MIN_ENTRIES, WD_RING_MAX_ENTRIES, -1, &entries) ||
      !GetIntOption(env, opts, what, "dusSize", 4096, double(1ULL << 40), -1, &dus) ||
      !GetIntOption(env, opts, what, "dataBytes", 0, double(1ULL << 40), 0, &data_bytes))
    return env.Undefined();
  Napi::Value path = opts.Get("path");
  if (env.IsExceptionPending()) return env.Undefined();
  if (!path.IsString() || path.As<Napi::String>().Utf8Value().empty()) {
    ThrowType(env, what + ".path must be a non-empty string (e.g. /dev/wd_soft-0)");
    return env.Undefined();
  }
  Napi::Value doorbell = opts.Get("doorbell");
  if (env.IsExceptionPending()) return env.Undefined();
  std::string kind = doorbell.IsUndefined() ? "eventfd" : doorbell.IsString() ? doorbell.As<Napi::String>().Utf8Value() : "";
  if (kind != "eventfd" && kind != "ioctl") {
    ThrowType(env, what + ".doorbell must be 'eventfd' or 'ioctl'");
    return env.Undefined();
  }
  Napi::Value cb = opts.Get("onCompletion");
  if (env.IsExceptionPending()) return env.Undefined();
  if (!cb.IsFunction()) {
    ThrowType(env, what + ".onCompletion must be a function");
    return env.Undefined();
  }
  if ((uint64_t(entries) & (uint64_t(entries) - 1)) != 0) {
    ThrowRange(env, what + ".sqEntries must be a power of two");
    return env.Undefined();
  }
  UacceOpenParams p;
  p.path = path.As<Napi::String>().Utf8Value();
  p.dus_size = size_t(dus);
  p.sq_entries = uint32_t(entries);
  p.kick_eventfd = kind == "eventfd";
  p.data_bytes = uint64_t(data_bytes);
  std::string error;
  std::unique_ptr<UacceHandle> handle = UacceHandle::Open(p, &error);
  if (!handle) {
    const int err = errno;
    Napi::Error e = Napi::Error::New(env, "openUacceQueue: " + error);
    e.Set("errno", Napi::Number::New(env, err));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const auto* ri = reinterpret_cast<const wd_ring_info*>(handle->ring()->base());
  if (ri->magic != WD_RING_MAGIC || ri->cq_off.head + 4 > p.dus_size || ri->cq_off.tail + 4 > p.dus_size) {
    ThrowError(env, "openUacceQueue: the DUS region does not start with a valid wd_ring_info");
    return env.Undefined();
  }
  AddonData* data = AddonData::Get(env);
  data->pending_uacce_handle = handle.get();
  Napi::Object obj = data->uacce_queue_ctor.New({Napi::External<UacceHandle>::New(env, handle.get()), cb});
  data->pending_uacce_handle = nullptr;
  if (env.IsExceptionPending()) return env.Undefined();
  handle.release();  // owned by the queue now
  return obj;
}

UacceQueue::UacceQueue(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UacceQueue>(info) {
  Napi::Env env = info.Env();
  AddonData* data = AddonData::Get(env);
  if (info.Length() != 2 || !info[0].IsExternal() ||
      info[0].As<Napi::External<UacceHandle>>().Data() != data->pending_uacce_handle) {
    ThrowType(env, "UacceQueue cannot be constructed directly; use openUacceQueue()");
    return;
  }
  if (!TagInstance<UacceQueue>(info)) {
    ThrowError(env, "openUacceQueue: cannot tag the queue object");
    return;
  }
  UacceHandle* h = info[0].As<Napi::External<UacceHandle>>().Data();
  ring_mem_ = h->ring();
  auto* hint = new std::shared_ptr<UacceRing>(ring_mem_);
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
      env, ring_mem_->base(), ring_mem_->size(),
      [](Napi::Env, void*, std::shared_ptr<UacceRing>* r) { delete r; }, hint);
  if (env.IsExceptionPending()) {
    delete hint;
    return;
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) {
    ThrowError(env, "openUacceQueue: cannot get the event loop of this environment");
    return;
  }
  int err = 0;
  notifier_ = EventNotifier::Start(loop, h->fd(), &UacceQueue::OnReadable, this, &err);
  if (!notifier_) {
    ThrowError(env, std::string("openUacceQueue: cannot watch the queue fd: ") + uv_strerror(err));
    return;
  }
  timer_ = new uv_timer_t;
  uv_timer_init(loop, timer_);
  timer_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  const auto* ri = reinterpret_cast<const wd_ring_info*>(ring_mem_->base());
  cq_head_off_ = ri->cq_off.head;
  cq_tail_off_ = ri->cq_off.tail;
  handle_.reset(h);  // only now: on any failure above, Open() still owns it
  ring_ = Napi::Persistent(ab);
  on_completion_ = Napi::Persistent(info[1].As<Napi::Function>());
  async_context_.reset(new Napi::AsyncContext(env, "warpdrive:UacceQueue"));
  Ref();  // an open queue lives until closed
  data->open_uacce_queues.insert(this);
  Resources().queues++;
}

UacceQueue::~UacceQueue() {
  if (notifier_) notifier_->Close(nullptr, nullptr);
  if (timer_) uv_close(reinterpret_cast<uv_handle_t*>(timer_), DeleteTimer);
  if (async_context_) async_context_.release();
}

Napi::Value UacceQueue::GetRing(const Napi::CallbackInfo& info) {
  return ring_.IsEmpty() ? info.Env().Undefined() : ring_.Value();
}

Napi::Value UacceQueue::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), close_called_ || finished_);
}

Napi::Value UacceQueue::GetDoorbellKind(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), handle_ && !handle_->kick_eventfd() ? "ioctl" : "eventfd");
}

Napi::Value UacceQueue::Doorbell(const Napi::CallbackInfo& info) {
  if (handle_ && !close_called_ && !finished_) handle_->Doorbell();
  return info.Env().Undefined();
}

Napi::Value UacceQueue::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) {
    ThrowType(env, "UacceQueue.close: `onClosed` must be a function");
    return env.Undefined();
  }
  if (close_called_ || finished_ || !handle_) return env.Undefined();
  close_called_ = true;
  on_closed_ = Napi::Persistent(info[0].As<Napi::Function>());
  // PUT_Q returns once the worker stopped: the device no longer touches the
  // process's memory, and every SQE it had not run is completed -ECANCELED.
  handle_->Stop();
  // Drain and finish on the loop, as the soft device does.
  uv_ref(reinterpret_cast<uv_handle_t*>(timer_));
  uv_timer_start(timer_, &UacceQueue::OnTimer, 0, 0);
  return env.Undefined();
}

Napi::Value UacceQueue::JsRef(const Napi::CallbackInfo& info) {
  referenced_ = true;
  if (paused_ && timer_) uv_ref(reinterpret_cast<uv_handle_t*>(timer_));
  if (notifier_) notifier_->Ref();
  return info.Env().Undefined();
}

Napi::Value UacceQueue::JsUnref(const Napi::CallbackInfo& info) {
  referenced_ = false;
  if (paused_ && !close_called_ && timer_) uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  if (notifier_) notifier_->Unref();
  return info.Env().Undefined();
}

bool UacceQueue::CqPending() const {
  uint8_t* base = ring_mem_->base();
  auto* head = reinterpret_cast<std::atomic<uint32_t>*>(base + cq_head_off_);
  auto* tail = reinterpret_cast<std::atomic<uint32_t>*>(base + cq_tail_off_);
  return head->load(std::memory_order_acquire) != tail->load(std::memory_order_acquire);
}

void UacceQueue::OnReadable(void* self) { static_cast<UacceQueue*>(self)->HandleReadable(); }

void UacceQueue::OnTimer(uv_timer_t* t) {
  auto* self = static_cast<UacceQueue*>(t->data);
  if (self->finished_) return;
  napi_handle_scope scope = nullptr;
  if (self->close_called_) {
    if (napi_open_handle_scope(self->Env(), &scope) != napi_ok) return;
    self->Finish();
    napi_close_handle_scope(self->Env(), scope);
    return;
  }
  // A paused watcher: look again.
  self->paused_ = false;
  uv_unref(reinterpret_cast<uv_handle_t*>(t));
  if (self->notifier_) self->notifier_->Resume();
}

void UacceQueue::HandleReadable() {
  if (finished_ || close_called_) return;
  napi_handle_scope scope = nullptr;
  if (napi_open_handle_scope(Env(), &scope) != napi_ok) return;
  CallJs(on_completion_);
  // Still readable after the drain: the head CQE belongs to the raw layer
  // (cqeSeen() not called yet). Pause instead of spinning on POLLIN.
  if (!finished_ && !close_called_ && notifier_ && !paused_ && CqPending()) {
    paused_ = true;
    notifier_->Pause();
    // A stopped poll handle no longer keeps the loop alive: the timer does.
    if (referenced_) uv_ref(reinterpret_cast<uv_handle_t*>(timer_));
    uv_timer_start(timer_, &UacceQueue::OnTimer, kPausedRetryMs, 0);
  }
  napi_close_handle_scope(Env(), scope);
}

void UacceQueue::CallJs(Napi::FunctionReference& fn) {
  CallFromLoop(Env(), *async_context_, Napi::ObjectWrap<UacceQueue>::operator napi_ref(), fn);
}

void UacceQueue::Finish() {
  if (finished_) return;
  finished_ = true;
  notifier_->Close(nullptr, nullptr);
  notifier_ = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(timer_), DeleteTimer);
  timer_ = nullptr;
  CallJs(on_completion_);  // the final CQEs (0 or -ECANCELED)
  handle_->Release();      // munmap MMIO, swap out DUS, close the fds
  handle_.reset();
  Resources().queues--;
  AddonData::Get(Env())->open_uacce_queues.erase(this);
  on_completion_.Reset();
  CallJs(on_closed_);
  on_closed_.Reset();
  async_context_.reset();
  Unref();
}

void UacceQueue::TearDownForEnvExit(EventNotifier::Done done, void* arg) {
  finished_ = true;
  if (timer_) uv_close(reinterpret_cast<uv_handle_t*>(timer_), DeleteTimer);
  timer_ = nullptr;
  notifier_->Close(done, arg);
  notifier_ = nullptr;
  if (handle_) handle_->Release();
  handle_.reset();
  Resources().queues--;
}

}  // namespace wd
