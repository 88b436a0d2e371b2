import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyProblem } from '../apk/key-check';
import { ConfigError } from '../errors';
import { melangeKeygen } from './keygen';

const dir = mkdtempSync(join(tmpdir(), 'keygen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('melangeKeygen', () => {
  it('writes a private key 0600 and a public key every keyring accepts', async () => {
    const r = await melangeKeygen('ok', dir, { bits: 2048 });
    expect(r.keyName).toBe('ok.rsa.pub');
    expect(statSync(r.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(createPrivateKey(readFileSync(r.privateKeyPath, 'utf8')).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(publicKeyProblem(readFileSync(r.publicKeyPath))).toBeUndefined();
  });

  it('refuses a key size below 2048 bits and writes no file', async () => {
    const out = join(dir, 'none');
    await expect(melangeKeygen('tiny', out, { bits: 1024 })).rejects.toThrow(ConfigError);
    await expect(melangeKeygen('tiny', out, { bits: 1024 })).rejects.toThrow('cannot make the key tiny: a 1024-bit RSA key is too weak to trust');
    expect(existsSync(out)).toBe(false);
  });
});
