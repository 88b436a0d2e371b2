#!/usr/bin/env node
/**
 * Benchmark (not a test), two parts:
 * 1. building one layer (deterministic tar, gzip, both digests) from an
 *    in-memory tree of 2,000 files / ~48 MiB, against plain zlib.gzipSync of
 *    the same file bytes at the same level, measured in the same run;
 * 2. compressing one large generated tar (default 200 MiB of mixed content:
 *    text, binary-like and incompressible runs) as one stream on this thread
 *    (the baseline, what layers up to 2 MiB get) and in parallel blocks of about 1 MiB
 *    on 1, 2 and 4 worker threads; wall time (median and best run), process
 *    CPU time (all threads), and the size of each result against the baseline's.
 * Then the process's peak RSS.
 *
 *   npm run build && node bench/layer.bench.js [runs] [MiB of the large tar]
 */
'use strict';
const { createHash } = require('node:crypto');
const zlib = require('node:zlib');
const { requireDist } = require('./support');

const { Tree } = requireDist('engine', 'rootfs', 'tree.js');
const { buildLayer, closeDeflatePools, gzip, gzipBlocks, tarChunks, GZIP_LEVEL, NO_NAMES } = requireDist('engine', 'layer', 'index.js');
const runs = Math.max(2, Number(process.argv[2] ?? 3));
const largeMiB = Math.max(3, Number(process.argv[3] ?? 200));

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

/** A large tar of mixed files: text-like (hex lines), binary-like (small structured words, zero runs) and incompressible. */
function largeTar(mib) {
  const big = new Tree();
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const FILE = 512 * 1024;
  for (let i = 0; i < (mib * 1024 * 1024) / FILE; i++) {
    const data = Buffer.alloc(FILE);
    if (i % 3 === 0) {
      for (let at = 0; at < FILE; ) at += data.write(`${next().toString(16).padStart(8, '0')} line ${i} of the bench text\n`, at, 'latin1');
    } else if (i % 3 === 1) {
      for (let at = 0; at + 4 <= FILE; at += 4) data.writeUInt32LE(next() % 97 < 40 ? 0 : next() & 0x00ff00ff, at);
    } else {
      for (let at = 0; at + 4 <= FILE; at += 4) data.writeUInt32LE(next(), at);
    }
    const dir = `usr/lib/big/${i % 16}`;
    big.mkdirAll(dir);
    big.writeFile(`${dir}/part-${i}.bin`, data);
  }
  return Buffer.concat([...tarChunks(big.entries(), NO_NAMES)]);
}

async function median(fn) {
  const wall = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    last = await fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  // The best run too: on a shared machine it is the one least slowed by other jobs.
  return { wall: mid(wall), best: Math.min(...wall), cpu: mid(cpu), last };
}

async function collect(gen) {
  const chunks = [];
  for await (const c of gen) chunks.push(c);
  return Buffer.concat(chunks);
}

const row = (cells, widths) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;

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
  console.log(`| ${'zlib.gzipSync of the bytes (baseline)'.padEnd(40)} | ${base.wall.toFixed(1).padStart(9)} | ${'1.00x'.padStart(11)} |`);
  console.log(`| ${'buildLayer: tar + gzip + both digests'.padEnd(40)} | ${layer.wall.toFixed(1).padStart(9)} | ${`${(layer.wall / base.wall).toFixed(2)}x`.padStart(11)} |`);

  const tar = largeTar(largeMiB);
  const single = await median(() => collect(gzip([tar])));
  const cases = [['one stream on this thread (baseline)', single]];
  for (const workers of [1, 2, 4]) {
    const r = await median(() => collect(gzipBlocks([tar], { workers })));
    if (!zlib.gunzipSync(r.last).equals(tar)) throw new Error(`${workers} workers: the blocks do not unpack to the tar`);
    if (!r.last.equals(cases[1]?.[1].last ?? r.last)) throw new Error(`${workers} workers: bytes differ from 1 worker's`);
    cases.push([`parallel blocks, ${workers} worker${workers > 1 ? 's' : ''}`, r]);
  }
  await closeDeflatePools();
  const w = [40, 9, 6, 9, 6, 8, 6, 8];
  console.log('');
  console.log(`gzip of one ${(tar.length / 1048576).toFixed(0)} MiB tar of mixed files, level ${GZIP_LEVEL}, median of ${runs} runs, ${require('node:os').availableParallelism()} cores`);
  console.log('');
  console.log(row(['case', 'wall ms', 'ratio', 'best ms', 'ratio', 'CPU ms', 'ratio', 'size'], w));
  console.log(row(w.map((n) => '-'.repeat(n)), w));
  for (const [name, r] of cases) {
    const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
    console.log(row([name, r.wall.toFixed(0), ratio(r.wall, single.wall), r.best.toFixed(0), ratio(r.best, single.best), r.cpu.toFixed(0), ratio(r.cpu, single.cpu), `${((r.last.length / single.last.length) * 100).toFixed(2)}%`], w));
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the tree itself holds ${(total / 1048576).toFixed(0)} MiB)`);
})();
