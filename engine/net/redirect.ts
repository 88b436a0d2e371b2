/**
 * Where a redirect may lead, for the one request loop (engine/net/http.ts):
 * a URL (relative Locations resolve against the hop that answered), http or
 * https only, never from https down to plain http (the request, and what
 * its path reveals, would go in the clear; Go's clients follow such a
 * redirect, we do not), and without userinfo (credentials in a Location
 * were not given by the user). Whether credentials go along is the loop's
 * rule, decided by origin.
 */
import type { HttpError, ApkoErrorOptions } from '../errors';
import { redactRequestUrl, redactText } from '../redact';

/** What a refusal names: the request as shown, the redirect's status, the caller's error class. */
export interface RedirectContext {
  readonly method: string;
  readonly shown: string;
  readonly status: number;
  readonly error: new (message: string, opts: ApkoErrorOptions & { url: string; status?: number }) => HttpError;
}

const MISCONFIGURED = 'the server is misconfigured; check the URL';

/** The next hop of a redirect from `from` to `location`, or the caller's error saying why it is not followed. */
export function redirectTarget(location: string, from: URL, ctx: RedirectContext): URL {
  const { method, shown, status } = ctx;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (err) {
    throw new ctx.error(`${method} ${shown} redirected to "${redactText(location)}", which is not a URL`, { url: shown, status, cause: err, hint: MISCONFIGURED });
  }
  if (from.protocol === 'https:' && next.protocol !== 'https:') {
    throw new ctx.error(`${method} ${shown} redirected from https to ${redactRequestUrl(next.toString())}, which is not https`, {
      url: shown,
      status,
      hint: 'the server downgrades to plain http; fix its redirect, or use the http URL explicitly if you accept that',
    });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new ctx.error(`${method} ${shown} redirected to ${redactRequestUrl(next.toString())}, which is not http or https`, { url: shown, status, hint: MISCONFIGURED });
  }
  next.username = '';
  next.password = '';
  return next;
}
