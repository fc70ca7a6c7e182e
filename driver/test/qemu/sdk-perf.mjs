// SDK figures on the kernel device (run in the guest by sdk.sh): ops/s for
// NOP and 4 KiB COPY at batch 1 and 64 through ctx methods, and the
// submitting thread's syscalls per op (strace -c attached to the main thread
// around a separate run). Prints "PERF sdk <op> batch=<b> ..." lines.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const core = await import(new URL('../../../packages/core/dist/index.js', import.meta.url).href);
const device = process.env.WARPDRIVE_DEVICE ?? 'wd_soft-0';
const ctx = await core.createContext({ plugins: [core.coreOps()], device });
const src = Buffer.alloc(4096, 7);
const dsts = Array.from({ length: 64 }, () => Buffer.alloc(4096));
const ops = {
  nop: () => ctx.nop(),
  copy4k: (i) => ctx.copy(src, dsts[i]),
};

async function run(op, batch, n) {
  const f = ops[op];
  for (let done = 0; done < n; done += batch) {
    if (batch === 1) await f(0);
    else await Promise.all(Array.from({ length: batch }, (_, i) => f(i)));
  }
}

async function opsPerSec(op, batch) {
  // Warm-up (JIT tiers are slow to kick in under TCG): about 0.5 s.
  for (const t0 = Date.now(); Date.now() - t0 < 500; ) await run(op, batch, 64);
  let n = 0;
  const t0 = process.hrtime.bigint();
  let secs = 0;
  while (secs < 1.5) {
    await run(op, batch, 64 * 8);
    n += 64 * 8;
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return n / secs;
}

// strace -c on the main thread only (the submitter), attached around `n` ops.
async function syscallsPerOp(op, batch, n) {
  if (!existsSync('/usr/bin/strace')) return null;
  const out = `/tmp/strace-${op}-${batch}.txt`;
  const st = spawn('/usr/bin/strace', ['-c', '-o', out, '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    st.stderr.on('data', (d) => String(d).includes('attached') && resolve());
    st.on('exit', () => reject(new Error('strace exited')));
  });
  await run(op, batch, n);
  const exited = new Promise((resolve) => st.on('exit', resolve));
  st.kill('SIGINT');
  await exited;
  const lines = readFileSync(out, 'utf8').split('\n');
  const total = lines.find((l) => /\stotal$/.test(l));
  const calls = total === undefined ? NaN : Number(total.trim().split(/\s+/)[3]);
  const top = lines
    .filter((l) => /^\s*\d/.test(l) && !/\stotal$/.test(l))
    .map((l) => l.trim().split(/\s+/))
    .map((c) => `${c[c.length - 1]}=${(Number(c[3]) / n).toFixed(3)}`)
    .slice(0, 4)
    .join(',');
  return { perOp: calls / n, top };
}

// Every path warmed up first: V8 tiers up slowly under TCG, and the first
// row measured would otherwise pay for it.
for (const op of ['nop', 'copy4k']) for (const batch of [1, 64]) await run(op, batch, 2048);

for (const op of ['nop', 'copy4k']) {
  for (const batch of [1, 64]) {
    const rate = await opsPerSec(op, batch);
    const sc = await syscallsPerOp(op, batch, 2048);
    console.log(
      `PERF sdk ${op} batch=${batch} ops/s=${Math.round(rate)}` +
        (sc === null ? '' : ` syscalls/op=${sc.perOp.toFixed(3)} (${sc.top})`),
    );
  }
}
await ctx.close();
