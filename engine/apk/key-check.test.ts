import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { publicKeyProblem, signingKeyProblem } from './key-check';
import { generateKeyPair } from './keys';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
const spki = (k: ReturnType<typeof rsa>['publicKey']) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('publicKeyProblem', () => {
  const good = rsa(2048);
  const goodPem = spki(good.publicKey);

  it('accepts one RSA PUBLIC KEY block of 2048 bits or more, as text or bytes', () => {
    expect(publicKeyProblem(goodPem)).toBeUndefined();
    expect(publicKeyProblem(Buffer.from(`\n${goodPem}\n`))).toBeUndefined();
    expect(publicKeyProblem(goodPem.replace(/\n/g, '\r\n')), 'CRLF line ends').toBeUndefined();
  });

  it('refuses RSA keys below 2048 bits, saying how many bits they have', () => {
    expect(publicKeyProblem(spki(rsa(1024).publicKey))?.problem).toBe('is a 1024-bit RSA key; keys shorter than 2048 bits are too weak to trust');
  });

  it('refuses any file that holds a private key, alone or beside the public one, in every encoding', () => {
    const pkcs1 = good.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const pkcs8 = good.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const openssh = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n';
    const putty = 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n';
    for (const text of [pkcs1, pkcs8, `${goodPem}${pkcs1}`, openssh, putty]) {
      expect(publicKeyProblem(text)?.problem, text.slice(0, 40)).toMatch(/^holds a private key/);
      expect(publicKeyProblem(text)?.hint).toMatch(/\.pub/);
    }
  });

  it('refuses what is not an RSA public key: empty, garbage, binary, a certificate, PKCS#1, EC, ed25519, two keys, stray text', () => {
    const ec = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const ed = spki(generateKeyPairSync('ed25519').publicKey);
    const cases: [string | Buffer, RegExp][] = [
      ['', /^is empty$/],
      ['  \n', /^is empty$/],
      ['hello', /^is not a PEM key/],
      [Buffer.from([0x30, 0x82, 0xff, 0xfe, 0x00]), /^is binary/],
      ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', /^is a certificate/],
      [good.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(), /^is a PKCS#1 RSA PUBLIC KEY/],
      [ec, /^holds a public key of type EC, not RSA/],
      [ed, /^holds a public key of type ED25519, not RSA/],
      [goodPem + goodPem, /^holds 2 PEM blocks/],
      [`comment\n${goodPem}`, /^has text outside its PEM block/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /^has a PUBLIC KEY block that does not parse/],
    ];
    for (const [text, problem] of cases) {
      const p = publicKeyProblem(text);
      expect(p?.problem, String(text).slice(0, 40)).toMatch(problem);
      expect(p?.hint).toMatch(/\S/);
    }
  });
});

describe('signingKeyProblem', () => {
  it('accepts an unencrypted RSA private key of 2048 bits, PKCS#1 or PKCS#8', () => {
    const k = rsa(2048).privateKey;
    expect(signingKeyProblem(k.export({ type: 'pkcs1', format: 'pem' }).toString())).toBeUndefined();
    expect(signingKeyProblem(k.export({ type: 'pkcs8', format: 'pem' }).toString())).toBeUndefined();
  });

  it('refuses a weak, a non-RSA, an encrypted, an empty and a non-key file', () => {
    expect(signingKeyProblem(rsa(1024).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())?.problem).toMatch(/^is a 1024-bit RSA key/);
    expect(signingKeyProblem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())?.problem).toMatch(/type ED25519, not RSA/);
    const enc = rsa(2048).privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }).toString();
    expect(signingKeyProblem(enc)?.problem).toBe('is encrypted with a passphrase');
    expect(signingKeyProblem('')?.problem).toBe('is empty');
    expect(signingKeyProblem('nope')?.problem).toBe('is not a PEM private key');
  });
});

describe('generateKeyPair', () => {
  it('refuses to make a key below 2048 bits, or of no whole size, before generating anything', () => {
    expect(() => generateKeyPair('weak', 1024)).toThrow(ConfigError);
    expect(() => generateKeyPair('weak', 1024)).toThrow('cannot make the key weak: a 1024-bit RSA key is too weak to trust');
    expect(() => generateKeyPair('odd', Number.NaN)).toThrow('cannot make the key odd: the key size is not a whole number of bits');
  });
});
