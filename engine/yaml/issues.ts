/**
 * zod issues → ConfigErrors that name the file, the YAML path, the line and
 * column, what was expected and what was found:
 * `apko.yaml:12:5: contents.packags: unknown key "packags" (expected one of: …)`.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { describeValue as describe } from './scalar';
import { redactText } from '../redact';
import { formatPath, type PathSegment, type YamlTree } from './tree';

/** One problem found in a file, already located. */
export interface Located {
  readonly path: PathSegment[];
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  readonly hint?: string;
}

/** The value at `path` in a plain tree, or undefined. */
function valueAt(tree: unknown, path: readonly PathSegment[]): unknown {
  let v = tree;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Unwraps pipes, optionals and checks to reach the object/array/record underneath. */
function core(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema as { _zod?: { def: Record<string, unknown> } } | undefined;
  for (let i = 0; i < 10 && s?._zod !== undefined; i++) {
    const def = s._zod.def;
    if (def.type === 'pipe') s = def.out as typeof s;
    else if (def.type === 'optional') s = def.innerType as typeof s;
    else break;
  }
  return s as z.ZodType | undefined;
}

/** The keys a strict object at `path` accepts, in schema order. */
export function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let s = core(schema);
  for (const seg of path) {
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } } | undefined)?._zod.def;
    if (def === undefined) return [];
    if (def.type === 'object') s = core((def.shape as Record<string, z.ZodType>)[String(seg)]);
    else if (def.type === 'array') s = core(def.element as z.ZodType);
    else if (def.type === 'record') s = core(def.valueType as z.ZodType);
    else return [];
  }
  const def = (s as unknown as { _zod: { def: Record<string, unknown> } } | undefined)?._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'an integer',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** The closest accepted key when it is a likely typo. */
function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestCost = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const cost = editDistance(key.toLowerCase(), k);
    if (cost < bestCost) [best, bestCost] = [k, cost];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function locateIssues(issues: readonly z.core.$ZodIssue[], tree: YamlTree, schema: z.ZodType): Located[] {
  const out: Located[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    // A whole document that is not a mapping may be any file an include named (/etc/passwd,
    // /proc/self/environ): say what kind of value it is, never what it says.
    const found = valueAt(tree.value, path);
    const describeValue = (v: unknown) => describe(v, { content: path.length > 0 });
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, path);
      for (const key of issue.keys) {
        const at = tree.locate([...path, key], 'key');
        const near = suggest(key, known);
        out.push({
          path: [...path, key],
          ...at,
          detail: `unknown key "${key}" (expected one of: ${known.join(', ')})`,
          hint: near !== undefined ? `did you mean "${near}"?` : 'apko refuses keys it does not know; check the spelling and the nesting',
        });
      }
      continue;
    }
    const at = tree.locate(path);
    let detail: string;
    let hint: string | undefined;
    if (issue.code === 'invalid_type') {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      detail = `expected ${expected}, got ${describeValue(found)}`;
      hint = `write ${expected} here${expected === 'a string' ? ' (quote a value that YAML would read as a list, mapping or number)' : ''}`;
    } else if (issue.code === 'invalid_value') {
      detail = `expected one of: ${issue.values.map(String).join(', ')}; got ${describeValue(found)}`;
      hint = `use one of: ${issue.values.map(String).join(', ')}`;
    } else if (path[path.length - 1] === 'permissions' && (issue.code === 'too_small' || issue.code === 'too_big')) {
      detail = `expected an octal mode from 0 to 0o7777, got ${describeValue(found)}`;
      hint = 'write the mode in octal, e.g. 0o755';
    } else if (issue.code === 'too_small') {
      detail = `expected a non-negative integer, got ${describeValue(found)}`;
      hint = 'write a whole number of 0 or more';
    } else if (issue.code === 'too_big') {
      detail = `expected an integer up to ${String(issue.maximum)}, got ${describeValue(found)}`;
      hint = `write a whole number no larger than ${String(issue.maximum)}`;
    } else {
      detail = issue.message;
      hint = (issue as { params?: { hint?: string } }).params?.hint ?? 'fix the value at that position';
    }
    out.push({ path, ...at, detail, hint });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** A ConfigError for a problem at a known position. */
export function locatedError(file: string, l: Located): ConfigError {
  const where = l.path.length > 0 ? `${formatPath(l.path)}: ` : '';
  // Details quote config values, which may be URLs with credentials in them.
  return new ConfigError(`${file}:${l.line}:${l.column}: ${where}${redactText(l.detail)}`, {
    file,
    path: formatPath(l.path),
    line: l.line,
    column: l.column,
    hint: l.hint,
  });
}

/** One ConfigError for every issue zod found: the first in the file is the message, the rest are causes. */
export function issuesToError(file: string, issues: readonly z.core.$ZodIssue[], tree: YamlTree, schema: z.ZodType): ConfigError {
  const [first, ...rest] = locateIssues(issues, tree, schema).map((l) => locatedError(file, l));
  if (rest.length === 0) return first!;
  return new ConfigError(`${first!.message} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})`, {
    file,
    path: first!.path,
    line: first!.line,
    column: first!.column,
    hint: first!.hint,
    cause: new AggregateError(rest, `${rest.length} more problem${rest.length > 1 ? 's' : ''} in ${file}`),
  });
}
