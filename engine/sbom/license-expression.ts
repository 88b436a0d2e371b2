/**
 * SPDX license expression syntax (SPDX 2.3 annex D): leaves joined by AND and
 * OR, WITH binding tightest, parentheses for grouping. This file knows only
 * the grammar; which identifiers exist is license.ts's business.
 */

/** One simple expression: a license (optionally `+`) with an optional exception. */
export interface LicenseLeaf {
  readonly kind: 'leaf';
  /** As written, without the `+`. */
  readonly license: string;
  readonly plus: boolean;
  readonly exception?: string;
}

/** A parsed expression. Groups are kept so rendering preserves the author's parentheses. */
export type LicenseNode =
  | LicenseLeaf
  | { readonly kind: 'and' | 'or'; readonly items: readonly LicenseNode[] }
  | { readonly kind: 'group'; readonly inner: LicenseNode };

const WORD = /^[A-Za-z0-9.\-:]+\+?$/;
const LICENSE_WORD = /^(?:[A-Za-z0-9.-]+\+?|(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+)$/;
const EXCEPTION_WORD = /^[A-Za-z0-9.-]+$/;

type Token = { op: 'AND' | 'OR' | 'WITH' | '(' | ')' } | { word: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (const piece of text.split(/([()])|\s+/)) {
    if (piece === undefined || piece === '') continue;
    if (piece === '(' || piece === ')') tokens.push({ op: piece });
    // Operators are matched regardless of case: "MIT and BSD-3-Clause" has one reading, and APK L: fields use it.
    else if (/^(and|or|with)$/i.test(piece)) tokens.push({ op: piece.toUpperCase() as 'AND' | 'OR' | 'WITH' });
    else if (WORD.test(piece)) tokens.push({ word: piece });
    else return undefined;
  }
  return tokens;
}

/** Parses an expression; undefined when it is not SPDX expression syntax. */
export function parseLicenseExpression(text: string): LicenseNode | undefined {
  const lexed = tokenize(text);
  if (lexed === undefined || lexed.length === 0) return undefined;
  const tokens: readonly Token[] = lexed;
  let pos = 0;
  const isOp = (op: string): boolean => {
    const t = tokens[pos];
    return t !== undefined && 'op' in t && t.op === op;
  };

  function list(kind: 'and' | 'or', op: string, item: () => LicenseNode | undefined): LicenseNode | undefined {
    const first = item();
    if (first === undefined) return undefined;
    const items = [first];
    while (isOp(op)) {
      pos++;
      const next = item();
      if (next === undefined) return undefined;
      items.push(next);
    }
    return items.length === 1 ? first : { kind, items };
  }
  const expr = (): LicenseNode | undefined => list('or', 'OR', () => list('and', 'AND', term));

  function term(): LicenseNode | undefined {
    if (isOp('(')) {
      pos++;
      const inner = expr();
      if (inner === undefined || !isOp(')')) return undefined;
      pos++;
      return { kind: 'group', inner };
    }
    const t = tokens[pos];
    if (t === undefined || !('word' in t) || !LICENSE_WORD.test(t.word)) return undefined;
    pos++;
    const plus = t.word.endsWith('+');
    const license = plus ? t.word.slice(0, -1) : t.word;
    if (!isOp('WITH')) return { kind: 'leaf', license, plus };
    pos++;
    const e = tokens[pos];
    if (e === undefined || !('word' in e) || !EXCEPTION_WORD.test(e.word)) return undefined;
    pos++;
    return { kind: 'leaf', license, plus, exception: e.word };
  }

  const node = expr();
  return node !== undefined && pos === tokens.length ? node : undefined;
}

/** The text of a leaf in canonical spacing. */
export function leafText(leaf: LicenseLeaf): string {
  return `${leaf.license}${leaf.plus ? '+' : ''}${leaf.exception === undefined ? '' : ` WITH ${leaf.exception}`}`;
}

/** Renders an expression with single spaces and upper-case operators, each leaf passed through `leaf`. */
export function renderLicense(node: LicenseNode, leaf: (l: LicenseLeaf) => string = leafText): string {
  switch (node.kind) {
    case 'leaf':
      return leaf(node);
    case 'group':
      return `(${renderLicense(node.inner, leaf)})`;
    default:
      return node.items.map((n) => renderLicense(n, leaf)).join(node.kind === 'and' ? ' AND ' : ' OR ');
  }
}
