/**
 * Key discovery documents as servers publish them, written under a directory
 * that a test server (server.ts) serves at `origin`: an Alpine release
 * repository with releases.json and its key, and a vendor repository with an
 * apk-configuration document and its JSON Web Key Set.
 */
import { createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPair } from '../../apk/keys';
import { makePackage, writeRepository } from './repo-fixture';

/** The name the Alpine-style test key takes. */
export const ALPINE_KEY_NAME = 'alpine-devel@lists.alpinelinux.org-0000cafe.rsa.pub';

/** A key as a JWKS entry with its `kid`. */
export function jwkOf(k: KeyPair, kid: string): Record<string, unknown> {
  return { ...createPublicKey(k.publicKeyPem).export({ format: 'jwk' }), kid, use: 'sig' };
}

/**
 * `<origin>/alpine/v3.99/main` signed by `alpineKey`, listed in
 * `<origin>/releases.json` (with a retired key and another arch's beside it);
 * `<origin>/vendor` signed by `vendorKey`, whose kid is its name.
 */
export function writeDiscoverySite(dir: string, origin: string, alpineKey: KeyPair, vendorKey: KeyPair): void {
  writeRepository(join(dir, 'alpine/v3.99/main'), 'x86_64', [makePackage('hello', '1.0-r0', 'x86_64')], alpineKey);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', ALPINE_KEY_NAME), alpineKey.publicKeyPem);
  // The URLs spell @ as %20, as Alpine's releases.json does; one key is retired.
  const keys = {
    x86_64: [
      { url: `${origin}/keys/${ALPINE_KEY_NAME.replace('@', '%20')}` },
      { url: `${origin}/keys/alpine-devel%20lists.alpinelinux.org-retired.rsa.pub`, deprecated_since: '2001-02-03' },
    ],
    aarch64: [{ url: `${origin}/keys/other.rsa.pub` }],
  };
  writeFileSync(join(dir, 'releases.json'), JSON.stringify({ release_branches: [{ rel_branch: 'v3.99', keys }] }));
  writeRepository(join(dir, 'vendor'), 'x86_64', [makePackage('tool', '2.0-r0', 'x86_64')], vendorKey);
  writeFileSync(join(dir, 'vendor', 'apk-configuration'), JSON.stringify({ jwks_uri: `${origin}/vendor-keys/jwks.json` }));
  mkdirSync(join(dir, 'vendor-keys'), { recursive: true });
  writeFileSync(join(dir, 'vendor-keys', 'jwks.json'), JSON.stringify({ keys: [jwkOf(vendorKey, vendorKey.name)] }));
}
