/**
 * Timestamps in OCI JSON: RFC 3339 in UTC to the second, as Go's
 * `time.RFC3339` formats a UTC time (`1970-01-01T00:00:00Z`).
 */
import { ConfigError } from './errors';

/** The annotation (and label) that carries the build date. */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** Formats seconds since the epoch as RFC 3339 UTC. */
export function rfc3339(epochSeconds: number): string {
  if (!Number.isSafeInteger(epochSeconds) || epochSeconds < 0 || epochSeconds > 253402300799) {
    throw new ConfigError(`build date ${epochSeconds} is not a whole number of seconds between 1970 and 9999`, {
      hint: 'set SOURCE_DATE_EPOCH (or the build date) to seconds since 1970-01-01',
    });
  }
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `annotations` plus the created annotation (which wins, as in apko), as a sorted-on-output map. */
export function withCreated(annotations: Readonly<Record<string, string>> | undefined, created: number): Map<string, string> {
  const out = new Map(Object.entries(annotations ?? {}));
  out.set(CREATED_ANNOTATION, rfc3339(created));
  return out;
}

/** Go's zero time.Time as it marshals (`omitempty` does not leave it out of a struct-typed field). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * An RFC 3339 time as Go's time.Time marshals it after parsing it: trailing
 * fraction zeros trimmed, a zero offset written as Z; undefined when `text`
 * is not RFC 3339.
 */
export function goTimeText(text: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\d)[Tt](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zone = /^[Zz]$|^[+-]00:00$/.test(m[4]!) ? 'Z' : m[4]!;
  return `${m[1]}T${m[2]}${fraction ? `.${fraction}` : ''}${zone}`;
}
