/**
 * The melange verbs that run offline, side by side with the real melange
 * (tools.json's pin): keygen's key formats, sign and sign-index (-f)
 * signatures each tool verifies with the other's key names, index --arch and
 * --merge --source, compile's JSON field by field, package-version and query
 * output byte for byte, and bump's edits of a git-checkout config (read back
 * as YAML; melange re-formats the file, we edit it in place). Both tools
 * run as processes (async, never blocking the worker).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readApkIndex } from '../../engine/apk/index-read';
import { generateKeyPair } from '../../engine/apk/keys';
import { readApkBytes, readLeadingSections } from '../../engine/apk/package-read';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { cleanEnv, runCliAsync, type CliRun } from '../support/cli';
import { ROOT } from '../support/env';
import { PACKAGES } from './inputs';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';

const run = promisify(execFile);
let prerequisite: Prerequisite | undefined;
let dir: string;
const key = generateKeyPair('conformance', 2048);
const keyring = new Map([[key.publicKeyName, key.publicKeyPem]]);
// One throwaway key for every copy of the test packages: its signatures are deterministic, so the copies are the same bytes.
const other = generateKeyPair('other', 2048);

beforeAll(async () => {
  prerequisite = await referenceToolFor('melange');
  noticeIfMissing(prerequisite, 'melange verbs');
  if (!('tool' in prerequisite)) return;
  dir = mkdtempSync(join(tmpdir(), 'melange-verbs-'));
  writeFileSync(join(dir, 'conformance.rsa'), key.privateKeyPem);
  writeFileSync(join(dir, 'conformance.rsa.pub'), key.publicKeyPem);
  // The compile fixture: a file using a --pipeline-dir definition, outside git (commit "unknown").
  cpSync(join(ROOT, 'engine', 'melange', 'testdata', 'compile'), join(dir, 'compile'), { recursive: true });
}, 30 * 60_000); // a first run builds melange from source; .ci/run does that before the tests

async function melange(args: string[]): Promise<CliRun> {
  if (!prerequisite || !('tool' in prerequisite)) throw new Error('melange is missing');
  try {
    const { stdout, stderr } = await run(prerequisite.tool.path, args, { cwd: dir, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const ours = (args: string[]) => runCliAsync(['melange', ...args], { cwd: dir, env: cleanEnv() });

/** Runs a verb with both tools; both must succeed. */
async function both(theirArgs: string[], ourArgs: string[] = theirArgs): Promise<{ m: CliRun; o: CliRun }> {
  const [m, o] = await Promise.all([melange(theirArgs), ours(ourArgs)]);
  expect(m.code, `melange ${theirArgs.join(' ')}: ${m.stderr}`).toBe(0);
  expect(o.code, `apko-nx melange ${ourArgs.join(' ')}: ${o.stderr}`).toBe(0);
  return { m, o };
}

/** A fresh copy of the test packages in `name/`, signed by the throwaway key. */
async function packages(name: string, archs: readonly string[] = ['x86_64']): Promise<string[]> {
  return (await writeLocalRepository(join(dir, name), { key: other, archs, packages: PACKAGES })).map((p) => p.slice(dir.length + 1));
}

