/**
 * openUacceQueue on the host: argument checks and failures that need no
 * kernel device. The round trips through /dev/wd_soft-N run in the QEMU
 * guest (driver/test/qemu/run.sh: test/device-kernel.test.ts here and
 * packages/core/test/device-kernel.test.ts).
 */
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
});
