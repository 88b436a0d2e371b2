/**
 * The battery's sandbox and its one verdict. A sandbox is a directory with a
 * good signed repository, a good apko.yaml, a cache, and an output built from
 * them before any case runs. `expectRefused` checks everything the battery
 * promises about a failure, in one place:
 *   1. the exit status is non-zero (a normal exit, not a signal or a crash);
 *   2. stderr names each culprit and says what to do (a `hint:` line), with
 *      no stack trace, `undefined`, `NaN`, `[object Object]` or bug notice;
 *   3. nothing was written in the sandbox outside the output and the cache,
 *      and no canary path outside the sandbox exists;
 *   4. the previous output is byte-for-byte as it was before the run;
 *   5. the cache still serves the next correct build: a clean build through
 *      it gives the clean digest.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { expect, it } from 'vitest';
import type { PackageSpec } from '../../../engine/example/local-repository';
import { cleanEnv, runCli, runCliAsync, type CliRun } from '../../support/cli';
import { BASELAYOUT, makeWorkspace, type TestWorkspace } from '../../support/workspace';
import { snapshotTree, treeDiff } from './tree-snapshot';
import { forgeApk, forgeRepository, type ForgeApkInput, type RepoPackage } from './forge';

/** A case of the battery: its id (`<class>/<name>`) and what it proves, listed in e2e/hostile/README.md. */
export function hostile(id: string, proves: string, fn: () => unknown | Promise<unknown>, timeout = 60_000): void {
  it(`${id}: ${proves}`, fn, timeout);
}

/** What a refusal must say, beyond the battery's fixed rules. */
export interface Refusal {
  /** Strings or patterns stderr must contain: the file, URL, package, key or path at fault. */
  names: readonly (string | RegExp)[];
  /** A pattern for the what-to-do part; default: a `hint:` line. */
  says?: RegExp;
  /** Skip the clean-rebuild check (verbs that write no image, e.g. a publish whose registry is gone). */
  noRebuild?: boolean;
}

/** The image digest an OCI layout's index.json points at. */
export function layoutDigest(dir: string): string {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  return index.manifests[0]!.digest;
}

/** Options for a sandbox. */
export interface SandboxOptions {
  /** Good packages (default: the test base layout). */
  packages?: readonly PackageSpec[];
  archs?: readonly string[];
}

/** Where a case runs. */
export class Sandbox {
  /** The previous output: a clean build, checked after every refusal. */
  readonly out: string;
  readonly cache: string;
  /** A path outside the sandbox that hostile packages aim at (`../` chains, absolute links); it must never appear. */
  readonly canary: string;
  private cleanDigest = '';
  private rebuilds = 0;

  private constructor(readonly ws: TestWorkspace, readonly archs: readonly string[]) {
    this.out = join(ws.dir, 'out');
    this.cache = join(ws.dir, 'cache');
    this.canary = join(dirname(ws.dir), `hostile-canary-${randomBytes(6).toString('hex')}`);
  }

  static async create(opts: SandboxOptions = {}): Promise<Sandbox> {
    const archs = opts.archs ?? ['x86_64'];
    const ws = await makeWorkspace(opts.packages ?? [BASELAYOUT], archs);
    const sb = new Sandbox(ws, archs);
    sb.ws.write('apko.yaml', sb.config({ packages: (opts.packages ?? [BASELAYOUT]).map((p) => p.name) }));
    mkdirSync(sb.out);
    const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', sb.out]);
    if (r.code !== 0) throw new Error(`the sandbox's clean build failed:\n${r.stderr}`);
    sb.cleanDigest = layoutDigest(sb.out);
    return sb;
  }

  get dir(): string {
    return this.ws.dir;
  }

