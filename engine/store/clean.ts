/**
 * `apko-nx clean`: removes the cache directory, or with a dry run only says
 * how much it holds. Sizes count every regular file below the directory.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

async function sizeOf(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

/** Measures and (unless `dryRun`) removes the cache directory `dir`. */
export async function cleanCache(dir: string, opts: { dryRun?: boolean } = {}): Promise<{ dir: string; bytes: number; removed: boolean }> {
  if (!existsSync(dir)) return { dir, bytes: 0, removed: false };
  const bytes = await sizeOf(dir);
  if (opts.dryRun) return { dir, bytes, removed: false };
  await rm(dir, { recursive: true, force: true });
  return { dir, bytes, removed: true };
}
