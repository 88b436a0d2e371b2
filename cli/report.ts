/**
 * How the CLI ends: the engine's one error rendering (engine/report), after
 * "Error: ", with stacks under --debug and the "looks like a bug" line for
 * errors the engine did not raise on purpose; the exit code by kind.
 */
import { formatError } from '../engine/report/format-error';
import { UsageError } from './args';

/** Exit codes by kind of failure. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The text the CLI prints on stderr for a failure. */
export function reportError(err: unknown, debug: boolean): string {
  return `Error: ${formatError(err, { debug, bugNotice: true })}`;
}

/** The exit code for an error. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? EXIT.usage : EXIT.failure;
}
