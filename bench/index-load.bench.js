#!/usr/bin/env node
/**
 * Benchmark (not a test): reading Alpine 3.17's aarch64 APKINDEX.tar.gz
 * (5004 packages) — file read, RSA verify, inflate, tar and text parse —
 * against a plain zlib.gunzipSync of the same bytes measured in the same run,
 * reported as a ratio so the number means something on any machine; and the
 * forms a parsed copy could be stored in (engine/apk/index-compact.ts), read
 * back: the rows it uses, and the same entries as JSON objects.
 *
 *   npm run build && node bench/index-load.bench.js [runs]
 *
 * APKO_NX_DIST points at another build output (default: ../dist).
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
const { decodeCompactIndex, encodeCompactIndex } = requireDist('engine', 'apk', 'index-compact.js');
const runs = Math.max(3, Number(process.argv[2] ?? 15));
const keyring = new Map([[keyName, readFileSync(keyPath, 'utf8')]]);
const parsed = readApkIndex(readFileSync(indexPath), { keyring });
const packages = parsed.entries.length;
const rows = encodeCompactIndex(parsed, { digest: 'd', inflated: 0 });
const objects = Buffer.from(JSON.stringify({ description: parsed.description, entries: parsed.entries }));

report(
  `APKINDEX: alpine-v3.17-aarch64 (${readFileSync(indexPath).length} bytes compressed, ${packages} packages)`,
  [
    ['zlib.gunzipSync (baseline)', () => zlib.gunzipSync(readFileSync(indexPath))],
    ['readApkIndex: read + verify + parse', () => readApkIndex(readFileSync(indexPath), { keyring, subject: indexPath })],
    ['readApkIndex, signatures ignored', () => readApkIndex(readFileSync(indexPath), { ignoreSignatures: true })],
    [`stored rows (${(rows.length / 1e6).toFixed(1)} MB): decode+checks`, () => decodeCompactIndex(rows, 'd')],
    [`stored objects (${(objects.length / 1e6).toFixed(1)} MB): JSON.parse`, () => JSON.parse(objects.toString('utf8'))],
  ],
  runs,
);
