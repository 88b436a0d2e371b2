/**
 * Prints a failure the way users need it: the message, each wrapped cause
 * indented beneath it, then the hint. A stack only with --debug.
 */
import { ApkoError } from '../engine';
import { UsageError } from './args';

/** Exit codes by kind of failure. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Formats an error and its causes for the terminal. */
export function formatError(err: unknown, debug: boolean): string {
  const lines: string[] = [];
  let current: unknown = err;
  let depth = 0;
  const hints: string[] = [];
  // A cause that only repeats what is already printed (resolver details) is left out.
  const flat = (t: string): string => t.replace(/\s+/g, ' ').trim();
  const said = (msg: string): boolean => {
    const printed = flat(lines.join('\n'));
    return msg.split('\n').every((l) => flat(l) === '' || printed.includes(flat(l)));
  };
  while (current !== undefined && current !== null && depth < 10) {
    const e = current as Error & { hint?: string; errors?: unknown[] };
    const msg = e instanceof Error ? e.message : String(current);
    const inner = e instanceof AggregateError ? e.errors.map((x) => (x as Error).message ?? String(x)).filter((m) => !said(m)) : [];
    if (depth === 0 || !said(msg) || inner.length > 0) lines.push(`${'  '.repeat(depth)}${depth === 0 ? 'Error: ' : 'caused by: '}${msg}`);
    for (const m of inner) lines.push(`${'  '.repeat(depth + 1)}- ${m}`);
    if (e instanceof ApkoError && e.hint) hints.push(e.hint);
    if (debug && e instanceof Error && e.stack) lines.push(e.stack.split('\n').slice(1).join('\n'));
    current = e instanceof Error ? e.cause : undefined;
    depth++;
  }
  for (const h of hints) lines.push(`hint: ${h}`);
  if (!(err instanceof ApkoError) && !debug) lines.push('(this looks like a bug in apko-nx; rerun with --debug for a stack trace)');
  return lines.join('\n');
}

/** The exit code for an error. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? EXIT.usage : EXIT.failure;
}
