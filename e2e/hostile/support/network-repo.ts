/**
 * The sandbox's good repository served over HTTP by a fault server, for the
 * battery's network cases: configs that name the server instead of the local
 * directory, runs that do not block the event loop (the fault server lives
 * in the test process), a fresh cache per case (a package fetched once is
 * served from the cache after, and would hide the next fault), and the clean
 * digest of the HTTP config, so a case whose fault is ridden out can prove it
 * gave exactly the clean image.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliRun } from '../../support/cli';
import { startFaultServer, type FaultServer } from './fault-server';
import { layoutDigest, type Sandbox } from './sandbox';

/** The sandbox's repository over HTTP, and what a clean build from it gives. */
export class HttpRepo {
  private cases = 0;
  private constructor(
    readonly sb: Sandbox,
    readonly server: FaultServer,
    /** The image digest of a clean build of `http.yaml`. */
    readonly digest: string,
    /** The packages `http.yaml` installs (and every config made here, unless it names its own). */
    readonly packages: readonly string[],
  ) {}

  static async start(sb: Sandbox, packages: readonly string[] = []): Promise<HttpRepo> {
    const server = await startFaultServer(sb.ws.repo);
    const repo = new HttpRepo(sb, server, '', packages);
    sb.write('http.yaml', repo.config());
    const dir = mkdtempSync(join(tmpdir(), 'hostile-http-'));
    try {
      const r = await sb.runAsync(['build', 'http.yaml', 'hostile:clean', `${dir}/out/`, '--cache-dir', join(dir, 'cache')]);
      if (r.code !== 0) throw new Error(`the clean build over HTTP failed:\n${r.stderr}`);
      return new HttpRepo(sb, server, layoutDigest(join(dir, 'out')), packages);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The sandbox's apko.yaml with the repository at `origin` (default: this server) instead of the local directory. */
  config(origin: string = this.server.origin, body: Parameters<Sandbox['config']>[0] = {}): string {
    return this.sb.config({ packages: this.packages, ...body }).replace(`    - ${this.sb.ws.repo}\n`, `    - ${origin}\n`);
  }

  /** Path of a package file of the served repository. */
  static packagePath(name: string, version = '1.0.0-r0', arch = 'x86_64'): string {
    return `/${arch}/${name}-${version}.apk`;
  }

  /** A cache directory inside the sandbox's cache that no case used before. */
  freshCache(): string {
    return join(this.sb.cache, 'cases', String(this.cases++));
  }

  /** `build <config> hostile:1 <out> --cache-dir <cache>`, without blocking the fault server. */
  build(config: string, cache: string, extraArgs: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    return this.sb.runAsync(['build', config, 'hostile:1', this.sb.out, '--cache-dir', cache, ...extraArgs], env);
  }

  /** Builds `config` into a scratch directory through `cache`; returns the run and the digest (when it succeeded). */
  async buildScratch(config: string, cache: string, extraArgs: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun & { digest?: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-scratch-'));
    try {
      const r = await this.sb.runAsync(['build', config, 'hostile:1', `${dir}/out/`, '--cache-dir', cache, ...extraArgs], env);
      return r.code === 0 ? { ...r, digest: layoutDigest(join(dir, 'out')) } : r;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** With every fault cleared, a build through `cache` gives the clean HTTP digest: the refused run left the cache good. */
  async expectCacheGood(cache: string): Promise<void> {
    this.server.reset();
    const r = await this.buildScratch('http.yaml', cache);
    expect(r.code, `the clean build over HTTP through the case's cache; stderr:\n${r.stderr}`).toBe(0);
    expect(r.digest, 'the clean build over HTTP gives the clean digest').toBe(this.digest);
  }

  /** Requests the server saw for `path`. */
  seenFor(path: string) {
    return this.server.seen.filter((s) => s.path === path);
  }
}
