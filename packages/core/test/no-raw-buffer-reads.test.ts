/**
 * Issue 16's guard: library source never reads `byteLength`, `byteOffset`,
 * `buffer` or `length` of a buffer-typed value outside the plugin kit
 * (scripts/lint-buffer-reads.mjs explains the rule). The fixture proves the
 * rule reports what it must; the tree check keeps the code base clean.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without type declarations
import { lintBufferReads } from '../../../scripts/lint-buffer-reads.mjs';

interface Finding { file: string; line: number; property: string }
const lint = lintBufferReads as (files?: string[]) => Finding[];

describe('no raw buffer reads outside the plugin kit', () => {
  it('reports every raw read in the fixture, and nothing else', () => {
    const fixture = fileURLToPath(new URL('./fixtures/lint/raw-reads.ts', import.meta.url));
    const expected = readFileSync(fixture, 'utf8').split('\n').flatMap((l, i) => (l.includes('// REPORT') ? [i + 1] : []));
    const lines = [...new Set(lint([fixture]).map((f) => f.line))];
    expect(lines).toEqual(expected);
    // two reads on the subclass line
    expect(lint([fixture]).filter((f) => f.line === expected.at(-1)).map((f) => f.property)).toEqual(['byteOffset', 'length']);
  });

  it('finds none in core, the plugins, the CLI and the examples', () => {
    const findings = lint().map((f) => `${f.file}:${f.line} .${f.property}`);
    expect(findings).toEqual([]);
  });
});
