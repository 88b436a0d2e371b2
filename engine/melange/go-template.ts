/**
 * The part of Go's text/template that `melange query` users write: text,
 * `{{ pipeline }}` with `{{-`/`-}}` trimming and `{{/* comments *\/}}`,
 * field chains (`.Package.Name`, `$`, `$x.Name`), string, number and bool
 * literals, `( … )`, `|` pipes, `if`/`else if`/`else`, `range` (with
 * `$i, $v :=` and `else`), `with`, `$x :=`, and the functions len, index,
 * printf, print, println, eq, ne, lt, le, gt, ge, not, and, or.
 * Values print as Go's fmt %v prints them: slices `[a b]`, maps
 * `map[k:v]` in key order, structs `{v1 v2}`, nil `<nil>`.
 * Structs are `GoStruct`s (Go field names, in declaration order); maps are
 * `Map`s. A field a struct lacks is an error naming the field and type, as
 * in Go; a key a map lacks prints `<no value>`.
 */
import { TemplateError } from './go-template-error';
import { parseTemplate, type Node, type Pipe, type Operand } from './go-template-parse';
import { compareBytes } from '../order';

export { TemplateError };

/** A Go struct value: its type name (for messages) and fields in declaration order. */
export class GoStruct {
  constructor(
    readonly type: string,
    readonly fields: ReadonlyMap<string, unknown>,
  ) {}
}

const NO_VALUE = Symbol('no value');

/** Go's fmt %v. */
export function formatValue(v: unknown): string {
  if (v === NO_VALUE) return '<no value>';
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof Map) return `map[${[...v.keys()].sort(compareBytes).map((k) => `${k}:${formatValue(v.get(k))}`).join(' ')}]`;
  if (v instanceof GoStruct) return `{${[...v.fields.values()].map(formatValue).join(' ')}}`;
  return String(v);
}

function truth(v: unknown): boolean {
  if (v === null || v === undefined || v === NO_VALUE || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

function field(v: unknown, name: string): unknown {
  if (v instanceof GoStruct) {
    if (!v.fields.has(name)) throw new TemplateError(`template: query: can't evaluate field ${name} in type ${v.type}`);
    return v.fields.get(name);
  }
  if (v instanceof Map) return v.has(name) ? v.get(name) : NO_VALUE;
  if (v === null || v === undefined) return NO_VALUE;
  throw new TemplateError(`template: query: can't evaluate field ${name} in type ${typeof v}`);
}

function printf(format: string, ...args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-0]?)(\d*)([sdvqt%])/g, (_, flag: string, width: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[n++];
    const s = verb === 'q' ? JSON.stringify(formatValue(a)) : formatValue(a);
    const w = Number(width || 0);
    if (s.length >= w) return s;
    return flag === '-' ? s.padEnd(w) : s.padStart(w, flag === '0' ? '0' : ' ');
  });
}

const cmp = (f: (a: number | string, b: number | string) => boolean) => (a: unknown, b: unknown) => f(a as number | string, b as number | string);

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v instanceof Map ? v.size : (() => { throw new TemplateError(`template: query: len of ${formatValue(v)}`); })()),
  index: (v, ...keys) => keys.reduce((acc, k) => (Array.isArray(acc) ? acc[k as number] ?? NO_VALUE : acc instanceof Map ? (acc.has(k) ? acc.get(k) : NO_VALUE) : NO_VALUE), v),
  printf: (f, ...a) => printf(String(f), ...a),
  print: (...a) => a.map(formatValue).join(''),
  println: (...a) => `${a.map(formatValue).join(' ')}\n`,
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: cmp((a, b) => a < b),
  le: cmp((a, b) => a <= b),
  gt: cmp((a, b) => a > b),
  ge: cmp((a, b) => a >= b),
  not: (a) => !truth(a),
  and: (...a) => a.find((x) => !truth(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truth(x)) ?? a[a.length - 1],
};

interface Scope {
  dot: unknown;
  vars: Map<string, unknown>;
}

function evalOperand(o: Operand, s: Scope): unknown {
  if (o.kind === 'lit') return o.value;
  if (o.kind === 'sub') return o.chain.reduce(field, evalPipe(o.pipe, s));
  if (o.kind === 'fn') return FUNCS[o.name]!();
  let v: unknown;
  if (o.base === '.') v = s.dot;
  else if (s.vars.has(o.base)) v = s.vars.get(o.base);
  else throw new TemplateError(`template: query: undefined variable "${o.base}"`);
  return o.chain.reduce(field, v);
}

function evalPipe(p: Pipe, s: Scope): unknown {
  let prev: unknown = NO_VALUE;
  p.cmds.forEach((cmd, i) => {
    const [head, ...rest] = cmd;
    const args = rest.map((o) => evalOperand(o, s));
    if (i > 0) args.push(prev);
    if (head!.kind === 'fn') prev = FUNCS[head!.name]!(...args);
    else if (args.length > 0) throw new TemplateError('template: query: can\'t give argument to non-function');
    else prev = evalOperand(head!, s);
  });
  if (p.decl.length > 0) s.vars.set(p.decl[0]!, prev);
  return prev;
}

function run(nodes: readonly Node[], s: Scope, out: string[]): void {
  for (const n of nodes) {
    if (n.kind === 'text') out.push(n.text);
    else if (n.kind === 'action') {
      const v = evalPipe(n.pipe, s);
      if (n.pipe.decl.length === 0) out.push(formatValue(v));
    } else if (n.kind === 'if') run(truth(evalPipe(n.pipe, s)) ? n.then : n.else, s, out);
    else if (n.kind === 'with') {
      const v = evalPipe(n.pipe, s);
      if (truth(v)) run(n.then, { dot: v, vars: s.vars }, out);
      else run(n.else, s, out);
    } else if (n.kind === 'range') {
      const v = evalPipe(n.pipe, s);
      const items: [unknown, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : v instanceof Map ? [...v.keys()].sort(compareBytes).map((k) => [k, v.get(k)]) : [];
      if (items.length === 0) run(n.else, s, out);
      for (const [k, x] of items) {
        const vars = new Map(s.vars);
        if (n.vars.length === 1) vars.set(n.vars[0]!, x);
        if (n.vars.length === 2) vars.set(n.vars[0]!, k).set(n.vars[1]!, x);
        run(n.then, { dot: x, vars }, out);
      }
    }
  }
}

/** Executes `template` over `data`; the result has no newline added. */
export function executeTemplate(template: string, data: unknown): string {
  const out: string[] = [];
  run(parseTemplate(template, new Set(Object.keys(FUNCS))), { dot: data, vars: new Map([['$', data]]) }, out);
  return out.join('');
}
