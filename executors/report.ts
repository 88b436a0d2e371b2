/**
 * What every executor returns and prints: `{ success }`, and on failure the
 * error's message, its causes and its hint, never a stack, because Nx shows
 * this text in its task output and cache replays.
 */
import { ApkoError } from '../engine';

/** An executor's result; `error` carries the message Nx users see. */
export interface ExecutorResult {
  success: boolean;
  error?: string;
}

/** The message of `err`, its causes indented beneath, and its hints. */
export function describeError(err: unknown): string {
  const lines: string[] = [];
  const hints: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const msg = current instanceof Error ? current.message : String(current);
    lines.push(depth === 0 ? msg : `${'  '.repeat(depth)}caused by: ${msg}`);
    if (current instanceof ApkoError && current.hint) hints.push(current.hint);
    current = current instanceof Error ? current.cause : undefined;
  }
  return [...lines, ...hints.map((h) => `hint: ${h}`)].join('\n');
}

/** Runs `work`, printing progress through `log`; maps a thrown error to `{ success: false, error }`. */
export async function runExecutor(what: string, work: (log: (line: string) => void) => Promise<void>): Promise<ExecutorResult> {
  const log = (line: string) => console.log(line);
  try {
    await work(log);
    return { success: true };
  } catch (err) {
    const error = describeError(err);
    console.error(`${what} failed: ${error}`);
    return { success: false, error };
  }
}
