/**
 * The verbs besides build, side by side with the real apko (tools.json's
 * pin) on one signed local repository: build-cpio's archive byte for byte
 * (owners are 0 in cpio, so non-root package files compare too; a hardlink
 * is a file of its own in both), resolve as lock's deprecated name, dot's
 * spanning tree, --log-level, and what each verb prints on stdout (apko
 * prints results only; progress goes to stderr).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { cleanEnv, runCliAsync, type CliRun } from '../support/cli';
import { PACKAGES, REPOSITORY_ARCHS, SOURCE_DATE_EPOCH } from './inputs';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';

const run = promisify(execFile);
let prerequisite: Prerequisite | undefined;
let dir: string;

beforeAll(async () => {
  prerequisite = await referenceToolFor('apko');
  noticeIfMissing(prerequisite, 'apko verbs');
  if ('missing' in prerequisite) return;
  dir = mkdtempSync(join(tmpdir(), 'apko-verbs-'));
  const key = generateKeyPair('verbs', 2048);
  writeFileSync(join(dir, key.publicKeyName), key.publicKeyPem);
  await writeLocalRepository(join(dir, 'packages'), { key, archs: REPOSITORY_ARCHS, packages: PACKAGES, sourceDateEpoch: Number(SOURCE_DATE_EPOCH) });
  const contents = ['contents:', `  repositories: [${join(dir, 'packages')}]`, `  keyring: [${join(dir, key.publicKeyName)}]`];
  writeFileSync(join(dir, 'apko.yaml'), [...contents, '  packages: [bar, linked, owned, deep, unsorted]', ''].join('\n'));
}, 30 * 60_000);

async function apko(args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(needToolPath(), args, { cwd: dir, env: { ...cleanEnv(), SOURCE_DATE_EPOCH }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function needToolPath(): string {
  if (!prerequisite || !('tool' in prerequisite)) throw new Error('apko is missing');
  return prerequisite.tool.path;
}

const ours = (args: string[]) => runCliAsync(args, { cwd: dir, env: cleanEnv({ SOURCE_DATE_EPOCH }) });

/** Runs a verb with both tools; both must succeed. */
async function both(apkoArgs: string[], ourArgs: string[] = apkoArgs): Promise<{ a: CliRun; o: CliRun }> {
  const [a, o] = await Promise.all([apko(apkoArgs), ours(ourArgs)]);
  expect(a.code, `apko ${apkoArgs.join(' ')}: ${a.stderr}`).toBe(0);
  expect(o.code, `apko-nx ${ourArgs.join(' ')}: ${o.stderr}`).toBe(0);
  return { a, o };
}

