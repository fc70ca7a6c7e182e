#include "event_notifier.h"

namespace wd {

EventNotifier* EventNotifier::Start(uv_loop_t* loop, int fd, Callback on_readable, void* arg,
                                    int* err) {
  auto* n = new EventNotifier();
  n->on_readable_ = on_readable;
  n->arg_ = arg;
  *err = uv_poll_init(loop, &n->poll_, fd);
  if (*err) {
    delete n;  // uv_poll_init failed: the handle was never registered
    return nullptr;
  }
  n->poll_.data = n;
  *err = uv_poll_start(&n->poll_, UV_READABLE, &EventNotifier::OnPoll);
  if (*err) {
    n->Close(nullptr, nullptr);
    return nullptr;
  }
  return n;
}

void EventNotifier::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* n = static_cast<EventNotifier*>(handle->data);
  // On an error status we still call back: the handler reads state, not events.
  if (n->on_readable_) n->on_readable_(n->arg_);
}

void EventNotifier::Close(Done done, void* done_arg) {
  on_readable_ = nullptr;
  done_ = done;
  done_arg_ = done_arg;
  uv_poll_stop(&poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), &EventNotifier::OnClosed);
}

void EventNotifier::OnClosed(uv_handle_t* handle) {
  auto* n = static_cast<EventNotifier*>(handle->data);
  Done done = n->done_;
  void* done_arg = n->done_arg_;
  delete n;
  if (done) done(done_arg);
}

}  // namespace wd