  /** Writes a file in the sandbox (creating parents); returns its path. */
  write(name: string, content: string | Buffer): string {
    const p = join(this.dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  /** A package signed by the sandbox's trusted key unless the input says otherwise. */
  apk(input: ForgeApkInput) {
    return forgeApk(input, this.ws.key);
  }

  /** A forged repository in `<sandbox>/<name>`, its index signed by the trusted key; returns its path. */
  repository(name: string, packages: readonly RepoPackage[], opts: { rawIndex?: Buffer; arch?: string } = {}): string {
    return forgeRepository(join(this.dir, name), packages, { key: this.ws.key, ...opts });
  }

  /** An apko.yaml with the good repository, `repositories` and `packages` (the base layout is always installed). */
  config(body: { packages?: readonly string[]; repositories?: readonly string[]; keyring?: readonly string[]; extra?: string; archs?: readonly string[] } = {}): string {
    const packages = ['test-baselayout', ...(body.packages ?? []).filter((p) => p !== 'test-baselayout')];
    return [
      'contents:',
      '  repositories:',
      `    - ${this.ws.repo}`,
      ...(body.repositories ?? []).map((r) => `    - ${r}`),
      '  keyring:',
      `    - ${join(this.dir, this.ws.key.publicKeyName)}`,
      ...(body.keyring ?? []).map((k) => `    - ${k}`),
      '  packages:',
      ...packages.map((p) => `    - ${p}`),
      `archs: [${(body.archs ?? this.archs).join(', ')}]`,
      body.extra ?? '',
      '',
    ].join('\n');
  }

  /** The environment every run gets: this sandbox's cache, nothing of the caller's. */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return cleanEnv({ APKO_CACHE_DIR: this.cache, ...extra });
  }

  run(args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
    return runCli(args, { cwd: this.dir, env: this.env(env) });
  }

  runAsync(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    return runCliAsync(args, { cwd: this.dir, env: this.env(env) });
  }

  /**
   * `build <config> hostile:1 <out>`, the verb most cases refuse. Runs as a
   * child the worker awaits: a synchronous run would block the test worker
   * for the whole build and, on a loaded machine, starve vitest's own messages.
   */
  build(config: string, extraArgs: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    return this.runAsync(['build', config, 'hostile:1', this.out, ...extraArgs], env);
  }

  /** Runs `act` (which may run any verb any number of times) and checks the battery's five rules on the last run it returns. */
  async refuses(act: () => CliRun | Promise<CliRun>, refusal: Refusal): Promise<CliRun> {
    const before = snapshotTree(this.dir, new Set(['out', 'cache']));
    const outBefore = snapshotTree(this.out);
    const r = await act();
    this.expectRefusal(r, refusal);
    expect(treeDiff(before, snapshotTree(this.dir, new Set(['out', 'cache']))), 'nothing written in the sandbox outside the output and the cache').toEqual([]);
    expect(existsSync(this.canary), `nothing written outside the sandbox (${this.canary})`).toBe(false);
    expect(treeDiff(outBefore, snapshotTree(this.out)), 'the previous output is unchanged').toEqual([]);
    if (!refusal.noRebuild) await this.expectCacheGood();
    return r;
  }

  /** The message rules alone (rule 1 and 2), for runs that write nothing. */
  expectRefusal(r: CliRun, refusal: Refusal): void {
    const context = `stderr was:\n${r.stderr}`;
    expect(r.code, `a non-zero exit status; ${context}`).not.toBe(0);
    expect(r.code, `a normal exit, not a signal; ${context}`).not.toBeNull();
    for (const name of refusal.names) {
      if (typeof name === 'string') expect(r.stderr, context).toContain(name);
      else expect(r.stderr, context).toMatch(name);
    }
    expect(r.stderr, context).toMatch(refusal.says ?? /hint: \S/);
    expect(r.stderr, `no stack trace; ${context}`).not.toMatch(/\n\s+at \S+ \(|\n\s+at file:|\n\s+at node:/);
    expect(r.stderr, context).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]|looks like a bug/);
  }

  /** A clean build through the same cache still gives the clean digest. */
  async expectCacheGood(): Promise<void> {
    const dir = join(mkdtempSync(join(tmpdir(), 'hostile-verify-')), `v${this.rebuilds++}`);
    try {
      const r = await this.runAsync(['build', 'apko.yaml', 'hostile:clean', `${dir}/`]);
      expect(r.code, `the clean build after a refusal; stderr:\n${r.stderr}`).toBe(0);
      expect(layoutDigest(dir), 'the clean build after a refusal gives the clean digest').toBe(this.cleanDigest);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  }

  /** The clean image digest. */
  get digest(): string {
    return this.cleanDigest;
  }
}
