/**
 * What every benchmark needs: the built engine (dist/, or APKO_NX_DIST), the
 * shared fixtures, medians, and a table of ratios against the first
 * (baseline) case measured in the same run.
 */
'use strict';
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const dist = process.env.APKO_NX_DIST ? resolve(process.env.APKO_NX_DIST) : join(root, 'dist');
const fixtures = resolve(root, '..', 'shared', 'fixtures');

/** Loads a compiled engine module, or exits telling the user to build first. */
function requireDist(...parts) {
  const p = join(dist, ...parts);
  if (!existsSync(p)) {
    console.error(`${p} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  return require(p);
}

/** Exits 0 with a notice when a fixture is missing (a fresh clone has no ../shared). */
function requireFixtures(...paths) {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    console.log(`[skip] ${missing.join(', ')} missing; nothing to measure`);
    process.exit(0);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall time in ms of `fn` over `runs` runs, after two warm-up runs. */
function measure(fn, runs) {
  fn();
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Measures each `[name, fn]` and prints a table of medians and ratios to the first (the baseline). */
function report(title, cases, runs) {
  const results = cases.map(([name, fn]) => [name, measure(fn, runs)]);
  const base = results[0][1];
  console.log(`${title}, median of ${runs} runs, node ${process.version}`);
  console.log('');
  console.log(`| ${'case'.padEnd(40)} | ${'median ms'.padStart(9)} | ${'vs baseline'.padStart(11)} |`);
  console.log(`| ${'-'.repeat(40)} | ${'-'.repeat(9)} | ${'-'.repeat(11)} |`);
  for (const [name, ms] of results) console.log(`| ${name.padEnd(40)} | ${ms.toFixed(2).padStart(9)} | ${(ms / base).toFixed(2).padStart(10)}x |`);
}

module.exports = { root, fixtures, requireDist, requireFixtures, measure, report };
