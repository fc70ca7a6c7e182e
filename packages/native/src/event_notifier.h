// event_notifier.h - a uv_poll_t watching a queue's completion eventfd on the
// loop of the env that opened the queue. Heap-allocated and self-deleting in
// its close callback, so it can outlive the JS objects during env teardown.
#pragma once

#include <uv.h>

namespace wd {

class EventNotifier {
 public:
  using Callback = void (*)(void* arg);
  using Done = void (*)(void* arg);

  // Returns nullptr and a libuv error code in *err on failure.
  static EventNotifier* Start(uv_loop_t* loop, int fd, Callback on_readable, void* arg, int* err);
  void Ref() { uv_ref(reinterpret_cast<uv_handle_t*>(&poll_)); }
  void Unref() { uv_unref(reinterpret_cast<uv_handle_t*>(&poll_)); }
  // Stop / restart watching (a level-triggered fd that stays readable).
  void Pause() { uv_poll_stop(&poll_); }
  int Resume() { return uv_poll_start(&poll_, UV_READABLE, &EventNotifier::OnPoll); }
  // Stops watching; the object deletes itself once libuv is done with it,
  // then calls done(done_arg) if given. No callback runs after Close().
  void Close(Done done, void* done_arg);

 private:
  EventNotifier() = default;
  ~EventNotifier() = default;
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnClosed(uv_handle_t* handle);

  uv_poll_t poll_;
  Callback on_readable_ = nullptr;
  void* arg_ = nullptr;
  Done done_ = nullptr;
  void* done_arg_ = nullptr;
};

}  // namespace wd
