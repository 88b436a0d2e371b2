import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readApkIndex } from '../apk/index-read';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { OutputError, SignatureError } from '../errors';
import { melangeKeygen } from './keygen';
import { INDEX_NAME, melangeIndex, melangeSignIndex } from './repository';
import { makeProject, melangeBuild } from './testdata/project';

let key: KeyPair;
let other: KeyPair;
beforeAll(() => {
  key = generateKeyPair('melange', 2048);
  other = generateKeyPair('other', 2048);
});

const pkgYaml = (name: string, version: string, content: string) =>
  `package:\n  name: ${name}\n  version: ${version}\n  description: ${name} package\npipeline:\n  - runs: mkdir -p \${{targets.destdir}} && echo ${content} > \${{targets.destdir}}/${name}.txt\n`;

async function buildInto(outDir: string, yaml: string, signing = true) {
  const p = makeProject(yaml);
  return melangeBuild({
    configPath: p.config,
    outDir,
    archs: 'x86_64',
    sourceDateEpoch: 1700000000,
    ...(signing ? { signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa.pub' } } : {}),
    log: p.log,
  });
}

const keyring = () => new Map([['melange.rsa.pub', key.publicKeyPem]]);
const indexOf = (outDir: string) => readApkIndex(readFileSync(join(outDir, 'x86_64', INDEX_NAME)), { keyring: keyring() });

describe('the repository directory a build updates', () => {
  it('keeps other packages\' entries and replaces the entry of a rebuilt package', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    const a1 = await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'first'));
    await buildInto(outDir, pkgYaml('beta', '2.0.0', 'b'));
    const rebuilt = await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'second'));
    const index = indexOf(outDir);
    expect(index.signedBy).toBe('melange.rsa.pub');
    expect(index.entries.map((e) => [e.name, e.version, e.checksum])).toEqual([
      ['alpha', '1.0.0-r0', rebuilt.packages[0]!.checksum],
      ['beta', '2.0.0-r0', expect.stringMatching(/^Q1/)],
    ]);
    expect(rebuilt.packages[0]!.checksum).not.toBe(a1.packages[0]!.checksum);
    const alpha = index.entries[0]!;
    expect(alpha).toMatchObject({ arch: 'x86_64', description: 'alpha package', origin: 'alpha', buildTime: 1700000000 });
    expect(alpha.size).toBe(statSync(rebuilt.packages[0]!.path).size);
  });

  it('keeps the older version when a newer one is built, as melange index --merge does', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'x'));
    await buildInto(outDir, pkgYaml('alpha', '1.1.0', 'x'));
    expect(indexOf(outDir).entries.map((e) => e.version)).toEqual(['1.0.0-r0', '1.1.0-r0']);
  });

  it('writes an unsigned index when no signing key is given', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'x'), false);
    const bytes = readFileSync(join(outDir, 'x86_64', INDEX_NAME));
    expect(() => readApkIndex(bytes, { keyring: keyring() })).toThrow(SignatureError);
    expect(readApkIndex(bytes, { ignoreSignatures: true }).entries).toHaveLength(1);
  });

  it('builds every architecture of one request, in order, each into its own directory and index', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    const p = makeProject(pkgYaml('alpha', '1.0.0', 'x'));
    const r = await melangeBuild({ configPath: p.config, outDir, archs: ['aarch64', 'x86_64'], sourceDateEpoch: 0, signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa' }, log: p.log });
    expect(r.packages.map((x) => [x.arch, x.path])).toEqual([
      ['aarch64', join(outDir, 'aarch64', 'alpha-1.0.0-r0.apk')],
      ['x86_64', join(outDir, 'x86_64', 'alpha-1.0.0-r0.apk')],
    ]);
    expect(r.indexes).toEqual([join(outDir, 'aarch64', INDEX_NAME), join(outDir, 'x86_64', INDEX_NAME)]);
    for (const arch of ['aarch64', 'x86_64']) {
      expect(readApkIndex(readFileSync(join(outDir, arch, INDEX_NAME)), { keyring: keyring() }).entries.map((e) => e.arch)).toEqual([arch]);
    }
  });
});

