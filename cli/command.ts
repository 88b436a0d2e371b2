/**
 * The shape every `apko-nx` verb has: a name, a one-line summary, its usage
 * line and flags, and a run function that returns an exit code. Verbs parse
 * flags and make one engine call; they hold no build logic.
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
