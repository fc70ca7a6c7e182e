import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { native } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'fixtures', 'worker-ops.mjs');
// Workers load the built package entry, the way users do.
const indexUrl = pathToFileURL(resolve(here, '..', 'dist', 'index.js')).href;

function runWorker(mode: 'close' | 'exit' | 'terminate', ops = 2000): Promise<{ msg: { done: number; bad: number }; code: number }> {
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(script, { workerData: { indexUrl, mode, ops } });
    let msg: { done: number; bad: number } | undefined;
    w.on('message', (m) => {
      msg = m;
      if (mode === 'terminate') void w.terminate();
    });
    w.on('error', reject);
    w.on('exit', (code) => (msg ? resolvePromise({ msg, code }) : reject(new Error(`worker exited ${code} without a report`))));
  });
}

async function waitForZero(): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const r = native.resources();
    if (r.devices + r.queues + r.threads + r.fds === 0) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  expect(native.resources()).toEqual({ devices: 0, queues: 0, threads: 0, fds: 0 });
}

describe('worker_threads', () => {
  it('runs queues inside a worker and closes cleanly', async () => {
    const { msg, code } = await runWorker('close');
    expect(code).toBe(0);
    expect(msg).toMatchObject({ done: 2000, bad: 0 });
    await waitForZero();
  });

  it('a worker exiting with a queue open and copies in flight frees everything', async () => {
    const { msg, code } = await runWorker('exit');
    expect(code).toBe(0);
    expect(msg.done).toBe(2000);
    await waitForZero();
  });

  it('terminating a busy worker frees everything', async () => {
    const { msg } = await runWorker('terminate');
    expect(msg.done).toBe(2000);
    await waitForZero();
  });

  it('several workers and the main thread at once', async () => {
    const device = new native.SoftDevice({ workers: 1 });
    const results = await Promise.all([runWorker('close'), runWorker('exit'), runWorker('terminate'), runWorker('close')]);
    for (const r of results) expect(r.msg.bad).toBe(0);
    device.close();
    await waitForZero();
  });

  it('the main thread exiting with a queue open and work in flight does not crash', () => {
    for (const mode of ['exit', 'close']) {
      const out = execFileSync(process.execPath, [script, JSON.stringify({ indexUrl, mode, ops: 500 })], { encoding: 'utf8', timeout: 20000 });
      expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ done: 500, bad: 0 });
    }
  });
});
