import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackageSpec } from '../engine/example/local-repository';
import { cleanEnv, runCliAsync } from './support/cli';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * A build's memory does not grow with the image: package contents wait on
 * disk (engine/fs/spool.ts) and layers stream to disk and into the store.
 * Measured as the whole process's peak RSS (worker threads included), read
 * by a preload from /proc/self/status as the process exits, for two images of the same small
 * packages, one with 240 MiB more content.
 */

const MIB = 1 << 20;

/** `count` packages of `mib` one-MiB files each; content compresses well so writing the repository is quick, but is held uncompressed by a build that keeps it in memory. */
function packages(prefix: string, count: number, mib: number): PackageSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    version: '1.0-r0',
    files: Array.from({ length: mib }, (_, f) => ({ path: `usr/share/${prefix}-${i}/f${f}`, type: 'file' as const, mode: 0o644, data: Buffer.alloc(MIB, randomBytes(1024)) })),
  }));
}

let ws: TestWorkspace;
let preload: string;

beforeAll(async () => {
  const small = packages('small', 4, 4);
  const big = packages('big', 24, 10);
  ws = await makeWorkspace([BASELAYOUT, ...small, ...big], ['x86_64']);
  ws.write('small.yaml', apkoYaml(ws, { packages: [BASELAYOUT.name, ...small.map((p) => p.name)], archs: ['x86_64'] }));
  ws.write('big.yaml', apkoYaml(ws, { packages: [BASELAYOUT.name, ...small.map((p) => p.name), ...big.map((p) => p.name)], archs: ['x86_64'] }));
  // VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss across exec, so a child of this test worker would report the worker's peak.
  preload = ws.write(
    'peak-rss.cjs',
    "process.on('exit', () => { const fs = require('node:fs'); fs.writeFileSync(process.env.PEAK_RSS_FILE, /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); });\n",
  );
}, 300_000);

/** Builds `config` into a fresh cache and returns the process's peak RSS in MiB. */
async function peakRss(config: string): Promise<number> {
  const out = join(ws.dir, `${config}.rss`);
  const r = await runCliAsync(['build', '--offline', '--cache-dir', join(ws.dir, `cache-${config}`), config, 'mem:1', join(ws.dir, `out-${config}`) + '/'], {
    cwd: ws.dir,
    env: cleanEnv({ NODE_OPTIONS: `--require ${preload}`, PEAK_RSS_FILE: out }),
  });
  expect(r.code, r.stderr).toBe(0);
  return Number(readFileSync(out, 'utf8')) / 1024;
}

describe('build memory', () => {
  it('stays flat as the image grows: 240 MiB more content adds well under 100 MiB of peak RSS', async () => {
    const small = await peakRss('small.yaml');
    const big = await peakRss('big.yaml');
    console.log(`[build memory] peak RSS: 16 MiB image ${small.toFixed(0)} MiB, 256 MiB image ${big.toFixed(0)} MiB`);
    expect(big - small).toBeLessThan(100);
  }, 300_000);
});
