#include "queue_core.h"

#include <sched.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "device_core.h"
#include "engine_table.h"
#include "resources.h"

namespace wd {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Rough size of a request, only used to cut batches (SGL lengths are entry
// counts: assume a page per entry).
inline uint64_t EstimateBytes(const wd_sqe& sqe) {
  uint64_t src = (sqe.flags & WD_SQE_F_SRC_SGL) ? uint64_t(sqe.src_len) * 4096 : sqe.src_len;
  uint64_t dst = (sqe.flags & WD_SQE_F_DST_SGL) ? uint64_t(sqe.dst_len) * 4096 : sqe.dst_len;
  return src > dst ? src : dst;
}

}  // namespace

std::shared_ptr<QueueCore> QueueCore::Create(std::shared_ptr<DeviceCore> device,
                                             std::shared_ptr<Ring> ring) {
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) return nullptr;
  Resources().fds++;
  return std::shared_ptr<QueueCore>(new QueueCore(std::move(device), std::move(ring), efd));
}

QueueCore::QueueCore(std::shared_ptr<DeviceCore> device, std::shared_ptr<Ring> ring, int efd)
    : device_(std::move(device)),
      ring_(std::move(ring)),
      efd_(efd),
      sq_head_(ring_->U32(ring_->layout().sq.head)),
      sq_tail_(ring_->U32(ring_->layout().sq.tail)),
      sq_flags_(ring_->U32(ring_->layout().sq.flags)),
      sq_dropped_(ring_->U32(ring_->layout().sq.dropped)),
      cq_head_(ring_->U32(ring_->layout().cq.head)),
      cq_tail_(ring_->U32(ring_->layout().cq.tail)),
      cq_flags_(ring_->U32(ring_->layout().cq.flags)),
      cq_overflow_(ring_->U32(ring_->layout().cq.overflow)),
      sq_mask_(ring_->layout().sq_entries - 1),
      sq_entries_(ring_->layout().sq_entries),
      cq_mask_(ring_->layout().cq_entries - 1),
      cq_entries_(ring_->layout().cq_entries) {}

QueueCore::~QueueCore() { ReleaseEventFd(); }

void QueueCore::ReleaseEventFd() {
  if (efd_ < 0) return;
  // The worker that dropped the last busy token may still be inside
  // DropToken() (signalling this eventfd): wait for it to leave, so the fd
  // number is never written after close() hands it to someone else.
  { std::lock_guard<std::mutex> lk(retire_mu_); }
  close(efd_);
  efd_ = -1;
  Resources().fds--;
}

// ---------------------------------------------------------------- ownership

void QueueCore::SetNeedWakeup(bool on) {
  // Relaxed: the seq_cst operations around every call order it.
  if (on)
    sq_flags_->fetch_or(WD_SQ_NEED_WAKEUP, std::memory_order_relaxed);
  else
    sq_flags_->fetch_and(~uint32_t(WD_SQ_NEED_WAKEUP), std::memory_order_relaxed);
}

bool QueueCore::TryAcquire() {
  bool expected = false;
  if (!scheduled_.compare_exchange_strong(expected, true, std::memory_order_seq_cst)) return false;
  // The new owner looks at the SQ before sleeping again: no doorbell needed.
  SetNeedWakeup(false);
  return true;
}

// Gives up the SQ. Returns true if new SQEs raced in and we own it again.
bool QueueCore::ReleaseOwnership() {
  uint32_t head = sq_next_;  // read before releasing: the next owner writes it
  SetNeedWakeup(true);
  scheduled_.store(false, std::memory_order_seq_cst);
  // Full barrier: pairs with userspace's Atomics.store(sq.tail) (seq_cst)
  // followed by Atomics.load(sq.flags). Either we see its new tail below, or
  // it sees NEED_WAKEUP and rings the doorbell (whose CAS then succeeds).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (sq_tail_->load(std::memory_order_acquire) == head && !closed_.load()) return false;
  return TryAcquire();
}

// The SQE at the head has FENCE but earlier ones still run: give up the SQ
// until the last of them completes. Returns true if we own the SQ again.
bool QueueCore::ParkForFence() {
  scheduled_.store(false, std::memory_order_seq_cst);
  // Pairs with Complete(): inflight_ decrement (seq_cst) then TryAcquire by
  // the completing worker. Either it sees scheduled_ == false and takes the
  // SQ, or we see inflight_ == 0 here and take it back.
  if (inflight_.load(std::memory_order_seq_cst) == 0) return TryAcquire();
  return false;
}

void QueueCore::Schedule() {
  busy_.fetch_add(1, std::memory_order_seq_cst);
  device_->Push(this);
}

