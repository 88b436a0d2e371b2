/**
 * Credentials never leave the process in printed config: a URL password
 * (`https://user:secret@host`) becomes `*****`, as does the password of an
 * `HTTP_AUTH`-style value (`basic:<host>:<user>:<password>`). apko redacts
 * only repository and keyring URLs; we redact every string we print.
 */

/** What a redacted secret reads as. */
export const REDACTED = '*****';

const URL_AUTHORITY = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s/?#]*)/g;
const HTTP_AUTH = /^(basic:[^:\s]+:[^:\s]*:)(.+)$/;

/** Replaces the password in every URL inside `s` (userinfo up to the last `@`, as Go's url.Parse splits it). */
export function redactUrls(s: string): string {
  return s.replace(URL_AUTHORITY, (whole, scheme: string, authority: string) => {
    const at = authority.lastIndexOf('@');
    if (at < 0) return whole;
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return whole;
    return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}${authority.slice(at)}`;
  });
}

/** Redacts URL passwords and an `HTTP_AUTH`-style `basic:host:user:password` value. */
export function redactSecrets(s: string): string {
  return redactUrls(s).replace(HTTP_AUTH, `$1${REDACTED}`);
}
