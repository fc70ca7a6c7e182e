/* SPDX-License-Identifier: MIT */
/*
 * engine.h - how a plugin adds an engine to the in-process soft device.
 *
 * An engine is a shared library exporting one function of type
 * wd_engine_get_fn. The addon dlopen()s it (SoftDevice.loadEngine) and routes
 * every SQE whose opcode lies in [first_opcode, last_opcode] to run().
 *
 * run() is called on a device worker thread (or, for the inline path, on the
 * JS thread) with an SQE already copied out of the ring, so it may read the
 * SQE freely. In the soft device's SVA mode the SQE's addresses are the
 * process's own pointers; the engine must respect src_len/dst_len and never
 * write beyond dst_addr + dst_len. It reports the outcome in *cqe: status (0
 * or a negative errno, see wd_soft.h), consumed, produced, aux, flags, detail.
 * cqe->user_data is filled in by the device. run() must be thread-safe:
 * several workers call it at once for different SQEs.
 */
#ifndef WARPDRIVE_ENGINE_H
#define WARPDRIVE_ENGINE_H

#include <misc/wd_soft.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WD_ENGINE_ABI_VERSION 1

struct wd_engine {
	__u32 abi_version;		/* WD_ENGINE_ABI_VERSION */
	__u8 first_opcode;
	__u8 last_opcode;
	__u16 resv;
	const char *name;
	void (*run)(const struct wd_sqe *sqe, struct wd_cqe *cqe);
};

typedef const struct wd_engine *(*wd_engine_get_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* WARPDRIVE_ENGINE_H */
