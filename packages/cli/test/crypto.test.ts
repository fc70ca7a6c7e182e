/**
 * `warpdrive encrypt` / `decrypt` / `digest`, spawned as a user would run
 * them, checked against node:crypto.
 */
import { spawn } from 'node:child_process';
import * as nc from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 });

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-cli-crypto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], stdin?: Buffer): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

const key = nc.randomBytes(32);
const iv = '00112233445566778899aabb';
const data = nc.randomBytes(50_000);
writeFileSync(join(dir, 'key'), key);
writeFileSync(join(dir, 'in'), data);
writeFileSync(join(dir, 'aad'), 'header');

describe('warpdrive encrypt / decrypt / digest', () => {
  it('encrypt --alg aes-256-gcm writes ciphertext || tag as node:crypto computes it; decrypt restores the input', async () => {
    const enc = await cli(['encrypt', '--alg', 'aes-256-gcm', '--key-file', 'key', '--iv', iv, '--aad-file', 'aad', '-o', 'ct', 'in']);
    expect(enc.code, enc.stderr).toBe(0);
    const c = nc.createCipheriv('aes-256-gcm', key, Buffer.from(iv, 'hex'));
    c.setAAD(Buffer.from('header'));
    const ref = Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
    expect(readFileSync(join(dir, 'ct')).equals(ref)).toBe(true);
    const dec = await cli(['decrypt', '--alg', 'aes-256-gcm', '--key-file', 'key', '--iv', iv, '--aad-file', 'aad'], ref);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout.equals(data)).toBe(true);
  });

  it('a failed authentication exits 1 and writes no plaintext (no output file, empty stdout)', async () => {
    const c = nc.createCipheriv('aes-256-gcm', key, Buffer.from(iv, 'hex'));
    const bad = Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
    bad[10]! ^= 1;
    writeFileSync(join(dir, 'bad'), bad);
    const toFile = await cli(['decrypt', '--alg', 'aes-256-gcm', '--key-file', 'key', '--iv', iv, '-o', 'pt-bad', 'bad']);
    expect(toFile.code).toBe(1);
    expect(toFile.stderr).toMatch(/ERR_AUTH_FAILED/);
    expect(existsSync(join(dir, 'pt-bad'))).toBe(false);
    const toStdout = await cli(['decrypt', '--alg', 'aes-256-gcm', '--key-file', 'key', '--iv', iv], bad);
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout.length).toBe(0);
  });

  it('aes-128-cbc with a hex key file matches node:crypto', async () => {
    writeFileSync(join(dir, 'key16.hex'), `${key.subarray(0, 16).toString('hex')}\n`);
    const iv16 = '000102030405060708090a0b0c0d0e0f';
    const enc = await cli(['encrypt', '--alg', 'aes-128-cbc', '--key-file', 'key16.hex', '--iv', iv16, 'in']);
    const c = nc.createCipheriv('aes-128-cbc', key.subarray(0, 16), Buffer.from(iv16, 'hex'));
    expect(enc.stdout.equals(Buffer.concat([c.update(data), c.final()]))).toBe(true);
  });

  it('digest prints sha256sum-style lines; bad arguments are usage errors (exit 2) or typed errors (exit 1)', async () => {
    const d = await cli(['digest', '--alg', 'sha512', 'in']);
    expect(d.stdout.toString()).toBe(`${nc.createHash('sha512').update(data).digest('hex')}  in\n`);
    expect((await cli(['encrypt', '--alg', 'aes-256-gcm', '--key-file', 'key', 'in'])).code).toBe(2);
    const wrongKey = await cli(['encrypt', '--alg', 'aes-128-gcm', '--key-file', 'key', '--iv', iv, 'in']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/`key` must be 16 bytes for aes-128-gcm, got 32/);
  });
});
