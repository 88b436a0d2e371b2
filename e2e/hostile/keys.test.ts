import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startServer, type TestServer } from '../../engine/repo/testdata/server';
import { CERTIFICATE_PEM, ecPrivatePem, ecPublicPem, ed25519PublicPem, imageFiles, rsaPair } from './support/keys-forge';
import { hostile, Sandbox } from './support/sandbox';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

/**
 * Keys: what may be trusted (one RSA public key of at least 2048 bits, and
 * nothing private), wherever a key comes from — contents.keyring,
 * --keyring-append, a URL, a lock file, contents.runtime_keyring — and what
 * may sign (an unencrypted RSA private key of at least 2048 bits).
 */
describe('hostile: keys', () => {
  let sb: Sandbox;
  let server: TestServer;
  const weak = rsaPair(512);
  const secret = rsaPair(2048);
  /** A line of the private key's base64, which must appear in no message, output or cache entry. */
  const secretLine = secret.privatePem.split('\n')[5]!;

  beforeAll(async () => {
    sb = await Sandbox.create();
    mkdirSync(join(sb.dir, 'served'));
    writeFileSync(join(sb.dir, 'served', 'weak.rsa.pub'), weak.publicPem);
    writeFileSync(join(sb.dir, 'served', 'leak.rsa.pub'), secret.privatePem);
    server = await startServer(join(sb.dir, 'served'));
  });
  afterAll(async () => {
    await server?.close();
  });

  /** `build <config> hostile:1 <out>` as a child process the worker waits for without blocking (a long run of blocking builds starves vitest's own messages). */
  const buildAsync = (config: string, extra: readonly string[] = []) => sb.runAsync(['build', config, 'hostile:1', sb.out, ...extra]);

  /** A config trusting one more key file written in the sandbox. */
  function trusting(name: string, content: string | Buffer): string {
    const key = sb.write(`keys/${name}`, content);
    sb.write(`${name}.yaml`, sb.config({ keyring: [key] }));
    return `${name}.yaml`;
  }

  hostile('keys/weak-rsa-in-keyring', 'a 512-bit RSA key in contents.keyring is refused, naming the file and its size', async () => {
    const config = trusting('weak.rsa.pub', weak.publicPem);
    await sb.refuses(() => buildAsync(config), { names: [`${sb.dir}/keys/weak.rsa.pub`, '512-bit', /at least 2048 bits/] });
  });

  hostile('keys/weak-rsa-keyring-append', 'a 1024-bit RSA key given with --keyring-append is refused like one in the config', async () => {
    const key = sb.write('keys/append-weak.rsa.pub', rsaPair(1024).publicPem);
    await sb.refuses(() => buildAsync('apko.yaml', ['--keyring-append', key]), { names: [key, '1024-bit'] });
  });

  hostile('keys/weak-rsa-by-url', 'a weak key fetched by URL is refused, naming the URL, and never cached', async () => {
    const url = `${server.origin}/weak.rsa.pub`;
    sb.write('weak-url.yaml', sb.config({ keyring: [url] }));
    await sb.refuses(() => sb.runAsync(['build', 'weak-url.yaml', 'hostile:1', sb.out]), { names: [url, '512-bit'] });
    const offline = await sb.runAsync(['build', 'weak-url.yaml', 'hostile:1', sb.out, '--offline']);
    expect(offline.stderr, 'the refused key was not cached').toMatch(/not in the cache/);
  });

  hostile('keys/private-key-in-keyring', 'a private key in the keyring is refused, naming the file and asking for the .pub; no part of it is printed', async () => {
    const config = trusting('leak.rsa', secret.privatePem);
    const r = await sb.refuses(() => buildAsync(config), { names: [`${sb.dir}/keys/leak.rsa`, 'holds a private key', /hint: give the public half \(the \.pub file/] });
    expect(r.stderr + r.stdout).not.toContain(secretLine);
  });

  hostile('keys/private-key-beside-public', 'a key file that holds a public key and a private one is refused: nothing private reaches /etc/apk/keys', async () => {
    const config = trusting('both.rsa.pub', `${secret.publicPem}${secret.privatePem}`);
    await sb.refuses(() => buildAsync(config), { names: [`${sb.dir}/keys/both.rsa.pub`, 'holds a private key'] });
  });

  hostile('keys/private-key-by-url', 'a private key served as a keyring URL is refused and reaches neither the cache nor the output', async () => {
    const url = `${server.origin}/leak.rsa.pub`;
    sb.write('leak-url.yaml', sb.config({ keyring: [url] }));
    const r = await sb.refuses(() => sb.runAsync(['build', 'leak-url.yaml', 'hostile:1', sb.out]), { names: [url, 'holds a private key'] });
    expect(r.stderr).not.toContain(secretLine);
    expect(filesContaining(sb.cache, secretLine), 'no cache entry holds the private key').toEqual([]);
    expect(filesContaining(sb.out, secretLine), 'the output holds no private key').toEqual([]);
  });

  hostile('keys/private-key-in-lock-file', "a lock file whose keyring content is a private key is refused before the key can reach the image", async () => {
    const lock = await sb.runAsync(['lock', 'apko.yaml', '--output', 'tampered.lock.json']);
    expect(lock.code, lock.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(sb.dir, 'tampered.lock.json'), 'utf8')) as { contents: { keyring: { content: string }[] } };
    doc.contents.keyring[0]!.content = secret.privatePem;
    writeFileSync(join(sb.dir, 'tampered.lock.json'), JSON.stringify(doc, null, 2));
    const r = await sb.refuses(() => buildAsync('apko.yaml', ['--lockfile', 'tampered.lock.json']), {
      names: [`${sb.ws.key.publicKeyName} (in `, 'tampered.lock.json', 'holds a private key'],
    });
    expect(r.stderr).not.toContain(secretLine);
  });

  hostile('keys/private-runtime-key', 'a private key given as contents.runtime_keyring is refused, naming the runtime key', async () => {
    const indented = secret.privatePem.trimEnd().split('\n').map((l) => `        ${l}`).join('\n');
    sb.write('runtime.yaml', sb.config().replace('  packages:\n', `  runtime_keyring:\n    - name: runtime.rsa.pub\n      content: |\n${indented}\n  packages:\n`));
    const r = await sb.refuses(() => buildAsync('runtime.yaml'), { names: ['contents.runtime_keyring "runtime.rsa.pub"', 'holds a private key'] });
    expect(r.stderr).not.toContain(secretLine);
  });

  /** A keyring entry `<name>.rsa.pub` holding `content` is refused, naming the file and saying what it is. */
  const refusedAsKey = (name: string, content: string | Buffer, says: RegExp) => async () => {
    const config = trusting(`${name}.rsa.pub`, content);
    await sb.refuses(() => buildAsync(config), { names: [`${sb.dir}/keys/${name}.rsa.pub`, says] });
  };

  hostile('keys/not-a-key-empty', 'an empty keyring file is refused, naming it', refusedAsKey('empty', '', /is empty/));
  hostile('keys/not-a-key-garbage', 'a keyring file of text that is not PEM is refused, naming it', refusedAsKey('garbage', 'this is not a key\n', /is not a PEM key/));
  hostile('keys/not-a-key-binary', 'a keyring file of binary bytes (a DER blob) is refused, naming it', () =>
    refusedAsKey('binary', Buffer.from([0x30, 0x82, 0x01, 0x22, 0xff, 0xfe, 0x00, 0x80]), /is binary/)(),
  );
  hostile('keys/not-a-key-certificate', 'a certificate in the keyring is refused as a certificate, not a public key', refusedAsKey('certificate', CERTIFICATE_PEM, /is a certificate, not a public key/));
  hostile('keys/not-a-key-ec', 'an EC public key in the keyring is refused: APK signatures are RSA', () => refusedAsKey('ec', ecPublicPem(), /public key of type EC, not RSA/)());
  hostile('keys/not-a-key-ed25519', 'an ed25519 public key in the keyring is refused: APK signatures are RSA', () => refusedAsKey('ed25519', ed25519PublicPem(), /public key of type ED25519, not RSA/)());
  hostile('keys/not-a-key-pkcs1', 'a PKCS#1 RSA PUBLIC KEY, which apk cannot read, is refused with the command that converts it', () =>
    refusedAsKey('pkcs1', secret.publicPem.replace(/PUBLIC KEY/g, 'RSA PUBLIC KEY'), /PKCS#1 RSA PUBLIC KEY[\s\S]*hint: convert it with/)(),
  );

  hostile('keys/keyring-entry-dev-zero', 'a keyring entry naming /dev/zero is refused as not a regular file instead of being read without end', async () => {
    sb.write('dev-zero.yaml', sb.config({ keyring: ['/dev/zero'] }));
    await sb.refuses(() => buildAsync('dev-zero.yaml'), { names: ['keyring entry /dev/zero is not a regular file'] });
  });

  hostile('keys/trusted-key-copied-verbatim', 'a good keyring key reaches /etc/apk/keys byte for byte, and it is the public half only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-keys-'));
    try {
      const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:keys', `${dir}/`]);
      expect(r.code, r.stderr).toBe(0);
      const files = imageFiles(dir);
      const keys = [...files.keys()].filter((p) => p.startsWith('etc/apk/keys/'));
      expect(keys).toEqual([`etc/apk/keys/${sb.ws.key.publicKeyName}`]);
      expect(files.get(keys[0]!)!.toString()).toBe(sb.ws.key.publicKeyPem);
      for (const [path, bytes] of files) expect(bytes.includes('PRIVATE KEY-----'), path).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A copy of the good index to sign, so a refused signing can be seen to leave it alone. */
  function indexToSign(name: string): string {
    const path = join(sb.dir, 'sign', name, 'APKINDEX.tar.gz');
    mkdirSync(join(sb.dir, 'sign', name), { recursive: true });
    copyFileSync(join(sb.ws.repo, 'x86_64', 'APKINDEX.tar.gz'), path);
    return path;
  }

  hostile('keys/signing-key-weak', 'melange sign-index refuses a 1024-bit signing key, naming it, and leaves the index as it was', async () => {
    const index = indexToSign('weak');
    const key = sb.write('keys/weak-signer.rsa', rsaPair(1024).privatePem);
    await sb.refuses(() => sb.runAsync(['melange', 'sign-index', '--signing-key', key, '--force', index]), { names: [key, '1024-bit', /hint: make a new key of at least 2048 bits/] });
  });

  hostile('keys/signing-key-ec', 'melange sign-index refuses an EC private key: APK signatures are RSA', async () => {
    const index = indexToSign('ec');
    const key = sb.write('keys/ec-signer.rsa', ecPrivatePem());
    await sb.refuses(() => sb.runAsync(['melange', 'sign-index', '--signing-key', key, '--force', index]), { names: [key, 'private key of type EC, not RSA'] });
  });

  hostile('keys/signing-key-is-public', 'melange sign-index given the .pub refuses it and names the private file to pass instead', async () => {
    const index = indexToSign('public');
    const key = join(sb.dir, sb.ws.key.publicKeyName);
    await sb.refuses(() => sb.runAsync(['melange', 'sign-index', '--signing-key', key, '--force', index]), { names: [key, 'is a public key', `${sb.ws.key.name}.rsa)`] });
  });

  hostile('keys/melange-build-signing-key-weak', 'melange build refuses a 1024-bit signing key before any step runs or any package is written', async () => {
    const key = sb.write('keys/weak-builder.rsa', rsaPair(1024).privatePem);
    sb.write('melange/melange.yaml', 'package:\n  name: hello\n  version: 1.0.0\n  epoch: 0\n  description: x\n  copyright:\n    - license: MIT\npipeline:\n  - runs: echo built\n');
    await sb.refuses(() => sb.runAsync(['melange', 'build', 'melange/melange.yaml', '--signing-key', key, '--runner', 'host', '--out-dir', 'melange/packages']), { names: [key, '1024-bit'] });
  });

  hostile('keys/melange-index-signing-key-encrypted', 'melange index refuses a passphrase-protected signing key, naming it, and writes no index', async () => {
    const locked = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
    const key = sb.write('keys/locked.rsa', locked);
    const apk = readdirSync(join(sb.ws.repo, 'x86_64')).find((f) => f.endsWith('.apk'))!;
    await sb.refuses(() => sb.runAsync(['melange', 'index', '-o', 'melange/index/APKINDEX.tar.gz', '--signing-key', key, join(sb.ws.repo, 'x86_64', apk)]), {
      names: [key, 'is encrypted with a passphrase', /hint: sign with an unencrypted key/],
    });
  });

  hostile('keys/keygen-weak', 'melange keygen refuses a key size below 2048 bits and writes no key', async () => {
    await sb.refuses(() => sb.runAsync(['melange', 'keygen', 'keys/tiny', '--key-size', '1024']), { names: ['--key-size 1024', /2048/] });
  });
});
