// ring_layout.h - where everything lives in a queue's ring region, and the
// mmap'd region itself.
//
// Layout (all offsets are published in struct wd_ring_info at offset 0):
//   wd_ring_info | constants line (masks, entries, dropped, overflow, cq.flags)
//   | sq.head | sq.tail | sq.flags | cq.head | cq.tail   (one 64-byte line each,
//   so the JS producer and the device consumer never false-share)
//   | wd_sqe[sq_entries] | wd_cqe[cq_entries]
#pragma once

#include <misc/wd_soft.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace wd {

constexpr size_t kCacheLine = 64;

struct RingLayout {
  uint32_t sq_entries = 0;
  uint32_t cq_entries = 0;
  wd_sq_offsets sq{};
  wd_cq_offsets cq{};
  size_t ring_bytes = 0;  // info + rings
  size_t map_bytes = 0;   // ring_bytes rounded up to whole pages
};

// True for a power of two in [WD_RING_MIN_ENTRIES, WD_RING_MAX_ENTRIES].
bool ValidSqEntries(uint64_t n);
RingLayout ComputeRingLayout(uint32_t sq_entries);

// One anonymous, page-aligned mapping holding a queue's rings. Shared by the
// JS ArrayBuffer over it (finalizer) and the queue the workers serve, so it is
// unmapped only after both let go.
class Ring {
 public:
  // Returns nullptr (errno set) if the mapping fails.
  static std::shared_ptr<Ring> Create(uint32_t sq_entries, uint32_t features);
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  uint8_t* base() const { return base_; }
  size_t size() const { return layout_.map_bytes; }
  const RingLayout& layout() const { return layout_; }

  std::atomic<uint32_t>* U32(uint32_t offset) const {
    return reinterpret_cast<std::atomic<uint32_t>*>(base_ + offset);
  }
  wd_sqe* Sqes() const { return reinterpret_cast<wd_sqe*>(base_ + layout_.sq.sqes); }
  wd_cqe* Cqes() const { return reinterpret_cast<wd_cqe*>(base_ + layout_.cq.cqes); }

 private:
  Ring(uint8_t* base, const RingLayout& layout) : base_(base), layout_(layout) {}
  uint8_t* base_;
  RingLayout layout_;
};

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "ring words are plain u32");
static_assert(std::atomic<uint32_t>::is_always_lock_free, "JS Atomics and C++ must share ring words");

}  // namespace wd
