// uacce_handle.h - one uacce queue of a kernel device (/dev/wd_soft-N): the
// fd, SET_QP, the MMIO and DUS mappings, the doorbell (kick eventfd or
// ioctl), START_Q and PUT_Q. Plain C++, no N-API.
//
// The DUS mapping (the rings) is a separate shared object so that the JS
// ArrayBuffer over it keeps it mapped after the queue closed; the queue fd
// itself is closed by Release() once the queue was stopped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace wd {

// The DUS mapping; munmap()s on destruction.
class UacceRing {
 public:
  UacceRing(uint8_t* base, size_t size) : base_(base), size_(size) {}
  ~UacceRing();
  UacceRing(const UacceRing&) = delete;
  UacceRing& operator=(const UacceRing&) = delete;
  uint8_t* base() const { return base_; }
  size_t size() const { return size_; }
  // Replace the device mapping by anonymous memory (drops the vma's file
  // reference). Idempotent.
  void Detach();

 private:
  bool detached_ = false;
  uint8_t* base_;
  size_t size_;
};

struct UacceOpenParams {
  std::string path;        // /dev/<name>
  size_t dus_size = 0;     // sysfs region_dus_size
  uint32_t sq_entries = 0;
  bool kick_eventfd = true;  // doorbell through SET_KICK's eventfd (else the ioctl)
  uint64_t data_bytes = 0;   // > 0: no-SVA mode with a data region this large
};

class UacceHandle {
 public:
  // Open, SET_QP (SVA, or no-SVA with a data region), map MMIO + DUS, optional SET_KICK, START_Q. Returns
  // nullptr with *error ("<step>: <strerror>") on failure, everything undone.
  static std::unique_ptr<UacceHandle> Open(const UacceOpenParams& p, std::string* error);
  ~UacceHandle();  // Release()
  UacceHandle(const UacceHandle&) = delete;
  UacceHandle& operator=(const UacceHandle&) = delete;

  int fd() const { return fd_; }
  const std::shared_ptr<UacceRing>& ring() const { return ring_; }
  bool kick_eventfd() const { return kick_fd_ >= 0; }
  // One syscall: write(kick eventfd) or ioctl(DOORBELL). Errors are ignored
  // (a stopped queue; the device reports problems in CQEs).
  void Doorbell();
  // PUT_Q: the worker is stopped when it returns; SQEs not run yet were
  // completed with -ECANCELED. Idempotent.
  void Stop();
  // Stop(), unmap MMIO, close the kick eventfd and the queue fd. The DUS
  // mapping lives on while ring() has other owners. Idempotent.
  void Release();

 private:
  UacceHandle() = default;
  int fd_ = -1;
  int kick_fd_ = -1;
  void* mmio_ = nullptr;
  size_t mmio_size_ = 0;
  bool stopped_ = false;
  std::shared_ptr<UacceRing> ring_;
};

}  // namespace wd