describe('reproducible packages', () => {
  it('gives byte-identical packages and index from two builds in different directories and umasks', async () => {
    const yaml = pkgYaml('same', '3.1.4', 'content');
    const first = await buildInto(mkdtempSync(join(tmpdir(), 'melange-a-')), yaml);
    const old = process.umask(0o027);
    let second: Awaited<ReturnType<typeof buildInto>>;
    try {
      second = await buildInto(mkdtempSync(join(tmpdir(), 'melange-b-')), yaml);
    } finally {
      process.umask(old);
    }
    expect(readFileSync(second.packages[0]!.path).equals(readFileSync(first.packages[0]!.path))).toBe(true);
    expect(readFileSync(second.indexes[0]!).equals(readFileSync(first.indexes[0]!))).toBe(true);
  });
});

describe('melangeIndex and melangeSignIndex', () => {
  it('indexes package files, merging into an existing index only when asked', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    const a = await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'x'));
    const b = await buildInto(outDir, pkgYaml('beta', '1.0.0', 'x'));
    const output = join(outDir, 'custom.tar.gz');
    expect(await melangeIndex({ output, apks: [a.packages[0]!.path] })).toEqual({ output, count: 1, skipped: [] });
    await melangeIndex({ output, apks: [b.packages[0]!.path], merge: true, signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa' } });
    const index = readApkIndex(readFileSync(output), { keyring: keyring() });
    expect(index.entries.map((e) => e.name)).toEqual(['alpha', 'beta']);
    await melangeIndex({ output, apks: [b.packages[0]!.path] });
    expect(readApkIndex(readFileSync(output), { ignoreSignatures: true }).entries.map((e) => e.name)).toEqual(['beta']);
  });

  it('signs an unsigned index, leaves a signed one alone, and re-signs it with force', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'melange-repo-'));
    const a = await buildInto(outDir, pkgYaml('alpha', '1.0.0', 'x'), false);
    const index = a.indexes[0]!;
    expect(await melangeSignIndex({ index, signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa.pub' } })).toEqual({ signed: true });
    expect(readApkIndex(readFileSync(index), { keyring: keyring() }).signedBy).toBe('melange.rsa.pub');
    const otherKey = { privateKeyPem: other.privateKeyPem, keyName: 'other.rsa.pub' };
    expect(await melangeSignIndex({ index, signingKey: otherKey })).toEqual({ signed: false });
    expect(await melangeSignIndex({ index, signingKey: otherKey, force: true })).toEqual({ signed: true });
    expect(readApkIndex(readFileSync(index), { keyring: new Map([['other.rsa.pub', other.publicKeyPem]]) }).signedBy).toBe('other.rsa.pub');
  });

  it('refuses to sign a missing index', async () => {
    await expect(melangeSignIndex({ index: '/nonexistent/APKINDEX.tar.gz', signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'k.rsa.pub' } })).rejects.toThrow(OutputError);
  });
});

describe('melangeKeygen', () => {
  it('writes NAME.rsa (PKCS#1, 0600) and NAME.rsa.pub (PKIX, 0644) and refuses to overwrite them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'melange-keys-'));
    const r = await melangeKeygen('local-melange', dir, { bits: 2048 });
    expect(r).toEqual({ privateKeyPath: join(dir, 'local-melange.rsa'), publicKeyPath: join(dir, 'local-melange.rsa.pub'), keyName: 'local-melange.rsa.pub' });
    expect(readFileSync(r.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(readFileSync(r.publicKeyPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(statSync(r.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(statSync(r.publicKeyPath).mode & 0o777).toBe(0o644);
    await expect(melangeKeygen('local-melange', dir, { bits: 2048 })).rejects.toThrow(`${r.privateKeyPath} already exists; not overwriting a signing key`);
    const again = await melangeKeygen('local-melange.rsa', dir, { bits: 2048, force: true });
    expect(again.keyName).toBe('local-melange.rsa.pub');
  });
});
