/**
 * The melange cases' sandbox. A base directory outside any checkout holds:
 *   project/  the checkout: melange.yaml files, the signing key, and
 *             packages/ (the previous output: busybox, built from Debian's
 *             static busybox before any case runs, and its signed index);
 *   tmp/      the CLI's TMPDIR, where runners make their directories: it
 *             must be empty after every build, failed or not;
 *   cache/    the package cache (APKO_CACHE_DIR) of the build environments.
 * Each case aims its steps at host paths named with this sandbox's token
 * (`hostile-<hex>`), and `contained` checks the promises of the class:
 * none of those paths exists on this machine, the checkout is unchanged
 * outside the output, no mount appeared in this process's mount table at
 * the sandbox, /home/build or a target, and no runner directory was left
 * behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cleanEnv, runCli, runCliAsync, type CliRun } from '../../support/cli';
import { Sandbox, type Refusal } from './sandbox';
import { snapshotTree, treeDiff } from './tree-snapshot';

/** Debian's static busybox with a link per applet: the build environment's one package. */
const BUSYBOX = `package:
  name: busybox
  version: 1.36.1
  epoch: 0
  description: Debian's static busybox
  copyright:
    - license: GPL-2.0-only
  # Its applets live in /bin, where busybox's own links point.
  checks:
    disabled: [usrmerge]
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/bin
      cp /bin/busybox \${{targets.destdir}}/bin/busybox
      for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -s /bin/busybox "\${{targets.destdir}}/bin/$applet"
      done
`;

/** This process's mount points, for "no mount appeared". */
export function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined);
}

export class MelangeSandbox {
  readonly project: string;
  readonly tmp: string;
  readonly cache: string;
  readonly out: string;
  /** The name every hostile write uses, unique to this sandbox. */
  readonly token = `hostile-${randomBytes(6).toString('hex')}`;
  private files = 0;

  private constructor(readonly base: string) {
    this.project = join(base, 'project');
    this.tmp = join(base, 'tmp');
    this.cache = join(base, 'cache');
    this.out = join(this.project, 'packages');
  }

  /** A sandbox whose previous output holds a busybox package built by the default runner. */
  static async create(): Promise<MelangeSandbox> {
    const sb = new MelangeSandbox(mkdtempSync(join(tmpdir(), 'hostile-melange-')));
    for (const d of [sb.project, sb.tmp, sb.cache]) mkdirSync(d);
    const key = runCli(['melange', 'keygen', '--key-size', '2048'], { cwd: sb.project, env: sb.env() });
    if (key.code !== 0) throw new Error(`keygen failed:\n${key.stderr}`);
    const r = await sb.build(sb.file(BUSYBOX));
    if (r.code !== 0) throw new Error(`the sandbox's busybox build failed:\n${r.stderr}`);
    return sb;
  }

