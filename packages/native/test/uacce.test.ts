/**
 * openUacceQueue on the host: argument checks and failures that need no
 * kernel device. The round trips through /dev/wd_soft-N run in the QEMU
 * guest (driver/test/qemu/run.sh, packages/core/test/device-kernel.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../src/index.js';

const noop = (): void => {};
const base = { path: '/dev/wd_soft-0', dusSize: 1 << 20, sqEntries: 64, onCompletion: noop };

describe('openUacceQueue', () => {
  it('is exported', () => {
    expect(typeof native.openUacceQueue).toBe('function');
  });

  it('validates its options', () => {
    expect(() => native.openUacceQueue(undefined as never)).toThrow(TypeError);
    expect(() => native.openUacceQueue({ ...base, path: '' })).toThrow(/path/);
    expect(() => native.openUacceQueue({ ...base, sqEntries: 3 })).toThrow(RangeError);
    expect(() => native.openUacceQueue({ ...base, sqEntries: 0 })).toThrow(RangeError);
    expect(() => native.openUacceQueue({ ...base, dusSize: 0 })).toThrow(RangeError);
    expect(() => native.openUacceQueue({ ...base, doorbell: 'mmio' as never })).toThrow(/doorbell/);
    expect(() => native.openUacceQueue({ ...base, onCompletion: 1 as never })).toThrow(/onCompletion/);
  });

  it('names the failing step and carries errno', () => {
    let err: (Error & { errno?: number }) | undefined;
    try {
      native.openUacceQueue({ ...base, path: '/dev/wd_soft-does-not-exist' });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/^openUacceQueue: open \/dev\/wd_soft-does-not-exist: /);
    expect(err?.errno).toBe(2); // ENOENT
    // A character device that is not a uacce queue: SET_QP is refused.
    expect(() => native.openUacceQueue({ ...base, path: '/dev/null' })).toThrow(/WD_SOFT_IOCTL_SET_QP/);
    expect(native.resources().fds).toBe(0);
    expect(native.resources().queues).toBe(0);
  });

  it('cannot be constructed directly', () => {
    const dev = '/sys/class/uacce/wd_soft-0/region_dus_size';
    const dusSize = existsSync(dev) ? Number(readFileSync(dev, 'utf8')) : 0;
    if (dusSize === 0) return; // needs a device for an instance to exist
    const q = native.openUacceQueue({ ...base, dusSize });
    const Ctor = (q as object).constructor as new (...a: unknown[]) => unknown;
    expect(() => new Ctor({}, noop)).toThrow(/openUacceQueue/);
    q.close(noop);
  });
});
