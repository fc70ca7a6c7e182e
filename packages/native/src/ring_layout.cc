#include "ring_layout.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace wd {
namespace {

size_t AlignUp(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

}  // namespace

bool ValidSqEntries(uint64_t n) {
  return n >= WD_RING_MIN_ENTRIES && n <= WD_RING_MAX_ENTRIES && (n & (n - 1)) == 0;
}

RingLayout ComputeRingLayout(uint32_t sq_entries) {
  RingLayout l;
  l.sq_entries = sq_entries;
  l.cq_entries = 2 * sq_entries;
  size_t off = AlignUp(sizeof(wd_ring_info), kCacheLine);
  // Constants line: written once (or rarely, by the device) and read-mostly.
  l.sq.ring_mask = off;
  l.sq.ring_entries = off + 4;
  l.cq.ring_mask = off + 8;
  l.cq.ring_entries = off + 12;
  l.sq.dropped = off + 16;
  l.cq.overflow = off + 20;
  l.cq.flags = off + 24;
  off += kCacheLine;
  // Hot indices: one line each (the producer's tail and the consumer's head
  // are written by different threads).
  l.sq.head = off;  off += kCacheLine;
  l.sq.tail = off;  off += kCacheLine;
  l.sq.flags = off; off += kCacheLine;
  l.cq.head = off;  off += kCacheLine;
  l.cq.tail = off;  off += kCacheLine;
  l.sq.sqes = off;
  off = AlignUp(off + size_t(sq_entries) * sizeof(wd_sqe), kCacheLine);
  l.cq.cqes = off;
  off += size_t(l.cq_entries) * sizeof(wd_cqe);
  l.ring_bytes = off;
  l.map_bytes = AlignUp(off, size_t(sysconf(_SC_PAGESIZE)));
  return l;
}

std::shared_ptr<Ring> Ring::Create(uint32_t sq_entries, uint32_t features) {
  RingLayout l = ComputeRingLayout(sq_entries);
  // MAP_POPULATE: the rings are touched on every operation; fault them in now.
  void* p = mmap(nullptr, l.map_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* base = static_cast<uint8_t*>(p);
  wd_ring_info info;
  std::memset(&info, 0, sizeof info);
  info.magic = WD_RING_MAGIC;
  info.version = WD_RING_VERSION;
  info.features = features;
  info.info_size = sizeof(wd_ring_info);
  info.sqe_size = sizeof(wd_sqe);
  info.cqe_size = sizeof(wd_cqe);
  info.sq_entries = l.sq_entries;
  info.cq_entries = l.cq_entries;
  info.sq_off = l.sq;
  info.cq_off = l.cq;
  info.ring_bytes = l.ring_bytes;
  std::memcpy(base, &info, sizeof info);  // anonymous memory is already zero
  std::shared_ptr<Ring> ring(new Ring(base, l));
  ring->U32(l.sq.ring_mask)->store(l.sq_entries - 1, std::memory_order_relaxed);
  ring->U32(l.sq.ring_entries)->store(l.sq_entries, std::memory_order_relaxed);
  ring->U32(l.cq.ring_mask)->store(l.cq_entries - 1, std::memory_order_relaxed);
  ring->U32(l.cq.ring_entries)->store(l.cq_entries, std::memory_order_relaxed);
  // The device starts asleep: the first submission must ring the doorbell.
  ring->U32(l.sq.flags)->store(WD_SQ_NEED_WAKEUP, std::memory_order_relaxed);
  return ring;
}

Ring::~Ring() { munmap(base_, layout_.map_bytes); }

}  // namespace wd
