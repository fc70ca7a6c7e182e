// sgl.h - a descriptor's buffer as a list of spans: either one flat
// (addr, len) or a struct wd_sgl_entry[] referenced by VA (WD_SQE_F_*_SGL).
//
// SVA caveat: the device runs in the caller's process, so an address that is
// not NULL but not mapped cannot be detected here; only NULL-with-length and
// address-range wrap-around become -EFAULT. SGL entries are user memory read
// twice (validate, then use); a caller racing its own SGL only hurts itself,
// and every copy stays bounded by the validated totals.
#pragma once

#include <misc/wd_soft.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace wd {

// Upper bound on SGL entries per descriptor (the header leaves it to the device).
constexpr uint32_t kMaxSglEntries = 65536;

struct Span {
  uint8_t* data;
  uint32_t len;
};

inline bool RangeFaults(uint64_t addr, uint64_t len) {
  return len != 0 && (addr == 0 || addr + len < addr);
}

class Segments {
 public:
  // Returns 0 or a negative errno (-EINVAL, -EFAULT).
  int Parse(uint64_t addr, uint32_t len, bool sgl) {
    if (!sgl) {
      if (RangeFaults(addr, len)) return -EFAULT;
      flat_ = {reinterpret_cast<uint8_t*>(uintptr_t(addr)), len};
      count_ = 1;
      total_ = len;
      return 0;
    }
    if (len > kMaxSglEntries) return -EINVAL;
    if (RangeFaults(addr, uint64_t(len) * sizeof(wd_sgl_entry))) return -EFAULT;
    sgl_ = reinterpret_cast<const wd_sgl_entry*>(uintptr_t(addr));
    count_ = len;
    total_ = 0;
    for (uint32_t i = 0; i < len; i++) {
      wd_sgl_entry e;
      std::memcpy(&e, &sgl_[i], sizeof e);
      if (e.resv) return -EINVAL;
      if (RangeFaults(e.addr, e.len)) return -EFAULT;
      total_ += e.len;
    }
    // consumed/produced are __u32.
    return total_ > WD_MAX_REQ_LEN ? -EINVAL : 0;
  }
  uint32_t count() const { return count_; }
  uint64_t total() const { return total_; }
  Span At(uint32_t i) const {
    if (!sgl_) return flat_;
    wd_sgl_entry e;
    std::memcpy(&e, &sgl_[i], sizeof e);
    return {reinterpret_cast<uint8_t*>(uintptr_t(e.addr)), e.len};
  }

 private:
  const wd_sgl_entry* sgl_ = nullptr;
  Span flat_{nullptr, 0};
  uint32_t count_ = 0;
  uint64_t total_ = 0;
};

// Copies src.total() bytes; the caller checked dst.total() >= src.total().
// Returns -EFAULT if an SGL changed under us and dst ran out.
inline int CopySegments(const Segments& src, const Segments& dst) {
  uint64_t left = src.total();
  uint32_t si = 0, di = 0;
  uint32_t soff = 0, doff = 0;
  Span s{nullptr, 0}, d{nullptr, 0};
  if (left) { s = src.At(0); d = dst.At(0); }
  while (left) {
    if (soff == s.len) { if (++si >= src.count()) return -EFAULT; s = src.At(si); soff = 0; continue; }
    if (doff == d.len) { if (++di >= dst.count()) return -EFAULT; d = dst.At(di); doff = 0; continue; }
    uint64_t n = left;
    if (n > s.len - soff) n = s.len - soff;
    if (n > d.len - doff) n = d.len - doff;
    std::memmove(d.data + doff, s.data + soff, size_t(n));  // SVA buffers may overlap
    soff += uint32_t(n);
    doff += uint32_t(n);
    left -= n;
  }
  return 0;
}

}  // namespace wd