describe(`apko-nx melange verbs against melange ${toolPins().melange.version}`, () => {
  it('keygen writes a PKCS#1 private key and a PKIX public key, as melange keygen', async (ctx) => {
    needTool(prerequisite, ctx);
    await both(['keygen', 'theirs.rsa', '--key-size', '2048'], ['keygen', 'ours.rsa', '--key-size', '2048']);
    const shape = (pem: string) => pem.split('\n').filter((l) => l.startsWith('-----'));
    expect(shape(readFileSync(join(dir, 'ours.rsa'), 'utf8'))).toEqual(shape(readFileSync(join(dir, 'theirs.rsa'), 'utf8')));
    expect(shape(readFileSync(join(dir, 'ours.rsa.pub'), 'utf8'))).toEqual(shape(readFileSync(join(dir, 'theirs.rsa.pub'), 'utf8')));
  });

  it('sign replaces each package\'s signature with the same signature member melange writes, and keeps the rest', async (ctx) => {
    needTool(prerequisite, ctx);
    const theirs = await packages('sign-theirs');
    const mine = await packages('sign-ours');
    const { m, o } = await both(['sign', '--signing-key', 'conformance.rsa', ...theirs], ['sign', '-k', 'conformance.rsa', ...mine]);
    expect([m.stdout, o.stdout]).toEqual(['', '']);
    theirs.forEach((t, i) => {
      const a = readFileSync(join(dir, t));
      const b = readFileSync(join(dir, mine[i]!));
      for (const bytes of [a, b]) expect(readApkBytes(bytes, { verifySignature: true, keyring }).signatures.map((s) => s.keyName)).toEqual([key.publicKeyName]);
      // RSA PKCS#1 v1.5 signatures are deterministic and the mtime is .PKGINFO's: the same signature entry. Only the
      // signature member's gzip framing differs (another compressor); control and data are the same bytes.
      const { signature, control } = readLeadingSections(a, t);
      const mineSections = readLeadingSections(b, mine[i]!);
      const sig = (entries: NonNullable<typeof signature>["entries"]) => entries.map((e) => ({ name: e.name, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, data: e.data.toString('hex') }));
      expect(sig(mineSections.signature!.entries)).toEqual(sig(signature!.entries));
      expect(b.subarray(mineSections.control.member.start).equals(a.subarray(control.member.start))).toBe(true);
    });
  });

  it('sign-index leaves a signed index alone, and -f re-signs it with the new key, as melange', async (ctx) => {
    needTool(prerequisite, ctx);
    await packages('si-theirs');
    await packages('si-ours');
    const theirs = 'si-theirs/x86_64/APKINDEX.tar.gz';
    const mine = 'si-ours/x86_64/APKINDEX.tar.gz';
    const before = readFileSync(join(dir, mine));
    await both(['sign-index', '--signing-key', 'conformance.rsa', theirs], ['sign-index', '--signing-key', 'conformance.rsa', mine]);
    expect(readFileSync(join(dir, mine)).equals(before)).toBe(true);
    expect(() => readApkIndex(readFileSync(join(dir, theirs)), { keyring })).toThrow();
    await both(['sign-index', '--signing-key', 'conformance.rsa', '-f', theirs], ['sign-index', '--signing-key', 'conformance.rsa', '-f', mine]);
    for (const f of [theirs, mine]) expect(readApkIndex(readFileSync(join(dir, f)), { keyring }).signedBy).toBe(key.publicKeyName);
    const entries = (f: string) => readApkIndex(readFileSync(join(dir, f)), { keyring }).entries;
    expect(entries(mine)).toEqual(entries(theirs));
  });

  it('index --arch skips other architectures and --merge --source keeps the source index\'s entries, as melange', async (ctx) => {
    needTool(prerequisite, ctx);
    const apks = await packages('idx', ['x86_64', 'aarch64']);
    const x86 = apks.filter((a) => a.includes('/x86_64/'));
    const arm = apks.filter((a) => a.includes('/aarch64/'));
    // melange does not tolerate a skipped package among others (its list keeps a nil), so --arch is compared on matching packages only.
    await both(['index', '-o', 'theirs-arch.tar.gz', '-a', 'x86_64', ...x86], ['index', '-o', 'ours-arch.tar.gz', '-a', 'x86_64', ...x86]);
    // melange keeps the order packages were given in; our index writer sorts (one fixed order): compared as sets.
    const names = (f: string) => readApkIndex(readFileSync(join(dir, f)), { ignoreSignatures: true }).entries.map((e) => `${e.name}-${e.version}:${e.arch}`).sort();
    expect(names('ours-arch.tar.gz')).toEqual(names('theirs-arch.tar.gz'));
    copyFileSync(join(dir, 'idx', 'aarch64', 'APKINDEX.tar.gz'), join(dir, 'source.tar.gz'));
    await both(['index', '-o', 'theirs-merged.tar.gz', '-m', '-s', 'source.tar.gz', x86[0]!], ['index', '-o', 'ours-merged.tar.gz', '-m', '-s', 'source.tar.gz', x86[0]!]);
    expect(names('ours-merged.tar.gz')).toEqual(names('theirs-merged.tar.gz'));
    expect(names('ours-merged.tar.gz').length).toBe(arm.length);
  });

  it('compile writes the same JSON, field by field, for a file using a --pipeline-dir definition', async (ctx) => {
    needTool(prerequisite, ctx);
    const args = ['compile', 'compile/melange.yaml', '--arch', 'x86_64', '--pipeline-dir', 'compile/pipelines'];
    const { m, o } = await both(args);
    expect(JSON.parse(o.stdout)).toEqual(JSON.parse(m.stdout));
    expect(o.stdout).toBe(m.stdout);
  });

  it('package-version and query print the same text, without a newline', async (ctx) => {
    needTool(prerequisite, ctx);
    const pv = await both(['package-version', 'compile/melange.yaml']);
    expect(pv.o.stdout).toBe(pv.m.stdout);
    expect(pv.o.stdout).toBe('rich-2.0.1-r1');
    const templates = [
      '{{ .Package.Name }}-{{ .Package.Version }}-{{ .Package.Epoch }}',
      '{{.Package.Description}}|{{.Package.URL}}|{{.Package.Dependencies.Runtime}}|{{.Package.Dependencies.Provides}}|{{.Package.TargetArchitecture}}|{{.Vars}}|{{.Vars.greeting}}',
      '{{ range $i, $s := .Subpackages }}{{ $i }}={{ $s.Name }} {{ end }}{{ len .Subpackages }} {{ (index .Pipeline 0).Name }} {{ (index .Package.Copyright 0).License }}',
      '{{ with .Package }}{{ .Name }}{{ end }} {{ if eq .Package.Epoch 1 }}one{{ else }}other{{ end }} {{ .Package.Epoch | printf "%03d" }} {{- " trimmed" }}',
      '{{ .Environment.Contents.Packages }} {{ .Environment.Contents.Repositories }} {{ .Environment.Environment }}',
      // The file's own steps, as written (uses: not resolved), with package and vars substituted.
      '{{ (index .Pipeline 2).Uses }} {{ (index .Pipeline 2).With }} {{ (index .Pipeline 3).If }} {{ (index .Pipeline 0).WorkDir }} {{ (index .Pipeline 0).Environment }} {{ (index .Subpackages 2).If }} {{ (index .Subpackages 2).URL }}',
    ];
    for (const t of templates) {
      const q = await both(['query', 'compile/melange.yaml', t]);
      expect(q.o.stdout, t).toBe(q.m.stdout);
    }
  });

  it('bump sets the version, the epoch and the expected-commit of the checkout that follows the version, as melange', async (ctx) => {
    needTool(prerequisite, ctx);
    const config = `package:
  name: b
  version: 1.2.3
  epoch: 3
  copyright:
    - license: MIT
pipeline:
  - uses: git-checkout
    with:
      repository: https://example.com/b.git
      tag: v\${{package.version}}
      expected-commit: ${'1'.repeat(40)}
  - uses: git-checkout
    with:
      repository: https://example.com/other.git
      tag: fixed-1
      expected-commit: ${'2'.repeat(40)}
  - runs: echo hi
`;
    mkdirSync(join(dir, 'bump'), { recursive: true });
    for (const who of ['theirs', 'ours']) writeFileSync(join(dir, 'bump', `${who}.yaml`), config);
    const commit = '3'.repeat(40);
    await both(['bump', 'bump/theirs.yaml', '1.2.4', '--expected-commit', commit], ['bump', 'bump/ours.yaml', '1.2.4', '--expected-commit', commit]);
    const read = (who: string) => parse(readFileSync(join(dir, 'bump', `${who}.yaml`), 'utf8')) as unknown;
    expect(read('ours')).toEqual(read('theirs'));
    expect((read('ours') as { package: { epoch: number } }).package.epoch).toBe(0);
    await both(['bump', 'bump/theirs.yaml', '1.2.4'], ['bump', 'bump/ours.yaml', '1.2.4']);
    expect(read('ours')).toEqual(read('theirs'));
    expect((read('ours') as { package: { epoch: number } }).package.epoch).toBe(1);
  });
});
