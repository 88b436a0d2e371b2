/**
 * Basic auth for repository requests: credentials in the URL's userinfo
 * (`https://user:pass@host/…`) win; otherwise `HTTP_AUTH=basic:<host>:<user>:<password>`
 * applies when `<host>` equals the request's host (with port), or its host
 * name when `<host>` has no port. The URL sent on the wire never carries the
 * userinfo: it becomes an Authorization header, which nothing ever prints.
 */
import { ConfigError } from '../errors';

/** One parsed `HTTP_AUTH` value. */
export interface HttpAuth {
  readonly host: string;
  readonly user: string;
  readonly password: string;
}

/** A request ready to send: the URL without userinfo and the header, if any. */
export interface PreparedRequest {
  readonly url: string;
  readonly authorization?: string;
}

// The host may carry a port (127.0.0.1:8080) or be an [IPv6] literal; the
// password is everything after the user, so it may contain ':'.
const HTTP_AUTH = /^basic:((?:\[[^\]]+\]|[^:]+)(?::\d+)?):([^:]*):(.*)$/s;

/** Parses `HTTP_AUTH`; undefined when unset or empty, a ConfigError (without the secret) when malformed. */
export function parseHttpAuth(value: string | undefined): HttpAuth | undefined {
  if (value === undefined || value === '') return undefined;
  const m = HTTP_AUTH.exec(value);
  if (!m) {
    throw new ConfigError('HTTP_AUTH is not of the form basic:<host>:<user>:<password>', {
      hint: 'set HTTP_AUTH=basic:<host>:<user>:<password>, e.g. basic:packages.example.com:me:token',
    });
  }
  return { host: m[1]!.toLowerCase(), user: m[2]!, password: m[3]! };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function hostMatches(auth: HttpAuth, u: URL): boolean {
  const host = u.host.toLowerCase();
  if (auth.host === host) return true;
  const hasPort = /:\d+$/.test(auth.host) && !auth.host.endsWith(']');
  return !hasPort && auth.host === u.hostname.toLowerCase();
}

/** Strips userinfo from `url` and decides the Authorization header for it. */
export function prepareRequest(url: string, env: Readonly<Record<string, string | undefined>> = process.env): PreparedRequest {
  const u = new URL(url);
  if (u.username !== '' || u.password !== '') {
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    return { url: u.toString(), authorization: basic(user, password) };
  }
  const auth = parseHttpAuth(env.HTTP_AUTH);
  if (auth !== undefined && hostMatches(auth, u)) return { url, authorization: basic(auth.user, auth.password) };
  return { url };
}
