/**
 * Parses the Go text/template subset of go-template.ts: the text is split
 * into text and `{{ }}` actions (trim markers applied, comments dropped),
 * actions into pipelines of commands, and `if`/`with`/`range` blocks into
 * a tree. Function names are checked against the ones the executor has.
 */
import { TemplateError } from './go-template-error';

/** A parsed template node. */
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if' | 'with'; pipe: Pipe; then: Node[]; else: Node[] }
  | { kind: 'range'; pipe: Pipe; vars: string[]; then: Node[]; else: Node[] };

/** A pipeline: optional variable declarations, then commands joined by `|`. */
export interface Pipe {
  decl: string[];
  cmds: Operand[][];
}

/** One operand of a command. */
export type Operand =
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

function parsePipe(toks: string[], pos: { i: number }, stopAtParen: boolean, funcs: ReadonlySet<string>): Pipe {
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
      const pipe = parsePipe(toks, pos, true, funcs);
      const next = toks[pos.i];
      const chain = next !== undefined && /^\.[A-Za-z_]/.test(next) ? (pos.i++, next.slice(1).split('.')) : [];
      cmd.push({ kind: 'sub', pipe, chain });
    } else if (t.startsWith('"')) cmd.push({ kind: 'lit', value: JSON.parse(t) as string });
    else if (t.startsWith('`')) cmd.push({ kind: 'lit', value: t.slice(1, -1) });
    else if (/^-?\d+(\.\d+)?$/.test(t)) cmd.push({ kind: 'lit', value: Number(t) });
    else if (t === 'true' || t === 'false') cmd.push({ kind: 'lit', value: t === 'true' });
    else if (t === 'nil') cmd.push({ kind: 'lit', value: null });
    else if (t.startsWith('.') || t.startsWith('$')) cmd.push({ kind: 'field', ...parseChain(t) });
    else if (funcs.has(t)) cmd.push({ kind: 'fn', name: t });
    else throw new TemplateError(`template: query: function "${t}" not defined`);
  }
  if (stopAtParen) throw new TemplateError('template: query: unclosed "("');
  if (cmds.some((c) => c.length === 0)) throw new TemplateError('template: query: missing value for command');
  return { decl, cmds };
}

/** Parses `src`; `funcs` are the function names the executor knows. */
export function parseTemplate(src: string, funcs: ReadonlySet<string>): Node[] {
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
      else nodes.push({ kind: 'action', pipe: parsePipe(tokens(a), { i: 0 }, false, funcs) });
    }
    return { nodes, end: '' };
  };
  const control = (word: 'if' | 'with' | 'range', rest: string): Node => {
    const pipe = parsePipe(tokens(rest), { i: 0 }, false, funcs);
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
