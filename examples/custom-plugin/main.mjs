// Run: pnpm --filter @warpdrive/example-custom-plugin start
import { readFileSync } from 'node:fs';
import { createContext } from '@warpdrive/core';
import histogram from './dist/index.js';

const ctx = await createContext({ plugins: [histogram()] });
try {
  const text = readFileSync(new URL('./engine/histogram.c', import.meta.url));
  const counts = await ctx.histogram(text);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`histogram of ${text.length} bytes of engine/histogram.c, most frequent bytes:`);
  for (const [byte, n] of top) console.log(`  ${JSON.stringify(String.fromCharCode(byte))}: ${n}`);
} finally {
  await ctx.close();
}
