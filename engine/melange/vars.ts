/**
 * `vars:` values that refer to other vars. Each var is resolved depth first,
 * so `a: ${{vars.b}}` and `b: ${{vars.c}}` give `a` the text of `c` whatever
 * the order of the keys; a var that leads back to itself (`a: ${{vars.a}}`,
 * or a → b → a) is a ConfigError naming the file and the cycle, raised at
 * load, so a reference never reaches a step's shell unresolved. Values given
 * on the command line (`--var`) are literal text: nothing in them is
 * substituted, they reach a step only as its author's script places them.
 * melange itself resolves no var inside another (`variable vars.b not
 * defined`), so this is a superset of what its files use.
 */
import { ConfigError } from '../errors';
import { compareBytes } from '../order';

/** How deep one var may refer through others; deeper chains are refused, not followed off the stack. */
export const MAX_VAR_DEPTH = 64;

const REF = /\$\{\{\s*([A-Za-z0-9._-]+)\s*\}\}/g;

/** What resolving needs: the file for messages, how to look up other names, and which vars are literal. */
export interface VarContext {
  readonly file: string;
  /** Any name but a var of this file (package.*, or an error naming the site). */
  readonly lookup: (name: string, path: string) => string;
  /** Vars whose values are used as given (from the command line). */
  readonly literal: ReadonlySet<string>;
}

/** Every var's resolved value, keyed `vars.<name>`, in sorted key order. */
export function resolveVarValues(vars: Readonly<Record<string, string>>, ctx: VarContext): Map<string, string> {
  const done = new Map<string, string>();
  const chain: string[] = [];
  const resolve = (key: string): string => {
    const known = done.get(key);
    if (known !== undefined) return known;
    const raw = vars[key]!;
    if (ctx.literal.has(key)) {
      done.set(key, raw);
      return raw;
    }
    const at = chain.indexOf(key);
    if (at >= 0) throw cycleError([...chain.slice(at), key], vars, ctx.file);
    if (chain.length >= MAX_VAR_DEPTH) {
      throw new ConfigError(`${ctx.file}: vars.${chain[0]}: refers through more than ${MAX_VAR_DEPTH} other vars (${chain.slice(0, 4).join(' → ')} → …)`, {
        file: ctx.file,
        path: `vars.${chain[0]}`,
        hint: 'write the value out instead of chaining vars this deep',
      });
    }
    chain.push(key);
    const value = raw.replace(REF, (_, name: string) => {
      const other = name.startsWith('vars.') ? name.slice('vars.'.length) : undefined;
      return other !== undefined && Object.hasOwn(vars, other) ? resolve(other) : ctx.lookup(name, `vars.${key}`);
    });
    chain.pop();
    done.set(key, value);
    return value;
  };
  const out = new Map<string, string>();
  for (const k of Object.keys(vars).sort(compareBytes)) out.set(`vars.${k}`, resolve(k));
  return out;
}

function cycleError(cycle: readonly string[], vars: Readonly<Record<string, string>>, file: string): ConfigError {
  const first = cycle[0]!;
  const what =
    cycle.length === 2
      ? `vars.${first} refers to itself (${first}: ${vars[first]})`
      : `vars ${cycle.join(' → ')} refer to each other in a cycle (${cycle.slice(0, -1).map((k) => `${k}: ${vars[k]}`).join(', ')})`;
  return new ConfigError(`${file}: ${what}`, {
    file,
    path: `vars.${first}`,
    hint: 'give one of them a value that does not lead back to it',
  });
}
