/**
 * The one rendering of a failure for people, used by the CLI and the Nx
 * executors alike: the message, each wrapped cause indented beneath it,
 * every member of an AggregateError (at any depth, with its own hint), then
 * the hints of the main chain. A cause or member that only repeats lines
 * already printed (the resolver's per-arch errors inside the combined one)
 * is left out, and no hint is printed twice. Stacks only when asked.
 */
import { ApkoError } from '../errors';

/** How much to print. */
export interface FormatErrorOptions {
  /** Print each error's stack frames beneath its message (the CLI's --debug). */
  readonly debug?: boolean;
  /** End with a line saying that an error the engine did not raise on purpose looks like a bug (the CLI and the executors do). */
  readonly bugNotice?: boolean;
  /** The flag that prints stacks, named in that line: `--debug` (the CLI's, the default) or Nx's `--verbose`. */
  readonly debugFlag?: string;
}

/** The line added under an error that is not an ApkoError, naming the shell's stack flag. */
export function bugNotice(debugFlag = '--debug'): string {
  return `(this looks like a bug in apko-nx; rerun with ${debugFlag} for a stack trace)`;
}

/** The CLI's line. */
export const BUG_NOTICE = bugNotice();

/** Causes nest rarely; a cycle of causes must not hang the printer. */
const MAX_DEPTH = 10;

type Lead = 'top' | 'cause' | 'member';

const flat = (t: string): string => t.replace(/\s+/g, ' ').trim();

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class Printer {
  readonly lines: string[] = [];
  /** Hints of the top error and its causes, printed last. */
  readonly trailing: string[] = [];
  private readonly hints = new Set<string>();
  private readonly seen = new Set<unknown>();
  private printed = '';

  constructor(private readonly debug: boolean) {}

  /** True when every non-blank line of `text` is already on screen. */
  said(text: string): boolean {
    return text.split('\n').every((l) => flat(l) === '' || this.printed.includes(flat(l)));
  }

  emit(line: string): void {
    this.lines.push(line);
    this.printed += ` ${flat(line)}`;
  }

  /** A hint goes under its member, or (main chain) to the end; never twice. */
  hint(text: string, indent: string | undefined): void {
    if (this.hints.has(text)) return;
    this.hints.add(text);
    if (indent === undefined) this.trailing.push(text);
    else this.emit(`${indent}hint: ${text}`);
  }

  walk(e: unknown, depth: number, lead: Lead, inMember: boolean): void {
    if (e === undefined || e === null || depth > MAX_DEPTH || this.seen.has(e)) return;
    this.seen.add(e);
    const msg = messageOf(e);
    const members = e instanceof AggregateError ? e.errors : [];
    const indent = '  '.repeat(depth);
    const show = lead === 'top' || !this.said(msg) || members.some((m) => !this.said(messageOf(m)));
    if (show) {
      const prefix = lead === 'top' ? '' : lead === 'cause' ? 'caused by: ' : '- ';
      const [first, ...rest] = msg.split('\n');
      const more = lead === 'member' ? `${indent}  ` : indent;
      this.emit(`${indent}${prefix}${first}`);
      for (const l of rest) this.emit(l === '' ? l : `${more}${l}`);
      if (this.debug && e instanceof Error && e.stack) this.lines.push(e.stack.split('\n').slice(1).join('\n'));
    }
    const member = inMember || lead === 'member';
    // A member left out as a repeat had its hint printed where it was first said.
    if (e instanceof ApkoError && e.hint && (show || !member)) this.hint(e.hint, member ? `${indent}  ` : undefined);
    // What a left-out error wraps takes its place rather than nesting under a line that is not there.
    const next = show ? depth + 1 : depth;
    for (const m of members) this.walk(m, next, 'member', true);
    if (e instanceof Error) this.walk(e.cause, next, 'cause', member);
  }
}

/** Formats `err` with its causes, members and hints (no "Error:" prefix; callers add their own). */
export function formatError(err: unknown, opts: FormatErrorOptions = {}): string {
  const p = new Printer(opts.debug ?? false);
  p.walk(err, 0, 'top', false);
  for (const h of p.trailing) p.lines.push(`hint: ${h}`);
  if (opts.bugNotice && !opts.debug && !(err instanceof ApkoError)) p.lines.push(bugNotice(opts.debugFlag));
  return p.lines.join('\n');
}
