#!/usr/bin/env node
/**
 * Benchmark (not a test): whole image builds on generated corpora (see
 * corpus.js) of 300 MiB, 1 GiB and 2 GiB of files, each measured in one run
 * against
 *   - the single-threaded floor: `gzip -dc` of every .apk (all its members)
 *     plus `gzip -6` of the layer-sized tar. The layer tar is made untimed by
 *     unpacking every package into one tree with GNU tar and packing the tree
 *     again (`tar --sort=name`), so it holds the image's files once, as a
 *     layer does;
 *   - the real apko (~/.cache/apko-nx-conformance/bin/apko, or
 *     $APKO_NX_TOOLS_DIR/apko) on the same config and repository, cold (an
 *     empty --cache-dir) and warm (the same cache again);
 *   - apk-tools' classic path, only where `apk` is on PATH.
 * Ours is `bin/apko-nx.js build --offline`, cold, warm (identical rebuild,
 * same cache) and incremental: with `layering: {strategy: origin, budget:
 * 10}`, variant 0 of the corpus built into a fresh cache, then variant 1 (one
 * package bumped) into the same cache. Both variants are reached through one
 * symlinked path, so the config is the same and only the repository changed,
 * as when a package is bumped upstream.
 *
 * Every child runs under /usr/bin/time (wall, user + system CPU, peak RSS).
 * Output goes to an OCI layout directory, emptied before each run. Ratios
 * are printed as a table and everything is written as JSON.
 *
 *   npm run build && node bench/build.bench.js [--sizes 300,1024,2048] [--runs 3] [--json FILE]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } = require('node:fs');
const { homedir, loadavg, cpus, totalmem, tmpdir } = require('node:os');
const { join } = require('node:path');
const { requireDist, root } = require('./support');
const { makeCorpus, configText, BUILD_DATE } = require('./corpus');

requireDist('cli', 'main.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}
const sizes = arg('sizes', '300,1024,2048').split(',').map(Number).filter((n) => n > 0);
const runs = Math.max(1, Number(arg('runs', '3')) || 3);
const jsonOut = arg('json', join(__dirname, 'results', `build-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
/** A few hundred packages per corpus, more as it grows. */
const packagesFor = (mib) => (mib <= 300 ? 200 : mib <= 1024 ? 300 : 400);

const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.log(`[skip] ${TIME} is missing (GNU time reports each child's peak RSS); nothing measured`);
  process.exit(0);
}
const bin = join(root, 'bin', 'apko-nx.js');
const apkoBin = join(process.env.APKO_NX_TOOLS_DIR || join(homedir(), '.cache', 'apko-nx-conformance', 'bin'), 'apko');
const haveApko = existsSync(apkoBin);
const apkOnPath = spawnSync('sh', ['-c', 'command -v apk'], { encoding: 'utf8' }).stdout.trim();
const env = { ...process.env, SOURCE_DATE_EPOCH: String(BUILD_DATE) };
delete env.APKO_CACHE_DIR;

