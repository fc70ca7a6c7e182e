#!/usr/bin/env node
// Side by side: the same server (server.mjs) once with node:zlib and once
// with warpdrive's facade, each in its own process, under the same bounded
// local load (127.0.0.1 only). Prints requests/s for both.
//
//   node load.mjs [--seconds 2] [--connections 16] [--path /data.json] [--kib 64]
import { spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { makePayload } from './server.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
    path: { type: 'string', default: '/data.json' },
    kib: { type: 'string', default: '64' },
  },
});
const seconds = Math.min(30, Number(values.seconds)); // bounded on purpose
const connections = Math.max(1, Math.min(256, Number(values.connections)));
const expected = makePayload(Number(values.kib));

function startServerProcess(impl) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url)), '--impl', impl, '--port', '0', '--kib', values.kib], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server (${impl}) exited with ${code}`)));
  });
}

function request(agent, port) {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: values.path, agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function load(impl) {
  const { child, port } = await startServerProcess(impl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  try {
    const first = await request(agent, port);
    if (!gunzipSync(first).equals(expected)) throw new Error(`${impl}: response does not decode to the payload`);
    for (let i = 0; i < 200; i++) await request(agent, port); // warm-up
    const latencies = [];
    let bytes = 0;
    const end = performance.now() + seconds * 1000;
    const lane = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        bytes += (await request(agent, port)).length;
        latencies.push(performance.now() - t0);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: connections }, lane));
    const wall = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      impl,
      requests: latencies.length,
      rps: latencies.length / wall,
      gzipMBps: bytes / wall / 1e6,
      p50ms: latencies[Math.floor(latencies.length * 0.5)],
      p99ms: latencies[Math.floor(latencies.length * 0.99)],
      ratio: expected.length / first.length,
    };
  } finally {
    agent.destroy();
    child.kill();
  }
}

console.log(`GET ${values.path} (${(expected.length / 1024).toFixed(0)} KiB JSON, gzip level 1), ${connections} connections, ${seconds} s each, 127.0.0.1`);
const results = [];
for (const impl of ['node', 'warpdrive']) results.push(await load(impl));
for (const r of results) {
  console.log(`${r.impl.padEnd(10)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50ms.toFixed(2)} ms  p99 ${r.p99ms.toFixed(2)} ms  ${r.requests} requests  ratio ${r.ratio.toFixed(2)}`);
}
console.log(`warpdrive / node: ${(results[1].rps / results[0].rps).toFixed(2)}×`);
