/**
 * How a credential is shown: the one rule, for messages, errors, logs, lock
 * files and show-config alike. A URL keeps its user and loses its password,
 * `https://user:xxxxx@host/os`, which is what apko prints: its show-config
 * passes repositories and keys through Go's `url.URL.Redacted`
 * (`ImageContents.MarshalYAML`, pkg/build/types/types.go). Where Go would
 * print a userinfo that has no password (`https://<token>@host`), we show
 * `https://xxxxx@host`, because a lone userinfo is how tokens are usually
 * given. Userinfo ends at the last `@` of the authority, as Go's url.Parse
 * and WHATWG URLs split it, so `p@ss` passwords are hidden whole.
 */

/** What every hidden secret reads as (Go's `url.Redacted` mark). */
export const REDACTED = 'xxxxx';

/** A URL's scheme and authority inside any text: the authority ends at `/`, `?`, `#` or whitespace. */
const URL_AUTHORITY = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s/?#]*)/g;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

// HTTP_AUTH's grammar (engine/repo/repository-auth.ts): basic:<host[:port]>:<user>:<password>,
// the password last, so it may hold ':'; a whole value may hold spaces, one inside text may not.
const HTTP_AUTH_HEAD = String.raw`basic:(?:\[[^\]]+\]|[^:\s]+)(?::\d+)?:[^:\s]*:`;
const HTTP_AUTH_VALUE = new RegExp(`^(${HTTP_AUTH_HEAD})[\\s\\S]+$`);
const HTTP_AUTH_IN_TEXT = new RegExp(`(?<![\\w.-])(${HTTP_AUTH_HEAD})\\S+`, 'g');
const AUTHORIZATION_IN_TEXT = /\b(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',;]+/gi;

/** Splits `authority` at its userinfo; undefined when it has none. */
function splitUserinfo(authority: string): { userinfo: string; host: string } | undefined {
  const at = authority.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { userinfo: authority.slice(0, at), host: authority.slice(at + 1) };
}

/**
 * Every URL in `text` with its password (or lone token) shown as `xxxxx`;
 * everything else is left as written, query included (no normalization).
 * `@tag https://u:pw@host/os` becomes `@tag https://u:xxxxx@host/os`.
 */
export function redactUrl(text: string): string {
  return text.replace(URL_AUTHORITY, (whole, scheme: string, authority: string) => {
    const split = splitUserinfo(authority);
    if (split === undefined) return whole;
    const colon = split.userinfo.indexOf(':');
    const shown = colon < 0 ? REDACTED : `${split.userinfo.slice(0, colon)}:${REDACTED}`;
    return `${scheme}${shown}@${split.host}`;
  });
}

/**
 * A request URL as messages name it: redacted, and without its query and
 * fragment, which for registry uploads are session state and for signed
 * mirror URLs a signature.
 */
export function redactRequestUrl(url: string): string {
  const start = SCHEME.exec(url)?.[0].length ?? 0;
  const end = url.slice(start).search(/[?#]/);
  return redactUrl(end < 0 ? url : url.slice(0, start + end));
}

/**
 * Free text with every secret we know the form of hidden: URL passwords (as
 * `redactUrl`), `HTTP_AUTH` values (`basic:host:user:xxxxx`, host and user
 * kept) and Authorization values after `authorization:` or `=`
 * (`Bearer xxxxx`, the scheme kept).
 */
export function redactText(text: string): string {
  const urls = redactUrl(text);
  if (HTTP_AUTH_VALUE.test(urls)) return urls.replace(HTTP_AUTH_VALUE, `$1${REDACTED}`);
  return urls.replace(HTTP_AUTH_IN_TEXT, `$1${REDACTED}`).replace(AUTHORIZATION_IN_TEXT, `$1$2 ${REDACTED}`);
}

/**
 * Every URL in `text` with its userinfo removed altogether, for what must
 * not depend on who fetched (store keys) or must name a place, not a person
 * (vcs-url). No other normalization.
 */
export function withoutCredentials(text: string): string {
  return text.replace(URL_AUTHORITY, (whole, scheme: string, authority: string) => {
    const split = splitUserinfo(authority);
    return split === undefined ? whole : `${scheme}${split.host}`;
  });
}
