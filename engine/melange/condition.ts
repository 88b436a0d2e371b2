/**
 * The `if:` condition language, the subset melange's `pkg/cond` evaluates.
 * After substitution (values quoted), an expression compares string literals
 * with `==` / `!=`, combines comparisons with `&&` and `||` (`&&` binds
 * tighter) and groups them with parentheses:
 *
 *   ${{build.arch}} == 'x86_64' && (${{vars.flavor}} != 'slim' || 'a' == 'a')
 *
 * Anything else (bare words, `!`, numbers) is a ConfigError naming the step.
 */
import { ConfigError } from '../errors';

type Token = { kind: 'str'; value: string } | { kind: 'op'; value: '==' | '!=' | '&&' | '||' | '(' | ')' };

function tokenize(expr: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) fail(`unterminated string starting at column ${i + 1}`);
      tokens.push({ kind: 'str', value: expr.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'op', value: c });
      i++;
    } else {
      const two = expr.slice(i, i + 2);
      if (two !== '==' && two !== '!=' && two !== '&&' && two !== '||') {
        fail(`unexpected "${expr.slice(i).split(/\s/)[0]}" at column ${i + 1} (values must be quoted strings or \${{…}} substitutions)`);
      }
      tokens.push({ kind: 'op', value: two });
      i += 2;
    }
  }
  return tokens;
}

/** Evaluates a substituted condition; `where` names the step or subpackage in errors. */
export function evaluateCondition(expr: string, where: { file: string; path: string }): boolean {
  const fail = (why: string): never => {
    throw new ConfigError(`${where.file}: ${where.path}: cannot evaluate "${expr}": ${why}`, {
      file: where.file,
      path: where.path,
      hint: "write comparisons such as ${{build.arch}} == 'x86_64', joined with && or ||",
    });
  };
  const tokens = tokenize(expr, fail);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (v: string): boolean => peek()?.kind === 'op' && peek()!.value === v;

  const str = (): string => {
    const t = tokens[pos++];
    if (t?.kind !== 'str') fail(t ? `expected a string, found "${t.value}"` : 'expected a string at the end');
    return (t as { value: string }).value;
  };
  const primary = (): boolean => {
    if (isOp('(')) {
      pos++;
      const v = or();
      if (!isOp(')')) fail('missing ")"');
      pos++;
      return v;
    }
    const left = str();
    const op = tokens[pos++];
    if (op?.kind !== 'op' || (op.value !== '==' && op.value !== '!=')) fail(`expected == or != after '${left}'`);
    const right = str();
    return (op as { value: string }).value === '==' ? left === right : left !== right;
  };
  const and = (): boolean => {
    let v = primary();
    while (isOp('&&')) {
      pos++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (isOp('||')) {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  };

  if (tokens.length === 0) fail('the condition is empty');
  const result = or();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]!.value}"`);
  return result;
}
