/**
 * The shape every `apko-nx` verb has: a name, a one-line summary, its usage
 * line and flags, and a run function that returns an exit code. Verbs parse
 * flags and make one engine call; they hold no build logic.
 *
 * Every call is a new process, and the help needs every verb's flags, so a
 * verb file loads nothing heavy when it is imported: at the top only
 * `import type`, cli-local modules (args, build-flags, …) and the engine
 * leaves listed in plugin/boundaries.test.ts (errors, order, defaults, the
 * show-packages line formats); the engine module a verb runs is loaded
 * inside `run()`, by `await import()` of ../../engine/<area>/<module>.
 * `apko-nx version` then loads some thirty files instead of six hundred
 * (e2e/cli-laziness.test.ts checks what real calls load).
 */
import type { FlagSpec, ParsedArgs } from './args';

/** Where a verb writes: stdout for results, stderr for progress and notices. */
export interface CommandIO {
  readonly out: (line: string) => void;
  /** Writes text to stdout as it is, without a newline (melange query prints so). */
  readonly write?: (text: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** One verb of the CLI. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. `build <config.yaml> <tag> <output>` */
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional argument count accepted: [min, max]. */
  readonly arity: readonly [number, number];
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
