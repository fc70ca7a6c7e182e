// Kick eventfd vs ioctl doorbell through the SDK's Queue (run in the guest
// by sdk.sh): two queues of the kernel device built like a context builds
// them, one per doorbell kind, NOP and 4 KiB COPY at batch 1, interleaved
// rounds so host-load drift hits both alike. Prints "PERF sdk doorbell ..." lines.
import { readFileSync } from 'node:fs';

const core = await import(new URL('../../../packages/core/dist/index.js', import.meta.url).href);
const { native } = await import(new URL('../../../packages/native/dist/index.js', import.meta.url).href);
const device = process.env.WARPDRIVE_DEVICE ?? 'wd_soft-0';
const dusSize = Number(readFileSync(`/sys/class/uacce/${device}/region_dus_size`, 'utf8'));
const registry = new core.PluginRegistry();
registry.register(core.coreOps());
const ops = registry.bind('wd_soft_v1');
const queues = {};
for (const doorbell of ['eventfd', 'ioctl']) {
  queues[doorbell] = new core.Queue(0, (onCompletion) => native.openUacceQueue({ path: `/dev/${device}`, dusSize, sqEntries: 256, doorbell, onCompletion }), ops, 5);
}
const src = Buffer.alloc(4096, 7);
const dst = Buffer.alloc(4096);
const req = { nop: undefined, copy: { src, dst } };

async function rate(q, op, ms) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let secs = 0;
  while (secs * 1000 < ms) {
    for (let i = 0; i < 64; i++) await q.run(op, req[op]);
    n += 64;
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return n / secs;
}

for (const op of ['nop', 'copy']) {
  const sum = { eventfd: 0, ioctl: 0 };
  for (const kind of ['eventfd', 'ioctl']) await rate(queues[kind], op, 300); // warm-up
  for (let round = 0; round < 4; round++) for (const kind of ['eventfd', 'ioctl']) sum[kind] += await rate(queues[kind], op, 400);
  console.log(`PERF sdk doorbell ${op} batch=1 eventfd ops/s=${Math.round(sum.eventfd / 4)} ioctl ops/s=${Math.round(sum.ioctl / 4)}`);
}
for (const q of Object.values(queues)) await q.close();
