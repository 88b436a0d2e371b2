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
import { ConfigError } from '../errors';
import { compareBytes } from '../order';

/** A Go struct value: its type name (for messages) and fields in declaration order. */
export class GoStruct {
  constructor(
    readonly type: string,
    readonly fields: ReadonlyMap<string, unknown>,
  ) {}
}

/** A template that cannot be parsed or executed. */
export class TemplateError extends ConfigError {
  constructor(message: string) {
    super(message, { hint: 'write a Go template such as {{ .Package.Name }}-{{ .Package.Version }} (fields: apko-nx melange query --help)' });
  }
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if' | 'with'; pipe: Pipe; then: Node[]; else: Node[] }
  | { kind: 'range'; pipe: Pipe; vars: string[]; then: Node[]; else: Node[] };

interface Pipe {
  decl: string[];
  cmds: Operand[][];
}

type Operand =
  | { kind: 'field'; base: string; chain: string[] }
  | { kind: 'lit'; value: unknown }
  | { kind: 'fn'; name: string }
  | { kind: 'sub'; pipe: Pipe; chain: string[] };

/** Splits the template into text and action strings, applying trim markers. */
function lex(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    out.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError(`template: query: unclosed action (an {{ at offset ${open} has no }})`);
    let body = src.slice(start, close);
    i = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(i))!;
      i += m[0].length;
    }
    out.push({ action: body.trim() });
  }
  return out;
}

/** Tokenizes one action's body. */
function tokens(body: string): string[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|\||\(|\)|,|[^\s|(),]+)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null && m[1] !== undefined) out.push(m[1]);
  return out;
}

function parseChain(tok: string): { base: string; chain: string[] } {
  if (tok === '.') return { base: '.', chain: [] };
  if (tok.startsWith('.')) return { base: '.', chain: tok.slice(1).split('.') };
  const [base, ...chain] = tok.split('.');
  return { base: base!, chain };
}

function parsePipe(toks: string[], pos: { i: number }, stopAtParen: boolean): Pipe {
  const decl: string[] = [];
  const j = toks.indexOf(':=', pos.i);
  if (j > pos.i && toks.slice(pos.i, j).every((t) => t === ',' || t.startsWith('$'))) {
    decl.push(...toks.slice(pos.i, j).filter((t) => t !== ','));
    pos.i = j + 1;
  }
  const cmds: Operand[][] = [[]];
  while (pos.i < toks.length) {
    const t = toks[pos.i++]!;
    if (t === ')') {
      if (stopAtParen) return { decl, cmds };
      throw new TemplateError('template: query: unexpected ")"');
    }
    if (t === '|') {
      cmds.push([]);
      continue;
    }
    const cmd = cmds[cmds.length - 1]!;
    if (t === '(') {
      const pipe = parsePipe(toks, pos, true);
      const next = toks[pos.i];
      const chain = next !== undefined && /^\.[A-Za-z_]/.test(next) ? (pos.i++, next.slice(1).split('.')) : [];
      cmd.push({ kind: 'sub', pipe, chain });
    } else if (t.startsWith('"')) cmd.push({ kind: 'lit', value: JSON.parse(t) as string });
    else if (t.startsWith('`')) cmd.push({ kind: 'lit', value: t.slice(1, -1) });
    else if (/^-?\d+(\.\d+)?$/.test(t)) cmd.push({ kind: 'lit', value: Number(t) });
    else if (t === 'true' || t === 'false') cmd.push({ kind: 'lit', value: t === 'true' });
    else if (t === 'nil') cmd.push({ kind: 'lit', value: null });
    else if (t.startsWith('.') || t.startsWith('$')) cmd.push({ kind: 'field', ...parseChain(t) });
    else if (FUNCS[t] !== undefined) cmd.push({ kind: 'fn', name: t });
    else throw new TemplateError(`template: query: function "${t}" not defined`);
  }
  if (stopAtParen) throw new TemplateError('template: query: unclosed "("');
  if (cmds.some((c) => c.length === 0)) throw new TemplateError('template: query: missing value for command');
  return { decl, cmds };
}

function parse(src: string): Node[] {
  const items = lex(src);
  let k = 0;
  const block = (): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (k < items.length) {
      const it = items[k++]!;
      if ('text' in it) {
        if (it.text !== '') nodes.push({ kind: 'text', text: it.text });
        continue;
      }
      const a = it.action;
      if (a.startsWith('/*')) continue;
      const [word] = a.split(/\s+/, 1);
      if (word === 'end' || word === 'else') return { nodes, end: a };
      if (word === 'if' || word === 'with' || word === 'range') nodes.push(control(word, a.slice(word.length)));
      else nodes.push({ kind: 'action', pipe: parsePipe(tokens(a), { i: 0 }, false) });
    }
    return { nodes, end: '' };
  };
  const control = (word: 'if' | 'with' | 'range', rest: string): Node => {
    const pipe = parsePipe(tokens(rest), { i: 0 }, false);
    const body = block();
    let elseNodes: Node[] = [];
    if (body.end.startsWith('else')) {
      const tail = body.end.slice(4).trim();
      if (tail.startsWith('if ')) elseNodes = [control('if', tail.slice(2))];
      else {
        const e = block();
        if (e.end !== 'end') throw new TemplateError(`template: query: unexpected EOF (an {{${word}}} has no {{end}})`);
        elseNodes = e.nodes;
      }
    } else if (body.end !== 'end') throw new TemplateError(`template: query: unexpected EOF (an {{${word}}} has no {{end}})`);
    if (word === 'range') return { kind: 'range', pipe: { decl: [], cmds: pipe.cmds }, vars: pipe.decl, then: body.nodes, else: elseNodes };
    return { kind: word, pipe, then: body.nodes, else: elseNodes };
  };
  const top = block();
  if (top.end !== '') throw new TemplateError(`template: query: unexpected {{${top.end}}}`);
  return top.nodes;
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
  run(parse(template), { dot: data, vars: new Map([['$', data]]) }, out);
  return out.join('');
}
