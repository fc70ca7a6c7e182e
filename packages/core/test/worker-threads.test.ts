/** The built package works from worker_threads; terminating a busy Worker does not crash. */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { coreOps, createContext } from '../src/index.js';

const fixture = new URL('./fixtures/worker-ops.mjs', import.meta.url);
const dist = new URL('../dist/index.js', import.meta.url);

function run(data: Record<string, unknown>): { worker: Worker; message: Promise<any>; exit: Promise<number> } {
  const worker = new Worker(fixture, { workerData: data });
  const message = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, message, exit };
}

describe('worker_threads', () => {
  it('dist/ is built (the fixtures import it)', () => {
    expect(existsSync(dist), 'run `pnpm --filter @warpdrive/core build` first').toBe(true);
  });

  it('three Workers and the main thread run ops concurrently, each on its own context', async () => {
    const main = await createContext({ plugins: [coreOps()] });
    const workers = [0, 1, 2].map((id) => run({ id, ops: 2000 }));
    const mainWork = Promise.all(Array.from({ length: 2000 }, () => main.nop()));
    const results = await Promise.all(workers.map((w) => w.message));
    await mainWork;
    for (const r of results) expect(r).toEqual({ ok: 2000, ops: 4000 });
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0, 0]);
    await main.close();
  });

  it('terminating a Worker with requests in flight does not crash the process', async () => {
    const main = await createContext({ plugins: [coreOps()] });
    for (let i = 0; i < 3; i++) {
      const w = run({ mode: 'flood', depth: 16 });
      expect(await w.message).toEqual({ started: true });
      await new Promise((r) => setTimeout(r, 30));
      await w.worker.terminate();
      expect(await w.exit).toBe(1);
    }
    // The main thread's own context is unaffected.
    expect(await main.copy(Buffer.from('alive'), Buffer.alloc(5))).toBe(5);
    await main.close();
  });
});
