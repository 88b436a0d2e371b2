/**
 * Which directory a generator writes into: the root of an existing project
 * (from project.json or package.json), else `--directory`, else a new
 * directory named like the project, which the plugin then infers as a
 * project of that name.
 */
import type { Tree } from '@nx/devkit';
import { nxFor } from './nx-api';
import { posix } from 'node:path';

/** The project's root, workspace-relative; `created` when no such project exists yet. */
export function projectRoot(tree: Tree, project: string, directory?: string): { root: string; created: boolean } {
  const existing = nxFor(tree).getProjects(tree).get(project);
  if (existing) return { root: existing.root || '.', created: false };
  const root = posix.normalize((directory ?? project).split('\\').join('/')).replace(/\/+$/, '');
  if (root === '..' || root.startsWith('../') || posix.isAbsolute(root)) {
    throw new Error(`--directory ${directory} must be inside the workspace`);
  }
  return { root, created: true };
}
