/**
 * Plain (unquoted) YAML scalars resolved the way apko's decoder, go-yaml v3,
 * resolves them. It differs from the YAML 1.2 core schema that the `yaml`
 * package implements: `0755` is octal 493 (go-yaml hands the text to Go's
 * `strconv.ParseInt(s, 0, 64)`), `0o755` and `0x1ed` are 493 too,
 * underscores are dropped before parsing, and `yes`/`no`/`on`/`off` are strings.
 */

/** A plain scalar that did not resolve to a string. `source` is its text, which a Go `string` field receives. */
export class PlainScalar {
  constructor(
    /** What go-yaml resolves the text to. */
    readonly value: null | boolean | number,
    /** The scalar exactly as written. */
    readonly source: string,
  ) {}
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
/** go-yaml's `yamlStyleFloat`. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's `strconv.ParseInt(s, 0, 64)` syntax: sign, then 0x/0b/0o prefixes, a leading 0 for octal, or decimal. */
const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Parses an integer as Go's ParseInt/ParseUint with base 0 would; undefined when Go would fail. */
function goParseInt(text: string): number | undefined {
  const m = GO_INT.exec(text);
  if (m === null) return undefined;
  const [, sign, body] = m as unknown as [string, string, string];
  // A leading 0 followed by digits is octal in Go; BigInt wants the 0o prefix.
  const literal = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.toLowerCase();
  let v = BigInt(literal);
  if (sign === '-') v = -v;
  const limit = sign === '' ? UINT64_MAX : INT64_MAX + (sign === '-' ? 1n : 0n);
  if ((v < 0n ? -v : v) > limit) return undefined;
  return Number(v);
}

/** Resolves a plain scalar's text: a string, or a PlainScalar for null, booleans and numbers. */
export function resolvePlain(text: string): string | PlainScalar {
  if (NULLS.has(text)) return new PlainScalar(null, text);
  if (TRUES.has(text)) return new PlainScalar(true, text);
  if (FALSES.has(text)) return new PlainScalar(false, text);
  if (text in SPECIAL_FLOATS) return new PlainScalar(SPECIAL_FLOATS[text]!, text);
  const first = text[0]!;
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? new PlainScalar(Number(text), text) : text;
  }
  if (!/[0-9+-]/.test(first)) return text;
  const plain = text.replace(/_/g, '');
  const int = goParseInt(plain);
  if (int !== undefined) return new PlainScalar(int, text);
  if (YAML_FLOAT.test(plain)) return new PlainScalar(Number(plain), text);
  return text;
}

/** How a value from the YAML tree reads in an error message ("a string", "an integer 5", …). */
export function describeValue(v: unknown, opts: { content?: boolean } = {}): string {
  if (v instanceof PlainScalar) {
    if (v.value === null) return 'null';
    if (typeof v.value === 'boolean') return `a boolean ${v.source}`;
    return Number.isInteger(v.value) ? `an integer ${v.source}` : `a number ${v.source}`;
  }
  if (typeof v === 'string') return opts.content === false ? 'a string' : `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (Array.isArray(v)) return 'a list';
  if (v === undefined) return 'nothing';
  return 'a mapping';
}
