#!/usr/bin/env node
/**
 * Benchmark (not a test): building one layer (deterministic tar, gzip, both
 * digests) from an in-memory tree of 2,000 files / ~48 MiB, against plain
 * zlib.gzipSync of the same file bytes at the same level, measured in the same
 * run; also the process's peak RSS.
 *
 *   npm run build && node bench/layer.bench.js [runs]
 */
'use strict';
const { createHash } = require('node:crypto');
const zlib = require('node:zlib');
const { requireDist } = require('./support');

const { Tree } = requireDist('engine', 'rootfs', 'tree.js');
const { buildLayer, GZIP_LEVEL } = requireDist('engine', 'layer', 'index.js');
const runs = Math.max(2, Number(process.argv[2] ?? 3));

// Compressible but not trivial content: hex of a hash chain, like text and code.
const tree = new Tree();
const files = [];
let seed = Buffer.from('apko-nx');
for (let i = 0; i < 2000; i++) {
  const parts = [];
  for (let j = 0; j < 400; j++) {
    seed = createHash('sha256').update(seed).digest();
    parts.push(seed.toString('hex'));
  }
  const data = Buffer.from(parts.join('\n'));
  files.push(data);
  const dir = `usr/share/bench/${i % 40}`;
  tree.mkdirAll(dir);
  tree.writeFile(`${dir}/file-${i}.txt`, data);
}
const total = files.reduce((n, f) => n + f.length, 0);

async function median(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

(async () => {
  const base = await median(async () => zlib.gzipSync(Buffer.concat(files), { level: GZIP_LEVEL }));
  const layer = await median(async () => {
    const l = await buildLayer(tree.entries());
    for await (const _ of l.open());
  });
  console.log(`layer of ${files.length} files, ${(total / 1048576).toFixed(1)} MiB, gzip level ${GZIP_LEVEL}, median of ${runs} runs, node ${process.version}`);
  console.log('');
  console.log(`| case                                     | median ms | vs baseline |`);
  console.log(`| ---------------------------------------- | --------- | ----------- |`);
  console.log(`| ${'zlib.gzipSync of the bytes (baseline)'.padEnd(40)} | ${base.toFixed(1).padStart(9)} | ${'1.00x'.padStart(11)} |`);
  console.log(`| ${'buildLayer: tar + gzip + both digests'.padEnd(40)} | ${layer.toFixed(1).padStart(9)} | ${`${(layer / base).toFixed(2)}x`.padStart(11)} |`);
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the tree itself holds ${(total / 1048576).toFixed(0)} MiB)`);
})();
