/**
 * `apko-nx clean`: removes the cache directory, or with a dry run only says
 * how much it holds. Sizes count every regular file below the directory.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from './dir';

async function sizeOf(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

/** `clean`: which cache (default as every build finds it) and whether to only measure it. */
export interface CleanRequest {
  readonly cacheDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly dryRun?: boolean;
}

/** Measures and (unless `dryRun`) removes the cache directory: `dir`, or the one a request names. */
export async function cleanCache(target: string | CleanRequest, opts: { dryRun?: boolean } = {}): Promise<{ dir: string; bytes: number; removed: boolean }> {
  const dir =
    typeof target === 'string'
      ? target
      : defaultCacheDir({ ...(target.cacheDir !== undefined ? { cacheDir: target.cacheDir } : {}), ...(target.env ? { env: target.env } : {}), ...(target.cwd ? { cwd: target.cwd } : {}) });
  const dryRun = typeof target === 'string' ? opts.dryRun : target.dryRun;
  if (!existsSync(dir)) return { dir, bytes: 0, removed: false };
  const bytes = await sizeOf(dir);
  if (dryRun) return { dir, bytes, removed: false };
  await rm(dir, { recursive: true, force: true });
  return { dir, bytes, removed: true };
}
