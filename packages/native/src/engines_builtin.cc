// engines_builtin.cc - the core opcodes every soft device implements:
// NOP, COPY (src -> dst) and CRC32 (zlib-compatible, seeded by sqe.aux).
#include <libdeflate.h>

#include <cerrno>
#include <cstring>

#include "engine_table.h"
#include "sgl.h"

namespace wd {
namespace {

// Fields the core opcodes never use must be zero (wd_soft.h), so they can get
// a meaning later without silently changing old descriptors.
bool CommonUnusedZero(const wd_sqe* s) {
  return s->op_flags == 0 && s->ctx_addr == 0 && s->param_addr == 0 && s->param_len == 0;
}

void RunNop(const wd_sqe* s, wd_cqe* c) {
  bool unused_zero = CommonUnusedZero(s) && s->src_addr == 0 && s->dst_addr == 0 &&
                     s->src_len == 0 && s->dst_len == 0 && s->aux == 0 &&
                     (s->flags & (WD_SQE_F_SRC_SGL | WD_SQE_F_DST_SGL)) == 0;
  c->status = unused_zero ? 0 : -EINVAL;
}

void RunCopy(const wd_sqe* s, wd_cqe* c) {
  if (!CommonUnusedZero(s) || s->aux != 0) { c->status = -EINVAL; return; }
  Segments src, dst;
  int err = src.Parse(s->src_addr, s->src_len, s->flags & WD_SQE_F_SRC_SGL);
  if (!err) err = dst.Parse(s->dst_addr, s->dst_len, s->flags & WD_SQE_F_DST_SGL);
  if (err) { c->status = err; return; }
  if (dst.total() < src.total()) { c->status = -ENOSPC; return; }
  err = CopySegments(src, dst);
  if (err) { c->status = err; return; }
  c->consumed = c->produced = uint32_t(src.total());
}

void RunCrc32(const wd_sqe* s, wd_cqe* c) {
  bool unused_zero = CommonUnusedZero(s) && s->dst_addr == 0 && s->dst_len == 0 &&
                     (s->flags & WD_SQE_F_DST_SGL) == 0;
  if (!unused_zero) { c->status = -EINVAL; return; }
  Segments src;
  int err = src.Parse(s->src_addr, s->src_len, s->flags & WD_SQE_F_SRC_SGL);
  if (err) { c->status = err; return; }
  uint32_t crc = s->aux;
  for (uint32_t i = 0; i < src.count(); i++) {
    Span span = src.At(i);
    // libdeflate_crc32(crc, NULL, 0) answers the initial value 0, not crc
    // (zlib's convention): an empty segment must leave the seed alone.
    if (span.len != 0) crc = libdeflate_crc32(crc, span.data, span.len);
  }
  c->aux = crc;
  c->consumed = uint32_t(src.total());
}

const wd_engine kNop = {WD_ENGINE_ABI_VERSION, WD_OP_NOP, WD_OP_NOP, 0, "nop", RunNop};
const wd_engine kCopy = {WD_ENGINE_ABI_VERSION, WD_OP_COPY, WD_OP_COPY, 0, "copy", RunCopy};
const wd_engine kCrc32 = {WD_ENGINE_ABI_VERSION, WD_OP_CRC32, WD_OP_CRC32, 0, "crc32", RunCrc32};
const wd_engine* const kBuiltins[] = {&kNop, &kCopy, &kCrc32};

}  // namespace

const wd_engine* const* BuiltinEngines(size_t* count) {
  *count = sizeof kBuiltins / sizeof kBuiltins[0];
  return kBuiltins;
}

}  // namespace wd
