import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialChain, sameRegistry, type CredentialSource } from './credentials';
import { defaultCredentials } from './default';
import { envCredentials, githubTokenCredentials } from './env';

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'apko-credentials-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A DOCKER_CONFIG whose auths give `file:pw` for a.example.com and ghcr.io. */
function dockerConfig(): { DOCKER_CONFIG: string; PATH: string } {
  const dir = join(root, 'docker');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'a.example.com': { auth: b64('file:pw') }, 'ghcr.io': { auth: b64('file:gh') } } }));
  return { DOCKER_CONFIG: dir, PATH: '' };
}

describe('the default credential chain', () => {
  it('asks the CI variables first, limited to APKO_NX_REGISTRY when it is set, then docker config', async () => {
    const env = { ...dockerConfig(), APKO_NX_REGISTRY_USERNAME: 'ci', APKO_NX_REGISTRY_PASSWORD: 'tok' };
    const chain = credentialChain(defaultCredentials(env));
    expect(await chain.lookup('a.example.com')).toEqual({ username: 'ci', password: 'tok', source: 'APKO_NX_REGISTRY_USERNAME/APKO_NX_REGISTRY_PASSWORD' });
    const limited = credentialChain(defaultCredentials({ ...env, APKO_NX_REGISTRY: 'https://b.example.com/' }));
    expect(await limited.lookup('b.example.com')).toEqual({ username: 'ci', password: 'tok', source: 'APKO_NX_REGISTRY_USERNAME/APKO_NX_REGISTRY_PASSWORD' });
    expect(await limited.lookup('a.example.com')).toEqual({ username: 'file', password: 'pw', source: `docker config ${env.DOCKER_CONFIG}/config.json` });
    expect(await limited.lookup('c.example.com')).toBeUndefined();
  });

  it('gives GITHUB_TOKEN to ghcr.io only, before docker config', async () => {
    const env = { ...dockerConfig(), GITHUB_TOKEN: 'gh', GITHUB_ACTOR: 'me' };
    const chain = credentialChain(defaultCredentials(env));
    expect(await chain.lookup('ghcr.io')).toEqual({ username: 'me', password: 'gh', source: 'GITHUB_TOKEN' });
    expect(await chain.lookup('a.example.com')).toEqual({ username: 'file', password: 'pw', source: `docker config ${env.DOCKER_CONFIG}/config.json` });
    expect(await githubTokenCredentials({ GITHUB_TOKEN: 'gh' }).lookup('ghcr.io')).toEqual({ username: 'unset', password: 'gh' });
  });

  it('is named after its sources, in order', () => {
    expect(credentialChain(defaultCredentials({ DOCKER_CONFIG: '/d' })).name).toBe(
      'APKO_NX_REGISTRY_USERNAME/APKO_NX_REGISTRY_PASSWORD, then GITHUB_TOKEN, then docker config /d/config.json',
    );
  });
});

describe('credentialChain', () => {
  it('lets a caller put its own source first, and stops at the first answer', async () => {
    const asked: string[] = [];
    const vault: CredentialSource = { name: 'vault', lookup: async (r) => (asked.push(`vault ${r}`), r === 'reg.example.com' ? { registryToken: 't' } : undefined) };
    const never: CredentialSource = { name: 'never', lookup: async (r) => (asked.push(`never ${r}`), undefined) };
    const chain = credentialChain([vault, envCredentials({}), never]);
    expect(await chain.lookup('reg.example.com')).toEqual({ registryToken: 't', source: 'vault' });
    expect(await chain.lookup('other.example.com')).toBeUndefined();
    expect(asked).toEqual(['vault reg.example.com', 'vault other.example.com', 'never other.example.com']);
  });

  it('is anonymous with no sources', async () => {
    expect(await credentialChain([]).lookup('reg.example.com')).toBeUndefined();
  });
});

describe('sameRegistry', () => {
  it.each([
    ['reg.example.com', 'reg.example.com', true],
    ['https://Reg.Example.com/v2/', 'reg.example.com', true],
    ['https://index.docker.io/v1/', 'index.docker.io', true],
    ['docker.io', 'index.docker.io', true],
    ['reg.example.com:5000', 'reg.example.com', false],
  ])('%s names %s: %s', (key, registry, same) => {
    expect(sameRegistry(key, registry)).toBe(same);
  });
});
