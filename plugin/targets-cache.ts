/**
 * The on-disk memo of inferred targets: one JSON file per options hash in
 * Nx's workspace data directory, read once per graph computation and written
 * back (atomically) with exactly the entries that computation used, so it
 * never grows past the workspace's current configs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareBytes } from '../engine/workspace';

/** Entries by key; values are JSON. */
export interface TargetsCache<T> {
  /** The cached value when `fresh` accepts it, else `compute()`'s (remembered for `save`). */
  get(key: string, compute: () => T, fresh?: (cached: T) => boolean): T;
  /** Writes the entries used since opening; failures are ignored (the cache is an optimisation). */
  save(): void;
}

/** Nx's workspace data directory (`.nx/workspace-data`, or where NX_WORKSPACE_DATA_DIRECTORY points). */
export function workspaceDataDir(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.NX_WORKSPACE_DATA_DIRECTORY ?? env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  return dir ? resolve(workspaceRoot, dir) : join(workspaceRoot, '.nx', 'workspace-data');
}

/** Opens the cache file at `path` (missing or unreadable: empty). */
export function openTargetsCache<T>(path: string): TargetsCache<T> {
  let old: Record<string, T> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed !== null && typeof parsed === 'object') old = parsed as Record<string, T>;
  } catch {
    // First run, or a torn file from an older crash: recompute.
  }
  const used: Record<string, T> = {};
  return {
    get(key, compute, fresh = () => true) {
      if (!(key in used)) used[key] = key in old && fresh(old[key]!) ? old[key]! : compute();
      return used[key]!;
    },
    save() {
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
      try {
        mkdirSync(join(path, '..'), { recursive: true });
        const sorted = Object.fromEntries(Object.keys(used).sort(compareBytes).map((k) => [k, used[k]]));
        writeFileSync(tmp, JSON.stringify(sorted));
        renameSync(tmp, path);
      } catch {
        rmSync(tmp, { force: true });
      }
    },
  };
}
