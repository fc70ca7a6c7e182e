#!/usr/bin/env node
// Fails when library source reads `.byteLength`, `.byteOffset`, `.buffer` or
// `.length` of a buffer-typed value outside core's plugin kit.
//
// Why: those are ordinary property reads. A caller's object can answer them
// with anything (an own property, a subclass getter, a Proxy), and a device
// trusts the length its descriptor carries, so one such read turned a lying
// `byteLength` into a heap overflow (issue 16). The kit
// (packages/core/src/kit/) reads the built-in getters captured at load time;
// everything else goes through it. The rule is typed, not textual: it asks
// the TypeScript checker whether the receiver is a TypedArray, DataView,
// ArrayBuffer, SharedArrayBuffer or Buffer (or `any`), so `array.length` and
// `string.length` stay legal. The receiver's provenance is not tracked: core's
// own views use the kit too. A line that must read its own memory directly
// says why with a `lint-allow-raw-read: <reason>` comment on that line.
//
// Usage: node scripts/lint-buffer-reads.mjs [--json] [files...]
//   (no files: every package's src/ and examples/*/src/)
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROPS = new Set(['byteLength', 'byteOffset', 'buffer', 'length']);
const BUFFER_TYPES = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView', 'ArrayBuffer',
  'SharedArrayBuffer', 'ArrayBufferView', 'ArrayBufferLike', 'Buffer', 'TypedArray', 'BufferInput',
]);
// The kit is where the raw reads live; conformance is test support (it builds hostile values on purpose).
const EXEMPT_DIRS = [join(root, 'packages/core/src/kit') + '/', join(root, 'packages/conformance/src') + '/'];
const ALLOW = /lint-allow-raw-read:\s*\S/;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function defaultFiles() {
  const files = [];
  for (const base of ['packages', 'examples']) {
    for (const pkg of readdirSync(join(root, base))) {
      const src = join(root, base, pkg, 'src');
      try {
        if (statSync(src).isDirectory()) walk(src, files);
      } catch {
        // a package without src/ (bench helpers, docs)
      }
    }
  }
  return files;
}

/** Is `type` (or a part of a union/intersection, or a base type) buffer-like? */
function isBufferish(checker, type, seen = new Set()) {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type.flags & ts.TypeFlags.Any) return true;
  if (type.isUnionOrIntersection()) return type.types.some((t) => isBufferish(checker, t, seen));
  for (const sym of [type.aliasSymbol, type.getSymbol()]) {
    if (sym !== undefined && BUFFER_TYPES.has(sym.getName())) return true;
  }
  if (type.isClassOrInterface()) {
    for (const base of checker.getBaseTypes(type) ?? []) if (isBufferish(checker, base, seen)) return true;
  }
  const constraint = type.isTypeParameter() ? checker.getBaseConstraintOfType(type) : undefined;
  return constraint !== undefined && isBufferish(checker, constraint, seen);
}

function propertyName(node) {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  return undefined;
}

/** Findings `{ file, line, column, property, type, text }` for `files`. */
export function lintBufferReads(files = defaultFiles()) {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.esnext.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    typeRoots: [join(root, 'node_modules/@types')],
  });
  const checker = program.getTypeChecker();
  const findings = [];
  for (const file of files) {
    if (EXEMPT_DIRS.some((d) => file.startsWith(d))) continue;
    const sf = program.getSourceFile(file);
    if (sf === undefined) continue;
    const lines = sf.text.split('\n');
    const report = (node, property, receiver) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      if (ALLOW.test(lines[line] ?? '')) return;
      findings.push({
        file: relative(root, file), line: line + 1, column: character + 1, property,
        type: checker.typeToString(checker.getTypeAtLocation(receiver)), text: (lines[line] ?? '').trim(),
      });
    };
    const visit = (node) => {
      const name = propertyName(node);
      if (name !== undefined && PROPS.has(name) && isBufferish(checker, checker.getTypeAtLocation(node.expression))) {
        report(node, name, node.expression);
      }
      // const { byteLength } = view
      if (ts.isObjectBindingPattern(node) && ts.isVariableDeclaration(node.parent) && node.parent.initializer !== undefined) {
        const init = node.parent.initializer;
        if (isBufferish(checker, checker.getTypeAtLocation(init))) {
          for (const el of node.elements) {
            const key = el.propertyName !== undefined && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
            if (key !== undefined && PROPS.has(key)) report(el, key, init);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const given = args.filter((a) => a !== '--json').map((a) => resolve(a));
  const findings = lintBufferReads(given.length > 0 ? given : undefined);
  if (json) console.log(JSON.stringify(findings, null, 2));
  else {
    for (const f of findings) console.error(`${f.file}:${f.line}:${f.column}: raw .${f.property} of ${f.type}: ${f.text}`);
    console.error(findings.length === 0
      ? 'lint-buffer-reads: no raw buffer reads outside the plugin kit'
      : `lint-buffer-reads: ${findings.length} raw buffer read(s); use lengthOf/offsetOf/backingOf/viewOf from @warpdrive/core/plugin-kit`);
  }
  process.exitCode = findings.length === 0 ? 0 : 1;
}