const work = mkdtempSync(join(tmpdir(), 'apko-nx-build-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const timeFile = join(work, 'time.txt');

/** One child under GNU time: wall s, CPU s, peak RSS MiB. */
function timed(cmd, args, { cwd = work } = {}) {
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || '').slice(-4000)}`);
  const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  return { wall, cpu: user + sys, rss: rssKb / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (all) => ({ wall: median(all.map((x) => x.wall)), cpu: median(all.map((x) => x.cpu)), rss: Math.max(...all.map((x) => x.rss)), runs: all });

function freshDir(p) {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
  return p;
}

function duBytes(p) {
  return Number(spawnSync('du', ['-sb', p], { encoding: 'utf8' }).stdout.split(/\s/)[0]);
}

const buildArgs = (tool, config, out, cache) =>
  tool === 'ours'
    ? [process.execPath, [bin, 'build', config, 'bench/image:1', `${out}/`, '--offline', '--sbom=false', '--vcs=false', '--cache-dir', cache]]
    : [apkoBin, ['build', config, 'bench/image:1', out, '--offline', '--sbom=false', '--vcs=false', '--cache-dir', cache]];

function build(tool, config, out, cache) {
  freshDir(out);
  const [cmd, args] = buildArgs(tool, config, out, cache);
  return timed(cmd, args);
}

/** Cold: a fresh cache each run; warm: the last cold cache again. */
function coldWarm(tool, config, dir) {
  const out = join(dir, `${tool}-out`);
  const cold = [];
  let cache;
  for (let i = 0; i < runs; i++) {
    if (cache) rmSync(cache, { recursive: true, force: true });
    cache = join(dir, `${tool}-cache-${i}`);
    cold.push(build(tool, config, out, cache));
  }
  const imageBytes = duBytes(out);
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(build(tool, config, out, cache));
  rmSync(cache, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  return { cold: summary(cold), warm: summary(warm), imageBytes };
}

/** Variant 0 into a fresh cache (the budget config's cold build), then variant 1 into the same cache. */
function incremental(tool, v0, v1, dir) {
  const link = join(dir, 'corpus');
  const point = (c) => {
    if (existsSync(link)) unlinkSync(link);
    symlinkSync(c.dir, link);
  };
  const config = join(dir, 'apko-budget.yaml');
  writeFileSync(config, configText(join(link, 'repo'), join(link, 'key.rsa.pub'), v0.packages, 'x86_64', 'layering: { strategy: origin, budget: 10 }\n'));
  const out = join(dir, `${tool}-out`);
  const cold = [];
  const inc = [];
  for (let i = 0; i < runs; i++) {
    const cache = freshDir(join(dir, `${tool}-budget-cache`));
    point(v0);
    cold.push(build(tool, config, out, cache));
    point(v1);
    inc.push(build(tool, config, out, cache));
  }
  rmSync(join(dir, `${tool}-budget-cache`), { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  return { cold: summary(cold), incremental: summary(inc) };
}

/** gunzip of every package, then gzip -6 of the layer tar; both single-threaded. */
function floor(corpus, dir) {
  const apkDir = join(corpus.repo, 'x86_64');
  const apks = readdirSync(apkDir).filter((f) => f.endsWith('.apk')).sort();
  const tree = freshDir(join(dir, 'tree'));
  for (const f of apks) spawnSync('tar', ['-xzf', join(apkDir, f), '-C', tree], { stdio: 'ignore' });
  for (const f of readdirSync(tree)) if (f.startsWith('.')) rmSync(join(tree, f), { force: true });
  const layerTar = join(dir, 'layer.tar');
  const t = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${BUILD_DATE}`, '-cf', layerTar, '-C', tree, '.']);
  if (t.status !== 0) throw new Error(`tar of the unpacked tree failed: ${t.stderr}`);
  rmSync(tree, { recursive: true, force: true });
  const layerTarBytes = duBytes(layerTar);
  const all = [];
  for (let i = 0; i < runs; i++) {
    const g = timed('sh', ['-c', 'for f in "$0"/*.apk; do gzip -dc "$f"; done >/dev/null', apkDir]);
    const z = timed('sh', ['-c', 'gzip -6 -c "$0" >/dev/null', layerTar]);
    all.push({ wall: g.wall + z.wall, cpu: g.cpu + z.cpu, rss: Math.max(g.rss, z.rss), gunzip: g, gzip: z });
  }
  rmSync(layerTar, { force: true });
  return { ...summary(all), layerTarBytes };
}

