/**
 * What every executor returns and prints: `{ success }`, and on failure the
 * engine's one error rendering (engine/report: the CLI's text, every cause,
 * member and hint, and the bug notice for errors the engine did not raise on
 * purpose, naming Nx's --verbose), after "<what> failed: " instead of the
 * CLI's "Error: ", with stacks only under --verbose, because Nx shows this
 * text in its task output and cache replays.
 */
import { formatError } from '../engine';

/** An executor's result; `error` carries the message Nx users see. */
export interface ExecutorResult {
  success: boolean;
  error?: string;
}

/** Runs `work`, printing progress through `log`; maps a thrown error to `{ success: false, error }`. */
export async function runExecutor(
  what: string,
  work: (log: (line: string) => void) => Promise<void>,
  opts: { readonly verbose?: boolean } = {},
): Promise<ExecutorResult> {
  const log = (line: string) => console.log(line);
  try {
    await work(log);
    return { success: true };
  } catch (err) {
    const error = formatError(err, { debug: opts.verbose ?? false, bugNotice: true, debugFlag: '--verbose' });
    console.error(`${what} failed: ${error}`);
    return { success: false, error };
  }
}
