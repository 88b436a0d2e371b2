import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../apk/keys';
import { readApkBytes, readLeadingSections } from '../apk/package-read';
import { writeLocalRepository } from '../example/local-repository';
import { ConfigError, FormatError, OutputError } from '../errors';
import { melangeSign } from './sign';

const dir = mkdtempSync(join(tmpdir(), 'melange-sign-'));
const first = generateKeyPair('first', 2048);
const second = generateKeyPair('second', 2048);
let apks: string[] = [];

beforeAll(async () => {
  writeFileSync(join(dir, 'second.rsa'), second.privateKeyPem);
  apks = await writeLocalRepository(join(dir, 'repo'), {
    key: first,
    archs: ['x86_64'],
    packages: [
      { name: 'a', version: '1.0-r0', files: [{ path: 'usr/share/a', type: 'file', mode: 0o644, data: 'a\n' }] },
      { name: 'b', version: '2.0-r1', files: [{ path: 'usr/share/b', type: 'file', mode: 0o644, data: 'b\n' }] },
    ],
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyring = (k: typeof first) => new Map([[k.publicKeyName, k.publicKeyPem]]);

describe('melangeSign', () => {
  it('replaces the signature of each package with one the new key verifies, keeping the rest byte for byte', async () => {
    const before = apks.map((a) => readFileSync(a));
    const r = await melangeSign({ apks, signingKey: 'second.rsa', cwd: dir, env: {} });
    expect(r).toEqual({ signed: apks, keyName: 'second.rsa.pub' });
    apks.forEach((apk, i) => {
      const bytes = readFileSync(apk);
      const pkg = readApkBytes(bytes, { verifySignature: true, keyring: keyring(second) });
      expect(pkg.signatures.map((s) => s.keyName)).toEqual(['second.rsa.pub']);
      expect(() => readApkBytes(bytes, { verifySignature: true, keyring: keyring(first) })).toThrow();
      // Control and data sections are unchanged: only the signature member differs.
      const old = before[i]!;
      const rest = (b: Buffer) => b.subarray(readLeadingSections(b, 'test').control.member.start);
      expect(rest(bytes).equals(rest(old))).toBe(true);
      expect(pkg.checksum).toBe(readApkBytes(old).checksum);
    });
  });

  it('signs the same bytes twice the same way (the signature mtime is that of .PKGINFO)', async () => {
    await melangeSign({ apks: [apks[0]!], signingKey: 'second.rsa', cwd: dir, env: {} });
    const once = readFileSync(apks[0]!);
    await melangeSign({ apks: [apks[0]!], signingKey: 'second.rsa', cwd: dir, env: {} });
    expect(readFileSync(apks[0]!).equals(once)).toBe(true);
  });

  it('fails on a missing key before touching any package', async () => {
    const before = readFileSync(apks[0]!);
    await expect(melangeSign({ apks, signingKey: 'nope.rsa', cwd: dir, env: {} })).rejects.toThrow(ConfigError);
    expect(readFileSync(apks[0]!).equals(before)).toBe(true);
  });

  it('names a missing or corrupt package and leaves every other package as it was', async () => {
    const before = readFileSync(apks[0]!);
    await expect(melangeSign({ apks: [apks[0]!, join(dir, 'gone.apk')], signingKey: 'second.rsa', cwd: dir, env: {} })).rejects.toThrow(OutputError);
    await expect(melangeSign({ apks: [apks[0]!, join(dir, 'gone.apk')], signingKey: 'second.rsa', cwd: dir, env: {} })).rejects.toThrow(`cannot read the package ${join(dir, 'gone.apk')}`);
    writeFileSync(join(dir, 'junk.apk'), 'not a package');
    await expect(melangeSign({ apks: [apks[0]!, join(dir, 'junk.apk')], signingKey: 'second.rsa', cwd: dir, env: {} })).rejects.toThrow(FormatError);
    expect(readFileSync(apks[0]!).equals(before)).toBe(true);
  });
});