async function main() {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavgStart: loadavg() };
  console.log(`build bench: sizes ${sizes.join(', ')} MiB, ${runs} run(s) each, median; ${machine.cpus} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  if (!haveApko) console.log(`[skip] the real apko: ${apkoBin} is missing (the conformance suite installs it)`);
  if (!apkOnPath) console.log('[skip] apk-tools classic path: `apk` is not on PATH');
  const results = [];
  for (const mib of sizes) {
    const packages = packagesFor(mib);
    const params = { totalBytes: mib * 2 ** 20, packages };
    const v0 = await makeCorpus({ ...params, variant: 0 });
    const v1 = await makeCorpus({ ...params, variant: 1 });
    const dir = freshDir(join(work, `${mib}`));
    console.log(`\n${mib} MiB corpus: ${packages} packages, ${(v0.uncompressedBytes / 2 ** 20).toFixed(0)} MiB of files, ${(v0.compressedBytes / 2 ** 20).toFixed(0)} MiB of .apk; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const r = { mib, packages, uncompressedBytes: v0.uncompressedBytes, apkBytes: v0.compressedBytes, changed: v0.changed, loadavgBefore: loadavg() };
    r.floor = floor(v0, dir);
    console.log(`  floor ${r.floor.wall.toFixed(2)} s`);
    r.ours = coldWarm('ours', v0.config, dir);
    console.log(`  ours cold ${r.ours.cold.wall.toFixed(2)} s, warm ${r.ours.warm.wall.toFixed(2)} s`);
    r.oursBudget = incremental('ours', v0, v1, dir);
    console.log(`  ours budget cold ${r.oursBudget.cold.wall.toFixed(2)} s, incremental ${r.oursBudget.incremental.wall.toFixed(2)} s`);
    if (haveApko) {
      r.apko = coldWarm('apko', v0.config, dir);
      console.log(`  apko cold ${r.apko.cold.wall.toFixed(2)} s, warm ${r.apko.warm.wall.toFixed(2)} s`);
    }
    r.loadavgAfter = loadavg();
    rmSync(dir, { recursive: true, force: true });
    results.push(r);
  }
  printTables(results);
  mkdirSync(join(jsonOut, '..'), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify({ machine: { ...machine, loadavgEnd: loadavg() }, runs, apko: haveApko ? apkoBin : null, apk: apkOnPath || null, results }, null, 2) + '\n');
  console.log(`\nJSON: ${jsonOut}`);
}

function printTables(results) {
  const x = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  const mib = (b) => (b / 2 ** 20).toFixed(0);
  console.log('\nwall s (CPU s) and peak RSS MiB, median of runs');
  console.log('| corpus | floor | ours cold | ours warm | ours budget cold | ours incremental | apko cold | apko warm |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cell = (m) => (m ? `${m.wall.toFixed(2)} (${m.cpu.toFixed(2)}), ${m.rss.toFixed(0)} MiB` : '-');
  for (const r of results) {
    console.log(`| ${r.mib} MiB | ${cell(r.floor)} | ${cell(r.ours.cold)} | ${cell(r.ours.warm)} | ${cell(r.oursBudget.cold)} | ${cell(r.oursBudget.incremental)} | ${cell(r.apko?.cold)} | ${cell(r.apko?.warm)} |`);
  }
  console.log('\nratios (wall time; RSS / image is peak RSS over the image layout size)');
  console.log('| corpus | ours/floor | ours/apko cold | ours/apko warm | warm/cold | incremental/budget cold | ours RSS/image | apko RSS/image | ours RSS/apko RSS | image MiB ours / apko |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const o = r.ours;
    const a = r.apko;
    console.log(
      `| ${r.mib} MiB | ${x(o.cold.wall, r.floor.wall)} | ${x(o.cold.wall, a?.cold.wall)} | ${x(o.warm.wall, a?.warm.wall)} | ${x(o.warm.wall, o.cold.wall)} | ${x(r.oursBudget.incremental.wall, r.oursBudget.cold.wall)} | ${x(o.cold.rss * 2 ** 20, o.imageBytes)} | ${a ? x(a.cold.rss * 2 ** 20, a.imageBytes) : '-'} | ${x(o.cold.rss, a?.cold.rss)} | ${mib(o.imageBytes)} / ${a ? mib(a.imageBytes) : '-'} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
