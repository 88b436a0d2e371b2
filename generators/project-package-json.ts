/**
 * Facts a generator takes from a project's own package.json (its license and
 * version), so the files it writes agree with what npm already says about
 * the project. A missing or unreadable package.json gives no facts.
 */
import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';

/** The string fields of `<root>/package.json` a generator reuses. */
export interface ProjectPackageJson {
  readonly path: string;
  readonly license?: string;
  readonly version?: string;
}

/** What `<root>/package.json` says, field by field (absent fields, or no file, are undefined). */
export function readProjectPackageJson(tree: Tree, root: string): ProjectPackageJson {
  const path = posix.join(root, 'package.json');
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(tree.read(path, 'utf8') ?? '{}');
    if (parsed !== null && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // An unparsable package.json is npm's error to report, not ours.
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { path, license: str(json.license), version: str(json.version) };
}
