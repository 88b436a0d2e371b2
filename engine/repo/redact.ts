/**
 * Credentials must never reach a message, an error, a log or an output file.
 * Every URL shown to a user passes through `redactUrl` first.
 */

const USERINFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^@/?#]*@/;

/** The URL with any `user:password@` replaced by `***@`; other text unchanged (no normalization). */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, '$1***@');
}
