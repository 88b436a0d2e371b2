/**
 * Where a config or include path points. apko (`pkg/paths.ResolvePath`)
 * tries the path as given (relative to the working directory, `-C`), then
 * `<prefix>/<path>` for each `--include-paths` prefix. We add one last
 * fallback apko does not have: the including file's own directory, so a
 * config and the file it includes can move together.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** How a path was found; `includer-dir` is our extension and earns a warning. */
export type ResolvedVia = 'as-given' | 'include-path' | 'includer-dir';

/** Where to look for a path. */
export interface SearchPlaces {
  /** The working directory relative paths start from. */
  readonly cwd: string;
  /** `--include-paths` prefixes, relative ones against cwd. */
  readonly includePaths: readonly string[];
  /** Directory of the file that names the path (absent for the top-level config). */
  readonly includerDir?: string;
}

/** `file`, `other` (a directory, device, FIFO: something a config cannot be), or `none`. */
async function kindOf(p: string): Promise<'file' | 'other' | 'none'> {
  try {
    return (await stat(p)).isFile() ? 'file' : 'other';
  } catch {
    return 'none';
  }
}

/** The absolute path `p` refers to, and how it was found; undefined when nowhere. Also returns every place tried. */
export async function resolveConfigPath(
  p: string,
  places: SearchPlaces,
): Promise<{ found?: { path: string; via: ResolvedVia }; tried: string[]; notFiles?: string[] }> {
  const candidates: Array<[string, ResolvedVia]> = [[resolve(places.cwd, p), 'as-given']];
  // path.Join(prefix, p) in Go joins even an absolute p under the prefix.
  for (const prefix of places.includePaths) candidates.push([resolve(places.cwd, join(prefix, p)), 'include-path']);
  if (places.includerDir !== undefined && !isAbsolute(p)) candidates.push([resolve(places.includerDir, p), 'includer-dir']);
  const tried: string[] = [];
  const notFiles: string[] = [];
  for (const [path, via] of candidates) {
    if (tried.includes(path)) continue;
    tried.push(path);
    const kind = await kindOf(path);
    if (kind === 'file') return { found: { path, via }, tried };
    if (kind === 'other') notFiles.push(path);
  }
  return { tried, ...(notFiles.length > 0 ? { notFiles } : {}) };
}
