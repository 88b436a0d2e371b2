#!/usr/bin/env node
/**
 * Benchmark (not a test): resolving `alpine-base python3 nginx busybox-binsh`
 * against Alpine 3.17's aarch64 index (5004 packages), cold (read + verify +
 * parse + resolve) and with the parsed index kept, beside the parse alone and
 * a plain zlib.gunzipSync of the same bytes, all measured in the same run.
 *
 *   npm run build && node bench/resolve.bench.js [runs]
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const zlib = require('node:zlib');
const { fixtures, report, requireDist, requireFixtures } = require('./support');

const indexPath = join(fixtures, 'alpine-v3.17-aarch64', 'APKINDEX.tar.gz');
const keyName = 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub';
const keyPath = join(fixtures, 'keys', 'alpine', keyName);
requireFixtures(indexPath, keyPath);
const { readApkIndex } = requireDist('engine', 'apk', 'index-read.js');
const { resolve } = requireDist('engine', 'resolve', 'index.js');
const runs = Math.max(3, Number(process.argv[2] ?? 10));
const keyring = new Map([[keyName, readFileSync(keyPath, 'utf8')]]);
const world = ['alpine-base', 'python3', 'nginx', 'busybox-binsh'];

const parse = () => readApkIndex(readFileSync(indexPath), { keyring, subject: indexPath });
const parsed = parse();
const solve = (entries) => resolve({ repositories: [{ name: 'alpine-3.17', entries }], world, arch: 'aarch64' }).packages.length;

report(
  `resolve ${world.join(' ')} on Alpine 3.17 aarch64 (${parsed.entries.length} packages → ${solve(parsed.entries)} selected)`,
  [
    ['zlib.gunzipSync (baseline)', () => zlib.gunzipSync(readFileSync(indexPath))],
    ['parse alone (read + verify + parse)', parse],
    ['cold: parse + resolve', () => solve(parse().entries)],
    ['warm: resolve on the parsed index', () => solve(parsed.entries)],
  ],
  runs,
);
