/**
 * A small, strict argument parser for apko-compatible verbs: `--flag value`,
 * `--flag=value`, `-k value`, repeated list flags, comma-separated lists, and
 * `--` to end options. An unknown flag is a UsageError naming it.
 */
import { ApkoError } from '../engine/errors';
import { compareBytes } from '../engine/order';

/** How one flag is read. */
export interface FlagSpec {
  /** `boolean` takes no value (`--x=false` allowed); `string` takes one; `list` repeats and splits on commas when `split`. */
  type: 'boolean' | 'string' | 'list';
  alias?: string;
  /** Split list values on commas (e.g. `--arch x86_64,aarch64`). */
  split?: boolean;
  description: string;
  /** Shown in help as the value's name. */
  value?: string;
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

/** Bad command-line usage; the CLI prints it with the verb's usage. */
export class UsageError extends ApkoError {
  constructor(message: string, hint?: string) {
    super('EUSAGE', message, hint === undefined ? {} : { hint });
  }
}

/** Parses `argv` against `spec` (keys are long flag names without dashes). */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const byAlias = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.alias) byAlias.set(s.alias, name);
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1, eq < 0 ? undefined : eq);
    const name = arg.startsWith('--') ? rawName : byAlias.get(rawName);
    const s = name === undefined ? undefined : spec[name];
    if (name === undefined || s === undefined) {
      throw new UsageError(`unknown flag ${arg.slice(0, eq < 0 ? undefined : eq)}`, 'run with --help to list the flags');
    }
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (s.type === 'boolean') {
      flags[name] = value === undefined ? true : !['false', '0', 'no'].includes(value);
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    }
    if (s.type === 'string') {
      flags[name] = value;
    } else {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(...(s.split ? value.split(',').map((v) => v.trim()).filter((v) => v !== '') : [value]));
      flags[name] = list;
    }
  }
  return { positionals, flags };
}

/** Renders the flag table for --help. */
export function formatFlags(spec: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(spec)
    .sort(([a], [b]) => compareBytes(a, b))
    .map(([name, s]) => {
      const left = `${s.alias ? `-${s.alias}, ` : '    '}--${name}${s.type === 'boolean' ? '' : ` ${s.value ?? 'VALUE'}`}`;
      return [left, s.description] as const;
    });
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join('\n');
}

/** Typed accessors over parsed flags. */
export function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A list flag's values (empty when not given). */
export function list(p: ParsedArgs, name: string): string[] {
  const v = p.flags[name];
  return Array.isArray(v) ? v : [];
}

/** A boolean flag's value (false when not given). */
export function bool(p: ParsedArgs, name: string): boolean {
  return p.flags[name] === true;
}

/** `--var k=v` pairs as a record; the last of a repeated key wins. */
export function parseVarPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${pair} is not KEY=VALUE`, 'write it as --var name=value');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
