/** Test helpers: contexts, the NIST CAVP vector files, an .rsp parser. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext } from '@warpdrive/core';
import crypto from '../src/index.js';

/**
 * Open a context with the crypto plugin. By default every async request
 * goes through a queue (`inlineMaxBytes: 0`), so async tests exercise the
 * queued path and the *Sync variants the inline one.
 */
export function open(options: { queues?: number; workers?: number; inlineMaxBytes?: number } = {}) {
  const { inlineMaxBytes = 0, ...rest } = options;
  return createContext({ plugins: [crypto({ inlineMaxBytes })], ...rest });
}
export type CryptoContext = Awaited<ReturnType<typeof open>>;

const VECTORS = '/usr/lib/python3/dist-packages/cryptography_vectors';

/**
 * The directory of Debian's python3-cryptography-vectors, or the reason it
 * is unavailable. scripts/setup.sh installs the package; a test never runs
 * apt-get itself.
 */
export function vectorsDir(): { dir?: string; reason?: string } {
  if (existsSync(VECTORS)) return { dir: VECTORS };
  return { reason: `${VECTORS} is missing: Debian's python3-cryptography-vectors is not installed (scripts/setup.sh installs it)` };
}

/** One record of a CAVP .rsp/.txt file: the fields, the enclosing [section] values, FAIL marker. */
export interface RspRecord {
  readonly section: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  readonly fail: boolean;
}

/** Parse NIST CAVP response files (also the RFC files in the same format). */
export function parseRsp(path: string): RspRecord[] {
  const records: RspRecord[] = [];
  let section: Record<string, string> = {};
  let fields: Record<string, string> = {};
  let fail = false;
  const flush = () => {
    if (Object.keys(fields).length > 0) records.push({ section: { ...section }, fields, fail });
    fields = {};
    fail = false;
  };
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line === '') {
      flush();
      continue;
    }
    const sec = /^\[(.*)\]$/.exec(line);
    if (sec) {
      flush();
      const [k, v] = sec[1]!.split('=').map((s) => s.trim());
      if (v === undefined) section = { mode: k! };
      else section = { ...section, [k!]: v };
      continue;
    }
    if (line === 'FAIL') {
      fail = true;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq).trim().toUpperCase()] = line.slice(eq + 1).trim();
  }
  flush();
  return records;
}

/** Hex field → Buffer (empty field → empty Buffer). */
export const hex = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'hex');

/** Path inside the vectors directory. */
export const vec = (dir: string, ...parts: string[]) => join(dir, ...parts);
