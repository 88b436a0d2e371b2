#!/usr/bin/env node
/**
 * Benchmark (not a test): resolving `alpine-base python3 nginx busybox-binsh`
 * against Alpine 3.17's aarch64 index (5004 packages), cold (read + verify +
 * parse + resolve) and with the parsed index kept, reported beside the parse
 * alone and beside a plain zlib.gunzipSync of the same bytes, all measured in
 * the same run, as ratios.
 *
 *   npm run build && node bench/resolve.bench.js [runs]
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

if (!existsSync(join(dist, 'engine', 'index.js'))) {
  console.error(`${join(dist, 'engine/index.js')} is missing: run \`npm run build\` first`);
  process.exit(1);
}
if (!existsSync(indexPath) || !existsSync(keyPath)) {
  console.log(`[skip] ${indexPath} or its key is missing; nothing to measure`);
  process.exit(0);
}

const { readApkIndex, resolve: resolvePackages } = require(join(dist, 'engine', 'index.js'));
const runs = Math.max(3, Number(process.argv[2] ?? 10));
const keyring = new Map([[keyName, readFileSync(keyPath, 'utf8')]]);
const world = ['alpine-base', 'python3', 'nginx', 'busybox-binsh'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function measure(fn) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

const parse = () => readApkIndex(readFileSync(indexPath), { keyring, subject: indexPath });
const parsed = parse();
let count = 0;
const solve = (entries) => {
  const r = resolvePackages({ repositories: [{ name: 'alpine-3.17', entries }], world, arch: 'aarch64' });
  count = r.packages.length;
};

const rows = [
  ['zlib.gunzipSync (baseline)', measure(() => zlib.gunzipSync(readFileSync(indexPath)))],
  ['parse alone (read + verify + parse)', measure(parse)],
  ['cold: parse + resolve', measure(() => solve(parse().entries))],
  ['warm: resolve on the parsed index', measure(() => solve(parsed.entries))],
];
const base = rows[0][1];
console.log(`resolve ${world.join(' ')} on Alpine 3.17 aarch64 (${parsed.entries.length} packages → ${count} selected), median of ${runs} runs`);
for (const [name, ms] of rows) console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(2).padStart(6)}× baseline`);
