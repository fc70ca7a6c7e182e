/** ref/unref of the completion watcher: idle contexts let the process exit, busy ones keep it alive. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('process lifetime', () => {
  it('an idle, unclosed context does not keep the process alive', async () => {
    const { stdout } = await run(process.execPath, [fixture('exit-idle.mjs')], { timeout: 20_000 });
    expect(stdout.trim()).toBe('idle');
  });

  it('requests in flight keep the process alive until they complete', async () => {
    const { stdout } = await run(process.execPath, [fixture('exit-inflight.mjs')], { timeout: 20_000 });
    expect(stdout.trim()).toBe('completed 8');
  });
});
