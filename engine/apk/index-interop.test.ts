/**
 * Interoperability with indexes written by abuild (Alpine) and by other
 * people's melange/signing tools, from ../shared/fixtures. Skipped with a
 * notice when the fixtures are absent (a fresh clone).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { SignatureError } from '../errors';
import { readApkIndex } from './index-read';
import { writeApkIndex } from './index-write';

const dir = fixture();
const ALPINE_KEY = 'alpine-devel@lists.alpinelinux.org-';

function key(...parts: string[]): Map<string, string> {
  const path = join(dir!, ...parts);
  return new Map([[parts[parts.length - 1]!, readFileSync(path, 'utf8')]]);
}

function alpineKey(id: string): Map<string, string> {
  return key('keys', 'alpine', `${ALPINE_KEY}${id}.rsa.pub`);
}

function failure(fn: () => unknown): SignatureError {
  try {
    fn();
  } catch (e) {
    return e as SignatureError;
  }
  throw new Error('expected a SignatureError');
}

describe.skipIf(!dir)('readApkIndex on real indexes', () => {
  const cases = [
    { path: 'alpine-v3.16-x86_64', keyId: '6165ee59', count: 4929, arch: 'x86_64' },
    { path: 'alpine-v3.17-aarch64', keyId: '616ae350', count: 5004, arch: 'aarch64' },
  ];

  it.each(cases)("verifies $path with Alpine's $keyId key and reads $count packages", ({ path, keyId, count }) => {
    const index = readApkIndex(readFileSync(join(dir!, path, 'APKINDEX.tar.gz')), { keyring: alpineKey(keyId), subject: path });
    expect(index.signedBy).toBe(`${ALPINE_KEY}${keyId}.rsa.pub`);
    expect(index.entries).toHaveLength(count);
    expect(index.description).toMatch(/^v3\.1[67]\./);
    for (const e of index.entries) expect(e.checksum).toMatch(/^Q1[A-Za-z0-9+/]{27}=$/);
  });

  it.each(cases)('refuses $path with the 4a6a0840 key, naming the key it was signed with', ({ path, keyId }) => {
    const err = failure(() => readApkIndex(readFileSync(join(dir!, path, 'APKINDEX.tar.gz')), { keyring: alpineKey('4a6a0840'), subject: path }));
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toContain(`${ALPINE_KEY}${keyId}.rsa.pub`);
    expect(err.message).toContain(path);
    expect(err.signedWith).toEqual([`${ALPINE_KEY}${keyId}.rsa.pub`]);
    expect(err.tried).toEqual([`${ALPINE_KEY}4a6a0840.rsa.pub`]);
  });

  it('reads A:aarch64 on every entry of the 3.17 aarch64 index and the fields apk-tools writes', () => {
    const { entries } = readApkIndex(readFileSync(join(dir!, 'alpine-v3.17-aarch64', 'APKINDEX.tar.gz')), { ignoreSignatures: true });
    expect(entries.every((e) => e.arch === 'aarch64')).toBe(true);
    const busybox = entries.find((e) => e.name === 'busybox')!;
    expect(busybox.origin).toBe('busybox');
    expect(busybox.provides).toEqual(['cmd:busybox=1.35.0-r29']);
    expect(busybox.buildTime).toBeGreaterThan(1_600_000_000);
    expect(entries.some((e) => e.installIf.length > 0)).toBe(true);
  });

  it('rewrites a real index and reads back the same records', () => {
    const { entries } = readApkIndex(readFileSync(join(dir!, 'alpine-v3.16-x86_64', 'APKINDEX.tar.gz')), { ignoreSignatures: true });
    const again = readApkIndex(writeApkIndex(entries), { ignoreSignatures: true }).entries;
    const byKey = (e: { name: string; version: string }): string => `${e.name}\0${e.version}`;
    expect(new Map(again.map((e) => [byKey(e), e]))).toEqual(new Map(entries.map((e) => [byKey(e), e])));
  });

  it('verifies the RSA256-signed index with test-rsa256.rsa.pub only', () => {
    const bytes = readFileSync(join(dir!, 'rsa256-signed', 'APKINDEX.tar.gz'));
    const index = readApkIndex(bytes, { keyring: key('rsa256-signed', 'test-rsa256.rsa.pub') });
    expect(index.signedBy).toBe('test-rsa256.rsa.pub');
    expect(index.entries.map((e) => e.name)).toEqual(['alpine-baselayout']);
    for (const id of ['6165ee59', '616ae350', '4a6a0840']) {
      expect(() => readApkIndex(bytes, { keyring: alpineKey(id) })).toThrow(SignatureError);
    }
  });

  it('verifies the multi-signed index with each of its three keys alone', () => {
    const bytes = readFileSync(join(dir!, 'multi-signed', 'APKINDEX.tar.gz'));
    const names = readdirSync(join(dir!, 'multi-signed', 'keys')).filter((n) => n.endsWith('.rsa.pub')).sort();
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(readApkIndex(bytes, { keyring: key('multi-signed', 'keys', name) }).signedBy).toBe(name);
    }
    expect(() => readApkIndex(bytes, { keyring: alpineKey('616ae350') })).toThrow(SignatureError);
  });
});
