/**
 * Repository and key entries as written in the config, and where they point.
 * apko resolves a relative local path against the working directory (`-C`),
 * not against the config file; the entry itself stays as written, because it
 * is what goes into `/etc/apk/repositories` and `/etc/apko.json`.
 */
import { isAbsolute, resolve } from 'node:path';
import { compareBytes } from '../order';
import type { ImageConfig } from './types';

/** A parsed `contents.*repositories` entry. */
export interface RepositoryRef {
  /** The entry exactly as configured. */
  readonly entry: string;
  /** `@tag` of a tagged repository, without the `@`. */
  readonly tag?: string;
  /** The URL or path after any tag. */
  readonly location: string;
  /** Whether the location is a local directory rather than an http(s) URL. */
  readonly local: boolean;
  /** Where to read from: the URL, or the absolute directory. */
  readonly resolved: string;
}

const REMOTE = /^https?:\/\//i;

/** Where a repository or key location points: URLs unchanged, local paths against `workDir`. */
export function resolveLocation(location: string, workDir: string): string {
  if (REMOTE.test(location)) return location;
  const path = location.startsWith('file://') ? location.slice('file://'.length) : location;
  return isAbsolute(path) ? path : resolve(workDir, path);
}

/** Splits `@tag url` and resolves the location against `workDir`. */
export function parseRepositoryEntry(entry: string, workDir: string): RepositoryRef {
  const m = /^@([a-zA-Z0-9]+)\s+(\S+)$/.exec(entry.trim());
  const location = m === null ? entry.trim() : m[2]!;
  const local = !REMOTE.test(location);
  return {
    entry,
    ...(m === null ? {} : { tag: m[1]! }),
    location,
    local,
    resolved: resolveLocation(location, workDir),
  };
}

/** Build-time repositories: the sorted union of `build_repositories` and `repositories`, as apko uses them. */
export function buildRepositories(config: ImageConfig): string[] {
  const c = config.contents;
  return [...new Set([...c.buildRepositories, ...c.repositories])].sort(compareBytes);
}

/** Runtime repositories for /etc/apk/repositories: the sorted union of `repositories` and `runtime_repositories`. */
export function runtimeRepositories(config: ImageConfig): string[] {
  const c = config.contents;
  return [...new Set([...c.repositories, ...c.runtimeRepositories])].sort(compareBytes);
}
