import { constants as osConstants } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { RingDriver } from './ring-driver.js';

const { abi } = native;
const C = abi.constants;

describe('abi export', () => {
  it('reports the header sizes the protocol is built on', () => {
    expect(abi.api).toBe('wd_soft_v1');
    expect(abi.sizes.wd_sqe).toBe(64);
    expect(abi.sizes.wd_cqe).toBe(32);
    expect(abi.sizes.wd_sgl_entry).toBe(16);
    expect(abi.sizes.wd_sq_offsets).toBe(32);
    expect(abi.sizes.wd_cq_offsets).toBe(32);
    expect(abi.sizes.wd_ring_info).toBe(152);
  });

  it('reports field offsets of every struct', () => {
    expect(abi.offsets['wd_sqe.opcode']).toBe(0);
    expect(abi.offsets['wd_sqe.user_data']).toBe(8);
    expect(abi.offsets['wd_sqe.src_len']).toBe(32);
    expect(abi.offsets['wd_sqe.aux']).toBe(60);
    expect(abi.offsets['wd_cqe.status']).toBe(8);
    expect(abi.offsets['wd_cqe.aux']).toBe(24);
    expect(abi.offsets['wd_ring_info.sq_off']).toBe(32);
    expect(abi.offsets['wd_ring_info.cq_off']).toBe(64);
    expect(abi.offsets['wd_ring_info.ring_bytes']).toBe(96);
    expect(Object.keys(abi.offsets).length).toBeGreaterThanOrEqual(60);
  });

  it('reports every constant of the header', () => {
    expect(C.WD_RING_MAGIC).toBe(0x31524457);
    expect(C.WD_RING_MAX_ENTRIES).toBe(32768);
    expect(C.WD_MAX_REQ_LEN).toBe(0xffffffff);
    expect(C.WD_OP_NOP).toBe(0);
    expect(C.WD_OP_COPY).toBe(1);
    expect(C.WD_OP_CRC32).toBe(2);
    expect(C.WD_SQE_F_VALID_MASK).toBe(7);
    expect(C.WD_SQ_NEED_WAKEUP).toBe(1);
    expect(C.WD_FEAT_CQ_EVENTFD).toBe(32);
    expect(C.WD_SOFT_IOCTL_DOORBELL).toBe(0x5741);
    expect(C.WD_ENGINE_ABI_VERSION).toBe(1);
  });

  it('reports errno values that match the OS', () => {
    for (const name of ['EINVAL', 'EOPNOTSUPP', 'EFAULT', 'ENOSPC', 'EBADMSG', 'ECANCELED', 'ENOMEM', 'EPERM', 'EBUSY']) {
      expect(abi.errno[name], name).toBe((osConstants.errno as Record<string, number>)[name]);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(abi)).toBe(true);
    expect(Object.isFrozen(abi.sizes)).toBe(true);
  });
});

describe('ring region', () => {
  const device = new native.SoftDevice({ workers: 1 });
  afterAll(() => device.close());

  it('describes its own layout in wd_ring_info', async () => {
    const d = new RingDriver(device, 8);
    const v = new DataView(d.queue.ring);
    const info = (f: string) => v.getUint32(abi.offsets[`wd_ring_info.${f}`]!, true);
    expect(info('magic')).toBe(C.WD_RING_MAGIC);
    expect(info('version')).toBe(C.WD_RING_VERSION);
    expect(info('features')).toBe(device.features);
    expect(info('info_size')).toBe(abi.sizes.wd_ring_info);
    expect(info('sqe_size')).toBe(64);
    expect(info('cqe_size')).toBe(32);
    expect(info('sq_entries')).toBe(8);
    expect(info('cq_entries')).toBe(16);
    const ringBytes = Number(v.getBigUint64(abi.offsets['wd_ring_info.ring_bytes']!, true));
    expect(ringBytes).toBeLessThanOrEqual(d.queue.ring.byteLength);
    expect(d.queue.ring.byteLength % 4096).toBe(0);
    const sq = (f: string) => v.getUint32(abi.offsets['wd_ring_info.sq_off']! + abi.offsets[`wd_sq_offsets.${f}`]!, true);
    const cq = (f: string) => v.getUint32(abi.offsets['wd_ring_info.cq_off']! + abi.offsets[`wd_cq_offsets.${f}`]!, true);
    // Hot indices each on their own cache line.
    const hot = [sq('head'), sq('tail'), sq('flags'), cq('head'), cq('tail')];
    expect(new Set(hot.map((o) => Math.floor(o / 64))).size).toBe(5);
    expect(v.getUint32(sq('ring_mask'), true)).toBe(7);
    expect(v.getUint32(sq('ring_entries'), true)).toBe(8);
    expect(v.getUint32(cq('ring_mask'), true)).toBe(15);
    expect(v.getUint32(cq('ring_entries'), true)).toBe(16);
    expect(sq('sqes') % 64).toBe(0);
    expect(cq('cqes')).toBeGreaterThanOrEqual(sq('sqes') + 8 * 64);
    expect(cq('cqes') + 16 * 32).toBeLessThanOrEqual(ringBytes);
    // The device starts asleep: the first submission must ring.
    expect(v.getUint32(sq('flags'), true) & C.WD_SQ_NEED_WAKEUP!).toBe(C.WD_SQ_NEED_WAKEUP);
    expect(d.submit()).toBe(true);
    await d.close();
  });

  it('returns the same ArrayBuffer each time and keeps it after close', async () => {
    const d = new RingDriver(device, 1);
    const ring = d.queue.ring;
    expect(d.queue.ring).toBe(ring);
    await d.close();
    expect(d.queue.closed).toBe(true);
    expect(new Uint32Array(ring)[0]).toBe(C.WD_RING_MAGIC);
  });
});
