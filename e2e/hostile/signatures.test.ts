import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { forgeIndex, repositoryEntries } from './support/forge';
import { imageFiles, multiSignedIndex } from './support/keys-forge';
import { hostile, Sandbox } from './support/sandbox';

/**
 * Index signatures: who signed, with what algorithm, over what, and whether
 * it still matches; and what --ignore-signatures gives up (the index's
 * signature) and keeps (every checksum). A package's own signature is not
 * what makes it trusted: as in apk-tools, the signed index's `C:` checksum
 * is; the package cases here prove that from the signature side, the
 * byte-level ones live in integrity.test.ts.
 */
describe('hostile: index signatures', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await Sandbox.create();
  });

  /** `build <config> hostile:1 <out>` as a child process the worker waits for without blocking (a long run of blocking builds starves vitest's own messages). */
  const buildAsync = (config: string, extra: readonly string[] = []) => sb.runAsync(['build', config, 'hostile:1', sb.out, ...extra]);

  const evil = () => sb.apk({ name: 'evil', entries: [{ name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\necho evil\n' }] });

  function caseWith(name: string, index: (entries: ReturnType<typeof repositoryEntries>) => Buffer): string {
    const pkgs = [{ apk: evil() }];
    const repo = sb.repository(name, pkgs, { rawIndex: index(repositoryEntries(pkgs)) });
    sb.write(`${name}.yaml`, sb.config({ repositories: [repo], packages: ['evil'] }));
    return `${name}.yaml`;
  }

  hostile('signatures/index-untrusted-key', 'an index signed by a key the keyring does not hold is refused, naming the index and the key', async () => {
    const stranger = generateKeyPair('stranger', 2048);
    const config = caseWith('untrusted', (e) => forgeIndex(e, { sign: stranger }).bytes);
    await sb.refuses(() => buildAsync(config), { names: ['untrusted/x86_64/APKINDEX.tar.gz', 'stranger.rsa.pub'] });
  });

  hostile('signatures/index-unsigned', 'an index with no signature member is refused', async () => {
    const config = caseWith('unsigned', (e) => forgeIndex(e).bytes);
    await sb.refuses(() => buildAsync(config), { names: ['unsigned/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-signature-over-other-bytes', 'a signature by the trusted key over other bytes does not vouch for the index', async () => {
    const config = caseWith('other-bytes', (e) => forgeIndex(e, { sign: sb.ws.key, signOver: Buffer.from('other bytes') }).bytes);
    await sb.refuses(() => buildAsync(config), { names: ['other-bytes/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-stranger-named-as-trusted', "a stranger's signature carrying the trusted key's name is refused", async () => {
    const stranger = generateKeyPair('stranger3', 2048);
    const config = caseWith('impostor', (e) => forgeIndex(e, { sign: stranger, as: sb.ws.key.publicKeyName }).bytes);
    await sb.refuses(() => buildAsync(config), { names: ['impostor/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-ec-key-in-keyring', 'an EC public key in the keyring is refused as a key before it can be asked to verify anything', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sb.write('ec/ec.pub', ec);
    const stranger = generateKeyPair('stranger4', 2048);
    const pkgs = [{ apk: evil() }];
    const repo = sb.repository('ec-key', pkgs, { rawIndex: forgeIndex(repositoryEntries(pkgs), { sign: stranger, as: 'ec.pub' }).bytes });
    sb.write('ec-key.yaml', sb.config({ repositories: [repo], packages: ['evil'], keyring: [`${sb.dir}/ec/ec.pub`] }));
    await sb.refuses(() => buildAsync('ec-key.yaml'), { names: [`${sb.dir}/ec/ec.pub`, 'type EC, not RSA'] });
  });

  const trusted = () => ({ privatePem: sb.ws.key.privateKeyPem, as: sb.ws.key.publicKeyName });

  hostile('signatures/index-dsa-signature', "a DSA signature under the trusted key's name is refused as an unsupported algorithm, not as an unknown key", async () => {
    const config = caseWith('dsa', (e) => multiSignedIndex(e, [{ ...trusted(), algorithm: 'DSA' }]));
    const r = await sb.refuses(() => buildAsync(config), {
      names: ['dsa/x86_64/APKINDEX.tar.gz', `.SIGN.DSA.${sb.ws.key.publicKeyName} (DSA)`, 'algorithm that is not supported', /hint: re-sign it with an RSA key/],
    });
    expect(r.stderr).not.toMatch(/not in the keyring/);
  });

  hostile('signatures/index-unknown-algorithm', 'a signature entry of an algorithm no apk knows (.SIGN.ED25519.*) is named and refused, not read as index content', async () => {
    const config = caseWith('ed25519-sig', (e) => multiSignedIndex(e, [{ ...trusted(), algorithm: 'ED25519' }]));
    await sb.refuses(() => buildAsync(config), { names: ['ed25519-sig/x86_64/APKINDEX.tar.gz', '(ED25519)', 'not supported'] });
  });

  hostile('signatures/index-signature-bit-flipped', 'one bit flipped in the trusted signature itself: the signature does not verify, and the hint offers no opt-out', async () => {
    const config = caseWith('sig-flip', (e) => multiSignedIndex(e, [{ ...trusted(), flip: 17 }]));
    const r = await sb.refuses(() => buildAsync(config), { names: ['sig-flip/x86_64/APKINDEX.tar.gz', `the signature by ${sb.ws.key.publicKeyName} does not verify`, /hint: the signed bytes changed after signing/] });
    expect(r.stderr).not.toMatch(/--ignore-signatures/);
  });

  hostile('signatures/index-signature-member-corrupt', 'one byte flipped in the compressed signature member is refused, naming the index', async () => {
    const config = caseWith('member-flip', (e) => {
      const { signature, index } = forgeIndex(e, { sign: sb.ws.key });
      const bad = Buffer.from(signature!);
      bad[Math.floor(bad.length / 2)] ^= 0x01;
      return Buffer.concat([bad, index]);
    });
    await sb.refuses(() => buildAsync(config), { names: ['member-flip/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-sha256-filed-as-rsa', 'an RSA-SHA256 signature filed as .SIGN.RSA (SHA-1) does not verify: the name decides the hash', async () => {
    const config = caseWith('hash-lie', (e) => multiSignedIndex(e, [{ ...trusted(), algorithm: 'RSA', hash: 'sha256' }]));
    await sb.refuses(() => buildAsync(config), { names: ['hash-lie/x86_64/APKINDEX.tar.gz', 'does not verify'] });
  });

  hostile('signatures/index-every-signature-bad', 'several signatures, none good: every one is named with its own reason', async () => {
    const stranger = generateKeyPair('stranger5', 2048);
    const config = caseWith('all-bad', (e) =>
      multiSignedIndex(e, [
        { privatePem: stranger.privateKeyPem, as: sb.ws.key.publicKeyName },
        { privatePem: stranger.privateKeyPem, as: stranger.publicKeyName },
        { ...trusted(), algorithm: 'RSA512' },
      ]),
    );
    await sb.refuses(() => buildAsync(config), {
      names: [
        'all-bad/x86_64/APKINDEX.tar.gz',
        `the signature by ${sb.ws.key.publicKeyName} does not verify`,
        `it is signed with ${stranger.publicKeyName}, which is not in the keyring (trusted: ${sb.ws.key.publicKeyName})`,
        '(RSA512)',
      ],
    });
  });

  hostile('signatures/index-key-name-with-line-break', 'a signature key name holding a line break and an escape is shown quoted: a hostile index cannot forge a line of the message', async () => {
    const stranger = generateKeyPair('stranger9', 2048);
    const config = caseWith('forged-line', (e) => forgeIndex(e, { sign: stranger, as: 'x.rsa.pub\nhint: pass --ignore-signatures\u001b[2K' }).bytes);
    const r = await sb.refuses(() => buildAsync(config), { names: ['forged-line/x86_64/APKINDEX.tar.gz', '"x.rsa.pub\\nhint: pass --ignore-signatures\\u001b[2K"'] });
    expect(r.stderr).not.toMatch(/^hint: pass --ignore-signatures/m);
    expect(r.stderr).not.toContain('\u001b');
  });

  hostile('signatures/index-key-name-is-a-path', "a signature key name that is a path (../ to the sandbox's trusted key file) is only a name: it is looked up in the keyring, never on disk", async () => {
    const stranger = generateKeyPair('stranger10', 2048);
    const as = `../../../../../../..${sb.dir}/${sb.ws.key.publicKeyName}`;
    const config = caseWith('path-name', (e) => forgeIndex(e, { sign: stranger, as }).bytes);
    await sb.refuses(() => buildAsync(config), { names: ['path-name/x86_64/APKINDEX.tar.gz', `it is signed with ${as}, which is not in the keyring`] });
  });

  /** Builds `config` into a fresh directory; returns the run and the image's files. */
  async function buildsClean(config: string, extra: readonly string[] = []) {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-sig-'));
    try {
      const r = await sb.runAsync(['build', config, 'hostile:ok', `${dir}/`, ...extra]);
      expect(r.code, `the build succeeds; stderr:\n${r.stderr}`).toBe(0);
      return { r, files: imageFiles(dir) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  hostile('signatures/index-one-good-signature-is-enough', 'as in apk-tools, one valid trusted signature vouches for the index even beside forged and unsupported ones', async () => {
    const stranger = generateKeyPair('stranger6', 2048);
    const config = caseWith('one-good', (e) =>
      multiSignedIndex(e, [{ privatePem: stranger.privateKeyPem, as: sb.ws.key.publicKeyName }, { ...trusted(), algorithm: 'DSA' }, { ...trusted(), flip: 3 }, trusted()]),
    );
    expect((await buildsClean(config)).files.has('usr/bin/evil')).toBe(true);
  });

  hostile('signatures/index-rsa-sha1-accepted', 'an index signed with RSA over SHA-1 (.SIGN.RSA, as older abuild signs) is trusted', async () => {
    const config = caseWith('sha1', (e) => multiSignedIndex(e, [{ ...trusted(), algorithm: 'RSA' }]));
    expect((await buildsClean(config)).files.has('usr/bin/evil')).toBe(true);
  });

  hostile('signatures/ignore-signatures-warns', '--ignore-signatures installs from an untrusted index, and says so, naming the index', async () => {
    const stranger = generateKeyPair('stranger7', 2048);
    const config = caseWith('ignored', (e) => forgeIndex(e, { sign: stranger }).bytes);
    const { r, files } = await buildsClean(config, ['--ignore-signatures']);
    expect(r.stderr).toMatch(/warning: signatures of \S*ignored\/x86_64\/APKINDEX\.tar\.gz are not verified \(--ignore-signatures\)/);
    expect(files.has('usr/bin/evil')).toBe(true);
  });

  hostile('signatures/ignore-signatures-keeps-checksums', "--ignore-signatures opts out of index signatures only: a package that is not the one the index's C: names is still refused", async () => {
    const honest = evil();
    const swapped = sb.apk({ name: 'evil', entries: [{ name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\necho swapped\n' }] });
    const pkgs = [{ apk: swapped, index: { checksum: honest.checksum } }];
    const repo = sb.repository('ignored-swap', pkgs);
    sb.write('ignored-swap.yaml', sb.config({ repositories: [repo], packages: ['evil'] }));
    await sb.refuses(() => buildAsync('ignored-swap.yaml', ['--ignore-signatures']), { names: ['evil'] });
  });

  hostile('signatures/package-signed-by-stranger-from-trusted-index', "a package signed by a key nobody trusts installs from a trusted index: the index's C: checksum is what vouches for it", async () => {
    const stranger = generateKeyPair('stranger8', 2048);
    const pkgs = [{ apk: sb.apk({ name: 'evil', sign: stranger, entries: [{ name: 'usr/bin/evil', mode: 0o755, data: 'x' }] }) }];
    const repo = sb.repository('stranger-pkg', pkgs);
    sb.write('stranger-pkg.yaml', sb.config({ repositories: [repo], packages: ['evil'] }));
    expect((await buildsClean('stranger-pkg.yaml')).files.get('usr/bin/evil')?.toString()).toBe('x');
  });

  hostile('signatures/package-unsigned-from-trusted-index', 'an unsigned package installs from a trusted index that lists its checksum', async () => {
    const pkgs = [{ apk: sb.apk({ name: 'evil', sign: 'none', entries: [{ name: 'usr/bin/evil', mode: 0o755, data: 'y' }] }) }];
    const repo = sb.repository('unsigned-pkg', pkgs);
    sb.write('unsigned-pkg.yaml', sb.config({ repositories: [repo], packages: ['evil'] }));
    expect((await buildsClean('unsigned-pkg.yaml')).files.get('usr/bin/evil')?.toString()).toBe('y');
  });

  hostile('signatures/package-trusted-signature-not-in-index', "a package signed by the trusted key is still refused when it is not the package the index's C: names", async () => {
    const listed = evil();
    const other = sb.apk({ name: 'evil', entries: [{ name: 'usr/bin/evil', mode: 0o755, data: 'other' }] });
    const repo = sb.repository('trusted-swap', [{ apk: other, index: { checksum: listed.checksum } }]);
    sb.write('trusted-swap.yaml', sb.config({ repositories: [repo], packages: ['evil'] }));
    await sb.refuses(() => buildAsync('trusted-swap.yaml'), { names: ['evil'] });
  });
});
