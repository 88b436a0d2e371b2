/**
 * YAML text → a plain value tree plus the line and column of every key and
 * value in it, so a later check can point at `apko.yaml:12:5`. Plain scalars
 * are resolved with go-yaml v3's rules (scalar.ts); aliases and `<<` merge
 * keys are expanded as go-yaml does; syntax errors become ConfigErrors.
 */
import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors';
import { PlainScalar, resolvePlain } from './scalar';

/** One segment of a path into the tree: a mapping key or a list index. */
export type PathSegment = string | number;

/** A 1-based source position. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed YAML file: its value and a way to find where any part of it was written. */
export interface YamlTree {
  readonly value: unknown;
  /** Where the value at `path` (or its key, with `at: 'key'`) starts; the nearest written ancestor when absent. */
  locate(path: readonly PathSegment[], at?: 'key' | 'value'): Position;
}

/** Aliases can multiply a document; past this many nodes (far beyond any real config) the file is refused. */
const MAX_NODES = 100_000;

/** `contents.packages[2]`; keys that are not simple words are quoted: `annotations["org.x"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Parses one YAML document; `file` is the name used in error messages. */
export function parseYamlTree(text: string, file: string): YamlTree {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: false });
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const err = doc.errors[0];
  if (err !== undefined) {
    const at = pos(err.pos[0]);
    throw new ConfigError(`${file}:${at.line}:${at.column}: invalid YAML: ${err.message}`, {
      file,
      line: at.line,
      column: at.column,
      hint: 'fix the YAML syntax at that position',
    });
  }
  if (doc.contents === null) {
    throw new ConfigError(`${file}:1:1: the file has no YAML document (expected a mapping of apko keys)`, {
      file,
      line: 1,
      column: 1,
      hint: 'an apko config needs at least `contents:`',
    });
  }
  const values = new Map<string, number>();
  const keys = new Map<string, number>();
  const value = new TreeBuilder(doc, file, pos, values, keys).walk(doc.contents, [], 0);
  return {
    value,
    locate(path, at = 'value') {
      if (at === 'key') {
        const k = keys.get(formatPath(path));
        if (k !== undefined) return pos(k);
      }
      for (let n = path.length; n >= 0; n--) {
        const v = values.get(formatPath(path.slice(0, n)));
        if (v !== undefined) return pos(v);
      }
      return { line: 1, column: 1 };
    },
  };
}

class TreeBuilder {
  private count = 0;
  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly pos: (offset: number) => Position,
    private readonly values: Map<string, number>,
    private readonly keys: Map<string, number>,
  ) {}

  walk(node: unknown, path: PathSegment[], offset: number, depth = 0): unknown {
    if (++this.count > MAX_NODES || depth > 200) this.fail(offset, `the document is too large or nests too deeply (more than ${MAX_NODES} values or 200 levels once aliases are expanded)`, 'an apko config is a few hundred values; remove the aliases that repeat each other');
    const start = (node as Node | null)?.range?.[0] ?? offset;
    this.values.set(formatPath(path), start);
    if (node === null || node === undefined) return new PlainScalar(null, '');
    if (isAlias(node)) return this.walk((node as Alias).resolve(this.doc), path, start, depth + 1);
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) return node.items.map((item, i) => this.walk(item, [...path, i], start, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyAt = keyNode?.range?.[0] ?? start;
        if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.source === '<<') {
          merges.push(pair.value);
          continue;
        }
        const key = this.keyText(keyNode, keyAt);
        // go-yaml refuses a key given twice in one mapping (as does apko); say which, and where it was first.
        const first = this.keys.get(formatPath([...path, key]));
        if (Object.prototype.hasOwnProperty.call(out, key)) {
          const at = first === undefined ? '' : ` (first at line ${this.pos(first).line}, column ${this.pos(first).column})`;
          this.fail(keyAt, `${formatPath([...path, key])}: the key "${key}" is given twice in one mapping${at}`, 'keep one of the two entries');
        }
        this.keys.set(formatPath([...path, key]), keyAt);
        const valueAt = (pair.value as Node | null)?.range?.[0] ?? keyNode?.range?.[1] ?? keyAt;
        define(out, key, this.walk(pair.value, [...path, key], valueAt, depth + 1));
      }
      for (const m of merges) this.mergeInto(out, m, path, start, depth);
      return out;
    }
    return this.fail(start, 'unsupported YAML node');
  }

  /** YAML `<<` merge: keys of the merged mapping(s) that the mapping does not set itself. */
  private mergeInto(out: Record<string, unknown>, source: unknown, path: PathSegment[], at: number, depth: number): void {
    const target = isAlias(source) ? (source as Alias).resolve(this.doc) : source;
    const list = isSeq(target) ? target.items.map((i) => (isAlias(i) ? (i as Alias).resolve(this.doc) : i)) : [target];
    for (const m of list) {
      if (!isMap(m)) this.fail(at, 'a `<<` merge key needs a mapping or a list of mappings');
      const merged = this.walk(m, path, at, depth + 1) as Record<string, unknown>;
      for (const k of Object.keys(merged)) if (!Object.prototype.hasOwnProperty.call(out, k)) define(out, k, merged[k]);
    }
    this.values.set(formatPath(path), at);
  }

  private scalar(node: Scalar): unknown {
    const src = node.source;
    if (node.type === Scalar.PLAIN && node.tag === undefined && typeof src === 'string' && !src.includes('\n')) {
      return resolvePlain(src);
    }
    if (typeof node.value === 'string') return node.value;
    const v = node.value;
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return new PlainScalar(v, String(src ?? v));
    return String(v);
  }

  /** Go decodes every key of our mappings into a string field, so a scalar key keeps its text. */
  private keyText(node: Node | null, at: number): string {
    if (node === null) return '';
    if (!isScalar(node)) return this.fail(at, 'mapping keys must be scalars');
    if (node.type === Scalar.PLAIN && typeof node.source === 'string') return NULL_KEYS.has(node.source) ? '' : node.source;
    return String(node.value ?? '');
  }

  private fail(offset: number, message: string, hint = 'write the config as a plain mapping of apko keys'): never {
    const at = this.pos(offset);
    throw new ConfigError(`${this.file}:${at.line}:${at.column}: ${message}`, { file: this.file, line: at.line, column: at.column, hint });
  }
}

const NULL_KEYS = new Set(['~', 'null', 'Null', 'NULL']);

/** Sets a key without letting `__proto__` touch the prototype. */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
