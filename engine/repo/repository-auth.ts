/**
 * APK repository auth: what apk-tools and apko accept for a private
 * repository. Credentials in the repository URL's userinfo
 * (`https://user:pass@host/…`) win: the request loop (engine/net/http.ts)
 * sends them as Basic auth to that origin only. Otherwise
 * `HTTP_AUTH=basic:<host>:<user>:<password>` applies when `<host>` equals the
 * request's host (with port), or its host name when `<host>` has no port, on
 * every hop, redirects included. Registry auth is another thing entirely
 * (engine/registry/authn/).
 */
import { ConfigError } from '../errors';
import { basicAuthorization } from '../net/http';

/** One parsed `HTTP_AUTH` value. */
export interface HttpAuth {
  readonly host: string;
  readonly user: string;
  readonly password: string;
}

// The host may carry a port (127.0.0.1:8080) or be an [IPv6] literal; the
// password is everything after the user, so it may contain ':'. engine/redact.ts
// hides values of this form.
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

function hostMatches(auth: HttpAuth, u: URL): boolean {
  const host = u.host.toLowerCase();
  if (auth.host === host) return true;
  const hasPort = /:\d+$/.test(auth.host) && !auth.host.endsWith(']');
  return !hasPort && auth.host === u.hostname.toLowerCase();
}

/** The Authorization `HTTP_AUTH` gives a request to `url`, if its host is the one named. */
export function httpAuthAuthorization(auth: HttpAuth | undefined, url: URL): string | undefined {
  return auth !== undefined && hostMatches(auth, url) ? basicAuthorization(auth.user, auth.password) : undefined;
}
