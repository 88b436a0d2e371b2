/**
 * The two ways a build date is given: `--build-date` (RFC 3339) and the
 * `SOURCE_DATE_EPOCH` environment variable (integer seconds). Both become
 * Unix seconds; malformed values are ConfigErrors, never silently 0.
 */
import { ConfigError } from '../errors';

/** Go's `time.RFC3339` as `time.Parse` accepts it (fractional seconds allowed, upper-case T and Z). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses `--build-date` to Unix seconds (fractions dropped, as Go's `Unix()` does). */
export function parseBuildDate(s: string): number {
  const m = RFC3339.exec(s);
  const bad = (why: string): never => {
    throw new ConfigError(`--build-date: "${s}" is not an RFC 3339 date (${why})`, {
      hint: 'write it like 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00',
    });
  };
  if (m === null) return bad('expected YYYY-MM-DDThh:mm:ssZ or an offset such as +02:00');
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || se > 59) bad('a field is out of range');
  let secs = Date.UTC(y, mo - 1, d, h, mi, se) / 1000;
  // Date.UTC maps years 0-99 to 1900-1999; a build date that early is refused below anyway.
  if (m[8] !== 'Z') {
    const offset = Number(m[10]) * 3600 + Number(m[11]) * 60;
    if (Number(m[10]) > 23 || Number(m[11]) > 59) bad('the UTC offset is out of range');
    secs -= m[9] === '+' ? offset : -offset;
  }
  if (secs < 0) bad('dates before 1970-01-01T00:00:00Z cannot be tar or OCI timestamps');
  return secs;
}

/**
 * Parses `SOURCE_DATE_EPOCH`; undefined when unset or empty. apko reads it
 * with `strconv.ParseInt(v, 10, 64)`, so anything but an integer is an error.
 */
export function parseSourceDateEpoch(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(`SOURCE_DATE_EPOCH="${v}" is not a non-negative integer number of seconds since 1970-01-01`, {
      hint: 'unset it, or set it to a Unix time such as the last commit\'s: SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)',
    });
  }
  return Math.abs(n); // -0 → 0
}
