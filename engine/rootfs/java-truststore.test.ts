import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { readJks, writeJks, type JksStore } from './java-truststore';


const KEYTOOL = spawnSync('keytool', ['-help'], { encoding: 'utf8' }).error === undefined ? 'keytool' : undefined;
if (!KEYTOOL) {
  if (process.env.CI === 'true') throw new Error('keytool (Debian: openjdk-17-jre-headless) is needed to check Java truststores');
  console.warn('skipping the keytool check of Java truststores: keytool is not installed');
}

/** A real certificate made by openssl for the test (keytool rejects garbage DER). */
function certificate(cn: string): X509Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'apko-nx-jks-cert-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '3650', '-subj', `/CN=${cn}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    return new X509Certificate(readFileSync(join(dir, 'c')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('JKS truststores', () => {
  const a = certificate('jks-a');
  const b = certificate('jks-b');
  const work = mkdtempSync(join(tmpdir(), 'apko-nx-jks-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const store = (): JksStore =>
    new Map([
      ['zeta', { kind: 'trusted', created: 1700000000000n, certificate: { type: 'X.509', content: b.raw } }],
      ['alpha', { kind: 'trusted', created: 1600000000000n, certificate: { type: 'X.509', content: a.raw } }],
    ]);

  it('round-trips, with aliases in byte order whatever the insertion order', () => {
    const bytes = writeJks(store());
    const back = readJks(bytes, 'cacerts');
    expect([...back.keys()]).toEqual(['alpha', 'zeta']);
    expect(writeJks(back)).toEqual(bytes);
    expect(writeJks(new Map([...store()].reverse()))).toEqual(bytes);
  });

  it('lower-cases aliases on reading, as keystore-go does', () => {
    const mixed = writeJks(new Map([['MiXeD', { kind: 'trusted', created: 0n, certificate: { type: 'X.509', content: a.raw } }]]));
    expect([...readJks(mixed, 'cacerts').keys()]).toEqual(['mixed']);
  });

  it('refuses a damaged store, another format and another password, naming the file', () => {
    const bytes = writeJks(store());
    const damaged = Buffer.from(bytes);
    damaged[bytes.length - 30] ^= 1; // inside the last certificate
    expect(() => readJks(damaged, '/etc/ssl/certs/java/cacerts')).toThrow(FormatError);
    expect(() => readJks(damaged, '/etc/ssl/certs/java/cacerts')).toThrow(/\/etc\/ssl\/certs\/java\/cacerts: fails its integrity check/);
    expect(() => readJks(Buffer.from('0123456789'.repeat(10)), 'cacerts')).toThrow(/not a JKS keystore/);
    expect(() => readJks(bytes, 'cacerts', 'another')).toThrow(/integrity check/);
    expect(() => readJks(bytes.subarray(0, 60), 'cacerts')).toThrow(/truncated|integrity/);
  });

  it.runIf(KEYTOOL !== undefined)('writes a store the JDK\'s keytool lists with the password changeit', () => {
    const file = join(work, 'cacerts');
    writeFileSync(file, writeJks(store()));
    const listed = spawnSync(KEYTOOL!, ['-list', '-keystore', file, '-storepass', 'changeit', '-storetype', 'JKS'], { encoding: 'utf8' });
    expect(listed.status, listed.stderr + listed.stdout).toBe(0);
    expect(listed.stdout).toMatch(/contains 2 entries/);
    expect(listed.stdout).toMatch(/^alpha,.*trustedCertEntry/m);
    expect(listed.stdout).toMatch(/^zeta,.*trustedCertEntry/m);
  });
});
