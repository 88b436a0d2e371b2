/**
 * Registry authentication as docker does it. A request goes out anonymous
 * until the registry answers 401 with a `WWW-Authenticate` challenge; from
 * then on every request carries what the challenge asked for:
 * - `Basic`: the user's credentials;
 * - `Bearer realm=… service=…`: a token from the realm for the request's
 *   scopes (`repository:<name>:pull,push`), fetched with the credentials
 *   (GET with basic auth, or the OAuth2 refresh-token POST for an identity
 *   token), or anonymously when there are none; one token per scope set.
 * Credentials and tokens never appear in a message. This is registry auth;
 * APK repository auth (URL userinfo, HTTP_AUTH) is engine/repo/repository-auth.ts.
 */
import { RegistryError } from '../../errors';
import { basicAuthorization } from '../../net/http';
import { mayCarryCredentials } from '../scheme';
import { parseChallenges, type Challenge } from './challenge';
import type { Credential, CredentialSource } from './credentials';
import { compareBytes } from '../../order';

/** The HTTP a token fetch needs; the client supplies it (with its retries). */
export type TokenHttp = (req: {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}) => Promise<{ readonly status: number; readonly body: Buffer }>;

/** What to do when a registry wants credentials we do not have. */
export const NO_CREDENTIALS_HINT =
  'log in with `docker login <registry>` (or set DOCKER_CONFIG to a directory holding config.json), ' +
  'or set APKO_NX_REGISTRY_USERNAME and APKO_NX_REGISTRY_PASSWORD';

function basicHeader(c: Credential): string | undefined {
  return c.username === undefined || c.password === undefined ? undefined : basicAuthorization(c.username, c.password);
}

const scopeKey = (scopes: readonly string[]) => [...new Set(scopes)].sort(compareBytes).join(' ');

/** Per-registry authentication state: the challenge learned and the tokens fetched. */
export class RegistryAuth {
  private challenge: Challenge | undefined;
  /** Token fetches by scope set, shared by concurrent requests. */
  private readonly tokens = new Map<string, Promise<string>>();
  private credential: Promise<Credential | undefined> | undefined;

  constructor(
    private readonly opts: { readonly registry: string; readonly credentials: CredentialSource; readonly http: TokenHttp; readonly insecure: boolean },
  ) {}

  private lookup(): Promise<Credential | undefined> {
    this.credential ??= this.opts.credentials.lookup(this.opts.registry);
    return this.credential;
  }

  /** The Authorization header for a request needing `scopes`, or undefined while no challenge asked for one. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    // Credentials are looked up (and helpers run) only once a registry asks for them.
    if (this.challenge === undefined) return undefined;
    const cred = await this.lookup();
    if (cred?.registryToken !== undefined) return `Bearer ${cred.registryToken}`;
    if (this.challenge.scheme === 'basic') return cred === undefined ? undefined : basicHeader(cred);
    const key = scopeKey(scopes);
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.fetchToken(this.challenge, scopes, cred);
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await token}`;
  }

  /** Records the challenge of a 401 (Bearer with a realm preferred over Basic); returns it, or undefined when there is none we speak. */
  learn(header: string | readonly string[] | undefined): Challenge | undefined {
    const challenges = parseChallenges(header);
    const chosen = challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
    if (chosen !== undefined) this.challenge = chosen;
    return chosen;
  }

  /**
   * Learns from a 401: returns the scopes to retry with (the request's plus
   * any the challenge names), or undefined when the answer names no scheme
   * we speak. The client retries once; a second 401 is a refusal.
   */
  async unauthorized(header: string | readonly string[] | undefined, scopes: readonly string[]): Promise<string[] | undefined> {
    const chosen = this.learn(header);
    if (chosen === undefined) return undefined;
    const cred = await this.lookup();
    if (chosen.scheme === 'basic' && (cred === undefined || basicHeader(cred) === undefined)) {
      throw new RegistryError(`${this.opts.registry} needs credentials (HTTP 401, basic auth)`, {
        url: this.opts.registry,
        status: 401,
        hint: NO_CREDENTIALS_HINT,
      });
    }
    const wanted = [...scopes, ...(chosen.params.scope ?? '').split(' ').filter((x) => x !== '')];
    // A cached token was refused (expired, or too narrow): fetch a fresh one on the retry.
    this.tokens.delete(scopeKey(scopes));
    this.tokens.delete(scopeKey(wanted));
    return wanted;
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[], cred: Credential | undefined): Promise<string> {
    const realm = challenge.params.realm!;
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`${this.opts.registry} named the token realm "${realm}", which is not a URL`, { url: this.opts.registry });
    }
    const shown = `${url.origin}${url.pathname}`;
    const service = challenge.params.service;
    const sorted = [...new Set(scopes)].sort(compareBytes);
    const send = cred !== undefined && mayCarryCredentials(url, this.opts.insecure) ? cred : undefined;
    let res: { status: number; body: Buffer };
    if (send?.identityToken !== undefined) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: send.identityToken, client_id: 'apko-nx' });
      if (service !== undefined) form.set('service', service);
      for (const s of sorted) form.append('scope', s);
      res = await this.opts.http({ method: 'POST', url: url.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    } else {
      if (service !== undefined) url.searchParams.set('service', service);
      for (const s of sorted) url.searchParams.append('scope', s);
      const auth = send === undefined ? undefined : basicHeader(send);
      if (send?.username !== undefined) url.searchParams.set('account', send.username);
      res = await this.opts.http({ method: 'GET', url: url.toString(), headers: auth === undefined ? {} : { authorization: auth } });
    }
    if (res.status !== 200) {
      throw new RegistryError(`the token service ${shown} of ${this.opts.registry} refused a token for ${sorted.join(' ')} (HTTP ${res.status})`, {
        url: shown,
        status: res.status,
        hint: cred === undefined ? NO_CREDENTIALS_HINT : `the credentials${cred.source !== undefined ? ` from ${cred.source}` : ''} were rejected or lack push access; check them with \`docker login\``,
      });
    }
    let parsed: { token?: unknown; access_token?: unknown };
    try {
      parsed = JSON.parse(res.body.toString('utf8')) as typeof parsed;
    } catch {
      parsed = {};
    }
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError(`the token service ${shown} answered without a token`, { url: shown, status: res.status });
    }
    return token;
  }
}
