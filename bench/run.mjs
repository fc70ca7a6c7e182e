// `pnpm bench <suite> [--json]`: runs one benchmark suite and prints a table
// (or, with --json, only the JSON array of result rows on stdout).
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';

const suites = readdirSync(new URL('./suites/', import.meta.url))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4));

const usage = `Usage: pnpm bench <suite> [--json] [--quick]

Suites: ${suites.join(', ')}
  --json    print the result rows as a JSON array on stdout (progress goes to stderr)
  --quick   fewer repetitions (a smoke run; figures are noisier)`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (err) {
  console.error(`bench: ${err.message}\n\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [suite] = positionals;
if (!suite || !suites.includes(suite) || positionals.length > 1) {
  console.error(`bench: ${suite ? `unknown suite '${suite}'` : 'no suite named'}\n\n${usage}`);
  process.exit(2);
}

const { run, tableRows } = await import(`./suites/${suite}.mjs`);
const log = (msg) => process.stderr.write(`${msg}\n`);
const rows = await run({ quick: values.quick ?? false, log });
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  const { formatTable } = await import('./lib/report.mjs');
  // a suite may condense its rows for the terminal (the JSON keeps every field)
  console.log(formatTable(tableRows ? tableRows(rows) : rows));
}
