// resources.h - process-wide live-resource counters (devices, queues, worker
// threads, eventfds), read by resources() in leak tests. Atomics only: they are
// the one piece of state shared by every env (main thread and workers).
#pragma once

#include <atomic>

namespace wd {

struct ResourceCounters {
  std::atomic<long> devices{0};
  std::atomic<long> queues{0};
  std::atomic<long> threads{0};
  std::atomic<long> fds{0};
};

ResourceCounters& Resources();

}  // namespace wd
