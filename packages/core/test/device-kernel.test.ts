/**
 * The SDK on the wd_soft kernel device (/dev/wd_soft-N, driver/kernel): the
 * same Queue and ctx methods as on the soft device, results byte-identical.
 *
 * Not run on the host (vitest.config.ts excludes it unless WARPDRIVE_DEVICE
 * is set): the QEMU guest of driver/test/qemu/run.sh runs it with
 * WARPDRIVE_DEVICE=wd_soft-0 and CI=1, where a missing device fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abi, addressOf, coreOps, createContext, definePlugin, type ContextWith } from '../src/index.js';
import { needs } from '../../conformance/needs.js';

const env = process.env.WARPDRIVE_DEVICE;
const DEVICE = env !== undefined && env.startsWith('wd_soft-') ? env : 'wd_soft-0';
const hasDevice = existsSync(`/dev/${DEVICE}`);
const skipKernel = needs(hasDevice, `no /dev/${DEVICE} (the kernel-device tests run in the QEMU guest: pnpm test:driver)`);

const available = (): number => Number(readFileSync(`/sys/class/uacce/${DEVICE}/available_instances`, 'utf8'));
type Ctx = ContextWith<[ReturnType<typeof coreOps>]>;

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

describe.skipIf(skipKernel)(`kernel device ${DEVICE}`, () => {
  let ctx: Ctx;
  let soft: Ctx;
  beforeAll(async () => {
    ctx = await createContext({ plugins: [coreOps()], device: DEVICE, depth: 64 });
    soft = await createContext({ plugins: [coreOps()], device: 'soft', workers: 1 });
  });
  afterAll(async () => {
    await ctx?.close();
    await soft?.close();
  });

  it("opens kernel queues: backend uacce, SVA ring, stats path '<dev>:wd_soft_v1:uacce'", async () => {
    expect(ctx.device).toMatchObject({ name: DEVICE, backend: 'uacce', api: 'wd_soft_v1', sva: true, path: `/dev/${DEVICE}` });
    const q = ctx.queues[0]!;
    expect(q.features & abi.WD_FEAT_SVA).toBe(abi.WD_FEAT_SVA);
    expect(q.sqEntries).toBe(64);
    await ctx.nop();
    expect(Object.keys(ctx.stats().perPath)).toEqual([`${DEVICE}:wd_soft_v1:uacce`]);
    // 'auto' follows WARPDRIVE_DEVICE (set by the guest runner).
    if (env === DEVICE) {
      const auto = await createContext({ plugins: [] });
      expect(auto.device.name).toBe(DEVICE);
      await auto.close();
    }
  });

  it('NOP, COPY and CRC32 through ctx methods, byte-identical with the soft device', async () => {
    for (const [i, n] of [0, 1, 63, 4096, 4097, 65536 + 17, 1 << 20].entries()) {
      const src = pattern(n, i + 1);
      const dk = Buffer.alloc(n + 8, 0xee);
      const ds = Buffer.alloc(n + 8, 0xee);
      expect(await ctx.copy(src, dk)).toBe(n);
      expect(await soft.copy(src, ds)).toBe(n);
      expect(dk.equals(ds)).toBe(true);
      expect(dk.subarray(0, n).equals(src)).toBe(true);
      const seed = i * 0x01010101;
      const ck = await ctx.crc32(src, seed);
      expect(ck).toBe(await soft.crc32(src, seed));
      expect(ck).toBe(zlibCrc32(src, seed));
    }
    await Promise.all(Array.from({ length: 200 }, () => ctx.nop()));
    // Many at once: more than the ring holds (backpressure), all correct.
    const srcs = Array.from({ length: 300 }, (_, i) => pattern(1 + (i * 37) % 5000, i + 100));
    const crcs = await Promise.all(srcs.map((s) => ctx.crc32(s)));
    expect(crcs).toEqual(srcs.map((s) => zlibCrc32(s)));
    const st = ctx.stats();
    expect(st.errors).toBe(0);
  });

  it('the raw Queue API: getSqe / submit / waitCqe / cqeSeen with user_data', async () => {
    const q = ctx.queues[0]!;
    const src = pattern(10000, 7);
    const dst = Buffer.alloc(10000);
    q.getSqe()!.opcode(abi.WD_OP_NOP).userData(0x1234_5678_9abcn);
    q.getSqe()!.opcode(abi.WD_OP_COPY).srcAddr(addressOf(src)).srcLen(src.length).dstAddr(addressOf(dst)).dstLen(dst.length).userData(2);
    q.getSqe()!.opcode(abi.WD_OP_CRC32).srcAddr(addressOf(src)).srcLen(src.length).aux(0).userData(3);
    expect(q.submit()).toBe(3);
    const got: Array<[bigint, number, number]> = [];
    while (got.length < 3) {
      const c = await q.waitCqe();
      got.push([c.userData, c.status, c.userData === 3n ? c.auxLow : c.produced]);
      q.cqeSeen(c);
    }
    expect(got).toEqual([[0x1234_5678_9abcn, 0, 0], [2n, 0, 10000], [3n, 0, zlibCrc32(src)]]);
    expect(dst.equals(src)).toBe(true);
  });

  it('a raw CQE left at the head does not make the completion watcher spin', async () => {
    const q = ctx.queues[0]!;
    q.getSqe()!.opcode(abi.WD_OP_NOP).userData(11);
    q.getSqe()!.opcode(abi.WD_OP_NOP).userData(12);
    q.submit();
    const first = await q.waitCqe();
    expect(first.userData).toBe(11n);
    // The fd stays readable (level-triggered POLLIN) while the CQEs sit there.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    const wall = performance.now() - t0;
    const d = process.cpuUsage(cpu0);
    const used = (d.user + d.system) / 1000; // ms
    // A spinning watcher keeps the JS thread busy: ≈ 1.0 of wall time. The
    // margin leaves room for vitest's own threads on a loaded TCG guest.
    expect(used).toBeLessThan(wall * 0.85);
    q.cqeSeen(first);
    const second = await q.waitCqe();
    expect(second.userData).toBe(12n);
    q.cqeSeen(second);
  });

  it('bad input: argument errors before submission, device errors as CQE statuses', async () => {
    await expect(ctx.copy(Buffer.alloc(10), Buffer.alloc(5))).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL' });
    await expect(ctx.crc32('x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => ctx.copySync(Buffer.alloc(1), Buffer.alloc(1))).toThrowError(expect.objectContaining({ code: 'ERR_UNSUPPORTED_OPERATION' }));
    const q = ctx.queues[0]!;
    q.getSqe()!.opcode(0x3f).userData(1); // zip family, not implemented
    q.getSqe()!.opcode(abi.WD_OP_COPY).srcAddr(0x10).srcLen(64).dstAddr(0x20).dstLen(64).userData(2); // unmapped
    q.getSqe()!.opcode(abi.WD_OP_NOP).flags(0x80).userData(3); // unknown flag
    q.getSqe()!.opcode(abi.WD_OP_COPY).srcAddr(0xffffffff81000000n).srcLen(64).dstAddr(addressOf(Buffer.alloc(64))).dstLen(64).userData(4); // kernel VA
    q.submit();
    const status = new Map<bigint, number>();
    while (status.size < 4) {
      const c = await q.waitCqe();
      status.set(c.userData, c.status);
      q.cqeSeen(c);
    }
    const E = abi.ERRNO;
    expect([...status.entries()].sort()).toEqual([[1n, -E.EOPNOTSUPP], [2n, -E.EFAULT], [3n, -E.EINVAL], [4n, -E.EFAULT]]);
    // A plugin whose algorithm the device does not list: rejected before submission.
    const frob = definePlugin({
      name: 'frob',
      algorithms: ['frobnicate'],
      operations: { frob: { opcode: 0xe0, api: { wd_soft_v1: { prep: (sqe) => void sqe.opcode(0xe0) } } } },
    });
    const c2 = await createContext({ plugins: [frob], device: DEVICE });
    await expect(c2.run('frob')).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_OPERATION', message: expect.stringContaining('not supported by device') });
    await c2.close();
    // The queue still works after all that.
    expect(await ctx.crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('close with work in flight: every request settles, the kernel queue is released', async () => {
    const before = available();
    for (let round = 0; round < 3; round++) {
      const c = await createContext({ plugins: [coreOps()], device: DEVICE, depth: 16 });
      expect(available()).toBe(before - 1);
      const src = pattern(1 << 20, round + 9);
      const jobs = Array.from({ length: 40 }, () => c.copy(src, Buffer.alloc(src.length)).then(() => 'ok', (e: { code: string }) => e.code));
      await c.close();
      const outcomes = await Promise.all(jobs);
      for (const o of outcomes) expect(['ok', 'ERR_CONTEXT_CLOSED', 'ERR_CANCELED']).toContain(o);
      expect(available()).toBe(before);
    }
  });

  it('two contexts at once on the device, concurrently', async () => {
    const before = available();
    const [a, b] = await Promise.all([
      createContext({ plugins: [coreOps()], device: DEVICE, queues: 2 }),
      createContext({ plugins: [coreOps()], device: DEVICE }),
    ]);
    expect(available()).toBe(before - 3);
    const data = Array.from({ length: 64 }, (_, i) => pattern(4096 + i, i + 50));
    const [ra, rb] = await Promise.all([Promise.all(data.map((d) => a.crc32(d))), Promise.all(data.map((d) => b.crc32(d)))]);
    expect(ra).toEqual(rb);
    expect(ra).toEqual(data.map((d) => zlibCrc32(d)));
    await Promise.all([a.close(), b.close()]);
    expect(available()).toBe(before);
  });

  it('process and worker lifetime: in-flight work keeps a process alive, idle queues do not, exit/terminate release the queues', () => {
    const before = available();
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const node = (code: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WARPDRIVE_DEVICE: DEVICE } });
    // 8 × 4 MiB copies, nothing awaited, no timers: the process waits for them.
    let r = node(`import { coreOps, createContext } from '${dist}';
      const ctx = await createContext({ plugins: [coreOps()] });
      if (ctx.device.name !== '${DEVICE}') throw new Error('wrong device ' + ctx.device.name);
      const src = Buffer.alloc(4 << 20, 1), dst = Buffer.alloc(src.length);
      let done = 0;
      for (let i = 0; i < 8; i++) ctx.copy(src, dst).then(() => { if (++done === 8) console.log('completed 8'); });`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('completed 8');
    expect(available()).toBe(before);
    // An idle open context does not hold the process; exit closes the queues.
    r = node(`import { coreOps, createContext } from '${dist}';
      const ctx = await createContext({ plugins: [coreOps()], queues: 2 });
      await ctx.nop(); console.log('idle');`);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('idle');
    expect(available()).toBe(before);
    // A worker thread with an open kernel context and work in flight,
    // terminated (4 times: the termination races the completions).
    for (let round = 0; round < 4; round++) {
      r = node(`import { Worker } from 'node:worker_threads';
        import { readFileSync } from 'node:fs';
        const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(\`import { coreOps, createContext } from '${dist}';
          import { parentPort } from 'node:worker_threads';
          const ctx = await createContext({ plugins: [coreOps()] });
          await ctx.nop();
          const src = Buffer.alloc(4 << 20, 2), dst = Buffer.alloc(src.length);
          for (let i = 0; i < 16; i++) ctx.copy(src, dst);
          parentPort.postMessage('busy');\`)));
        await new Promise((res) => w.once('message', res));
        const open = Number(readFileSync('/sys/class/uacce/${DEVICE}/available_instances', 'utf8'));
        await w.terminate();
        console.log(open, Number(readFileSync('/sys/class/uacce/${DEVICE}/available_instances', 'utf8')));`);
      if (r.stderr !== '') throw new Error(`worker child: status ${r.status} signal ${r.signal} stdout ${r.stdout} stderr ${r.stderr}`);
      expect(r.stdout.trim()).toBe(`${before - 1} ${before}`);
      expect(available()).toBe(before);
    }
  });

  it('another process holding the queue fd cannot drive it (-EPERM); the owner is unaffected', async (t) => {
    if (needs(existsSync('/usr/bin/python3'), 'python3 (/usr/bin/python3) as the second process')) t.skip();
    // The queue fd of ctx: the one /proc/self/fd entry pointing at the device.
    const fd = readdirSync('/proc/self/fd').map(Number).find((n) => {
      try {
        return readlinkSync(`/proc/self/fd/${n}`) === `/dev/${DEVICE}`;
      } catch {
        return false;
      }
    });
    expect(fd).toBeDefined();
    // DOORBELL and SET_KICK: the driver's owner-mm check (-EPERM). START_Q
    // and mmap are refused too (uacce answers first: the queue is started,
    // its regions are mapped).
    const script = [
      'import fcntl, mmap, os, struct',
      'r = []',
      'def call(f):',
      '    try: f(); r.append(0)',
      '    except OSError as e: r.append(e.errno)',
      'call(lambda: fcntl.ioctl(3, 0x5741))  # WD_SOFT_IOCTL_DOORBELL',
      'efd = os.eventfd(0)',
      "call(lambda: fcntl.ioctl(3, 0x40045742, struct.pack('i', efd)))  # WD_SOFT_IOCTL_SET_KICK",
      'call(lambda: fcntl.ioctl(3, 0x5700))  # UACCE_CMD_START_Q',
      'call(lambda: mmap.mmap(3, 4096, offset=0))',
      'print(r)',
    ].join('\n');
    const res = spawnSync('/usr/bin/python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', fd!], encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const r = JSON.parse(res.stdout) as number[];
    expect(r.slice(0, 2)).toEqual([abi.ERRNO.EPERM, abi.ERRNO.EPERM]);
    expect(r[2]).not.toBe(0);
    expect(r[3]).not.toBe(0);
    expect(await ctx.crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
