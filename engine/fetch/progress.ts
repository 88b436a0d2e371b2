/**
 * "fetched n/N packages" lines for long fetches: one at about every tenth
 * of the packages and one at the end, so a build of hundreds of packages
 * shows it is moving without a line per package. Progress goes to the
 * request's log only (stderr in the CLI, the task output in Nx), never into
 * an output.
 */

/** A counter to call once per package fetched and verified. */
export function fetchProgress(total: number, arch: string, log: (line: string) => void): () => void {
  const step = Math.max(1, Math.ceil(total / 10));
  let done = 0;
  return () => {
    done += 1;
    if (done === total || done % step === 0) log(`${arch}: fetched ${done}/${total} packages`);
  };
}
