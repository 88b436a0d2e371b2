/**
 * The one JSON serializer for everything the engine writes as OCI JSON, so
 * bytes match go-containerregistry/apko (Go encoding/json):
 * - a plain object is a Go struct: keys in insertion order, `undefined`
 *   values left out (the caller applies `omitempty`);
 * - a `Map` is a Go map: keys sorted by raw UTF-8 bytes;
 * - strings escaped as Go does with HTML escaping on: `<`, `>`, `&`, U+2028
 *   and U+2029 as `\u…`, `\b \f \n \r \t` short forms (Go ≥ 1.22), other
 *   control characters as `\u00xx`, lone surrogates as `\ufffd`;
 * - compact by default; `indent` gives Go's MarshalIndent layout.
 */
import { compareBytes } from './order';

/** A value the serializer accepts. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | ReadonlyMap<string, JsonValue>
  | { readonly [key: string]: JsonValue | undefined };

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A JSON string literal, escaped as Go's encoding/json writes it. */
export function quote(s: string): string {
  // Lone surrogates are matched first so they never reach the escape table.
  return `"${s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|["\\\u0000-\u001f<>&\u2028\u2029]/g, (c) => {
    if (c.length === 1 && c >= '\ud800' && c <= '\udfff') return '\\ufffd';
    return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}


// Integer-like keys are reordered by JS objects, so a "struct" must not use one.
const INTEGER_KEY = /^(0|[1-9]\d*)$/;

function encode(v: JsonValue, indent: string, depth: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`JSON numbers must be safe integers here, got ${v}`);
    return String(v);
  }
  if (typeof v === 'string') return quote(v);
  let pairs: Array<[string | undefined, JsonValue]>;
  let open: string;
  let close: string;
  if (Array.isArray(v)) {
    pairs = (v as readonly JsonValue[]).map((x) => [undefined, x]);
    [open, close] = ['[', ']'];
  } else if (v instanceof Map) {
    pairs = [...(v as ReadonlyMap<string, JsonValue>).keys()].sort(compareBytes).map((k) => [k, v.get(k)!]);
    [open, close] = ['{', '}'];
  } else {
    const obj = v as { readonly [key: string]: JsonValue | undefined };
    pairs = [];
    for (const k of Object.keys(obj)) {
      if (INTEGER_KEY.test(k)) throw new TypeError(`struct key "${k}" would be reordered; use a Map`);
      if (obj[k] !== undefined) pairs.push([k, obj[k]!]);
    }
    [open, close] = ['{', '}'];
  }
  if (pairs.length === 0) return open + close;
  const sep = indent === '' ? ':' : ': ';
  const items = pairs.map(([k, x]) => (k === undefined ? '' : quote(k) + sep) + encode(x, indent, depth + 1));
  if (indent === '') return open + items.join(',') + close;
  const inner = '\n' + indent.repeat(depth + 1);
  return open + inner + items.join(',' + inner) + '\n' + indent.repeat(depth) + close;
}

/** Serializes `value` the way Go's json.Marshal (or MarshalIndent with `indent`) would. */
export function encodeJson(value: JsonValue, opts: { indent?: string } = {}): string {
  return encode(value, opts.indent ?? '', 0);
}

/** `encodeJson` as UTF-8 bytes, ready to hash and write. */
export function jsonBytes(value: JsonValue, opts: { indent?: string } = {}): Buffer {
  return Buffer.from(encodeJson(value, opts), 'utf8');
}
