/**
 * openUacceQueue on the wd_soft kernel device: what needs a real queue.
 * Not run on the host (vitest.config.ts excludes it unless WARPDRIVE_DEVICE
 * is set): the QEMU guest of driver/test/qemu/run.sh runs it with
 * WARPDRIVE_DEVICE=wd_soft-0 and CI=1, where a missing device fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { needs } from '../../conformance/needs.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const dusFile = `/sys/class/uacce/${DEVICE}/region_dus_size`;
const skipKernel = needs(existsSync(dusFile), `no ${dusFile} (the kernel-device tests run in the QEMU guest: pnpm test:driver)`);
const noop = (): void => {};

describe.skipIf(skipKernel)(`openUacceQueue on ${DEVICE}`, () => {
  it('a queue object cannot be constructed directly', () => {
    const dusSize = Number(readFileSync(dusFile, 'utf8'));
    const q = native.openUacceQueue({ path: `/dev/${DEVICE}`, dusSize, sqEntries: 64, onCompletion: noop });
    const Ctor = (q as object).constructor as new (...a: unknown[]) => unknown;
    expect(() => new Ctor({}, noop)).toThrow(/openUacceQueue/);
    q.close(noop);
  });
});
