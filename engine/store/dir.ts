/**
 * Where the store lives when nobody says: `--cache-dir`, then
 * `APKO_CACHE_DIR`, then `$XDG_CACHE_HOME/apko-nx`, then `~/.cache/apko-nx`.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The inputs the choice depends on; each defaults to the process's own. */
export interface CacheDirInputs {
  /** The `--cache-dir` flag, when given. */
  cacheDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  home?: string;
  /** Resolves a relative `--cache-dir` or `APKO_CACHE_DIR`. */
  cwd?: string;
}

/** The cache directory, as an absolute path. */
export function defaultCacheDir(inputs: CacheDirInputs = {}): string {
  const env = inputs.env ?? process.env;
  const cwd = inputs.cwd ?? process.cwd();
  const explicit = [inputs.cacheDir, env.APKO_CACHE_DIR].find((d) => d !== undefined && d !== '');
  if (explicit !== undefined) return resolve(cwd, explicit);
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'apko-nx');
  return join(inputs.home ?? homedir(), '.cache', 'apko-nx');
}
