#!/usr/bin/env node
// An HTTP server on 127.0.0.1 that gzips its responses with whichever zlib
// module it is given: warpdrive's facade or node:zlib (same code, one import).
//
//   node server.mjs [--impl warpdrive|node] [--port N] [--kib N]
//
// Routes (gzip when the request accepts it, identity otherwise):
//   GET /data.json  one-shot: zlib.gzip(body, cb), as an API server would
//   GET /stream     streaming: pipeline(body, zlib.createGzip(), res)
import { createServer } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

/** The zlib modules the server can use. */
export async function loadZlib(impl) {
  if (impl === 'node') return (await import('node:zlib')).default;
  if (impl === 'warpdrive') return (await import('@warpdrive/plugin-zip/zlib')).default;
  throw new Error(`unknown --impl '${impl}' (warpdrive or node)`);
}

/** A deterministic JSON document of about `kib` KiB: what a typical API returns. */
export function makePayload(kib = 64) {
  const items = [];
  let size = 2;
  for (let i = 0; size < kib * 1024; i++) {
    const item = { id: i, sku: `SKU-${(i * 2654435761) % 1e6}`, name: `Item number ${i}`, price: ((i * 7919) % 10000) / 100, tags: ['a', 'b', i % 3 ? 'sale' : 'new'], inStock: i % 5 !== 0 };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return Buffer.from(JSON.stringify({ items }));
}

/**
 * Starts the server; resolves to { server, port, close() } once listening.
 * @param {{ zlib: typeof import('node:zlib'), payload?: Buffer, port?: number }} options
 */
export function startServer({ zlib, payload = makePayload(), port = 0 }) {
  const chunks = [];
  for (let i = 0; i < payload.length; i += 16 * 1024) chunks.push(payload.subarray(i, i + 16 * 1024));
  const server = createServer((req, res) => {
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.setHeader('content-type', 'application/json');
    res.setHeader('vary', 'accept-encoding');
    if (req.url === '/data.json') {
      if (!gzip) return res.end(payload);
      zlib.gzip(payload, { level: 1 }, (err, body) => {
        if (err) {
          res.statusCode = 500;
          return res.end();
        }
        res.setHeader('content-encoding', 'gzip');
        res.setHeader('content-length', body.length);
        res.end(body);
      });
    } else if (req.url === '/stream') {
      if (!gzip) return Readable.from(chunks).pipe(res);
      res.setHeader('content-encoding', 'gzip');
      pipeline(Readable.from(chunks), zlib.createGzip({ level: 1 }), res, () => {});
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({ server, port: actual, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { impl: { type: 'string', default: 'warpdrive' }, port: { type: 'string', default: '8080' }, kib: { type: 'string', default: '64' } } });
  const zlib = await loadZlib(values.impl);
  const { port } = await startServer({ zlib, payload: makePayload(Number(values.kib)), port: Number(values.port) });
  // load.mjs reads this line to find the port
  console.log(`listening http://127.0.0.1:${port} (${values.impl})`);
}
