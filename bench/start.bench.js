#!/usr/bin/env node
/**
 * Benchmark (not a test): whole `apko-nx` processes, as a user or an Nx task
 * starts them. `apko-nx version` and `--help` against a bare `node -e 0`
 * measured in the same run, and `show-packages` of `alpine-base python3 nginx
 * busybox-binsh` on Alpine 3.17's aarch64 index (5004 packages, a local
 * repository, --offline), cold (an empty cache directory: the index is
 * parsed and its parsed copy stored) and warm (the parsed copy read back).
 * The V8 code cache is warm in every case (the warm-up runs fill it).
 *
 * Each child is run with a preload that reports its own
 * process.resourceUsage() at exit: CPU time (user + system) is less
 * disturbed than wall time on a shared machine, and maxRSS is the peak
 * resident set.
 *
 *   npm run build && node bench/start.bench.js [runs]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { fixtures, requireDist, requireFixtures, root } = require('./support');

const indexPath = join(fixtures, 'alpine-v3.17-aarch64', 'APKINDEX.tar.gz');
const keyPath = join(fixtures, 'keys', 'alpine', 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub');
requireFixtures(indexPath, keyPath);
requireDist('cli', 'main.js');
const runs = Math.max(3, Number(process.argv[2] ?? 9));
const bin = join(root, 'bin', 'apko-nx.js');

const work = mkdtempSync(join(tmpdir(), 'apko-nx-start-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const usageFile = join(work, 'usage.json');
const preload = join(work, 'usage.js');
writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify(process.resourceUsage())));\n`);
const repo = join(work, 'repo');
mkdirSync(join(repo, 'aarch64'), { recursive: true });
copyFileSync(indexPath, join(repo, 'aarch64', 'APKINDEX.tar.gz'));
const config = join(work, 'apko.yaml');
writeFileSync(config, ['contents:', `  repositories: [${repo}]`, `  keyring: [${keyPath}]`, '  packages: [alpine-base, python3, nginx, busybox-binsh]', 'archs: [aarch64]', ''].join('\n'));
const env = { ...process.env, XDG_CACHE_HOME: join(work, 'xdg') };
delete env.APKO_CACHE_DIR;

/** One child run: wall ms, CPU ms, peak RSS MiB. */
function once(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: work, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { wall, cpu: (u.userCPUTime + u.systemCPUTime) / 1000, rss: u.maxRSS / 1024, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Medians over `runs` runs after two warm-ups; `before` runs ahead of each run, untimed. */
function measure(args, before = () => {}) {
  for (let i = 0; i < 2; i++) {
    before();
    once(args());
  }
  const all = [];
  for (let i = 0; i < runs; i++) {
    before();
    all.push(once(args()));
  }
  return { wall: median(all.map((x) => x.wall)), cpu: median(all.map((x) => x.cpu)), rss: Math.max(...all.map((x) => x.rss)), stdout: all[0].stdout };
}

let cold = 0;
const coldCache = () => join(work, `cold-${cold}`);
const showPackages = (cacheDir) => [bin, 'show-packages', config, '--offline', '--cache-dir', cacheDir];
const warmCache = join(work, 'warm');

const cases = [
  ['node -e 0 (baseline)', measure(() => ['-e', '0'])],
  ['apko-nx version', measure(() => [bin, 'version'])],
  ['apko-nx --help', measure(() => [bin, '--help'])],
  ['show-packages, cold (empty cache)', measure(() => showPackages(coldCache()), () => cold++)],
  ['show-packages, warm (parsed index stored)', measure(() => showPackages(warmCache))],
];
const coldOut = cases[3][1].stdout;
if (coldOut !== cases[4][1].stdout || coldOut.trim().split('\n').length < 10) throw new Error('cold and warm show-packages printed different packages');

const base = cases[0][1];
console.log(`whole processes, median of ${runs} runs (code cache warm), node ${process.version}; show-packages: alpine-base python3 nginx busybox-binsh on Alpine 3.17 aarch64 (${coldOut.trim().split('\n').length} packages)`);
console.log('');
console.log(`| ${'case'.padEnd(42)} | wall ms | vs node | CPU ms | vs node | peak RSS MiB |`);
console.log(`| ${'-'.repeat(42)} | ------: | ------: | -----: | ------: | -----------: |`);
for (const [name, m] of cases) {
  console.log(`| ${name.padEnd(42)} | ${m.wall.toFixed(0).padStart(7)} | ${(m.wall / base.wall).toFixed(2).padStart(6)}x | ${m.cpu.toFixed(0).padStart(6)} | ${(m.cpu / base.cpu).toFixed(2).padStart(6)}x | ${m.rss.toFixed(1).padStart(12)} |`);
}
const [c, w] = [cases[3][1], cases[4][1]];
console.log('');
console.log(`show-packages warm / cold: wall ${(w.wall / c.wall).toFixed(2)}x, CPU ${(w.cpu / c.cpu).toFixed(2)}x`);
