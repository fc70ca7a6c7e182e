import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isWarpdriveError } from '../src/index.js';
import { locateEngine } from '../src/kit/index.js';

/** A fake plugin package: <root>/dist/index.js is the module that calls locateEngine. */
function fakePlugin(withBuild: boolean): { root: string; from: string } {
  const root = mkdtempSync(join(tmpdir(), 'wd-locate-engine-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'wd-fake-plugin', version: '0.0.0' }));
  if (withBuild) {
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'build', 'fake-engine.so'), '');
  }
  return { root, from: pathToFileURL(join(root, 'dist', 'index.js')).href };
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('locateEngine', () => {
  it('takes the plugin package’s own build/ first', () => {
    const { root, from } = fakePlugin(true);
    made.push(root);
    const engine = locateEngine({ packageName: 'wd-fake-plugin', file: 'fake-engine.so', from });
    expect(engine.path).toBe(join(root, 'build', 'fake-engine.so'));
    expect(engine.library()).toBe(engine.path);
  });

  it('keeps ERR_NATIVE_UNAVAILABLE for library() when neither a build nor a platform package exists', () => {
    const { root, from } = fakePlugin(false);
    made.push(root);
    const engine = locateEngine({ packageName: 'wd-fake-plugin', file: 'fake-engine.so', from });
    expect(engine.path).toBe(join(root, 'build', 'fake-engine.so'));
    let caught: unknown;
    try {
      engine.library();
    } catch (err) {
      caught = err;
    }
    expect(isWarpdriveError(caught, 'ERR_NATIVE_UNAVAILABLE')).toBe(true);
    const error = caught as Error & { details: { prebuilt: string[]; lookedFor: string[] } };
    expect(error.message).toMatch(/linux-x64-gnu/);
    expect(error.message).toMatch(/Building from source/);
    expect(error.details.lookedFor.join(' ')).toMatch(/wd-fake-plugin/);
  });

  it.each([
    ['options', undefined],
    ['options.packageName', { packageName: '', file: 'x.so', from: import.meta.url }],
    ['options.file', { packageName: 'p', file: '../x.so', from: import.meta.url }],
    ['options.file', { packageName: 'p', file: 42, from: import.meta.url }],
    ['options.from', { packageName: 'p', file: 'x.so', from: 'not a url' }],
    ['options.from', { packageName: 'p', file: 'x.so', from: 'https://example.invalid/x.js' }],
  ])('rejects a bad %s with a typed error naming it', (argument, options) => {
    let caught: unknown;
    try {
      locateEngine(options as never);
    } catch (err) {
      caught = err;
    }
    expect(isWarpdriveError(caught, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect((caught as { details: { argument: string } }).details.argument).toBe(argument);
    expect((caught as Error).message).toContain(argument);
  });
});
