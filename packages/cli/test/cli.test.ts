import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('warpdrive CLI', () => {
  it('prints the command list with --help and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: warpdrive <command>/);
    expect(r.stdout).toMatch(/devices\s+list usable accelerator devices/);
  });

  it('exits 2 with the usage when no command is given', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Commands:/);
  });

  it('rejects an unknown command with exit 2 and names it', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('lists the soft device as JSON', async () => {
    const r = await cli('devices', '--json');
    expect(r.code).toBe(0);
    const devices = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    const soft = devices.find((d) => d.backend === 'soft');
    expect(soft).toMatchObject({ name: 'soft', api: 'wd_soft_v1', sva: true });
    // what the soft device runs with the CLI's plugins, not only its built-ins
    expect(soft?.algorithms).toEqual(expect.arrayContaining(['nop', 'copy', 'crc32', 'gzip', 'aes-256-gcm', 'sha256', 'hmac-sha256']));
  });

  it('lists devices as a table', async () => {
    const r = await cli('devices');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+BACKEND\s+API\s+SVA/);
    expect(r.stdout).toMatch(/^soft\s+soft\s+wd_soft_v1\s+yes/m);
  });

  it('rejects an unknown option with exit 2 and the command usage', async () => {
    const r = await cli('devices', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bogus/);
    expect(r.stderr).toMatch(/Usage: warpdrive devices/);
  });

  it('prints command help', async () => {
    const r = await cli('devices', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--json/);
  });
});
