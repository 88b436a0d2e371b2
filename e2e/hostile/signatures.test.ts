import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { forgeIndex, repositoryEntries } from './support/forge';
import { hostile, Sandbox } from './support/sandbox';

/**
 * Index signatures: who signed, over what, and whether it still matches.
 * (A package's own signature is not what makes it trusted: as in apk-tools,
 * the signed index's `C:` checksum and the package's datahash are; those
 * cases live in integrity.test.ts.)
 */
describe('hostile: index signatures', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await Sandbox.create();
  });

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
    await sb.refuses(() => sb.build(config), { names: ['untrusted/x86_64/APKINDEX.tar.gz', 'stranger.rsa.pub'] });
  });

  hostile('signatures/index-unsigned', 'an index with no signature member is refused', async () => {
    const config = caseWith('unsigned', (e) => forgeIndex(e).bytes);
    await sb.refuses(() => sb.build(config), { names: ['unsigned/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-signature-over-other-bytes', 'a signature by the trusted key over other bytes does not vouch for the index', async () => {
    const config = caseWith('other-bytes', (e) => forgeIndex(e, { sign: sb.ws.key, signOver: Buffer.from('other bytes') }).bytes);
    await sb.refuses(() => sb.build(config), { names: ['other-bytes/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-stranger-named-as-trusted', "a stranger's signature carrying the trusted key's name is refused", async () => {
    const stranger = generateKeyPair('stranger3', 2048);
    const config = caseWith('impostor', (e) => forgeIndex(e, { sign: stranger, as: sb.ws.key.publicKeyName }).bytes);
    await sb.refuses(() => sb.build(config), { names: ['impostor/x86_64/APKINDEX.tar.gz'] });
  });

  hostile('signatures/index-ec-key-in-keyring', 'an EC public key in the keyring under the signature name verifies nothing', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sb.write('ec/ec.pub', ec);
    const stranger = generateKeyPair('stranger4', 2048);
    const pkgs = [{ apk: evil() }];
    const repo = sb.repository('ec-key', pkgs, { rawIndex: forgeIndex(repositoryEntries(pkgs), { sign: stranger, as: 'ec.pub' }).bytes });
    sb.write('ec-key.yaml', sb.config({ repositories: [repo], packages: ['evil'], keyring: [`${sb.dir}/ec/ec.pub`] }));
    await sb.refuses(() => sb.build('ec-key.yaml'), { names: ['ec-key/x86_64/APKINDEX.tar.gz'] });
  });
});
