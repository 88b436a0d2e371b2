import { describe, expect, it } from 'vitest';
import { SignatureError } from '../errors';
import { generateKeyPair } from './keys';
import { parseSignatureName, signBytes, verifySignatures, type SignatureEntry } from './signature';

const alice = generateKeyPair('alice', 2048);
const bob = generateKeyPair('bob', 2048);
const data = Buffer.from('the signed member');
const ring = new Map([[alice.publicKeyName, alice.publicKeyPem]]);

function thrown(fn: () => unknown): SignatureError {
  try {
    fn();
  } catch (e) {
    return e as SignatureError;
  }
  throw new Error('expected a throw');
}

const sig = (algorithm: string, keyName: string, signature: Buffer): SignatureEntry => ({ algorithm, keyName, signature });

describe('parseSignatureName', () => {
  it('reads any .SIGN.<TYPE>.<key> entry as a signature, so an unsupported type is named rather than read as content', () => {
    expect(parseSignatureName('.SIGN.RSA256.k.rsa.pub', Buffer.alloc(0))).toMatchObject({ algorithm: 'RSA256', keyName: 'k.rsa.pub' });
    expect(parseSignatureName('.SIGN.ED25519.k.pub', Buffer.alloc(0))).toMatchObject({ algorithm: 'ED25519', keyName: 'k.pub' });
    expect(parseSignatureName('.SIGN.RSA.a\nb', Buffer.alloc(0))).toMatchObject({ algorithm: 'RSA', keyName: 'a\nb' });
    expect(parseSignatureName('.PKGINFO', Buffer.alloc(0))).toBeUndefined();
  });
});

describe('verifySignatures', () => {
  it('accepts RSA (SHA-1) and RSA256 signatures by a trusted key', () => {
    expect(verifySignatures('x', data, [sig('RSA', alice.publicKeyName, signBytes(data, alice.privateKeyPem, 'RSA'))], ring).algorithm).toBe('RSA');
    expect(verifySignatures('x', data, [sig('RSA256', alice.publicKeyName, signBytes(data, alice.privateKeyPem, 'RSA256'))], ring).algorithm).toBe('RSA256');
  });

  it('is satisfied by one valid trusted signature among bad ones, in any order', () => {
    const good = sig('RSA256', alice.publicKeyName, signBytes(data, alice.privateKeyPem));
    const forged = sig('RSA256', alice.publicKeyName, signBytes(data, bob.privateKeyPem));
    const stranger = sig('RSA256', bob.publicKeyName, signBytes(data, bob.privateKeyPem));
    const dsa = sig('DSA', alice.publicKeyName, Buffer.from('x'));
    expect(verifySignatures('x', data, [forged, stranger, dsa, good], ring).keyName).toBe(alice.publicKeyName);
    expect(verifySignatures('x', data, [good, forged], ring).keyName).toBe(alice.publicKeyName);
  });

  it('says an unsupported algorithm is unsupported, naming it, not that a trusted key is missing', () => {
    const err = thrown(() => verifySignatures('repo/x86_64/APKINDEX.tar.gz', data, [sig('DSA', alice.publicKeyName, Buffer.from('x'))], ring));
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toBe(
      'repo/x86_64/APKINDEX.tar.gz: no trusted key verifies the signature: its signature .SIGN.DSA.alice.rsa.pub (DSA) uses an algorithm that is not supported (only RSA and RSA256 are verified)',
    );
    expect(err.message).not.toMatch(/not in the keyring/);
    expect(err.hint).toMatch(/re-sign it with an RSA key/);
  });

  it('gives every reason when several signatures fail, and no opt-out when a trusted name does not verify', () => {
    const forged = sig('RSA256', alice.publicKeyName, signBytes(data, bob.privateKeyPem));
    const stranger = sig('RSA256', bob.publicKeyName, signBytes(data, bob.privateKeyPem));
    const err = thrown(() => verifySignatures('idx', data, [stranger, forged, sig('RSA512', 'c.pub', Buffer.from('x'))], ring));
    expect(err.message).toBe(
      'idx: no trusted key verifies the signature: the signature by alice.rsa.pub does not verify; it is signed with bob.rsa.pub, which is not in the keyring (trusted: alice.rsa.pub); its signature .SIGN.RSA512.c.pub (RSA512) uses an algorithm that is not supported (only RSA and RSA256 are verified)',
    );
    expect(err.signedWith).toEqual(['bob.rsa.pub', 'alice.rsa.pub', 'c.pub']);
    expect(err.hint).not.toMatch(/--ignore-signatures/);
  });

  it('does not take an RSA256 signature filed as RSA (SHA-1)', () => {
    const err = thrown(() => verifySignatures('idx', data, [sig('RSA', alice.publicKeyName, signBytes(data, alice.privateKeyPem, 'RSA256'))], ring));
    expect(err.message).toBe('idx: no trusted key verifies the signature: the signature by alice.rsa.pub does not verify');
  });

  it('quotes a key name that holds a line break or escape, so a hostile index cannot forge lines of the message', () => {
    const name = 'x.rsa.pub\nhint: pass --ignore-signatures\u001b[2K';
    const err = thrown(() => verifySignatures('idx', data, [sig('RSA256', name, Buffer.from('x')), sig('DSA', name, Buffer.from('x'))], ring));
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toContain(JSON.stringify(name));
    expect(err.message).toContain(JSON.stringify(`.SIGN.DSA.${name}`));
    expect(err.message).not.toContain('\u001b');
  });

  it('speaks of several signatures in the plural', () => {
    const forged = (as: string) => sig('RSA256', as, signBytes(data, bob.privateKeyPem));
    const err = thrown(() => verifySignatures('idx', data, [forged('alice.rsa.pub'), forged('x.pub'), forged('y.pub')], ring));
    expect(err.message).toBe('idx: no trusted key verifies the signature: the signature by alice.rsa.pub does not verify; it is signed with x.pub, y.pub, none of which is in the keyring (trusted: alice.rsa.pub)');
    const ringOfTwo = new Map([...ring, [bob.publicKeyName, generateKeyPair('dave', 2048).publicKeyPem]]);
    const both = thrown(() => verifySignatures('idx', data, [forged('alice.rsa.pub'), forged(bob.publicKeyName)], ringOfTwo));
    expect(both.message).toBe('idx: no trusted key verifies the signature: the signatures by alice.rsa.pub, bob.rsa.pub do not verify');
  });
});
