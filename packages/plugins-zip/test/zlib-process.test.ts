/**
 * The facade's process-wide context: opened lazily (gzipSync works on its
 * first call, synchronously), and never keeps the process alive.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const facade = fileURLToPath(new URL('../dist/zlib/index.js', import.meta.url));

async function child(body: string): Promise<{ stdout: string; ms: number }> {
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `import zlib from ${JSON.stringify(facade)};\n${body}`], { timeout: 20_000 });
  return { stdout, ms: performance.now() - t0 };
}

describe('default context lifetime (built package, child processes)', () => {
  it('gzipSync works on the first call and the process then exits by itself', async () => {
    const r = await child(`const out = zlib.gzipSync('hello'); console.log(zlib.gunzipSync(out).toString());`);
    expect(r.stdout.trim()).toBe('hello');
  });

  it('a process that used the callback and stream forms exits once the work is done', async () => {
    const r = await child(`
      zlib.gzip('abc', (err, out) => { if (err) throw err; console.log('cb', zlib.gunzipSync(out).toString()); });
      const s = zlib.createGzip(); const parts = [];
      s.on('data', (c) => parts.push(c)); s.on('end', () => console.log('stream', zlib.gunzipSync(Buffer.concat(parts)).toString()));
      s.end('def');`);
    expect(r.stdout).toMatch(/cb abc/);
    expect(r.stdout).toMatch(/stream def/);
  });

  it('importing the facade does no work: a process that only imports it exits at once', async () => {
    const r = await child(`console.log(typeof zlib.gzipSync);`);
    expect(r.stdout.trim()).toBe('function');
  });
});
