import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../errors';
import type { Credential, CredentialSource } from './credentials';
import { RegistryAuth, type TokenHttp } from './registry-auth';

/** A source that always answers `cred`, counting the lookups. */
function source(cred: Credential | undefined): CredentialSource & { looked: number } {
  const s = { name: 'test source', looked: 0, lookup: async () => (s.looked++, cred) };
  return s;
}

/** A token endpoint as a function: records each call, answers a token naming the scopes. */
function tokenEndpoint(status = 200) {
  const calls: Array<{ method: string; url: URL; authorization?: string; body?: string }> = [];
  const http: TokenHttp = async (req) => {
    calls.push({ method: req.method, url: new URL(req.url), authorization: req.headers.authorization, body: req.body });
    const scopes = req.method === 'GET' ? new URL(req.url).searchParams.getAll('scope') : new URLSearchParams(req.body).getAll('scope');
    return { status, body: Buffer.from(JSON.stringify({ token: `t(${scopes.join(' ')})` })) };
  };
  return { calls, http };
}

function auth(cred: Credential | undefined, http: TokenHttp, insecure = false) {
  return new RegistryAuth({ registry: 'reg.example.com', credentials: source(cred), http, insecure });
}

const BEARER = 'Bearer realm="https://auth.example.com/token",service="reg.example.com"';
const PUSH = ['repository:acme/app:pull,push'];

describe('RegistryAuth', () => {
  it('sends nothing, and looks up no credentials, before a challenge', async () => {
    const t = tokenEndpoint();
    const credentials = source({ username: 'u', password: 'p' });
    const a = new RegistryAuth({ registry: 'r', credentials, http: t.http, insecure: false });
    expect(await a.header(PUSH)).toBeUndefined();
    expect(t.calls).toEqual([]);
    expect(credentials.looked).toBe(0);
  });

  it('fetches a bearer token with basic credentials and the request scopes, once per scope set', async () => {
    const t = tokenEndpoint();
    const a = auth({ username: 'robot', password: 's3cret' }, t.http);
    expect(a.learn(BEARER)?.scheme).toBe('bearer');
    const [h1, h2] = await Promise.all([a.header(PUSH), a.header(PUSH)]);
    expect(h1).toBe('Bearer t(repository:acme/app:pull,push)');
    expect(h2).toBe(h1);
    expect(t.calls).toHaveLength(1);
    const call = t.calls[0]!;
    expect(call.method).toBe('GET');
    expect(call.url.origin + call.url.pathname).toBe('https://auth.example.com/token');
    expect(call.url.searchParams.get('service')).toBe('reg.example.com');
    expect(call.url.searchParams.get('account')).toBe('robot');
    expect(call.authorization).toBe(`Basic ${Buffer.from('robot:s3cret').toString('base64')}`);
    await a.header([...PUSH, 'repository:acme/base:pull']);
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]!.url.searchParams.getAll('scope')).toEqual(['repository:acme/app:pull,push', 'repository:acme/base:pull']);
  });

  it('exchanges an identity token with the OAuth2 refresh-token POST', async () => {
    const t = tokenEndpoint();
    const a = auth({ identityToken: 'refresh-me' }, t.http);
    a.learn(BEARER);
    expect(await a.header(PUSH)).toBe('Bearer t(repository:acme/app:pull,push)');
    const form = new URLSearchParams(t.calls[0]!.body);
    expect(t.calls[0]!.method).toBe('POST');
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-me', service: 'reg.example.com', client_id: 'apko-nx' });
  });

  it('asks for an anonymous token when there are no credentials', async () => {
    const t = tokenEndpoint();
    const a = auth(undefined, t.http);
    a.learn(BEARER);
    await a.header(PUSH);
    expect(t.calls[0]!.authorization).toBeUndefined();
  });

  it('keeps credentials away from a plain-HTTP realm on another machine', async () => {
    const t = tokenEndpoint();
    const a = auth({ username: 'u', password: 'p' }, t.http);
    a.learn('Bearer realm="http://auth.example.com/token"');
    await a.header(PUSH);
    expect(t.calls[0]!.authorization).toBeUndefined();
    expect(t.calls[0]!.url.searchParams.get('account')).toBeNull();
  });

  it('answers a basic challenge with the credentials', async () => {
    const a = auth({ username: 'u', password: 'p:w' }, tokenEndpoint().http);
    expect(await a.unauthorized('Basic realm="r"', PUSH)).toEqual(PUSH);
    expect(await a.header(PUSH)).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  it('fails a basic challenge without credentials, saying how to give them', async () => {
    const err = await auth(undefined, tokenEndpoint().http)
      .unauthorized('Basic realm="r"', PUSH)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).message).toBe('reg.example.com needs credentials (HTTP 401, basic auth)');
    expect((err as RegistryError).hint).toContain('APKO_NX_REGISTRY_USERNAME');
    expect((err as RegistryError).hint).toContain('docker login');
  });

  it('retries with the scope an insufficient_scope challenge names and a fresh token', async () => {
    const t = tokenEndpoint();
    const a = auth({ username: 'u', password: 'p' }, t.http);
    a.learn(BEARER);
    await a.header(PUSH);
    const scopes = await a.unauthorized(`${BEARER},error="insufficient_scope",scope="repository:other/base:pull"`, PUSH);
    expect(scopes).toEqual([...PUSH, 'repository:other/base:pull']);
    expect(await a.header(scopes!)).toBe('Bearer t(repository:acme/app:pull,push repository:other/base:pull)');
  });

  it('uses a registry token as the bearer token without asking the realm', async () => {
    const t = tokenEndpoint();
    const a = auth({ registryToken: 'direct' }, t.http);
    a.learn(BEARER);
    expect(await a.header(PUSH)).toBe('Bearer direct');
    expect(t.calls).toEqual([]);
  });

  it('reports a refused token request with the realm, the scopes and the status, never the password', async () => {
    const t = tokenEndpoint(401);
    const a = auth({ username: 'u', password: 'hunter2' }, t.http);
    a.learn(BEARER);
    const err = (await a.header(PUSH).catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(401);
    expect(err.message).toBe(
      'the token service https://auth.example.com/token of reg.example.com refused a token for repository:acme/app:pull,push (HTTP 401)',
    );
    expect(`${err.message}${err.hint}`).not.toContain('hunter2');
  });

  it('names the source of refused credentials in the hint', async () => {
    const a = auth({ username: 'u', password: 'p', source: 'GITHUB_TOKEN' }, tokenEndpoint(403).http);
    a.learn(BEARER);
    const err = (await a.header(PUSH).catch((e: unknown) => e)) as RegistryError;
    expect(err.hint).toBe('the credentials from GITHUB_TOKEN were rejected or lack push access; check them with `docker login`');
  });
});