  /** The environment of every run: the private TMPDIR and cache, nothing of the caller's. */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return cleanEnv({ TMPDIR: this.tmp, APKO_CACHE_DIR: this.cache, ...extra });
  }

  /** Writes a melange.yaml into the project (its own subdirectory, so each is its own source directory); returns its project-relative path. */
  file(yaml: string): string {
    const rel = `case-${++this.files}/melange.yaml`;
    mkdirSync(join(this.project, `case-${this.files}`));
    writeFileSync(join(this.project, rel), yaml);
    return rel;
  }

  /** A package whose one step runs `script` (indented into the YAML) and then installs a marker file. */
  packageYaml(name: string, script: string, opts: { environment?: boolean; vars?: Record<string, string> } = {}): string {
    const env = opts.environment
      ? ['environment:', '  contents:', '    repositories:', `      - ${this.out}`, '    keyring:', `      - ${join(this.project, 'melange.rsa.pub')}`, '    packages:', '      - busybox']
      : [];
    const vars = opts.vars ? ['vars:', ...Object.entries(opts.vars).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)] : [];
    const body = script.replace(/\n$/, '').split('\n').map((l) => `      ${l}`);
    return [
      'package:',
      `  name: ${name}`,
      '  version: 1.0.0',
      '  epoch: 0',
      '  copyright:',
      '    - license: MIT',
      ...env,
      ...vars,
      'pipeline:',
      '  - name: hostile',
      '    runs: |',
      ...body,
      '      mkdir -p ${{targets.destdir}}/usr/share/marker',
      '      echo built > ${{targets.destdir}}/usr/share/marker/built',
      '',
    ].join('\n');
  }

  /** `apko-nx melange build <file>` for x86_64 into the previous output, signed by the project key. */
  build(file: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    return runCliAsync(['melange', 'build', file, '--arch', 'x86_64', '--signing-key', 'melange.rsa', '--out-dir', 'packages', ...args], { cwd: this.project, env: this.env(env) });
  }

  /** The host paths a case's steps aim at, by what they stand for. */
  targets(): Record<string, string> {
    const t = this.token;
    return {
      '/home/build/x': `/home/build/${t}`,
      '/etc/x': `/etc/${t}`,
      '/tmp/x': `/tmp/${t}`,
      '/x (../../x from the workspace)': `/${t}`,
      'TMPDIR/x (../../x from a host workspace)': join(this.tmp, t),
      '$HOME/x': join(homedir(), t),
      'the checkout': join(this.project, t),
      'the output directory': join(this.out, 'x86_64', `${t}.apk`),
    };
  }

  /** Runs `act` and checks: no target exists, the checkout is unchanged but for the output, no new mount, TMPDIR empty; returns the run. */
  async contained(act: () => Promise<CliRun>, opts: { outputMayChange: boolean }): Promise<CliRun> {
    const before = snapshotTree(this.project, new Set(['packages']));
    const outBefore = snapshotTree(this.out, new Set());
    const mounts = mountPoints();
    const r = await act();
    const found = Object.entries(this.targets()).filter(([, p]) => existsSync(p));
    for (const [, p] of found) rmSync(p, { recursive: true, force: true });
    expect(found.map(([what, p]) => `${what}: ${p}`), `no step wrote outside the workspace; stderr:\n${r.stderr}`).toEqual([]);
    expect(treeDiff(before, snapshotTree(this.project, new Set(['packages']))), 'the checkout is unchanged').toEqual([]);
    const outDiff = treeDiff(outBefore, snapshotTree(this.out, new Set()));
    if (opts.outputMayChange) expect(outDiff.filter((c) => !c.startsWith('added: x86_64/') && c !== 'changed: x86_64/APKINDEX.tar.gz'), 'the previous packages are unchanged').toEqual([]);
    else expect(outDiff, 'the previous output is unchanged').toEqual([]);
    // Only mounts this sandbox's builds could make count: other tests on the machine mount their own things meanwhile.
    const ours = (m: string) => [this.base, '/home/build', ...Object.values(this.targets())].some((p) => m === p || m.startsWith(`${p}/`));
    expect(mountPoints().filter((m) => !mounts.includes(m) && ours(m)), 'no mount is left in the mount table').toEqual([]);
    expect(readdirSync(this.tmp), 'no runner directory is left in TMPDIR').toEqual([]);
    return r;
  }

  /** A build that must succeed, contained. */
  async builds(file: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    const r = await this.contained(() => this.build(file, args, env), { outputMayChange: true });
    expect(r.code, `the build succeeds; stderr:\n${r.stderr}`).toBe(0);
    return r;
  }

  /** A build that must fail by the battery's message rules, contained, the previous output unchanged. */
  async refuses(file: string, refusal: Refusal, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    const r = await this.contained(() => this.build(file, args, env), { outputMayChange: false });
    expectMessageRules(r, refusal);
    return r;
  }

  /** Removes the sandbox. */
  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** The battery's message rules, from the one place that states them (sandbox.ts; the check uses no sandbox state). */
export function expectMessageRules(r: CliRun, refusal: Refusal): void {
  Sandbox.prototype.expectRefusal(r, refusal);
}
