// Turns vitest's JSON report into the guest's result lines:
// "WDTEST sdk[-<plugin>]:<test title>@<tag> PASS|FAIL|SKIP"; failure messages follow a FAIL.
import { readFileSync } from 'node:fs';

const [file, tag, pkg = 'core'] = process.argv.slice(2);
const prefix = pkg === 'core' ? 'sdk' : `sdk-${pkg.replace(/^plugins-/, '')}`;
const report = JSON.parse(readFileSync(file, 'utf8'));
let n = 0;
for (const f of report.testResults ?? []) {
  for (const t of f.assertionResults ?? []) {
    n++;
    const name = `${prefix}:${t.title.replace(/\s+/g, '_').slice(0, 60)}@${tag}`;
    const secs = t.duration === undefined ? '' : ` (${(t.duration / 1000).toFixed(1)}s)`;
    if (t.status === 'passed') console.log(`WDTEST ${name} PASS${secs}`);
    else if (t.status === 'failed') {
      console.log(`WDTEST ${name} FAIL`);
      for (const m of t.failureMessages ?? []) console.log(m.split('\n').slice(0, 8).join('\n'));
    } else console.log(`WDTEST ${name} SKIP`);
  }
  if ((f.assertionResults ?? []).length === 0 && f.status === 'failed') {
    console.log(`WDTEST ${prefix}:load@${tag} FAIL`);
    console.log(String(f.message).split('\n').slice(0, 12).join('\n'));
    n++;
  }
}
if (n === 0) process.exit(1);
