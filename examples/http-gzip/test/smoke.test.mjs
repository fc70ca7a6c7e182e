// Starts the server with the facade, checks both routes decode to the
// payload, and runs the side-by-side load briefly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loadZlib, makePayload, startServer } from '../server.mjs';

function fetchGzip(port, path, encoding = 'gzip') {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('serves gzip responses (one-shot and streamed) that decode to the payload', async () => {
  const payload = makePayload(32);
  const { port, close } = await startServer({ zlib: await loadZlib('warpdrive'), payload });
  try {
    for (const path of ['/data.json', '/stream']) {
      const r = await fetchGzip(port, path);
      assert.equal(r.headers['content-encoding'], 'gzip');
      assert.ok(gunzipSync(r.body).equals(payload), path);
    }
    const plain = await fetchGzip(port, '/data.json', 'identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(payload));
  } finally {
    await close();
  }
});

test('the load script compares node:zlib and warpdrive', () => {
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('../load.mjs', import.meta.url)), '--seconds', '0.3', '--connections', '4', '--kib', '16'], { encoding: 'utf8' });
  assert.match(out, /^node\s+\d+ req\/s/m);
  assert.match(out, /^warpdrive\s+\d+ req\/s/m);
  assert.match(out, /warpdrive \/ node: [\d.]+×/);
});
