#!/usr/bin/env node
/**
 * Benchmark (not a test): reading Alpine 3.17's aarch64 APKINDEX.tar.gz
 * (5004 packages) — file read, RSA verify, inflate, tar and text parse —
 * against a plain zlib.gunzipSync of the same bytes measured in the same run,
 * reported as a ratio so the number means something on any machine.
 *
 *   npm run build && node bench/index-load.bench.js [runs]
 *
 * APKO_NX_DIST points at another build output (default: ../dist).
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const zlib = require('node:zlib');

const root = resolve(__dirname, '..');
const dist = process.env.APKO_NX_DIST ? resolve(process.env.APKO_NX_DIST) : join(root, 'dist');
const fixtures = resolve(root, '..', 'shared', 'fixtures');
const indexPath = join(fixtures, 'alpine-v3.17-aarch64', 'APKINDEX.tar.gz');
const keyName = 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub';
const keyPath = join(fixtures, 'keys', 'alpine', keyName);

if (!existsSync(join(dist, 'engine', 'apk', 'index-read.js'))) {
  console.error(`${join(dist, 'engine/apk/index-read.js')} is missing: run \`npm run build\` first`);
  process.exit(1);
}
if (!existsSync(indexPath) || !existsSync(keyPath)) {
  console.log(`[skip] ${indexPath} or its key is missing; nothing to measure`);
  process.exit(0);
}

const { readApkIndex } = require(join(dist, 'engine', 'apk', 'index-read.js'));
const runs = Math.max(3, Number(process.argv[2] ?? 15));
const keyring = new Map([[keyName, readFileSync(keyPath, 'utf8')]]);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall time in ms of `fn` over `runs` runs, after two warm-up runs. */
function measure(fn) {
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

let packages = 0;
const cases = [
  ['zlib.gunzipSync (baseline)', () => zlib.gunzipSync(readFileSync(indexPath))],
  [
    'readApkIndex: read + verify + parse',
    () => {
      packages = readApkIndex(readFileSync(indexPath), { keyring, subject: indexPath }).entries.length;
    },
  ],
  ['readApkIndex, signatures ignored', () => readApkIndex(readFileSync(indexPath), { ignoreSignatures: true })],
];

const results = cases.map(([name, fn]) => [name, measure(fn)]);
const base = results[0][1];
const bytes = readFileSync(indexPath).length;
console.log(`APKINDEX: alpine-v3.17-aarch64 (${bytes} bytes compressed, ${packages} packages), median of ${runs} runs, node ${process.version}`);
console.log('');
console.log(`| ${'case'.padEnd(38)} | ${'median ms'.padStart(9)} | ${'vs gunzip'.padStart(9)} |`);
console.log(`| ${'-'.repeat(38)} | ${'-'.repeat(9)} | ${'-'.repeat(9)} |`);
for (const [name, ms] of results) {
  console.log(`| ${name.padEnd(38)} | ${ms.toFixed(2).padStart(9)} | ${(ms / base).toFixed(2).padStart(8)}x |`);
}
