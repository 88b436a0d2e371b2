/**
 * APK package versions, compared the way apk-tools 2.x compares them
 * (Gentoo-style: `1.2.3a_rc1_p2-r4`). A version is read as a stream of
 * tokens: numbers, one letter, suffixes with optional numbers and a `-rN`
 * revision. Two versions are walked token by token; the first differing
 * value decides, and when one side runs out of tokens first, the longer one
 * wins unless what it has left is a pre-release suffix (`_alpha _beta _pre
 * _rc`), which sorts before the release.
 *
 * Choices where apk-tools leaves room (documented, tested):
 * - A component after a dot that starts with `0` is compared by its count of
 *   leading zeros first (apk-tools: `1.02 < 1.1`, `1.00 < 1.0`), and digits
 *   that go on after the zeros outrank the next component (`1.0.1 < 1.06`, as
 *   apk-tools 2.14's test/version.data has it). apk-tools
 *   2.12 then inserted an empty digit token, which made `6.0_pre1 > 6.0`;
 *   upstream fixed that in its test data (`6.0_pre1 < 6.0`), and so do we.
 * - Invalid versions are not rejected by the comparator: they are walked like
 *   apk-tools walks them (an unknown suffix counts as a pre-release, and an
 *   invalid tail sorts after every valid continuation). Where apk-tools calls
 *   two invalid versions equal, we compare their invalid tails as bytes, so
 *   the order stays total and sorting is deterministic.
 * - `isValidVersion` is stricter than apk-tools' validator: it also rejects
 *   the empty string, a version not starting with a digit and empty numeric
 *   parts (`1.`, `1-r`).
 */
import { compareBytes } from '../order';

/** A version comparison operator as written in a dependency atom (`=~` is `~`). */
export type VersionOp = '=' | '<' | '<=' | '>' | '>=' | '~';

/** Token kinds; the numeric order is the one apk-tools' comparison relies on. */
const enum Kind {
  Invalid = -1,
  /** a number after a dot (leading zeros are special) */
  Dot = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  Revision = 5,
  End = 6,
}

interface Token {
  readonly kind: Kind;
  readonly value: bigint;
  /** For Invalid: the text from the offending character on. */
  readonly rest?: string;
  /** True when a numeric token had no digits (`1.`, `1-r`). */
  readonly empty?: boolean;
  /** A Digit token that goes on after a component's leading zeros (`6` of `1.06`). */
  readonly afterZeros?: boolean;
}

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

/** Which kind follows at `v[i]` after a token of kind `prev`, and how many separator chars it uses. */
function nextKind(prev: Kind, v: string, i: number): [Kind, number] {
  const c = v[i];
  let kind: Kind;
  let used = 0;
  if ((prev === Kind.Digit || prev === Kind.Dot) && isLower(c)) kind = Kind.Letter;
  else if (prev === Kind.Letter && isDigit(c)) kind = Kind.Digit;
  else if (prev === Kind.Suffix && isDigit(c)) kind = Kind.SuffixNo;
  else if (c === '.') [kind, used] = [Kind.Dot, 1];
  else if (c === '_') [kind, used] = [Kind.Suffix, 1];
  else if (c === '-' && v[i + 1] === 'r') [kind, used] = [Kind.Revision, 2];
  else kind = Kind.Invalid;
  // Parts only move forward (digits, letter, suffixes, revision), except these steps back.
  const stepBack =
    (kind === Kind.Dot && prev === Kind.Digit) ||
    (kind === Kind.Suffix && prev === Kind.SuffixNo) ||
    (kind === Kind.Digit && prev === Kind.Letter);
  if (kind < prev && !stepBack) kind = Kind.Invalid;
  return [kind, used];
}

function readDigits(v: string, i: number): [bigint, number, boolean] {
  let j = i;
  while (isDigit(v[j])) j++;
  return [j === i ? 0n : BigInt(v.slice(i, j)), j, j === i];
}

