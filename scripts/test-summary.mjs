#!/usr/bin/env node
// Prints one closing line over every suite `make test` ran — vitest's JSON report and Maven's
// Surefire/Failsafe XML reports — so a reader (or CI) sees the whole count in one place.
// Skipped tests are reported, never counted as passed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const parts = [];

const vitest = '.cache/test-results/vitest.json';
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  parts.push(`vitest ${r.numPassedTests}/${r.numTotalTests}`);
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (f === 'node_modules' || f.startsWith('.')) continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/(surefire|failsafe)-reports$/.test(dir) && /^TEST-.*\.xml$/.test(f)) out.push(p);
  }
  return out;
}

let junit = 0;
for (const file of walk('udf-java')) {
  const head = /<testsuite\b[^>]*>/.exec(readFileSync(file, 'utf8'))?.[0] ?? '';
  const n = (attr) => Number(new RegExp(`\\b${attr}="(\\d+)"`).exec(head)?.[1] ?? 0);
  const total = n('tests');
  const bad = n('failures') + n('errors');
  const skip = n('skipped');
  passed += total - bad - skip;
  failed += bad;
  skipped += skip;
  junit += total - bad - skip;
}
if (junit > 0) parts.push(`JUnit ${junit}`);

process.stdout.write(`\n(${parts.join(', ')})\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 ? 1 : 0;
