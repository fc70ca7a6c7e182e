#include "uacce_handle.h"

#include <fcntl.h>
#include <misc/wd_soft.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "resources.h"

// linux/uacce.h (uapi); defined here so the addon builds without it.
#ifndef UACCE_CMD_START_Q
#define UACCE_CMD_START_Q _IO('W', 0)
#define UACCE_CMD_PUT_Q _IO('W', 1)
#endif
namespace {
constexpr long kQfrtMmio = 0;  // enum uacce_qfrt: region type in the mmap offset (pages)
constexpr long kQfrtDus = 1;
}  // namespace

namespace wd {

UacceRing::~UacceRing() { munmap(base_, size_); }

void UacceRing::Detach() {
  if (detached_) return;
  detached_ = true;
  // On failure (out of memory) the device mapping stays: the kernel queue is
  // then freed when the ArrayBuffer is collected.
  mmap(base_, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

std::unique_ptr<UacceHandle> UacceHandle::Open(const UacceOpenParams& p, std::string* error) {
  std::unique_ptr<UacceHandle> h(new UacceHandle());
  const long page = sysconf(_SC_PAGESIZE);
  auto fail = [&](const char* step) {
    *error = std::string(step) + ": " + strerror(errno);
    int e = errno;
    h->Release();
    errno = e;
    return nullptr;
  };
  h->fd_ = open(p.path.c_str(), O_RDWR | O_CLOEXEC);
  if (h->fd_ < 0) return fail(("open " + p.path).c_str());
  Resources().fds++;
  wd_soft_qp_params qp{};
  qp.sq_entries = p.sq_entries;
  qp.features = p.data_bytes ? WD_FEAT_NOSVA : WD_FEAT_SVA;
  qp.data_bytes = p.data_bytes;
  if (ioctl(h->fd_, WD_SOFT_IOCTL_SET_QP, &qp)) return fail("WD_SOFT_IOCTL_SET_QP");
  // The device may grant a larger (page-aligned) region; it must fit the mapping.
  if (p.data_bytes && (!(qp.features & WD_FEAT_NOSVA) || qp.data_bytes < p.data_bytes)) {
    errno = EINVAL;
    return fail("WD_SOFT_IOCTL_SET_QP (no-SVA mode not granted)");
  }
  void* mmio = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd_, kQfrtMmio * page);
  if (mmio == MAP_FAILED) return fail("mmap MMIO");
  h->mmio_ = mmio;
  h->mmio_size_ = page;
  // uacce allows one mapping per region and the ring size is only known once
  // mapped: map the whole DUS region (pages past the rings are not backed).
  void* dus = mmap(nullptr, p.dus_size, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd_, kQfrtDus * page);
  if (dus == MAP_FAILED) return fail("mmap DUS");
  h->ring_ = std::make_shared<UacceRing>(static_cast<uint8_t*>(dus), p.dus_size);
  if (p.kick_eventfd) {
    int kfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (kfd < 0) return fail("eventfd");
    Resources().fds++;
    h->kick_fd_ = kfd;
    if (ioctl(h->fd_, WD_SOFT_IOCTL_SET_KICK, &kfd)) return fail("WD_SOFT_IOCTL_SET_KICK");
  }
  if (ioctl(h->fd_, UACCE_CMD_START_Q)) return fail("UACCE_CMD_START_Q");
  return h;
}

UacceHandle::~UacceHandle() { Release(); }

void UacceHandle::Doorbell() {
  if (fd_ < 0 || stopped_) return;
  if (kick_fd_ >= 0) {
    uint64_t one = 1;
    while (write(kick_fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  } else {
    while (ioctl(fd_, WD_SOFT_IOCTL_DOORBELL) < 0 && errno == EINTR) {
    }
  }
}

void UacceHandle::Stop() {
  if (fd_ < 0 || stopped_) return;
  stopped_ = true;
  while (ioctl(fd_, UACCE_CMD_PUT_Q) < 0 && errno == EINTR) {
  }
}

void UacceHandle::Release() {
  Stop();
  if (mmio_) munmap(mmio_, mmio_size_);
  mmio_ = nullptr;
  if (kick_fd_ >= 0) {
    close(kick_fd_);
    Resources().fds--;
  }
  kick_fd_ = -1;
  if (fd_ >= 0) {
    close(fd_);
    Resources().fds--;
  }
  fd_ = -1;
  if (ring_) ring_->Detach();
  ring_.reset();
}

}  // namespace wd