/** Splits a version into tokens; the last token is End or Invalid. */
function tokenize(v: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let kind = Kind.Digit;
  for (;;) {
    if (i >= v.length) {
      // apk-tools reads a missing part as 0 before ending (so "" compares like "0").
      out.push({ kind, value: 0n, empty: true }, { kind: Kind.End, value: 0n });
      return out;
    }
    let value: bigint;
    let empty = false;
    let after = kind; // the kind the transition rules see
    const afterZeros = kind === Kind.Digit && out[out.length - 1]?.kind === Kind.Dot && (out[out.length - 1]?.value ?? 0n) < 0n;
    if (kind === Kind.Dot && v[i] === '0') {
      let j = i;
      while (v[j] === '0') j++;
      value = BigInt(i - j);
      i = j;
      out.push({ kind, value });
      if (isDigit(v[i])) {
        kind = Kind.Digit;
        continue;
      }
      after = Kind.Digit;
    } else if (kind === Kind.Dot || kind === Kind.Digit || kind === Kind.SuffixNo || kind === Kind.Revision) {
      [value, i, empty] = readDigits(v, i);
      out.push(afterZeros ? { kind, value, empty, afterZeros } : { kind, value, empty });
    } else if (kind === Kind.Letter) {
      value = BigInt(v.charCodeAt(i));
      i += 1;
      out.push({ kind, value });
    } else {
      const rest = v.slice(i);
      const pre = PRE_SUFFIXES.findIndex((s) => rest.startsWith(s));
      const post = pre >= 0 ? -1 : POST_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (pre < 0 && post < 0) {
        // apk-tools reads an unknown suffix as -1, then stops.
        out.push({ kind, value: -1n }, { kind: Kind.Invalid, value: 0n, rest });
        return out;
      }
      value = pre >= 0 ? BigInt(pre - PRE_SUFFIXES.length) : BigInt(post);
      i += pre >= 0 ? PRE_SUFFIXES[pre].length : POST_SUFFIXES[post].length;
      out.push({ kind, value });
    }
    if (i >= v.length) {
      out.push({ kind: Kind.End, value: 0n });
      return out;
    }
    const [next, used] = nextKind(after, v, i);
    if (next === Kind.Invalid) {
      out.push({ kind: Kind.Invalid, value: 0n, rest: v.slice(i) });
      return out;
    }
    i += used;
    kind = next;
  }
}

const sign = (n: number | bigint): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Orders two versions: -1 when a is older than b, 1 when newer, 0 when equal. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const ta = tokenize(a);
  const tb = tokenize(b);
  for (let i = 0; ; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x.kind !== y.kind) {
      if (x.kind === Kind.Suffix && x.value < 0n) return -1;
      if (y.kind === Kind.Suffix && y.value < 0n) return 1;
      // `1.06` against `1.0.1`: the digits after the zeros belong to this component, so they outrank the next one.
      if (x.afterZeros === true && y.kind === Kind.Dot) return 1;
      if (y.afterZeros === true && x.kind === Kind.Dot) return -1;
      return x.kind > y.kind ? -1 : 1;
    }
    if (x.kind === Kind.End) return 0;
    if (x.kind === Kind.Invalid) return sign(compareBytes(x.rest ?? '', y.rest ?? ''));
    if (x.value !== y.value) return sign(x.value - y.value);
  }
}

/**
 * The shape nearly every real version has: digits, dotted parts, at most one
 * letter, known suffixes with optional numbers, an optional `-rN`. Each such
 * string is valid by the tokenizer's rules too (version.test.ts checks the two
 * agree on every version of two real Alpine indexes), so it is accepted
 * without tokenizing: resolving reads some fifteen thousand versions of one
 * index before choosing anything, and this keeps that cheap.
 */
const COMMON_VERSION = /^\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*(?:-r\d+)?$/;

/** True when `v` is a well-formed APK version (`1.2.3a_rc1_p2-r4`). */
export function isValidVersion(v: string): boolean {
  return COMMON_VERSION.test(v) || isValidByTokens(v);
}

/** The tokenizer's verdict alone (exported for the test that pins the fast path to it). */
export function isValidByTokens(v: string): boolean {
  if (!isDigit(v[0])) return false;
  const tokens = tokenize(v);
  if (tokens[tokens.length - 1].kind !== Kind.End) return false;
  return !tokens.some((t) => t.empty && t.kind !== Kind.End && t.kind !== Kind.SuffixNo);
}

/**
 * True when `version` starts with the components of `prefix` (the `~`
 * operator): `1.2.3-r0 ~ 1.2`, not `1.20 ~ 1.2`. Missing components are
 * wildcards. Unlike apk-tools 2.12, a version shorter than the prefix does not
 * match (`1.2` is not `~1.2.3`), as apko's `includesVersion` decides.
 */
export function fuzzyMatch(version: string, prefix: string): boolean {
  const tv = tokenize(version);
  const tp = tokenize(prefix);
  for (let i = 0; ; i++) {
    const x = tv[i];
    const y = tp[i];
    if (y.kind === Kind.End) return true;
    if (x.kind !== y.kind) return false;
    if (x.kind === Kind.Invalid) return x.rest === y.rest;
    // A prefix that ends in a bare separator ("1.") leaves that part open.
    if (y.empty && tp[i + 1]?.kind === Kind.End) return true;
    if (x.value !== y.value) return false;
  }
}

/** True when `version` satisfies `op want` (e.g. `satisfies('1.2-r0', '>=', '1.1')`). */
export function satisfies(version: string, op: VersionOp | '=~', want: string): boolean {
  switch (op) {
    case '=':
      return compareVersions(version, want) === 0;
    case '<':
      return compareVersions(version, want) < 0;
    case '<=':
      return compareVersions(version, want) <= 0;
    case '>':
      return compareVersions(version, want) > 0;
    case '>=':
      return compareVersions(version, want) >= 0;
    case '~':
    case '=~':
      return fuzzyMatch(version, want);
  }
}
