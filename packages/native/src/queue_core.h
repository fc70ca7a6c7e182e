// queue_core.h - one queue of the soft device: the device side of the ring
// protocol described in wd_soft.h. Plain C++, no N-API.
//
// Ownership of the SQ ("scheduled_"): exactly one thread at a time may claim
// SQEs (read sq.tail, copy SQEs out, advance sq.head). It is taken with a CAS
// false->true (doorbell, a worker after a batch, close) and given back by
// ReleaseOwnership(), which implements the NEED_WAKEUP handshake. While in the
// ready list the queue is owned by that list entry.
//
// Busy tokens ("busy_"): one per ready-list entry and per worker serving the
// queue. A closed queue with no token left is quiescent: no worker can touch
// its ring or user memory any more, so the JS side may finish closing it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "ring_layout.h"

namespace wd {

class DeviceCore;

// SQEs one worker claims at a time: small enough that a second worker can
// take the next batch of a busy queue, large enough to amortize the eventfd.
constexpr uint32_t kBatchMax = 32;
// A batch also ends once its requests carry about this many bytes, so large
// requests are claimed one by one and spread over the workers.
constexpr uint64_t kBatchBytes = 64 * 1024;

struct WorkerBatch {
  wd_sqe sqes[kBatchMax];
  wd_cqe cqes[kBatchMax];
};

class QueueCore {
 public:
  // Returns nullptr (errno set) if the eventfd cannot be created.
  static std::shared_ptr<QueueCore> Create(std::shared_ptr<DeviceCore> device,
                                           std::shared_ptr<Ring> ring);
  ~QueueCore();
  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;

  // --- JS thread -----------------------------------------------------------
  void Doorbell();
  // Marks the queue closed and cancels SQEs not taken yet (here if the SQ is
  // free, else by the worker that owns it). Idempotent.
  void Close();
  bool closed() const { return closed_.load(std::memory_order_seq_cst); }
  // Closed and no worker holds or will take the queue.
  bool Quiescent() const {
    return closed_.load(std::memory_order_seq_cst) && busy_.load(std::memory_order_seq_cst) == 0;
  }
  // After reading the eventfd, before draining the CQ: re-arms Signal().
  void AckSignal();
  // True (once) if a worker stopped because the CQ was full.
  bool TakeStalled() { return stalled_.exchange(false, std::memory_order_acq_rel); }
  int event_fd() const { return efd_; }
  // Closes the eventfd; only once Quiescent() (or the device is stopped).
  void ReleaseEventFd();
  const std::shared_ptr<Ring>& ring() const { return ring_; }
  DeviceCore& device() const { return *device_; }

  // --- worker thread --------------------------------------------------------
  // Entered with SQ ownership and one busy token; returns having dropped it.
  void Serve(WorkerBatch& batch);

 private:
  enum class Claim { kClaimed, kEmpty, kFenceWait, kCqFull };

  QueueCore(std::shared_ptr<DeviceCore> device, std::shared_ptr<Ring> ring, int efd);
  bool TryAcquire();
  bool ReleaseOwnership();
  bool ParkForFence();
  void Schedule();
  void DropToken();
  Claim ClaimBatch(WorkerBatch& b, uint32_t* count);
  bool SpinForWork();
  void Complete(const WorkerBatch& b, uint32_t count);
  void CancelPending();
  void Signal();
  void SetNeedWakeup(bool on);
  bool SqCorrupt(uint32_t tail);

  const std::shared_ptr<DeviceCore> device_;
  const std::shared_ptr<Ring> ring_;
  int efd_;
  // Ring words (shared with JS).
  std::atomic<uint32_t>* const sq_head_;
  std::atomic<uint32_t>* const sq_tail_;
  std::atomic<uint32_t>* const sq_flags_;
  std::atomic<uint32_t>* const sq_dropped_;
  std::atomic<uint32_t>* const cq_head_;
  std::atomic<uint32_t>* const cq_tail_;
  std::atomic<uint32_t>* const cq_flags_;
  std::atomic<uint32_t>* const cq_overflow_;
  const uint32_t sq_mask_, sq_entries_, cq_mask_, cq_entries_;

  // SQ owner only (ownership changes hands through seq_cst CAS / the ready
  // list mutex, which order these plain fields).
  uint32_t sq_next_ = 0;       // our copy of sq.head
  uint32_t cq_reserved_ = 0;   // CQ slots promised to claimed SQEs (free-running)

  std::mutex cq_mu_;           // serializes CQE writers (workers, close)
  // Held by a worker while it drops its busy token and signals: once the JS
  // side saw Quiescent(), taking it once guarantees that worker has stopped
  // touching this object (its eventfd in particular).
  std::mutex retire_mu_;
  uint32_t cq_next_ = 0;       // our copy of cq.tail, guarded by cq_mu_

  std::atomic<bool> scheduled_{false};
  std::atomic<bool> closed_{false};
  std::atomic<bool> signaled_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<uint32_t> busy_{0};
  std::atomic<uint32_t> inflight_{0};  // claimed, not yet completed (FENCE)
};

}  // namespace wd