describe(`apko-nx verbs against apko ${toolPins().apko.version}`, () => {
  it('build-cpio writes the same newc archive, byte for byte, and the .gz holds the same archive', async (ctx) => {
    needTool(prerequisite, ctx);
    const { a, o } = await both(['build-cpio', 'apko.yaml', 'apko.cpio', '--build-arch', 'x86_64'], ['build-cpio', 'apko.yaml', 'ours.cpio', '--build-arch', 'x86_64', '--offline']);
    expect([a.stdout, o.stdout]).toEqual(['', '']);
    const theirs = readFileSync(join(dir, 'apko.cpio'));
    const mine = readFileSync(join(dir, 'ours.cpio'));
    expect(theirs.toString('latin1')).toContain('usr/bin/tool-alias');
    expect(mine.length).toBe(theirs.length);
    expect(mine.equals(theirs)).toBe(true);
    const gz = await ours(['build-cpio', 'apko.yaml', 'ours.cpio.gz', '--build-arch', 'x86_64', '--offline']);
    expect(gz.code, gz.stderr).toBe(0);
    expect(gunzipSync(readFileSync(join(dir, 'ours.cpio.gz'))).equals(theirs)).toBe(true);
  });

  it('resolve is lock under its old name: the deprecation note on stderr, <config>.resolved.json, the same file', async (ctx) => {
    needTool(prerequisite, ctx);
    const { a, o } = await both(['resolve', 'apko.yaml', '--output', 'apko-resolved.json', '--arch', 'x86_64'], ['resolve', 'apko.yaml', '--output', 'ours-resolved.json', '--arch', 'x86_64']);
    const note = 'Command "resolve" is deprecated, Please use `lock` command. The `resolve` command will get removed in the future versions.';
    expect(a.stderr).toContain(note);
    expect(o.stderr).toContain(note);
    expect([a.stdout, o.stdout]).toEqual(['', '']);
    expect(JSON.parse(readFileSync(join(dir, 'ours-resolved.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(dir, 'apko-resolved.json'), 'utf8')));
    const plain = await ours(['resolve', 'apko.yaml', '--arch', 'x86_64']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(existsSync(join(dir, 'apko.resolved.json'))).toBe(true);
  });

  it('dot --spanning-tree keeps one edge into each node, as apko dot -S, over the same packages', async (ctx) => {
    needTool(prerequisite, ctx);
    const { a, o } = await both(['dot', 'apko.yaml', '-S', '--arch', 'x86_64', '--offline'], ['dot', 'apko.yaml', '-S', '--arch', 'x86_64', '--offline']);
    const full = await ours(['dot', 'apko.yaml', '--arch', 'x86_64', '--offline']);
    const targets = (text: string) => [...text.matchAll(/-> ("[^"]*"|\S+)/g)].map((m) => m[1]!);
    for (const text of [a.stdout, o.stdout]) {
      expect(text).toMatch(/^digraph/);
      expect(new Set(targets(text)).size).toBe(targets(text).length);
    }
    // unsorted and bar share base: the full graph has more edges than the tree.
    expect(targets(full.stdout).length).toBeGreaterThan(targets(o.stdout).length);
    const labels = (text: string) => [...text.matchAll(/label="([^"]+)"/g)].map((m) => m[1]!).filter((l) => /-\d/.test(l)).sort();
    const ourNodes = [...o.stdout.matchAll(/^ {2}"([^"]+-\d[^"]*)";$/gm)].map((m) => m[1]!).sort();
    expect(ourNodes).toEqual(labels(a.stdout));
  });

  it('prints on stdout what apko prints there and nothing else; --log-level error silences progress in both', async (ctx) => {
    needTool(prerequisite, ctx);
    const build = await both(['build', 'apko.yaml', 'verbs/img:1', 'apko-img.tar', '--offline', '--vcs=false', '--sbom=false', '--arch', 'x86_64'], ['build', 'apko.yaml', 'verbs/img:1', 'ours-img.tar', '--offline', '--vcs=false', '--sbom=false', '--arch', 'x86_64']);
    expect([build.a.stdout, build.o.stdout]).toEqual(['', '']);
    expect(build.o.stderr).toMatch(/verbs\/img:1@sha256:[0-9a-f]{64}/);
    const lock = await both(['lock', 'apko.yaml', '--output', 'apko-l.json', '--arch', 'x86_64'], ['lock', 'apko.yaml', '--output', 'ours-l.json', '--arch', 'x86_64']);
    expect([lock.a.stdout, lock.o.stdout]).toEqual(['', '']);
    const packages = await both(['show-packages', 'apko.yaml', '--arch', 'x86_64', '--offline']);
    expect(packages.o.stdout).toBe(packages.a.stdout);
    expect(packages.a.stderr).not.toBe('');
    const config = await both(['show-config', 'apko.yaml']);
    expect(config.o.stdout).toMatch(/^contents:/);
    expect(config.a.stdout).toMatch(/^contents:/);
    const quiet = await both(['--log-level', 'error', 'show-packages', 'apko.yaml', '--arch', 'x86_64', '--offline']);
    expect([quiet.a.stderr, quiet.o.stderr]).toEqual(['', '']);
    expect(quiet.o.stdout).toBe(quiet.a.stdout);
    const bad = await Promise.all([apko(['--log-level', 'fatal', 'show-packages', 'apko.yaml']), ours(['--log-level', 'fatal', 'show-packages', 'apko.yaml'])]);
    expect(bad.map((r) => r.code !== 0)).toEqual([true, true]);
    expect(bad[1]!.stderr).toContain('invalid --log-level "fatal"');
  });
});