void QueueCore::DropToken() {
  std::lock_guard<std::mutex> lk(retire_mu_);  // see ReleaseEventFd()
  // Pairs with Close(): closed_ store then its own Signal(). Whoever comes
  // second sees the other's write, so the JS side always learns of quiescence.
  if (busy_.fetch_sub(1, std::memory_order_seq_cst) == 1 && closed_.load(std::memory_order_seq_cst))
    Signal();
}

// ---------------------------------------------------------------- JS side

void QueueCore::Doorbell() {
  if (closed_.load(std::memory_order_acquire)) return;
  if (TryAcquire()) Schedule();
}

void QueueCore::Close() {
  if (closed_.exchange(true, std::memory_order_seq_cst)) return;
  // If nobody owns the SQ we cancel here; otherwise its owner sees closed_
  // at its next step. We never give the SQ back: a closed queue is not served.
  if (TryAcquire()) CancelPending();
  Signal();  // the poll callback checks Quiescent()
}

void QueueCore::AckSignal() {
  signaled_.store(false, std::memory_order_seq_cst);
  // Full barrier: pairs with the one in Signal(). Either the worker sees
  // signaled_ == false and writes the eventfd again (after our read(), so a
  // new callback follows), or the CQ drain that follows on this thread sees
  // the cq.tail it published.
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

// ---------------------------------------------------------------- worker side

void QueueCore::Signal() {
  // Full barrier: pairs with AckSignal(); orders the cq.tail store before the
  // signaled_ test. One eventfd write per unacknowledged burst of batches.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (signaled_.exchange(true, std::memory_order_seq_cst)) return;
  uint64_t one = 1;
  ssize_t rc;
  do rc = write(efd_, &one, sizeof one);
  while (rc < 0 && errno == EINTR);
  // EAGAIN means the counter is already huge, i.e. readable: nothing to do.
}

bool QueueCore::SqCorrupt(uint32_t tail) {
  uint32_t pending = tail - sq_next_;
  if (pending <= sq_entries_) return false;
  // Userspace published a tail more than a ring ahead: the SQEs are
  // unrecoverable. Count them as dropped and skip them rather than spin.
  sq_dropped_->fetch_add(pending, std::memory_order_relaxed);
  sq_next_ = tail;
  sq_head_->store(tail, std::memory_order_release);
  return true;
}

QueueCore::Claim QueueCore::ClaimBatch(WorkerBatch& b, uint32_t* count) {
  // Acquire: pairs with userspace's Atomics.store(sq.tail) after it wrote
  // the SQEs, so the copies below see complete descriptors.
  uint32_t tail = sq_tail_->load(std::memory_order_acquire);
  if (tail == sq_next_ || SqCorrupt(tail)) return Claim::kEmpty;
  // Acquire: pairs with userspace's Atomics.store(cq.head) after it read the
  // CQEs it consumed; those slots may now be overwritten.
  uint32_t used = cq_reserved_ - cq_head_->load(std::memory_order_acquire);
  if (used >= cq_entries_) return Claim::kCqFull;  // also a head beyond the tail
  uint32_t n = tail - sq_next_;
  // At most a fair share of what is pending (rounded up): the byte budget
  // below only sees src_len/dst_len, which do not measure every request (a
  // crypto batch descriptor carries an entry count), so with few requests
  // pending the others are left for the next worker instead of all running
  // here one after another.
  uint32_t workers = device_->config().workers;
  if (workers > 1 && n > 1) n = (n + workers - 1) / workers;
  if (n > cq_entries_ - used) n = cq_entries_ - used;
  if (n > kBatchMax) n = kBatchMax;
  const wd_sqe* sqes = ring_->Sqes();
  uint32_t i = 0;
  uint64_t bytes = 0;
  while (i < n && bytes < kBatchBytes) {
    const wd_sqe& sqe = b.sqes[i];
    std::memcpy(&b.sqes[i], &sqes[(sq_next_ + i) & sq_mask_], sizeof(wd_sqe));
    if (sqe.flags & WD_SQE_F_FENCE) {
      if (i > 0) break;  // a fence starts its own batch
      if (inflight_.load(std::memory_order_seq_cst) != 0) return Claim::kFenceWait;
    }
    bytes += EstimateBytes(sqe);
    i++;
  }
  inflight_.fetch_add(i, std::memory_order_seq_cst);
  sq_next_ += i;
  cq_reserved_ += i;
  // Release: the SQEs were copied out above; pairs with userspace's
  // Atomics.load(sq.head) before it reuses those slots.
  sq_head_->store(sq_next_, std::memory_order_release);
  *count = i;
  return Claim::kClaimed;
}

bool QueueCore::SpinForWork() {
  uint32_t spin_us = device_->config().spin_micros;
  if (spin_us == 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(spin_us);
  for (uint32_t i = 1;; i++) {
    if (sq_tail_->load(std::memory_order_acquire) != sq_next_) return true;
    if (closed_.load(std::memory_order_relaxed)) return true;
    if (device_->HasReadyWork()) return false;  // another queue needs this worker
    if ((i & 63) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      // Let a runnable thread on this CPU go first: on a machine with as
      // many workers as CPUs, the JS thread that must reap completions and
      // refill this very SQ would otherwise wait for the spin to time out
      // (measured: COPY 1 MiB throughput fell to ~0.7x memcpy on 2 vCPUs).
      // With nothing else runnable, sched_yield() returns at once.
      sched_yield();
    }
    CpuRelax();
  }
}

void QueueCore::Complete(const WorkerBatch& b, uint32_t count) {
  {
    std::lock_guard<std::mutex> lk(cq_mu_);
    wd_cqe* cqes = ring_->Cqes();
    for (uint32_t i = 0; i < count; i++) cqes[(cq_next_ + i) & cq_mask_] = b.cqes[i];
    cq_next_ += count;
    // Release: pairs with userspace's Atomics.load(cq.tail) before it reads
    // the CQEs written above.
    cq_tail_->store(cq_next_, std::memory_order_release);
  }
  // seq_cst: pairs with ParkForFence() (see there).
  inflight_.fetch_sub(count, std::memory_order_seq_cst);
  Signal();
}

void QueueCore::CancelPending() {
  uint32_t tail = sq_tail_->load(std::memory_order_acquire);  // as in ClaimBatch
  if (tail == sq_next_ || SqCorrupt(tail)) return;
  uint32_t pending = tail - sq_next_;
  uint32_t used = cq_reserved_ - cq_head_->load(std::memory_order_acquire);
  uint32_t room = used >= cq_entries_ ? 0 : cq_entries_ - used;
  uint32_t n = pending < room ? pending : room;
  const wd_sqe* sqes = ring_->Sqes();
  {
    std::lock_guard<std::mutex> lk(cq_mu_);
    wd_cqe* cqes = ring_->Cqes();
    for (uint32_t i = 0; i < n; i++) {
      wd_cqe c;
      std::memset(&c, 0, sizeof c);
      c.user_data = sqes[(sq_next_ + i) & sq_mask_].user_data;
      c.status = -ECANCELED;
      cqes[(cq_next_ + i) & cq_mask_] = c;
    }
    cq_next_ += n;
    if (n < pending) {
      // Userspace broke the in-flight <= cq_entries rule: report, never overwrite.
      cq_overflow_->fetch_add(pending - n, std::memory_order_relaxed);
      cq_flags_->fetch_or(WD_CQ_OVERFLOW, std::memory_order_relaxed);
    }
    cq_tail_->store(cq_next_, std::memory_order_release);  // as in Complete()
  }
  cq_reserved_ += n;
  sq_next_ = tail;
  sq_head_->store(tail, std::memory_order_release);  // as in ClaimBatch()
  Signal();
}

void QueueCore::Serve(WorkerBatch& b) {
  bool owner = true;
  SetNeedWakeup(false);
  while (owner) {
    if (closed_.load(std::memory_order_seq_cst)) {
      CancelPending();  // and keep ownership forever: nobody serves it again
      break;
    }
    uint32_t n = 0;
    switch (ClaimBatch(b, &n)) {
      case Claim::kEmpty:
        owner = SpinForWork() || ReleaseOwnership();
        continue;
      case Claim::kFenceWait:
        owner = ParkForFence();
        continue;
      case Claim::kCqFull:
        // Only a userspace breaking the in-flight rule gets here. Sleep until
        // the JS side drains the CQ and rings again (see TakeStalled()).
        stalled_.store(true, std::memory_order_seq_cst);
        SetNeedWakeup(true);
        scheduled_.store(false, std::memory_order_seq_cst);
        Signal();
        owner = false;
        continue;
      case Claim::kClaimed:
        break;
    }
    // Hand the SQ on before running the batch, so another worker can run the
    // next requests of this queue in parallel with ours.
    if (sq_tail_->load(std::memory_order_acquire) != sq_next_ || ReleaseOwnership()) Schedule();
    for (uint32_t i = 0; i < n; i++) ExecuteSqe(device_->engines(), b.sqes[i], &b.cqes[i]);
    Complete(b, n);
    // Stay with this queue (and spin on it) unless someone else took it.
    owner = TryAcquire();
  }
  DropToken();
}

}  // namespace wd
